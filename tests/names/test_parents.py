"""The one-walk parent map is libcst's ``ParentNodeProvider``, node for node."""

from __future__ import annotations

import sys
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, ParentNodeProvider

from compatlint.names import parents
from compatlint.names.parents import parent_map

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "src" / "compatlint").rglob("*.py"))[::4]
FILES += sorted((ROOT / "examples").rglob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_parent_map_is_parent_node_provider(path: Path) -> None:
    module = cst.parse_module(path.read_text())
    theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ParentNodeProvider)
    ours = parent_map(module)
    assert ours.keys() == theirs.keys()
    assert all(ours[node] is theirs[node] for node in theirs)


def _walk_map(module: cst.CSTNode) -> dict[cst.CSTNode, cst.CSTNode]:
    theirs = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ParentNodeProvider)
    return dict(theirs)


def test_a_tree_deeper_than_the_field_walk_follows_is_walked_by_the_visitor() -> None:
    depth = parents.SHALLOW + 10
    module = cst.parse_module("x = " + "[" * depth + "1" + "]" * depth + "\n")
    walks: list[cst.CSTNode] = []
    real = parents._walked
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parents, "_walked", lambda node: walks.append(node) or real(node))
        ours = parent_map(module)
    assert walks == [module]
    theirs = _walk_map(module)
    assert ours.keys() == theirs.keys()
    assert all(ours[node] is theirs[node] for node in theirs)


def test_a_tree_too_deep_to_walk_still_raises_recursion_error() -> None:
    """The visitor walk's RecursionError is what refuses a file nested too deeply."""
    module = cst.parse_module("x = " + "[" * 400 + "1" + "]" * 400 + "\n")
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(600)
    try:
        with pytest.raises(RecursionError):
            parent_map(module)
    finally:
        sys.setrecursionlimit(limit)


def test_a_node_at_two_places_keeps_the_parent_the_visitor_meets_last() -> None:
    shared = cst.Name("x")
    first = cst.SimpleStatementLine([cst.Expr(shared)])
    second = cst.SimpleStatementLine([cst.Expr(cst.Call(shared))])
    module = cst.Module(body=[first, second])
    ours = parent_map(module)
    assert ours[shared] is second.body[0].value  # the call, met after the first statement
    assert ours == parents._walked(module)


def test_the_field_walk_reads_every_child_libcst_visits() -> None:
    text = (ROOT / "src" / "compatlint" / "codemods" / "prune.py").read_text()
    module = cst.parse_module(text)
    assert max_depth(module) <= parents.SHALLOW  # the field walk, not the fallback
    ours = parent_map(module)
    theirs = _walk_map(module)
    assert ours.keys() == theirs.keys()
    assert all(ours[node] is theirs[node] for node in theirs)


def max_depth(module: cst.CSTNode) -> int:
    deepest, stack = 0, [(module, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.children)
    return deepest
