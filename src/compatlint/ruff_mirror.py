"""Run ruff once on many edited texts, each seen where its file is (a mirror tree).

Ruff reads one text from stdin per process, so checking or formatting every file a codemod
edited through ``--stdin-filename`` costs a process per file — most of an ``inline`` run on
a shim with many importers. Instead the edited texts are written into a temporary *mirror*
of the project root: along the path of each edited file the directories are real, every
other entry is a symbolic link to the project's own, and the ruff configuration file is
copied to its place. Ruff, run there on all the files at once with the mirrored
configuration, sees each text at the same path relative to its configuration as the real
file — ``per-file-ignores``, ``src``, packages (``__init__.py``) and first-party modules on
disk resolve as they do for the real file — and the project is never written to.

:meth:`compatlint.ruff_sorter.RuffSettings.mirrorable` says when that holds; otherwise
the callers fall back to one process per file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from compatlint.errors import CompatlintError

#: Below this many texts one process per file costs no more than building a mirror.
MIN_BATCH = 2

#: Memory-backed, where a mirror's thousand links cost a millisecond, not a tenth of a
#: second as on some disks; used unless ``TMPDIR`` says where temporary files go.
_MEMORY = Path("/dev/shm")


def _temporary_parent() -> str | None:
    if "TMPDIR" not in os.environ and os.access(_MEMORY, os.W_OK | os.X_OK):
        return str(_MEMORY)
    return None


def _layout(paths: list[str]) -> tuple[set[str], set[str]]:
    """The directories on the way to each path (relative, ``""`` for the root) and the
    paths themselves."""
    directories = {""}
    for path in paths:
        for parent in PurePosixPath(path).parents:
            directories.add("" if str(parent) == "." else str(parent))
    return directories, set(paths)


def _build(root: Path, target: Path, texts: Mapping[str, str], config: str | None) -> None:
    directories, files = _layout([*texts, *([config] if config else [])])
    for directory in sorted(directories):
        (target / directory).mkdir(parents=True, exist_ok=True)
        try:
            entries = os.listdir(root / directory)
        except OSError:
            entries = []
        for name in entries:
            relative = f"{directory}/{name}" if directory else name
            if relative in directories or relative in files:
                continue
            os.symlink(root / relative, target / relative)
    for path, text in texts.items():
        (target / path).write_bytes(text.encode("utf-8"))
    if config:
        shutil.copyfile(root / config, target / config)


class _Kept:
    """A mirror kept for the next question of a run (see :func:`reused`)."""

    def __init__(self, root: Path, config: str | None, texts: Mapping[str, str]) -> None:
        self.root, self.config = root, config
        self.directory = tempfile.TemporaryDirectory(
            prefix="compatlint-ruff-", dir=_temporary_parent()
        )
        self.target = Path(self.directory.name).resolve()
        try:
            _build(root, self.target, texts, config)
        except OSError:
            self.directory.cleanup()
            raise
        self.directories, self.files = _layout(list(texts))

    def refill(self, texts: Mapping[str, str]) -> bool:
        """Hold ``texts`` instead of the texts held now, as a new mirror would (False:
        one of them is in a directory this mirror links instead of holding)."""
        directories, _ = _layout(list(texts))
        if not directories <= self.directories:
            return False
        for path in self.files - texts.keys():
            (self.target / path).unlink()
            if os.path.lexists(self.root / path):
                os.symlink(self.root / path, self.target / path)
        for path, text in texts.items():
            if path not in self.files:  # a link to the project's file: never written through
                (self.target / path).unlink(missing_ok=True)
            (self.target / path).write_bytes(text.encode("utf-8"))
        self.files = set(texts)
        return True


#: The mirrors kept while :func:`reused` is active (None: each mirror is built and removed).
_kept: list[_Kept] | None = None


@contextmanager
def reused() -> Iterator[None]:
    """Within the block, a mirror outlives its question: the next question about the same
    root and configuration refills it with its texts instead of building a mirror again
    (a run's sorting and formatting questions are about the same files). Every mirror is
    removed when the block ends."""
    global _kept
    if _kept is not None:
        yield
        return
    _kept = []
    try:
        yield
    finally:
        for kept in _kept:
            kept.directory.cleanup()
        _kept = None


@contextmanager
def mirror(root: Path, texts: Mapping[str, str], config_file: Path | None) -> Iterator[Path]:
    """A temporary mirror of ``root`` holding ``texts`` (relative paths with ``/``) and a
    copy of ``config_file``; removed on exit, or kept for the next question within
    :func:`reused`."""
    real_root = root.resolve()
    config = None
    if config_file is not None:
        config = config_file.resolve().relative_to(real_root).as_posix()
    if _kept is not None:
        yield _kept_mirror(_kept, real_root, config, texts)
        return
    with tempfile.TemporaryDirectory(
        prefix="compatlint-ruff-", dir=_temporary_parent()
    ) as directory:
        target = Path(directory).resolve()
        try:
            _build(real_root, target, texts, config)
        except OSError as exc:
            raise MirrorUnavailable(str(exc)) from None
        yield target


def _kept_mirror(
    kept: list[_Kept], root: Path, config: str | None, texts: Mapping[str, str]
) -> Path:
    """A kept mirror of ``root`` refilled with ``texts``, or a new one, kept too."""
    for mirror in kept:
        if (mirror.root, mirror.config) != (root, config):
            continue
        try:
            if mirror.refill(texts):
                return mirror.target
        except OSError:
            kept.remove(mirror)  # half refilled: not to be used again
            mirror.directory.cleanup()
            break
    try:
        kept.append(_Kept(root, config, texts))
    except OSError as exc:
        raise MirrorUnavailable(str(exc)) from None
    return kept[-1].target


class MirrorUnavailable(Exception):
    """The mirror could not be built here (e.g. no symbolic links); run per file."""


def failure_detail(result: subprocess.CompletedProcess[bytes]) -> str:
    """One line saying why a tool failed: the first line of its error output, or, for
    ruff's bare "ruff failed", the first cause it gives."""
    lines = [line.strip() for line in result.stderr.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return f"exit code {result.returncode}"
    causes = [line.removeprefix("Cause:").strip() for line in lines if line.startswith("Cause:")]
    return causes[0] if lines[0] == "ruff failed" and causes else lines[0]


def run(
    command: list[str], mirror: Path, root: Path, what: str
) -> subprocess.CompletedProcess[bytes]:
    """Run ruff on ``mirror`` (a mirror of ``root``); a one-line error when it cannot run
    or fails, naming the project's paths, not the mirror's."""
    try:
        result = subprocess.run(command, cwd=mirror, capture_output=True, check=False)
    except OSError as exc:
        raise CompatlintError(f"cannot run ruff: {exc}") from None
    if result.returncode != 0:
        detail = failure_detail(result).replace(str(mirror), str(root.resolve()))
        raise CompatlintError(f"ruff failed while {what}: {detail}")
    return result


def read_back(target: Path, paths: list[str]) -> dict[str, str]:
    """The texts of ``paths`` in the mirror, as ruff left them."""
    return {path: (target / path).read_bytes().decode("utf-8") for path in paths}
