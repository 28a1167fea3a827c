"""The file-system edge: find the project, list, read and write its files.

Everything the core needs arrives here as text keyed by a POSIX path relative to the
project root; nothing below this module touches the disk. Texts are kept exactly as read
(``\r\n`` stays ``\r\n``); a byte-order mark is remembered and written back.
:meth:`Workspace.apply` writes a codemod's edits all-or-nothing, and the git helpers
refuse to overwrite uncommitted work (git runs through :mod:`compatlint.vcs`).
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from compatlint.analysis.source import decode_source, text_encoding
from compatlint.config import DEFAULT_EXCLUDES, Config
from compatlint.errors import SourceError, WorkspaceError
from compatlint.model import Edit
from compatlint.reading import UnreadableFile, file_status, read_regular

if TYPE_CHECKING:  # writing and git are imported when used: a check needs neither
    from compatlint.transaction import Write
    from compatlint.vcs import Repository

_BOM = b"\xef\xbb\xbf"
#: A file whose ``stat`` times are this close to (or after) the start of the run has no
#: :meth:`Workspace.signature`: a second write within the file system's timestamp
#: granularity (up to 2 s on FAT) could keep its size and both times.
SETTLED_NS = 3_000_000_000


@dataclass
class Workspace:
    """A project's files on disk, read once each."""

    config: Config
    _texts: dict[str, str] = field(default_factory=dict)
    _bytes: dict[str, bytes] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    _walked: dict[str, list[str]] = field(default_factory=dict, repr=False)
    #: each file's ``stat`` as the walk (or :meth:`signature`) first took it
    _stats: dict[str, os.stat_result] = field(default_factory=dict, repr=False)
    _started: int = field(default_factory=time.time_ns, repr=False)

    @property
    def _root_text(self) -> str:
        return str(self.config.root)

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
                self._bytes[rel] = read_regular(
                    f"{self._root_text}/{rel}", self.config.max_file_size, self._stats.get(rel)
                )
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

    def signature(self, rel: str) -> str | None:
        """``rel``'s size, modification and change times, inode and device as this run
        first saw them; None when ``stat`` fails or the file changed too recently
        (:data:`SETTLED_NS`) for them to tell its contents apart.

        Any write sets the change time (no tool can set it back) to the time of the
        write. A file has a signature only if it was last written well before this run
        started, so contents recorded with its signature (by this run or an earlier one)
        are its contents for as long as the signature stays the same: facts recorded
        with it may be reused without reading the file again."""
        info = self._stats.get(rel)
        if info is None:
            try:
                info = os.stat(f"{self._root_text}/{rel}")
            except OSError:
                return None
            self._stats[rel] = info
        settled = self._started - SETTLED_NS
        if info.st_ctime_ns >= settled or info.st_mtime_ns >= settled:
            return None
        return f"{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_ino}:{info.st_dev}"

    @property
    def warnings(self) -> list[str]:
        """One stderr line per file a walk skipped, and why."""
        return [
            f"compatlint: warning: {rel}: skipped: {reason}"
            for rel, reason in sorted(self.skipped.items())
        ]

    def excluded(self, rel: str) -> bool:
        parts = rel.split("/")
        if any(part in DEFAULT_EXCLUDES for part in parts[:-1]):
            return True
        matcher = self._exclude_matcher
        return matcher is not None and matcher(rel) is not None

    @functools.cached_property
    def _exclude_matcher(self) -> Callable[[str], object] | None:
        """One compiled regex for every exclude pattern, as :func:`fnmatch.fnmatch` reads
        each (the pattern itself, or anything under it); None without patterns."""
        patterns = [
            fnmatch.translate(os.path.normcase(form))
            for pattern in self.config.exclude
            for form in (pattern, pattern.rstrip("/") + "/*")
        ]
        return re.compile("|".join(f"(?:{p})" for p in patterns)).match if patterns else None

    def python_files(self, roots: Iterable[str] | None = None, *, reuse: bool = False) -> list[str]:
        """Every ``.py`` file under ``roots`` (default: the import roots), sorted, not excluded.

        Only regular files within ``max-file-size`` are listed; a pipe, a device, a broken
        link or a file over the cap is left out and recorded in :attr:`skipped`. With
        ``reuse``, a directory walked since the last listing without it (and since the last
        :meth:`apply`) is not walked again: the later listings of one pass share its walks.
        """
        if not reuse:
            self._walked.clear()
        found: set[str] = set()
        directories: list[str] = []
        for root in roots if roots is not None else self.config.src:
            path = self.root / root
            if not os.path.lexists(path):
                raise SourceError("no such file or directory", root)
            if path.is_dir():
                directories.append(str(path.resolve()))
                continue
            rel = self._file_relative(path)
            if rel.endswith(".py") and not self.excluded(rel) and self._readable(rel):
                found.add(rel)
        # The deepest first: a walk that meets a directory walked already takes its files
        # (``src/pkg`` then ``src`` is one walk of ``src``).
        for base in sorted(directories, key=lambda base: -base.count(os.sep)):
            if base not in self._walked:
                self._walked[base] = list(self._walk(base))
            found.update(self._walked[base])
        return sorted(found)

    def _file_relative(self, path: Path) -> str:
        """``path`` relative to the root, its directory resolved but not a link it is."""
        directory = self.relative(path.parent)
        return path.name if directory == "." else f"{directory}/{path.name}"

    def _readable(self, rel: str, path: str | None = None) -> bool:
        problem, info = file_status(path or f"{self._root_text}/{rel}", self.config.max_file_size)
        if info is not None:
            self._stats.setdefault(rel, info)
        if problem is not None:
            self.skipped.setdefault(rel, problem)
        return problem is None

    def _walk(self, base: str) -> Iterator[str]:
        """The listed files under the directory ``base`` (absolute, resolved), walked as
        :func:`os.walk` walks (links to directories are not followed, unreadable
        directories are passed over) with strings only; a directory walked whole since
        the listings were last cleared is not walked again."""
        prefix = self.relative(Path(base))
        prefix = "" if prefix == "." else prefix + "/"
        pending = [(base, prefix)]
        while pending:
            directory, inner = pending.pop()
            try:
                with os.scandir(directory) as scan:
                    entries = list(scan)
            except OSError:
                continue
            for entry in entries:
                name = entry.name
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if is_dir:
                    if name in DEFAULT_EXCLUDES or entry.is_symlink():
                        continue
                    if entry.path in self._walked:  # walked as a root of an earlier listing
                        yield from self._walked[entry.path]
                    else:
                        pending.append((entry.path, f"{inner}{name}/"))
                elif name.endswith(".py"):
                    rel = f"{inner}{name}"
                    if not self.excluded(rel) and self._readable(rel, entry.path):
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

    def apply(
        self,
        edits: Iterable[Edit],
        *,
        also: Sequence[Write] = (),
        then: Callable[[list[str]], object] | None = None,
    ) -> list[str]:
        """Write every edit (and every write in ``also``) or none; returns the paths edited.

        Each file must still hold the bytes this workspace read (the plan's basis), be
        writable by its mode, and lie under the root when reached through a link; a link
        is written through, a hard-linked file in place, owner and mode are kept (see
        :mod:`compatlint.transaction`). ``then`` runs after the last write with the paths;
        if it raises, every file is put back as it was. ``Edit.new_text`` None deletes.
        """
        from compatlint.transaction import write_all

        edits = list(edits)
        paths = [edit.path for edit in edits]
        writes = [self._planned_write(edit) for edit in edits]
        self._walked.clear()  # a write may add or delete files
        self._stats.clear()
        write_all([*writes, *also], (lambda: then(paths)) if then is not None else None)
        for edit, write in zip(edits, writes, strict=True):
            self._bytes.pop(edit.path, None)
            self._texts.pop(edit.path, None)
            if edit.new_text is not None and write.data is not None:
                self._bytes[edit.path] = write.data
                self._texts[edit.path] = edit.new_text.removeprefix("\ufeff")
        return paths

    def _planned_write(self, edit: Edit) -> Write:
        """The write of ``edit``, checked against the bytes read for it (if it was read)."""
        from compatlint.transaction import Write

        data = None if edit.new_text is None else self.encode(edit.path, edit.new_text)
        basis = self._bytes.get(edit.path)
        return Write(edit.path, self.root / edit.path, data, basis, root=self.root)

    # -- git -------------------------------------------------------------------------------

    def _repo(self) -> Repository | None:
        from compatlint.vcs import repository

        return repository(self.root)

    def _repo_paths(self, repo: Repository, paths: Sequence[str]) -> dict[str, str]:
        """Each path as git names it (through a link, its target's path), to the path."""
        mapping: dict[str, str] = {}
        for rel in paths:
            named = self.root.resolve() / rel
            path = repo.path_of(named.resolve()) or repo.path_of(named) or rel
            mapping[path] = rel
        return mapping

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
        output = repo.git("status", "--porcelain", "-z", "--untracked-files=all", "--", *mapping)
        dirty = sorted({mapping[e[3:]] for e in output.split("\0") if e[3:] in mapping})
        if dirty:
            raise WorkspaceError(
                f"uncommitted changes in {', '.join(dirty)}; commit or stash them first, "
                "or pass --allow-dirty"
            )

    def ensure_committable(self) -> None:
        """Refuse ``--commit`` before anything is written: outside git, a repository git
        refuses, no identity to commit with, or another git process holding the index."""
        from compatlint.vcs import GitError

        repo = self._repo()
        if repo is None:
            raise WorkspaceError("--commit needs a git repository", str(self.root))
        for ident in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
            try:
                repo.git("var", ident)
            except GitError as exc:
                said = exc.message.removeprefix("git var failed: ")
                raise GitError(
                    f"--commit: git has no identity to commit with ({said}); set user.name "
                    "and user.email (git config)"
                ) from None
        lock = repo.top / repo.git("rev-parse", "--git-path", "index.lock").strip()
        if lock.exists():
            raise GitError(
                f"--commit: {lock} exists: another git process is running, or one crashed "
                "(remove the file if none is running)"
            )

    def commit(self, paths: Sequence[str], message: str) -> str:
        """Commit exactly ``paths`` (other staged changes stay staged); the new commit id.

        When git refuses (a hook, a full disk), the index is put back byte for byte before
        the :class:`GitError` goes on, so the caller can restore the files to match.
        """
        from compatlint.vcs import GitError

        repo = self._repo()
        if repo is None:
            raise WorkspaceError("--commit needs a git repository", str(self.root))
        rels = list(self._repo_paths(repo, paths))
        index = repo.top / repo.git("rev-parse", "--git-path", "index").strip()
        saved = index.read_bytes() if index.exists() else None
        try:
            repo.git("add", "-A", "--", *rels)
            repo.git("commit", "-q", "-m", message, "--", *rels)
        except GitError:
            _put_back(index, saved)
            raise
        return repo.git("rev-parse", "HEAD").strip()


def _is_python(rel: str) -> bool:
    return rel.endswith((".py", ".pyi"))


def _put_back(path: Path, saved: bytes | None) -> None:
    """Restore a file git may have rewritten (the index) to ``saved`` (None: absent)."""
    from compatlint.transaction import Write, write_all

    with contextlib.suppress(OSError):
        if saved is None:
            path.unlink(missing_ok=True)
        else:
            write_all([Write(str(path), path, saved)])
