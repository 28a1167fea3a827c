"""The file-system edge: find the project, list, read and write its files.

Everything the core needs arrives here as text keyed by a POSIX path relative to the
project root; nothing below this module touches the disk. Texts are kept exactly as read
(``\r\n`` stays ``\r\n``); a byte-order mark is remembered and written back.
:meth:`Workspace.apply` writes a codemod's edits all-or-nothing, and the git helpers
refuse to overwrite uncommitted work. GitPython is imported only when git is needed.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from compatlint.analysis.source import decode_source, text_encoding
from compatlint.config import DEFAULT_EXCLUDES, Config
from compatlint.errors import CompatlintError, SourceError, WorkspaceError
from compatlint.model import Edit
from compatlint.reading import UnreadableFile, file_problem, read_regular

_BOM = b"\xef\xbb\xbf"


@dataclass
class Workspace:
    """A project's files on disk, read once each."""

    config: Config
    _texts: dict[str, str] = field(default_factory=dict)
    _bytes: dict[str, bytes] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.config.root

    def relative(self, path: Path) -> str:
        """``path`` as a POSIX path relative to the root (it must lie under the root)."""
        resolved = path.resolve()
        try:
            return resolved.relative_to(self.root).as_posix()
        except ValueError:
            raise SourceError("is outside the project root", str(path)) from None

    def read_bytes(self, rel: str) -> bytes:
        """The contents of ``rel`` (read once): a regular file within ``max-file-size``."""
        if rel not in self._bytes:
            try:
                self._bytes[rel] = read_regular(self.root / rel, self.config.max_file_size)
            except UnreadableFile as exc:
                raise SourceError(exc.reason, rel) from None
        return self._bytes[rel]

    def read(self, rel: str) -> str:
        """The text of ``rel``: a ``.py`` file in the encoding its coding declaration names,
        anything else UTF-8 (a BOM is dropped); bytes that do not decode are an error."""
        if rel not in self._texts:
            data = self.read_bytes(rel)
            self._texts[rel] = decode_source(data, rel, python=_is_python(rel))
        return self._texts[rel]

    @property
    def warnings(self) -> list[str]:
        """One stderr line per file a walk skipped, and why."""
        return [
            f"compatlint: warning: {rel}: skipped: {reason}"
            for rel, reason in sorted(self.skipped.items())
        ]

    def excluded(self, rel: str) -> bool:
        parts = PurePosixPath(rel).parts
        if any(part in DEFAULT_EXCLUDES for part in parts[:-1]):
            return True
        return any(
            fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel, pattern.rstrip("/") + "/*")
            for pattern in self.config.exclude
        )

    def python_files(self, roots: Iterable[str] | None = None) -> list[str]:
        """Every ``.py`` file under ``roots`` (default: the import roots), sorted, not excluded.

        Only regular files within ``max-file-size`` are listed; a pipe, a device, a broken
        link or a file over the cap is left out and recorded in :attr:`skipped`.
        """
        found: set[str] = set()
        for root in roots if roots is not None else self.config.src:
            path = self.root / root
            if not os.path.lexists(path):
                raise SourceError("no such file or directory", root)
            if path.is_dir():
                found.update(self._walk(path.resolve()))
                continue
            rel = self._file_relative(path)
            if rel.endswith(".py") and not self.excluded(rel) and self._readable(rel):
                found.add(rel)
        return sorted(found)

    def _file_relative(self, path: Path) -> str:
        """``path`` relative to the root, its directory resolved but not a link it is."""
        directory = self.relative(path.parent)
        return path.name if directory == "." else f"{directory}/{path.name}"

    def _readable(self, rel: str) -> bool:
        problem = file_problem(self.root / rel, self.config.max_file_size)
        if problem is not None:
            self.skipped.setdefault(rel, problem)
        return problem is None

    def _walk(self, base: Path) -> Iterator[str]:
        prefix = self.relative(base)
        prefix = "" if prefix == "." else prefix + "/"
        base_text = str(base)
        for directory, subdirs, files in os.walk(base_text):
            subdirs[:] = sorted(d for d in subdirs if d not in DEFAULT_EXCLUDES)
            inner = os.path.relpath(directory, base_text).replace(os.sep, "/")
            inner = "" if inner == "." else inner + "/"
            for name in files:
                if name.endswith(".py"):
                    rel = f"{prefix}{inner}{name}"
                    if not self.excluded(rel) and self._readable(rel):
                        yield rel

    def context_files(self) -> list[str]:
        """Files every run needs besides the checked ones: shims, stub list, policy docs."""
        context = list(self.config.shims)
        if self.config.mocks is not None:
            context.append(self.config.mocks.file)
        context += list(self.config.policy_docs)
        return context

    def sources(self, paths: Iterable[str]) -> dict[str, str]:
        return {rel: self.read(rel) for rel in dict.fromkeys(paths)}

    # -- writing ---------------------------------------------------------------------------

    def encode(self, rel: str, text: str) -> bytes:
        """The bytes to write for ``text``: in the encoding its coding declaration names
        (``.py`` files), else UTF-8, with the BOM the file was read with. A text the
        encoding cannot hold is a :class:`WorkspaceError` naming the line."""
        read = self._bytes.get(rel)
        bom = (read is not None and read.startswith(_BOM)) or text.startswith("\ufeff")
        body = text.removeprefix("\ufeff")
        declared = text_encoding(body, rel) if _is_python(rel) else None
        encoding = "utf-8" if declared is None else declared.codec
        try:
            data = body.encode(encoding)
        except UnicodeEncodeError as exc:
            line = body[: exc.start].count("\n") + 1
            character = body[exc.start]
            raise WorkspaceError(
                f"cannot write {character!r} in {declared.name if declared else encoding}, "
                "the file's declared encoding; no file was changed",
                rel,
                line,
            ) from None
        return _BOM + data if bom else data

    def apply(self, edits: Iterable[Edit]) -> list[str]:
        """Write every edit or none: each new text goes to a temporary file in its target's
        directory (same permissions), then all are renamed over their targets; if any
        step fails, the files already replaced are restored and a :class:`WorkspaceError`
        names the file. ``Edit.new_text`` None deletes the file. Returns the paths written.
        """
        staged: list[_Staged] = []
        try:
            for edit in edits:
                staged.append(self._stage(edit))
        except OSError as exc:
            _discard(staged)
            raise WorkspaceError(f"cannot write: {exc.strerror or exc}", edit.path) from None
        except CompatlintError:  # a text its file's encoding cannot hold: nothing written
            _discard(staged)
            raise
        replaced: list[_Staged] = []
        try:
            for item in staged:
                if item.temp is None:
                    os.remove(item.target)
                else:
                    os.replace(item.temp, item.target)
                    item.temp = None
                replaced.append(item)
        except OSError as exc:
            failed = item.rel
            for done in reversed(replaced):
                _restore(done)
            _discard(staged)
            raise WorkspaceError(
                f"cannot write: {exc.strerror or exc}; no file was changed", failed
            ) from None
        for item in staged:
            self._bytes.pop(item.rel, None)
            self._texts.pop(item.rel, None)
            if item.new is not None and item.data is not None:
                self._bytes[item.rel] = item.data
                self._texts[item.rel] = item.new
        return [item.rel for item in staged]

    def _stage(self, edit: Edit) -> _Staged:
        target = self.root / edit.path
        original: bytes | None = None
        mode: int | None = None
        if target.exists():
            original = target.read_bytes()
            mode = stat.S_IMODE(target.stat().st_mode)
        if edit.new_text is None:
            return _Staged(edit.path, target, None, original, mode, None)
        data = self.encode(edit.path, edit.new_text)
        temp = _write_temp(target, data, mode)
        text = edit.new_text.removeprefix("\ufeff")
        return _Staged(edit.path, target, temp, original, mode, text, data)

    # -- git -------------------------------------------------------------------------------

    def _repo(self) -> Any | None:
        try:
            import git
        except ImportError:  # pragma: no cover - GitPython is a dependency
            return None
        try:
            return git.Repo(self.root, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            return None
        except git.GitCommandNotFound:  # pragma: no cover - no git binary
            return None

    def _repo_paths(self, repo: Any, paths: Sequence[str]) -> dict[str, str]:
        top = Path(repo.working_tree_dir).resolve()
        return {(self.root / rel).resolve().relative_to(top).as_posix(): rel for rel in paths}

    def ensure_clean(self, paths: Sequence[str], *, allow_dirty: bool = False) -> None:
        """Refuse to write ``paths`` when any has uncommitted changes (or git is absent)."""
        if allow_dirty or not paths:
            return
        repo = self._repo()
        if repo is None:
            raise WorkspaceError(
                "not inside a git repository: nothing would protect the files this would "
                "change; pass --allow-dirty to write anyway",
                str(self.root),
            )
        mapping = self._repo_paths(repo, paths)
        output = repo.git.status("--porcelain", "-z", "--untracked-files=all", "--", *mapping)
        dirty = sorted({mapping[e[3:]] for e in output.split("\0") if e[3:] in mapping})
        if dirty:
            raise WorkspaceError(
                f"uncommitted changes in {', '.join(dirty)}; commit or stash them first, "
                "or pass --allow-dirty"
            )

    def commit(self, paths: Sequence[str], message: str) -> str:
        """Commit exactly ``paths`` (other staged changes stay staged); the new commit id."""
        repo = self._repo()
        if repo is None:
            raise WorkspaceError("--commit needs a git repository", str(self.root))
        import git

        rels = list(self._repo_paths(repo, paths))
        try:
            repo.git.add("-A", "--", *rels)
            repo.git.commit("-m", message, "--", *rels)
        except git.GitCommandError as exc:
            detail = (exc.stderr or "").strip().splitlines()
            raise WorkspaceError(f"git commit failed: {detail[-1] if detail else exc}") from None
        return repo.head.commit.hexsha


def _is_python(rel: str) -> bool:
    return rel.endswith((".py", ".pyi"))


@dataclass
class _Staged:
    """One planned write: where, the temporary file holding the new bytes, the original."""

    rel: str
    target: Path
    temp: Path | None
    original: bytes | None
    mode: int | None
    new: str | None
    data: bytes | None = None


def _write_temp(target: Path, data: bytes, mode: int | None) -> Path:
    directory = target.parent
    directory.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(name, mode if mode is not None else 0o666 & ~_umask())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _restore(item: _Staged) -> None:
    """Put back the original bytes of a file already replaced (best effort, then direct)."""
    if item.original is None:
        with contextlib.suppress(OSError):
            os.remove(item.target)
        return
    temp: Path | None = None
    try:
        temp = _write_temp(item.target, item.original, item.mode)
        os.replace(temp, item.target)
    except OSError:
        if temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        item.target.write_bytes(item.original)
        if item.mode is not None:
            os.chmod(item.target, item.mode)


def _discard(staged: Iterable[_Staged]) -> None:
    for item in staged:
        if item.temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(item.temp)
            item.temp = None
