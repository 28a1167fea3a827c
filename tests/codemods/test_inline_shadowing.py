"""``inline`` on the name model: a binding that shadows the shim's name or its module alias
is never rewritten, and importers through package re-export chains keep importing."""

from __future__ import annotations

import pytest
from test_inline_shapes import BASIC_SHIM, SHIM, TRIVIAL_SHIM, dedent, inline

# Code in which ``x`` is a parameter, a local ... and ``expr`` is read where ``x`` is bound.
SHADOWS = {
    "parameter": "def f({x}):\n    return {expr}\n",
    "local": "def f():\n    {x} = object()\n    return {expr}\n",
    "comprehension variable": "def f(items):\n    return [{expr} for {x} in items]\n",
    "class attribute": "class K:\n    {x} = object()\n    value = {expr}\n",
    "except target": (
        "def f():\n    try:\n        pass\n    except Exception as {x}:\n        return {expr}\n"
    ),
    "for target": "def f(items):\n    for {x} in items:\n        return {expr}\n",
}
# The import of the shim, the name that shadows it, and the read of the shim's A.
MODULE_FORMS = {
    "module alias": ("import pkg._compat as compat", "compat", "compat.A"),
    "from-imported module": ("from pkg import _compat", "_compat", "_compat.A"),
    "dotted import": ("import pkg._compat", "pkg", "pkg._compat.A"),
}


def _shadow(shape: str, name: str, expression: str) -> str:
    return SHADOWS[shape].format(x=name, expr=expression)


@pytest.mark.parametrize("form", sorted(MODULE_FORMS))
@pytest.mark.parametrize("shape", sorted(SHADOWS))
def test_a_shadowed_module_binding_is_not_the_shim(shape: str, form: str) -> None:
    statement, name, expression = MODULE_FORMS[form]
    shadowed = _shadow(shape, name, expression)
    handler = f"{statement}\n\n\n{shadowed}\n\ndef g():\n    return {expression}\n"
    plan, after = inline({SHIM: BASIC_SHIM, "pkg/handler.py": handler})
    expected = f"from sglang.srt.a import A\n\n\n{shadowed}\n\ndef g():\n    return A\n"
    assert after["pkg/handler.py"] == expected
    assert [(item.name, [e.line for e in item.importers]) for item in plan.inlined] == [
        ("A", [handler.count("\n")])
    ]


@pytest.mark.parametrize("shape", sorted(SHADOWS))
def test_a_shadowed_from_imported_name_keeps_its_binding(shape: str) -> None:
    shadowed = _shadow(shape, "A", "A")
    handler = f"from pkg._compat import A\n\n\n{shadowed}\n\ndef g():\n    return A\n"
    _, after = inline({SHIM: BASIC_SHIM, "pkg/handler.py": handler})
    assert after["pkg/handler.py"] == handler.replace("pkg._compat", "sglang.srt.a")


@pytest.mark.parametrize("form", sorted(MODULE_FORMS))
@pytest.mark.parametrize("shape", sorted(SHADOWS))
def test_a_binding_named_like_the_inlined_name_leaves_the_importer_alone(
    shape: str, form: str
) -> None:
    statement, _, expression = MODULE_FORMS[form]
    handler = f"{statement}\n\n\n{_shadow(shape, 'A', expression)}"
    plan, after = inline({SHIM: BASIC_SHIM, "pkg/handler.py": handler})
    assert after["pkg/handler.py"] == handler
    assert [(m.path, m.name) for m in plan.manual] == [("pkg/handler.py", "A")]
    assert "A is already bound differently here" in plan.manual[0].reason


def test_an_inlined_name_that_would_shadow_a_builtin_leaves_the_importer_alone() -> None:
    shim = "from sglang.srt.io import open\n\n__all__ = ['open']\n"
    handler = 'from pkg import _compat\n\nprint(_compat.open, open("x"))\n'
    plan, after = inline({SHIM: shim, "pkg/handler.py": handler})
    assert after["pkg/handler.py"] == handler
    assert [(m.path, m.line, m.reason) for m in plan.manual] == [
        (
            "pkg/handler.py",
            3,
            "open already names a builtin or global here (line 3); importer left as is",
        )
    ]


def test_a_name_assigned_on_the_shim_module_is_not_inlined() -> None:
    files = {
        SHIM: BASIC_SHIM,
        "pkg/patch.py": "from pkg import _compat\n\n\ndef patch():\n    _compat.A = 1\n",
        "pkg/get.py": "from pkg import _compat\n\n\ndef get():\n    return _compat.A\n",
    }
    plan, after = inline(files)
    assert after == {path: dedent(text) for path, text in files.items()}
    assert [(m.path, m.line, m.name) for m in plan.manual] == [("pkg/patch.py", 5, "A")]


# -- re-export chains ---------------------------------------------------------------------------


def test_a_two_level_chain_keeps_importing() -> None:
    plan, after = inline(
        {
            "pkg/sub/_compat.py": TRIVIAL_SHIM,
            "pkg/sub/__init__.py": "from ._compat import A, B\n",
            "pkg/__init__.py": "from .sub import A\n",
            "app.py": "from pkg import A\nfrom pkg.sub import B\n\nprint(A, B)\n",
        },
        overrides={"shim": ["pkg/sub/_compat.py"], "src": ["."]},
    )
    assert plan.deleted == ["pkg/sub/_compat.py"]
    assert after["pkg/sub/__init__.py"] == "from sglang.srt.a import A, B\n"
    assert after["pkg/__init__.py"] == "from .sub import A\n"
    assert after["app.py"] == "from pkg import A\nfrom pkg.sub import B\n\nprint(A, B)\n"


def test_the_shim_module_through_a_package_rebinding_is_rewritten() -> None:
    """``pkg/__init__.py`` binds the shim as ``compat``; ``app.py`` reads ``pkg.compat.A``
    and never spells ``_compat``. Deleting the shim used to leave it an AttributeError."""
    plan, after = inline(
        {
            SHIM: TRIVIAL_SHIM,
            "pkg/__init__.py": "from . import _compat as compat\n",
            "app.py": "import pkg\n\nprint(pkg.compat.A)\n",
        },
        overrides={"src": ["."]},
    )
    assert after["app.py"] == "from sglang.srt.a import A\n\nimport pkg\n\nprint(A)\n"
    assert plan.deleted == [SHIM]
    assert after["pkg/__init__.py"] == "\n"


def test_a_two_level_module_rebinding_keeps_the_name_in_the_shim_or_rewrites() -> None:
    plan, after = inline(
        {
            "pkg/sub/_compat.py": BASIC_SHIM,
            "pkg/sub/__init__.py": "from . import _compat as compat\n",
            "pkg/__init__.py": "from .sub import compat as c2\n",
            "app.py": "from pkg import c2\n\nprint(c2.A)\n",
            "pkg/h.py": "from pkg.sub._compat import A\n\nprint(A)\n",
        },
        overrides={"shim": ["pkg/sub/_compat.py"], "src": ["."]},
    )
    assert after["app.py"] == "from sglang.srt.a import A\n\nprint(A)\n"
    assert after["pkg/h.py"] == "from sglang.srt.a import A\n\nprint(A)\n"
    assert [(i.name, i.removed_from_shim) for i in plan.inlined] == [("A", True)]
