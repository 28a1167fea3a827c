"""Read a project file safely: only a regular file, and only up to a size cap.

A path under ``src`` can be anything the file system holds: a named pipe (reading it
blocks until someone writes), a link to ``/dev/zero`` (reading it never ends) or a
generated file of a gigabyte. Every read of a project file goes through
:func:`read_regular`, which refuses all three with a reason a person can act on, and
:func:`file_problem` answers the same question from ``stat`` alone, for a directory walk
that wants to skip such files instead of stopping.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

DEFAULT_MAX_FILE_SIZE = 10_000_000
MAX_FILE_SIZE_KEY = "max-file-size"

_UNITS = {
    "": 1,
    "b": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
}
_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*", re.IGNORECASE)


class UnreadableFile(Exception):
    """A file that is not read, and why (the message completes ``PATH: ...``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_size(value: object) -> int:
    """A byte count from ``10000000``, ``"10MB"``, ``"512 KiB"`` (ValueError otherwise)."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        size = value
    elif isinstance(value, str) and (match := _SIZE.fullmatch(value)):
        unit = _UNITS.get(match.group(2).lower())
        if unit is None:
            raise ValueError(value)
        size = int(float(match.group(1)) * unit)
    else:
        raise ValueError(value)
    if size <= 0:
        raise ValueError(value)
    return size


def format_size(size: int) -> str:
    """``10 MB``, ``512 KiB``, ``1234 bytes``: the cap as a person would write it."""
    for unit, factor in (("GB", 1000**3), ("MB", 1000**2), ("KB", 1000)):
        if size % factor == 0:
            return f"{size // factor} {unit}"
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


def too_large(limit: int) -> str:
    return f"larger than {format_size(limit)} ({MAX_FILE_SIZE_KEY})"


def _problem_of(info: os.stat_result, limit: int | None) -> str | None:
    if stat.S_ISDIR(info.st_mode):
        return "is a directory"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if limit is not None and info.st_size > limit:
        return too_large(limit)
    return None


def file_problem(path: Path | str, limit: int | None) -> str | None:
    """Why ``path`` (links followed) would not be read, or None when it would be."""
    return file_status(path, limit)[0]


def file_status(path: Path | str, limit: int | None) -> tuple[str | None, os.stat_result | None]:
    """:func:`file_problem` and the ``stat`` it was judged from (None when it failed)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return "no such file (a broken link?)", None
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}", None
    return _problem_of(info, limit), info


def read_regular(
    path: Path | str, limit: int | None, checked: os.stat_result | None = None
) -> bytes:
    """The bytes of ``path`` if it is a regular file (links followed) of at most ``limit``
    bytes; :class:`UnreadableFile` otherwise. Never blocks on a pipe, never reads more than
    ``limit + 1`` bytes, even when the file changes between the checks and the read.

    ``checked`` is the ``stat`` of ``path`` the caller judged it by already (a directory
    walk's): it is not asked again before the open; what was opened is judged anyway."""
    problem = _problem_of(checked, limit) if checked is not None else file_problem(path, limit)
    if problem is not None:
        if problem.startswith("no such file"):
            problem = "no such file"
        raise UnreadableFile(problem)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        raise UnreadableFile(f"cannot read: {exc.strerror or exc}") from None
    try:
        # Swapped for something else since the stat above: judge what was opened.
        info = os.fstat(descriptor)
        problem = _problem_of(info, limit)
        if problem is not None:
            raise UnreadableFile(problem)
        try:
            data = _read_all(descriptor, info.st_size, None if limit is None else limit + 1)
        except OSError as exc:
            raise UnreadableFile(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(descriptor)
    if limit is not None and len(data) > limit:
        raise UnreadableFile(too_large(limit))
    return data


def _read_all(descriptor: int, size: int, cap: int | None) -> bytes:
    """Everything left to read from ``descriptor``, a regular file (at most ``cap``
    bytes): one read for a file of the ``size`` its ``stat`` gave, more if it grew since.
    A read of a regular file that returns less than it asked for has reached the end."""
    chunks: list[bytes] = []
    total = 0
    want = size + 1
    while cap is None or total < cap:
        asked = want if cap is None else min(want, cap - total)
        chunk = os.read(descriptor, asked)
        chunks.append(chunk)
        total += len(chunk)
        if len(chunk) < asked:
            break
        want = 1 << 16
    return b"".join(chunks)
