"""The one-walk parent map is libcst's ``ParentNodeProvider``, node for node."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, ParentNodeProvider

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
