"""Git at the edge: the git binary run as a process, every refusal one line.

git is run directly (not through a library) so that each way it can fail — not
installed, not a repository, "detected dubious ownership", no identity, a full disk, a
hook that rejects a commit — arrives as its exit code and its own words, which
:class:`GitError` turns into the one line the command line prints.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from compatlint.errors import CompatlintError, WorkspaceError


class GitError(WorkspaceError):
    """git refused: the message is what git said, in one line."""


def git_says(stderr: str, stdout: str = "") -> str:
    """The line of git's output that says why: the first ``fatal:``/``error:`` line
    (with git's own hint, when the next lines give one), else the last line (a hook's)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for index, line in enumerate(lines):
        for prefix in ("fatal: ", "error: "):
            if line.startswith(prefix):
                said = line.removeprefix(prefix)
                hint = next((h for h in lines[index + 1 :] if h.startswith("git config")), None)
                return f"{said} (to allow it: {hint})" if hint else said
    if lines:
        return lines[-1]
    out = [line.strip() for line in stdout.splitlines() if line.strip()]
    return out[-1] if out else ""


def run_git(cwd: Path, *args: str) -> str:
    """``git ARGS`` in ``cwd``: its output (paths undecodable as UTF-8 survive as
    surrogates), or a :class:`GitError` naming the command and what git said."""
    try:
        completed = subprocess.run(
            ["git", *args],
            cwd=cwd,
            capture_output=True,
            encoding="utf-8",
            errors="surrogateescape",
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed (no `git` on PATH)") from None
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if completed.returncode != 0:
        said = git_says(completed.stderr, completed.stdout) or f"exit code {completed.returncode}"
        raise GitError(f"git {args[0]} failed: {said}")
    return completed.stdout


def work_tree_of(path: Path) -> Path | None:
    """The nearest directory at or above ``path`` that holds a ``.git`` (a directory, or a
    file in a linked worktree), or None: outside git. Found without running git, so that
    "not a repository" is never confused with git refusing one it found."""
    if os.environ.get("GIT_DIR"):
        return path
    for candidate in (path, *path.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


@dataclass(frozen=True)
class Repository:
    """A git working tree: where it starts, and git run inside it."""

    top: Path

    def git(self, *args: str) -> str:
        return run_git(self.top, *args)

    def path_of(self, path: Path) -> str | None:
        """``path`` relative to the working tree (POSIX), or None when outside it."""
        try:
            return path.relative_to(self.top).as_posix()
        except ValueError:
            return None


def repository(root: Path) -> Repository | None:
    """The repository ``root`` lies in (asking git where its top is), or None outside git."""
    if work_tree_of(root.resolve()) is None:
        return None
    top = run_git(root, "rev-parse", "--show-toplevel").strip()
    return Repository(Path(top).resolve())


def changed_files(root: Path, since: str) -> set[str]:
    """Files (relative to ``root``, POSIX) changed since ``since``, plus untracked ones."""
    repo = repository(root)
    if repo is None:
        raise CompatlintError("not inside a git repository", str(root))
    try:
        repo.git("rev-parse", "--verify", "--quiet", f"{since}^{{commit}}")
    except GitError:
        raise CompatlintError(f"unknown git revision {since!r}") from None
    names = repo.git("diff", "--name-only", "--no-renames", "-z", since, "--").split("\0")
    names += repo.git("ls-files", "--others", "--exclude-standard", "-z").split("\0")
    base = root.resolve()
    changed = set()
    for name in filter(None, names):
        try:
            changed.add((repo.top / name).resolve().relative_to(base).as_posix())
        except ValueError:
            continue  # outside the project root
    return changed
