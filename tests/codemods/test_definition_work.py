"""A tagged definition whose definition runs code stays: removing it removes the work."""

from __future__ import annotations

import libcst as cst
import pytest
from prune_helpers import SHIM, dedent, prune

from compatlint.codemods.definition_work import ModuleNames, definition_work

OLD = "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+"
PRELUDE = "import functools\nfrom functools import cache as memo\n\nREGISTRY = []\n\n\n"


def _work(source: str) -> str | None:
    module = cst.parse_module(PRELUDE + dedent(source))
    node = module.body[-1]
    assert isinstance(node, (cst.FunctionDef, cst.ClassDef))
    return definition_work(node, ModuleNames(module))


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("def f():\n    pass\n", None),
        ("def f(a=1, *, b=(None, 'x'), c=-2.5):\n    pass\n", None),
        ("def f(a: int, b: list[str] | None = None) -> dict[str, int]:\n    pass\n", None),
        ("@functools.lru_cache(maxsize=None)\ndef f():\n    pass\n", None),
        ("@memo\ndef f():\n    pass\n", None),
        (
            "class C:\n    '''Doc.'''\n\n    X = 1\n\n"
            "    @staticmethod\n    def f():\n        pass\n",
            None,
        ),
        ("@REGISTRY.append\ndef f():\n    pass\n", "decorators"),
        ("@functools.lru_cache(maxsize=print())\ndef f():\n    pass\n", "decorators"),
        ("def f(a=print('set up')):\n    pass\n", "defaults"),
        ("def f(a: print('evaluated') = 1):\n    pass\n", "annotations"),
        ("class C(REGISTRY.__class__):\n    pass\n", "bases"),
        ("class C(metaclass=type):\n    pass\n", "bases"),
        ("class C:\n    REGISTRY.append(1)\n", "body"),
        ("class C:\n    @REGISTRY.append\n    def f(self):\n        pass\n", "body"),
    ],
)
def test_what_defining_runs(source: str, reason: str | None) -> None:
    found = _work(source)
    assert (found is None) if reason is None else (found is not None and reason in found)


def test_postponed_annotations_run_nothing() -> None:
    module = cst.parse_module(
        "from __future__ import annotations\n\n\ndef f(a: print('x')) -> g():\n    pass\n"
    )
    node = module.body[-1]
    assert isinstance(node, cst.FunctionDef)
    assert definition_work(node, ModuleNames(module)) is None


@pytest.mark.parametrize(
    "definition",
    [
        "@register\ndef ensure_patched():\n    return None\n",
        "class LegacyPlugin(Base):\n    pass\n",
        "def ensure_patched(hook=register(print)):\n    return None\n",
    ],
)
def test_prune_keeps_a_definition_whose_definition_runs_code(definition: str) -> None:
    shim = (
        "REGISTRY = []\n\n\ndef register(f):\n    REGISTRY.append(f)\n    return f\n\n\n"
        "class Base:\n    def __init_subclass__(cls):\n        REGISTRY.append(cls)\n\n\n"
        f"{OLD}\n{definition}"
    )
    plan = prune({SHIM: shim, "pkg/__init__.py": ""})
    assert plan.edits == {}
    assert any("when it is defined" in item.reason for item in plan.follow_ups), plan.follow_ups


def test_prune_removes_a_definition_that_only_binds() -> None:
    shim = (
        f"import functools\n\n\n{OLD}\n@functools.cache\ndef ensure_patched(x=1):\n    return x\n"
    )
    plan = prune({SHIM: shim, "pkg/__init__.py": ""})
    assert "ensure_patched" not in plan.new_text(SHIM, shim)
