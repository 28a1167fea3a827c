"""Write several files all-or-nothing, each one keeping its identity.

Nothing here knows about projects or codemods: planned writes in, every one written or
none. Before the first byte is written every target is checked — still the bytes the plan
was made from, writable (by its mode bits too: root may write anything, and a 0444 file
says "do not"), a regular file, reached through a symbolic link only when the link's
target lies under the root — and the new bytes are staged in temporary files beside
their targets. Only then are the targets changed:

- a file with one link is replaced by a rename (atomic), the temporary file given the
  original's owner and mode first; when the owner cannot be given (not root), the file
  is written in place instead, which keeps it;
- a file with several hard links is written in place, so that every name sees the change;
- a symbolic link is written through: its target changes and the link stays a link; a
  deleted link is the link, never its target.

If a step fails, or the caller's follow-up does (a git commit a hook rejects), every
target changed gets its original back — the same inode, renamed back from a second name
kept during the run (a restore that needs no disk space), or its bytes where hard links are
not allowed — directories made for new files are removed and temporary files deleted.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from compatlint.errors import WorkspaceError

T = TypeVar("T")


@dataclass(frozen=True)
class Write:
    """One planned write: ``data`` for ``path`` (``None`` deletes it).

    ``label`` names the file in messages. ``basis`` is the content the plan was made from
    (``None``: not checked). ``root``, when given, is the directory a symbolic link's
    target must lie under.
    """

    label: str
    path: Path
    data: bytes | None
    basis: bytes | None = None
    root: Path | None = None


@dataclass
class _Target:
    """A write being carried out: the file the bytes go to and how to undo it."""

    write: Write
    real: Path  # the link's target for a write through a link; the named path otherwise
    original: bytes | None  # None: the file did not exist
    info: os.stat_result | None
    in_place: bool = False
    temp: Path | None = None  # the staged new bytes (rename writes)
    aside: Path | None = None  # the original, kept under another name until the end
    done: bool = False


def write_all(writes: Sequence[Write], then: Callable[[], T] | None = None) -> T | None:
    """Write every one of ``writes`` or none; then run ``then`` (if given) and, should it
    raise, undo every write before the error goes on. Returns what ``then`` returned."""
    targets = _prepare(writes)
    made: list[Path] = []
    current: _Target | None = None
    try:
        for current in targets:
            _stage(current, made)
        for current in targets:
            _replace(current)
        current = None
        result = then() if then is not None else None
    except BaseException as exc:  # a write failed, the follow-up refused, an interrupt
        _undo(targets, made)
        if isinstance(exc, OSError) and current is not None:
            reason = f"cannot write: {exc.strerror or exc}; no file was changed"
            raise WorkspaceError(reason, current.write.label) from None
        raise
    _discard(targets)
    return result


# -- before anything is written -------------------------------------------------------------


def _prepare(writes: Sequence[Write]) -> list[_Target]:
    """Check every target (nothing is written): see the module docstring for what."""
    targets: list[_Target] = []
    seen: dict[object, str] = {}
    for write in writes:
        target = _target(write)
        info = target.info  # one file under two names (hard links): the same inode
        key = (info.st_dev, info.st_ino) if info else Path(os.path.realpath(target.real))
        if key in seen:
            raise WorkspaceError(
                f"is the same file as {seen[key]} (a link); compatlint will not write it twice",
                write.label,
            )
        seen[key] = write.label
        targets.append(target)
    return targets


def _target(write: Write) -> _Target:
    try:
        info: os.stat_result | None = write.path.lstat()
    except FileNotFoundError:
        info = None
    except OSError as exc:  # a parent that is not a directory, a name too long ...
        raise WorkspaceError(f"cannot write: {exc.strerror or exc}", write.label) from None
    real = write.path
    if info is not None and stat.S_ISLNK(info.st_mode):
        if write.data is None:  # deleting a link deletes the link
            _check_basis(write, write.path)
            return _Target(write, real, None, info)
        real = _through_link(write)
        info = real.stat()
    if info is None:
        if write.basis is not None:
            raise WorkspaceError(
                "was deleted since it was read; run the command again", write.label
            )
        return _Target(write, real, None, None)
    if not stat.S_ISREG(info.st_mode):
        raise WorkspaceError("is not a regular file; compatlint writes only files", write.label)
    original = _check_basis(write, real)
    if info.st_mode & 0o222 == 0 or not os.access(real, os.W_OK):
        raise WorkspaceError(
            "is read-only; compatlint does not overwrite it: make it writable first "
            "(chmod u+w), or leave it out",
            write.label,
        )
    return _Target(write, real, original, info, in_place=info.st_nlink > 1)


def _check_basis(write: Write, path: Path) -> bytes:
    """The bytes at ``path``, refused when they are not the ones the plan was made from."""
    try:
        current = path.read_bytes()
    except OSError as exc:
        raise WorkspaceError(f"cannot read: {exc.strerror or exc}", write.label) from None
    if write.basis is not None and current != write.basis:
        raise WorkspaceError(
            "changed on disk since it was read; run the command again", write.label
        )
    return current


def _through_link(write: Write) -> Path:
    """The file a symbolic link names, refused when it lies outside the root or is missing."""
    real = Path(os.path.realpath(write.path))
    if write.root is not None and not real.is_relative_to(write.root.resolve()):
        raise WorkspaceError(
            f"is a symbolic link to {real}, outside the project root; compatlint writes only "
            "files under the root",
            write.label,
        )
    if not real.exists():
        raise WorkspaceError("is a symbolic link to a missing file", write.label)
    return real


# -- staging and replacing ------------------------------------------------------------------


def _stage(target: _Target, made: list[Path]) -> None:
    """Put the new bytes beside the target (rename writes); in-place writes and deletions
    stage nothing."""
    data = target.write.data
    if data is None and target.info is not None:
        target.aside = _link_aside(target.real)
    if data is None or target.in_place:
        return
    _make_parents(target.real.parent, made)
    info = target.info
    mode = stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask()
    temp = _write_temp(target.real, data)
    target.temp = temp
    if info is not None and not _give_owner(temp, info):
        os.unlink(temp)  # the owner would change: write in place instead, which keeps it
        target.temp = None
        target.in_place = True
        return
    os.chmod(temp, mode)
    if info is not None:
        target.aside = _link_aside(target.real)


def _replace(target: _Target) -> None:
    data = target.write.data
    if data is None:
        if target.aside is not None:
            os.unlink(target.real)
        elif target.info is not None:  # no second name allowed: move the file aside
            aside = _free_name(target.real)
            os.rename(target.real, aside)
            target.aside = aside
    elif target.in_place:
        target.done = True  # a partial write must be undone too
        _write_in_place(target.real, data)
    else:
        assert target.temp is not None
        os.replace(target.temp, target.real)
        target.temp = None
    target.done = True


def _undo(targets: Sequence[_Target], made: list[Path]) -> None:
    """Put back every target already changed, then remove what staging left."""
    for target in reversed(targets):
        if target.done:
            with contextlib.suppress(OSError):
                _restore(target)
            target.done = False
    _discard(targets)
    for directory in reversed(made):
        with contextlib.suppress(OSError):
            directory.rmdir()


def _restore(target: _Target) -> None:
    if target.aside is not None:  # the original inode: needs no space, keeps everything
        os.replace(target.aside, target.real)
        target.aside = None
    elif target.write.data is None:
        return
    elif target.original is None:
        os.unlink(target.real)
    elif target.in_place:
        _write_in_place(target.real, target.original)
    else:
        assert target.info is not None
        temp = _write_temp(target.real, target.original)
        _give_owner(temp, target.info)
        os.chmod(temp, stat.S_IMODE(target.info.st_mode))
        os.replace(temp, target.real)


def _discard(targets: Sequence[_Target]) -> None:
    """Delete the temporary files: staged bytes never used, originals no longer needed."""
    for target in targets:
        for temporary in (target.temp, target.aside):
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
        target.temp = target.aside = None


# -- file helpers ---------------------------------------------------------------------------


def _make_parents(directory: Path, made: list[Path]) -> None:
    missing: list[Path] = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for path in reversed(missing):
        path.mkdir()
        made.append(path)


def _write_temp(target: Path, data: bytes) -> Path:
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


def _write_in_place(path: Path, data: bytes) -> None:
    with open(path, "r+b") as stream:
        stream.write(data)
        stream.truncate()
        stream.flush()
        os.fsync(stream.fileno())


def _free_name(path: Path) -> Path:
    """A name beside ``path`` that nothing uses, for the original until the end."""
    while True:
        aside = path.with_name(f".{path.name}.{os.urandom(4).hex()}.old")
        if not os.path.lexists(aside):
            return aside


def _link_aside(path: Path) -> Path | None:
    """A second name for the original file, to rename back over a failed write; None
    where hard links are not allowed (the original's bytes are written back instead)."""
    for _ in range(100):
        aside = _free_name(path)
        try:
            os.link(path, aside, follow_symlinks=False)  # a link to delete: the link itself
        except FileExistsError:
            continue
        except OSError:
            return None
        return aside
    return None


def _give_owner(temp: Path, info: os.stat_result) -> bool:
    """Give ``temp`` the owner and group of ``info``; False when that is not allowed."""
    current = temp.stat()
    if (current.st_uid, current.st_gid) == (info.st_uid, info.st_gid):
        return True
    try:
        os.chown(temp, info.st_uid, info.st_gid)
    except OSError:
        return False
    return True


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
