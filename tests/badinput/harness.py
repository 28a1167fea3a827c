"""Run compatlint on a bad input and check the promise: exit 2, one line, nothing changed.

Every table in this package builds a small project, runs one command on it (in process by
default, in a real ``python -m compatlint`` process when the case needs one: deep
recursion, signals, file descriptors) and asserts, through :func:`assert_refused`, that
the user saw one line naming the file (and line), exit code 2, no traceback, and a tree
byte-identical to the one before.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from compatlint.cli import main

PYPROJECT = """\
[tool.compatlint]
upstream = "sglang"
shim = ["pkg/_compat.py"]
src = ["."]
floor = "0.5.10"
"""

SHIM = """\
try:
    from sglang.srt.a import X
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    from sglang.srt.b import X

__all__ = ["X"]
"""

USER = "from pkg._compat import X\n\nprint(X)\n"


@dataclass(frozen=True)
class Ran:
    """What one run printed and returned."""

    exit_code: int
    stdout: str
    stderr: str


def write_project(
    root: Path,
    files: Mapping[str, str | bytes] | None = None,
    *,
    pyproject: str = PYPROJECT,
) -> Path:
    """A project with the default shim and one importer; ``files`` add or replace files
    (text or bytes; ``None``-free). Returns ``root``."""
    layout: dict[str, str | bytes] = {
        "pyproject.toml": pyproject,
        "pkg/__init__.py": "",
        "pkg/_compat.py": SHIM,
        "pkg/user.py": USER,
    }
    layout.update(files or {})
    for rel, content in layout.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def run_in_process(root: Path, args: Sequence[str]) -> Ran:
    """Run the CLI in this process with ``root`` as the working directory.

    An exception that escapes the CLI is not caught here: the test fails with it, which
    is the traceback a user would have seen.
    """
    previous = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(previous)
    return Ran(result.exit_code, result.stdout, result.stderr)


def run_process(
    root: Path,
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = 120,
) -> Ran:
    """Run ``python -m compatlint ARGS`` in a real process (``env`` adds variables)."""
    completed = subprocess.run(
        [sys.executable, "-m", "compatlint", *args],
        cwd=root,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=timeout,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        check=False,
    )
    return Ran(completed.returncode, completed.stdout, completed.stderr)


def snapshot(root: Path) -> dict[str, tuple[str, bytes | str, int]]:
    """Every entry under ``root`` (``.git`` included, caches excluded): its kind, its bytes
    (or a link's target) and its mode, to compare before and after a failed command."""
    taken: dict[str, tuple[str, bytes | str, int]] = {}
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in (".compatlint_cache", "__pycache__"))
        for name in sorted([*files, *subdirs]):
            path = Path(directory) / name
            rel = path.relative_to(root).as_posix()
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                taken[rel] = ("link", os.readlink(path), 0)
            elif stat.S_ISREG(info.st_mode):
                taken[rel] = ("file", path.read_bytes(), stat.S_IMODE(info.st_mode))
            elif stat.S_ISDIR(info.st_mode):
                taken[rel] = ("dir", b"", stat.S_IMODE(info.st_mode))
            else:
                taken[rel] = ("other", b"", stat.S_IFMT(info.st_mode))
    return taken


def assert_refused(
    ran: Ran,
    *,
    names: str | None = None,
    line: int | None = None,
    says: str | None = None,
) -> str:
    """Exit 2, exactly one error line on stderr (``compatlint: error:``, alone but for
    warnings; or click's ``Error:`` under its usage lines) that
    names ``names`` (a path or other key word) and, when given, ``:line:`` and ``says``;
    no traceback anywhere. Returns the line."""
    assert "Traceback" not in ran.stderr + ran.stdout, ran.stderr
    lines = [text for text in ran.stderr.splitlines() if text.strip()]
    errors = [text for text in lines if text.startswith(("compatlint: error:", "Error:"))]
    assert ran.exit_code == 2, (ran.exit_code, ran.stderr, ran.stdout)
    assert len(errors) == 1, lines
    message = errors[0]
    if message.startswith("compatlint: error:"):
        # Our own errors are one line; only warnings (a skipped file) may stand beside it.
        others = [text for text in lines if text != message]
        assert all(text.startswith("compatlint: warning:") for text in others), lines
    if names is not None:
        assert names in message, message
    if line is not None:
        assert f":{line}:" in message, message
    if says is not None:
        assert says in message, message
    return message
