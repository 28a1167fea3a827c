"""Listing and reading project files: import roots, excludes, encodings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from helpers import make_config

from compatlint.errors import SourceError
from compatlint.workspace import SETTLED_NS, Workspace


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


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every directory ``os.scandir`` lists from now on."""
    import os

    listed: list[str] = []
    real = os.scandir

    def counting(path):  # type: ignore[no-untyped-def]
        listed.append(path)
        return real(path)

    monkeypatch.setattr(os, "scandir", counting)
    return listed


def test_a_directory_is_walked_once_until_a_write(workspace: Workspace, scans: list[str]) -> None:
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


def test_a_root_under_a_walked_one_is_not_walked_again(
    workspace: Workspace, scans: list[str]
) -> None:
    fresh = workspace.python_files(["."])
    scans.clear()
    workspace.python_files()  # walks pkg
    scans.clear()
    assert workspace.python_files(["."], reuse=True) == fresh
    assert not [path for path in scans if Path(path).name == "pkg"]


def test_roots_of_one_listing_nested_in_each_other_are_walked_once(
    workspace: Workspace, scans: list[str]
) -> None:
    (workspace.root / "pkg" / "sub").mkdir()
    (workspace.root / "pkg" / "sub" / "m.py").write_text("x = 1\n")
    each = {root: workspace.python_files([root]) for root in (".", "pkg", "pkg/sub")}
    scans.clear()
    listed = workspace.python_files(["pkg", ".", "pkg/sub"])
    assert listed == sorted({path for paths in each.values() for path in paths})
    assert "pkg/sub/m.py" in listed and "other/y.py" in listed
    assert len(scans) == len(set(scans))  # no directory listed twice


def _stat(size: int, mtime: int, ctime: int, inode: int = 7, device: int = 3) -> object:
    fields = {
        "st_size": size,
        "st_mtime_ns": mtime,
        "st_ctime_ns": ctime,
        "st_ino": inode,
        "st_dev": device,
    }
    return type("Stat", (), fields)()


def test_signature_of_a_settled_file_names_size_times_inode_and_device(
    workspace: Workspace,
) -> None:
    settled = workspace._started - SETTLED_NS - 1
    workspace._stats["pkg/a.py"] = _stat(10, settled - 5, settled)  # type: ignore[assignment]
    workspace._stats["pkg/b.py"] = _stat(10, settled - 5, settled - 1)  # type: ignore[assignment]
    workspace._stats["pkg/c.py"] = _stat(11, settled - 5, settled)  # type: ignore[assignment]
    workspace._stats["pkg/d.py"] = _stat(10, settled - 5, settled, 8)  # type: ignore[assignment]
    workspace._stats["pkg/e.py"] = _stat(10, settled - 5, settled, 7, 4)  # type: ignore[assignment]
    signatures = {workspace.signature(f"pkg/{name}.py") for name in "abcde"}
    assert None not in signatures and len(signatures) == 5


def test_a_file_written_just_before_the_run_has_no_signature(workspace: Workspace) -> None:
    """A second write in the same timestamp tick could keep size and times: such a file
    is always read (the racy case)."""
    recent = workspace._started - SETTLED_NS + 1
    old = workspace._started - 2 * SETTLED_NS
    workspace._stats["pkg/a.py"] = _stat(10, old, recent)  # type: ignore[assignment]
    workspace._stats["pkg/b.py"] = _stat(10, recent, old)  # type: ignore[assignment]
    assert workspace.signature("pkg/a.py") is None
    assert workspace.signature("pkg/b.py") is None
    assert workspace.signature("pkg/_compat.py") is None  # written by the fixture just now
    assert workspace.signature("pkg/missing.py") is None


def test_a_file_seen_by_the_walk_keeps_that_stat(workspace: Workspace) -> None:
    workspace.python_files()
    assert set(workspace._stats) == {"pkg/__init__.py", "pkg/_compat.py"}
    workspace.apply([])
    assert not workspace._stats


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
