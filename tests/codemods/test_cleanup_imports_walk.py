"""The clean-up finds a module's imports by walking statements only; every node visited
(the walk it replaces) finds the same imports in the same order."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
from helpers import examples
from hypothesis import HealthCheck, given, settings
from test_prune_properties import SHIM, projects

from compatlint.codemods.imports_cleanup import _imports
from compatlint.codemods.locate import parse_module

ROOT = Path(__file__).resolve().parents[2]

EVERY_BLOCK = """\
import a
if a:
    import b; from c import d
elif b:
    from .e import f as g
else:
    import h.i
try:
    import j
except ImportError:
    from k import (l,
        m)
else:
    import o
finally:
    import p
for q in r:
    import s
else:
    import t
try:
    pass
except* OSError:
    import n
while u:
    import v
else:
    import w
with x as y:
    if y: import z
async def aa():
    async with bb:
        import cc
    async for dd in ee:
        import ff
class GG:
    @decorated(lambda: __import__("hh"))
    def ii(self):
        import jj
match kk:
    case [ll] if ll:
        import mm
    case _:
        from nn import *
"""


def _visited(module: cst.Module) -> list[cst.CSTNode]:
    """Every import, by visiting every node."""
    found: list[cst.CSTNode] = []

    class _Collector(cst.CSTVisitor):
        def visit_Import(self, node: cst.Import) -> None:
            found.append(node)

        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            found.append(node)

    module.visit(_Collector())
    return found


def _same(text: str) -> None:
    module = parse_module(text)
    walked, visited = _imports(module), _visited(module)
    assert len(walked) == len(visited)
    assert all(a is b for a, b in zip(walked, visited, strict=True))


def test_every_kind_of_block() -> None:
    _same(EVERY_BLOCK)
    assert len(_imports(parse_module(EVERY_BLOCK))) == 20


def test_the_project_and_example_sources() -> None:
    paths = [*ROOT.glob("src/**/*.py"), *ROOT.glob("examples/**/*.py"), *ROOT.glob("tests/**/*.py")]
    assert len(paths) > 100
    for path in paths:
        _same(path.read_text(encoding="utf-8"))


@settings(
    max_examples=examples(50),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(projects())
def test_generated_shims(project) -> None:  # type: ignore[no-untyped-def]
    _same(project[0][SHIM])
