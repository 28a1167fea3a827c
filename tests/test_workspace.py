"""Listing and reading project files: import roots, excludes, encodings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from helpers import make_config

from compatlint.errors import SourceError
from compatlint.workspace import Workspace


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    for rel in [
        "pkg/__init__.py",
        "pkg/_compat.py",
        "pkg/build/gen.py",
        "pkg/generated/x.py",
        "pkg/.venv/lib.py",
        "pkg/__pycache__/c.py",
        "pkg/notes.txt",
        "other/y.py",
    ]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x = 1\n")
    config = make_config({"src": ["pkg"], "exclude": ["pkg/generated"]})
    return Workspace(dataclasses.replace(config, root=tmp_path))


def test_lists_python_files_under_import_roots_minus_excludes(workspace: Workspace) -> None:
    assert workspace.python_files() == ["pkg/__init__.py", "pkg/_compat.py"]


def test_explicit_paths(workspace: Workspace) -> None:
    assert workspace.python_files(["other/y.py", "pkg/_compat.py"]) == [
        "other/y.py",
        "pkg/_compat.py",
    ]
    with pytest.raises(SourceError, match="no such file or directory"):
        workspace.python_files(["missing"])


def test_read_strips_bom_and_refuses_other_encodings(workspace: Workspace) -> None:
    root = workspace.root
    (root / "pkg" / "bom.py").write_bytes(b"\xef\xbb\xbfx = 1\n")
    assert workspace.read("pkg/bom.py") == "x = 1\n"
    (root / "pkg" / "latin.py").write_bytes(b"a = 1\nname = '\xe9'\n")
    with pytest.raises(SourceError) as info:
        workspace.read("pkg/latin.py")
    assert str(info.value) == "pkg/latin.py:2: not valid UTF-8"


def test_path_outside_root(workspace: Workspace, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="outside the project root"):
        workspace.relative(tmp_path.parent)
