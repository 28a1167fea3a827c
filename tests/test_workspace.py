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


@pytest.mark.parametrize(
    ("patterns", "rel"),
    [
        (["pkg/generated"], "pkg/generated/x.py"),
        (["pkg/generated/"], "pkg/generated/deep/x.py"),
        (["*_pb2.py"], "pkg/api_pb2.py"),
        (["pkg/[ab]*.py"], "pkg/a1.py"),
        (["pkg/[ab]*.py"], "pkg/c1.py"),
        (["other"], "pkg/other.py"),
        ([], "pkg/x.py"),
    ],
)
def test_excludes_match_as_fnmatch_does(tmp_path: Path, patterns: list[str], rel: str) -> None:
    import fnmatch

    config = make_config({"src": ["pkg"], "exclude": patterns})
    workspace = Workspace(dataclasses.replace(config, root=tmp_path))
    expected = any(
        fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(rel, p.rstrip("/") + "/*") for p in patterns
    )
    assert workspace.excluded(rel) is expected


def test_a_directory_is_walked_once_until_a_write(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    scans: list[str] = []
    real = os.scandir

    def counting(path):
        scans.append(path)
        return real(path)

    monkeypatch.setattr(os, "scandir", counting)
    first = workspace.python_files()
    walked = len(scans)
    assert workspace.python_files(["pkg"], reuse=True) == first
    assert len(scans) == walked  # a reusing listing walks nothing
    (workspace.root / "pkg" / "gone.py").write_text("x = 3\n")
    assert "pkg/gone.py" in workspace.python_files()  # a plain listing walks afresh
    (workspace.root / "pkg" / "gone.py").unlink()
    workspace.python_files(["pkg"], reuse=True)
    walked = len(scans)
    (workspace.root / "pkg" / "new.py").write_text("x = 2\n")
    workspace.apply([])
    assert "pkg/new.py" in workspace.python_files(reuse=True)
    assert len(scans) > walked


def test_links_to_directories_are_not_followed(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "b.py").write_text("x = 1\n")
    (tmp_path / "pkg" / "linked").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "pkg" / "c.py").symlink_to(tmp_path / "elsewhere" / "b.py")
    config = make_config({"src": ["pkg"]})
    workspace = Workspace(dataclasses.replace(config, root=tmp_path))
    assert workspace.python_files() == ["pkg/a.py", "pkg/c.py"]
