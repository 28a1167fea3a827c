"""The collection closure skips files whose imports cannot lead to an upstream import."""

from __future__ import annotations

import ast
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compatlint import engine
from compatlint.analysis.import_reach import TargetReach, import_words, module_word
from compatlint.config_file import load_config
from compatlint.engine import gather_facts
from compatlint.workspace import Workspace

# -- the words are a superset of what every import spells -----------------------------------

SHAPES = [
    "import {m}\n",
    "import os, {m} as alias\n",
    "from {m} import {n}\n",
    "from {m} import ({n}, other)\n",
    "from {m} import (\n    {n},  # a comment (with parentheses)\n    other,\n)\n",
    "from {m} import (  # (\n    other,\n    {n}\n)\n",
    "from {m} \\\n    import {n}\n",
    "from \\\n  {m} import \\\n  {n}\n",
    "x = 1; from {m} import {n}\n",
    "if True: import {m}\n",
    "try:\n    from {m} import {n}\nexcept ImportError:\n    pass\n",
    "def f():\n    from {m} import {n}\n",
    "class C:\n    import {m}\n",
    'mod = importlib.import_module("{m}")\n',
    "mod = importlib.import_module(\n    '{m}'\n)\n",
    '"""A docstring\n\nimport nothing"""\nfrom {m} import {n}\n',
]
RELATIVE = [
    "from . import {n}\n",
    "from .{m} import {n}\n",
    "from ..{m} import (\n    {n},\n)\n",
    "from \\\n    .{m} import {n}\n",
]
identifier = st.from_regex(r"[a-z_][a-z0-9_]{0,6}", fullmatch=True).filter(
    lambda s: (
        s not in {"import", "from", "as", "if", "def", "class", "try", "in", "is", "or"}
        and s.isidentifier()
        and not __import__("keyword").iskeyword(s)
    )
)
dotted = st.lists(identifier, min_size=1, max_size=3).map(".".join)


def spelled(tree: ast.AST) -> tuple[set[str], bool]:
    """What the imports of ``tree`` spell: each part of each module, each name."""
    parts: set[str] = set()
    relative = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts.update(alias.name.split("."))
        elif isinstance(node, ast.ImportFrom):
            relative = relative or node.level > 0
            parts.update((node.module or "").split(".") if node.module else ())
            parts.update(alias.name for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and isinstance(node.args[0], ast.Constant)
        ):
            parts.update(str(node.args[0].value).split("."))
    return parts, relative


@settings(deadline=None, max_examples=150)
@given(
    chosen=st.lists(
        st.tuples(st.sampled_from(SHAPES + RELATIVE), dotted, identifier), min_size=1, max_size=5
    ),
    filler=st.sampled_from(["", "x = 1\n", "# import this\n", "print('(')\n"]),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_the_words_hold_every_part_every_import_spells(
    chosen: list[tuple[str, str, str]], filler: str, newline: str
) -> None:
    text = filler.join(shape.format(m=m, n=n) for shape, m, n in chosen)
    text = text.replace("\n", newline)
    parts, relative = spelled(ast.parse(text))
    found = import_words(text)
    assert parts <= found.words
    assert found.relative or not relative


def test_non_ascii_identifiers_are_compared_normalised() -> None:
    assert "modul" in import_words("import ｍｏｄｕｌ\n").words
    assert module_word("pkg/ｍｏｄｕｌ.py") == "modul"
    assert module_word("pkg/sub/__init__.py") == "sub"


# -- pruning keeps every upstream import collection runs ------------------------------------

PYPROJECT = """\
[tool.compatlint]
upstream = "sglang"
shim = []
src = ["src"]
floor = "0.5.10"

[tool.compatlint.mocks]
file = "tests/stubs.py"
name = "STUBS"
collect = ["src/pkg"]
"""


def write(root: Path, files: Mapping[str, str]) -> None:
    for rel, text in {
        "pyproject.toml": PYPROJECT,
        "tests/stubs.py": "STUBS = []\n",
        **files,
    }.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def upstream_in_scope(root: Path) -> set[tuple[str, str]]:
    workspace = Workspace(load_config(root / "pyproject.toml"))
    project = gather_facts(workspace, workspace.python_files(), use_cache=False)
    return {
        (facts.path, fact.module)
        for facts in project.stub_scope()
        for fact in facts.imports
        if fact.module.startswith("sglang")
    }


IMPORTS = ["import pkg.m{t}\n", "from pkg import m{t}\n", "from . import m{t}\n"]


@settings(deadline=None, max_examples=40)
@given(
    edges=st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 6), st.sampled_from(IMPORTS)), max_size=14
    ),
    upstream=st.sets(st.integers(0, 6), max_size=3),
    lazy=st.sets(st.integers(0, 6), max_size=2),
    tested=st.sets(st.integers(0, 6), min_size=1, max_size=2),
)
def test_pruning_finds_the_upstream_imports_the_whole_closure_finds(
    edges: list[tuple[int, int, str]],
    upstream: set[int],
    lazy: set[int],
    tested: set[int],
) -> None:
    bodies: dict[int, str] = {n: "" for n in range(7)}
    for source, target, shape in edges:
        line = shape.format(t=target)
        bodies[source] += f"def later():\n    {line}" if source in lazy else line
    for n in upstream:
        bodies[n] += f"from sglang.srt.m{n} import X\n"
    files = {f"src/pkg/m{n}.py": body for n, body in bodies.items()}
    files["src/pkg/__init__.py"] = ""
    files["tests/test_x.py"] = "".join(f"import pkg.m{t}\n" for t in sorted(tested))
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        write(root, files)
        pruned = upstream_in_scope(root)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(TargetReach, "SEARCH_BUDGET", 0)  # every file's words at once
            indexed = upstream_in_scope(root)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(TargetReach, "leads_to_target", lambda self, path: True)
            whole = upstream_in_scope(root)
    assert pruned == indexed == whole


def test_files_that_cannot_lead_upstream_are_not_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "src/pkg/__init__.py": "",
        "src/pkg/core.py": "from .basic import B\nfrom . import numbers\n",
        "src/pkg/basic.py": "from .numbers import N\nB = N\n",
        "src/pkg/numbers.py": "from math import pi\nN = pi\n",
        "src/pkg/serving.py": "from .upstream_bridge import X\n",
        "src/pkg/upstream_bridge.py": "from sglang.srt.utils import X\n",
        "tests/test_core.py": "import pkg.core\nimport pkg.serving\n",
    }
    write(tmp_path, files)
    parsed: list[str] = []
    real = engine.module_imports

    def counting(path: str, text: str):
        parsed.append(path)
        return real(path, text)

    monkeypatch.setattr(engine, "module_imports", counting)
    found = upstream_in_scope(tmp_path)
    assert found == {("src/pkg/upstream_bridge.py", "sglang.srt.utils")}
    assert "src/pkg/core.py" not in parsed and "src/pkg/basic.py" not in parsed
    assert {"tests/test_core.py", "src/pkg/serving.py"} <= set(parsed)
