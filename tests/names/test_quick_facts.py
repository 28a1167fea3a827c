"""The fast walk of :func:`binding_facts` finds what a plain ``ast.walk`` finds."""

from __future__ import annotations

import ast
import sysconfig
from collections import Counter
from pathlib import Path

import pytest

from compatlint.names.bindings import read_bindings
from compatlint.names.quick import _bound_names, binding_facts

SNIPPETS = [
    "from a import b as c, d\nimport e.f, g as h\n",
    "def f(x, /, y=1, *args, z, **kw):\n    global G\n    nonlocal_ = lambda q, *r: q\n",
    "def outer():\n    v = 1\n    def inner():\n        nonlocal v\n        v = 2\n",
    "class C(B):\n    attr: int = 1\n    del attr\n",
    "for i, (j, *k) in x:\n    pass\nwith a as (b, c), d as e[0]:\n    pass\n",
    "try:\n    pass\nexcept E as err:\n    pass\n",
    "try:\n    pass\nexcept* F as group:\n    pass\n",
    "[y for y in range(3) if (z := y)]\n{k: v for k, v in d}\n(w async for w in s)\n",
    "match p:\n    case {'a': A, **rest}:\n        pass\n    case [B, *others] | (B, *others):\n"
    "        pass\n    case Point(x=X) as whole:\n        pass\n    case _:\n        pass\n",
    "x.attr = 1\nx[0] = 2\nf(kw=3)\nprint(name)\n",
    "async def g():\n    async with a as b:\n        pass\n    async for c in d:\n        pass\n",
    "from . import *\nfrom .m import n\n",
    "@decorator(arg)\ndef h(a: int = f'{(q := 1)}') -> None:\n    return None\n",
]


def reference(tree: ast.Module) -> tuple[Counter[str], list[ast.ImportFrom]]:
    counts: Counter[str] = Counter()
    from_imports: list[ast.ImportFrom] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            from_imports.append(node)
        for name in _bound_names(node):
            counts[name] += 1
    return counts, from_imports


def check(text: str) -> None:
    tree = ast.parse(text)
    facts = binding_facts(tree)
    counts, from_imports = reference(tree)
    assert facts.counts == counts
    assert [id(node) for node in facts.from_imports] == [id(node) for node in from_imports]


@pytest.mark.parametrize("text", SNIPPETS)
def test_the_fast_walk_counts_every_kind_of_binding(text: str) -> None:
    check(text)


def test_the_fast_walk_agrees_on_the_standard_library() -> None:
    """Real code: every module at the top of the standard library that parses here."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    checked = 0
    for path in sorted(stdlib.glob("*.py")):
        try:
            text = path.read_text(encoding="utf-8")
            ast.parse(text)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        check(text)
        checked += 1
    assert checked > 100


def test_bindings_read_without_walrus_search_are_the_same_where_no_walrus_is_spelled() -> None:
    """``read_bindings(..., walrus=False)`` is only a shortcut for sources without ``:=``."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    checked = 0
    for path in sorted(stdlib.glob("*.py")):
        try:
            text = path.read_text(encoding="utf-8")
            tree = ast.parse(text)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        if ":=" in text:
            continue
        assert read_bindings(tree, "m", walrus=False) == read_bindings(tree, "m")
        checked += 1
    assert checked > 100
    with_walrus = ast.parse("if (found := look()):\n    pass\n")
    assert "found" in read_bindings(with_walrus).names
    assert "found" not in read_bindings(with_walrus, walrus=False).names
