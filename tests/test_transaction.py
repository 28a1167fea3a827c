"""``transaction.write_all``: whichever step fails, every file is as it was; when none
does, every file holds its new bytes and keeps its links, mode and inode where it must."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compatlint import transaction
from compatlint.errors import WorkspaceError
from compatlint.transaction import Write, write_all
from tests.badinput.harness import snapshot

# What each file is before the write, and what is done to it.
KINDS = ("plain", "hard-linked", "symlinked", "new", "deleted", "new-in-new-dir")


def _setup(root: Path, kinds: list[str]) -> list[Write]:
    """One file per kind in ``kinds`` under ``root``, and the write planned for each."""
    writes = []
    for index, kind in enumerate(kinds):
        name = f"f{index}.py"
        path = root / name
        if kind in ("plain", "hard-linked", "symlinked", "deleted"):
            real = root / f"real{index}.py" if kind == "symlinked" else path
            real.write_bytes(f"old {index}\r\n".encode())
            real.chmod(0o640)
            if kind == "symlinked":
                path.symlink_to(real.name)
            if kind == "hard-linked":
                os.link(path, root / f"twin{index}.txt")
        if kind == "new-in-new-dir":
            path = root / f"d{index}" / "sub" / name
        data = None if kind == "deleted" else f"new {index}\n".encode()
        writes.append(Write(name, path, data, root=root))
    return writes


@settings(deadline=None, max_examples=60)
@given(
    kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=5),
    fail_at=st.integers(min_value=0, max_value=12),
    then_fails=st.booleans(),
)
def test_a_failure_at_any_step_leaves_every_file_as_it_was(
    kinds: list[str], fail_at: int, then_fails: bool
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        writes = _setup(root, kinds)
        before = snapshot(root)
        calls = {"n": 0, "undoing": False}
        real = {
            "_write_temp": transaction._write_temp,
            "_write_in_place": transaction._write_in_place,
            "replace": os.replace,
        }

        def failing(name: str):
            def call(*args):
                calls["n"] += 1
                if calls["n"] - 1 == fail_at and not calls["undoing"]:
                    raise OSError(28, "No space left on device")
                return real[name](*args)

            return call

        real_undo = transaction._undo

        def undo(*args):  # the restore itself is not failed: renames back need no space
            calls["undoing"] = True
            return real_undo(*args)

        def then() -> None:
            if then_fails:
                raise RuntimeError("the commit was refused")

        with (
            mock.patch.object(transaction, "_write_temp", failing("_write_temp")),
            mock.patch.object(transaction, "_write_in_place", failing("_write_in_place")),
            mock.patch.object(transaction.os, "replace", failing("replace")),
            mock.patch.object(transaction, "_undo", undo),
        ):
            try:
                write_all(writes, then)
            except (WorkspaceError, RuntimeError):
                failed = True
            else:
                failed = False
        if failed:
            assert snapshot(root) == before
            return
        for index, (kind, write) in enumerate(zip(kinds, writes, strict=True)):
            if kind == "deleted":
                assert not write.path.exists()
                continue
            assert write.path.read_bytes() == f"new {index}\n".encode()
            if kind == "symlinked":
                assert write.path.is_symlink()
            if kind == "hard-linked":
                assert (root / f"twin{index}.txt").read_bytes() == f"new {index}\n".encode()
            if kind in ("plain", "hard-linked", "symlinked"):
                assert stat.S_IMODE(write.path.stat().st_mode) == 0o640
        leftovers = [p for p in root.rglob("*") if p.name.endswith((".tmp", ".old"))]
        assert leftovers == []


def test_a_deleted_file_comes_back_as_the_same_inode(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_bytes(b"a\n")
    inode = (tmp_path / "a.py").stat().st_ino

    def refuse() -> None:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        write_all([Write("a.py", tmp_path / "a.py", None)], refuse)
    assert (tmp_path / "a.py").stat().st_ino == inode
    assert [p.name for p in tmp_path.iterdir()] == ["a.py"]


def test_deleting_a_link_deletes_the_link_not_its_target(tmp_path: Path) -> None:
    (tmp_path / "real.py").write_bytes(b"x\n")
    (tmp_path / "link.py").symlink_to("real.py")
    write_all([Write("link.py", tmp_path / "link.py", None, root=tmp_path)])
    assert not (tmp_path / "link.py").is_symlink()
    assert (tmp_path / "real.py").read_bytes() == b"x\n"


def test_a_file_deleted_since_the_plan_is_refused(tmp_path: Path) -> None:
    gone = Write("gone.py", tmp_path / "gone.py", b"new\n", basis=b"old\n")
    with pytest.raises(WorkspaceError, match=r"gone\.py: was deleted since it was read"):
        write_all([gone])
    assert list(tmp_path.iterdir()) == []


def test_one_file_under_two_names_is_not_written_twice(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_bytes(b"a\n")
    os.link(tmp_path / "a.py", tmp_path / "b.py")
    writes = [Write(name, tmp_path / name, b"new\n") for name in ("a.py", "b.py")]
    with pytest.raises(WorkspaceError, match=r"b\.py: is the same file as a\.py"):
        write_all(writes)
    assert (tmp_path / "a.py").read_bytes() == b"a\n"
