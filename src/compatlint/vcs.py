"""Git at the edge (GitPython, imported only on the paths that need it)."""

from __future__ import annotations

from pathlib import Path

from compatlint.errors import CompatlintError


def _repository(root: Path):
    try:
        import git
    except ImportError as exc:  # pragma: no cover - GitPython is a dependency
        raise CompatlintError(f"GitPython is not available: {exc}") from None
    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise CompatlintError("not inside a git repository", str(root)) from None


def changed_files(root: Path, since: str) -> set[str]:
    """Files (relative to ``root``, POSIX) changed since ``since``, plus untracked ones."""
    import git

    repo = _repository(root)
    try:
        names = repo.git.diff("--name-only", "--no-renames", since, "--").splitlines()
    except git.GitCommandError:
        raise CompatlintError(f"unknown git revision {since!r}") from None
    names += repo.untracked_files
    top = Path(repo.working_tree_dir or root).resolve()
    changed = set()
    for name in names:
        try:
            changed.add((top / name).resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            continue  # outside the project root
    return changed
