"""The steps every codemod verb shares: choose the shims, read the sources, write the edits."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from compatlint.cache import IMPORTER_FACTS, FactCache
from compatlint.errors import SourceError
from compatlint.model import Edit
from compatlint.pool import RunPool, batch_on
from compatlint.transaction import Write
from compatlint.vcs import GitError
from compatlint.workspace import Workspace

if TYPE_CHECKING:
    from compatlint.names.importers import BatchReader, TextAnswers

MODES = ("write", "diff", "check")


def check_mode(mode: str) -> None:
    """Refuse a mode no command offers (the CLI offers only :data:`MODES`)."""
    if mode not in MODES:  # pragma: no cover - the CLI offers only these
        raise ValueError(mode)


def selected_shims(workspace: Workspace, paths: Sequence[Path]) -> list[str]:
    """The configured shims under ``paths`` (all of them when none is given)."""
    config = workspace.config
    if not paths:
        return list(config.shims)
    chosen: list[str] = []
    for path in paths:
        rel = workspace.relative(path)
        if not (workspace.root / rel).exists():
            raise SourceError("no such file or directory", rel)
        under = [s for s in config.shims if s == rel or rel in ("", ".") or s.startswith(rel + "/")]
        if not under:
            raise SourceError("is not a configured shim and holds none", rel)
        chosen += under
    return list(dict.fromkeys(chosen))


def read_sources(
    workspace: Workspace, required: Iterable[str], searched: Iterable[str]
) -> tuple[dict[str, str], list[str]]:
    """The texts of the ``required`` files (one that cannot be read stops the run) and of
    the ``searched`` ones; a searched file that is not UTF-8 is returned apart, to be
    named, not fatal."""
    sources = workspace.sources(required)
    unreadable: list[str] = []
    for rel in searched:
        if rel in sources:
            continue
        try:
            sources[rel] = workspace.read(rel)
        except SourceError:
            unreadable.append(rel)
    return sources, unreadable


def project_sources(workspace: Workspace) -> tuple[dict[str, str], list[str]]:
    """The context files and every Python file under the root (any may call a tagged
    definition)."""
    return read_sources(workspace, workspace.context_files(), workspace.python_files(["."]))


@contextmanager
def importer_cache(root: Path, use_cache: bool) -> Iterator[FactCache | None]:
    """The cache of what the codemods read of importers (None without ``use_cache``),
    saved when the planning in the ``with`` block is done."""
    cache = FactCache(root, IMPORTER_FACTS) if use_cache else None
    yield cache
    if cache is not None:
        cache.save()


def text_records(
    cache: FactCache | None, workspace: Workspace, sources: Mapping[str, str]
) -> TextAnswers | None:
    """What earlier runs read in the texts of ``sources`` unchanged since, kept in
    ``cache`` by the files' stat signatures (None without a cache). Imported here: the
    index it answers for brings libcst, which ``mocks`` and ``check`` never load."""
    from compatlint.text_records import TextRecords

    return None if cache is None else TextRecords(cache, workspace.signature, sources)


def index_readers(pool: RunPool) -> tuple[BatchReader, BatchReader]:
    """What reads many importers' facts, and many modules' bindings, at once on ``pool``
    (see :class:`~compatlint.names.importers.ImporterIndex`)."""
    from compatlint.names.importer_facts import encoded_bindings_of, encoded_facts_of

    def size(item: tuple[str, str, str | None, bool]) -> int:
        return len(item[1])

    return batch_on(pool, encoded_facts_of, size), batch_on(pool, encoded_bindings_of, size)


def unreadable_warning(searched_for: str, unreadable: Sequence[str]) -> str:
    """The stderr line naming the files a codemod could not search (not UTF-8)."""
    return f"compatlint: warning: not searched for {searched_for} (not UTF-8): " + ", ".join(
        unreadable
    )


@dataclass(frozen=True)
class Written:
    """What a write step did: the paths edited and, with ``--commit``, the commit id."""

    paths: list[str]
    commit: str | None = None


def write_edits(
    workspace: Workspace,
    edits: Mapping[str, Edit],
    *,
    allow_dirty: bool,
    commit_message: str | None = None,
    also: Sequence[Write] = (),
) -> Written:
    """Check every precondition first — no uncommitted changes in the files (unless
    ``allow_dirty``), and for a commit a repository git accepts and an identity — then
    write every edit and every ``also`` file (a worklog) or none, in path order. With
    ``commit_message`` the edited files are committed; when git refuses the commit, every
    file written is put back, so a failed run leaves the tree as it was."""
    changed_paths = sorted(edits)
    workspace.ensure_clean(changed_paths, allow_dirty=allow_dirty)
    if commit_message is None:
        workspace.apply((edits[path] for path in changed_paths), also=also)
        return Written(changed_paths)
    workspace.ensure_committable()
    committed: list[str] = []

    def commit(paths: list[str]) -> None:
        try:
            committed.append(workspace.commit(paths, commit_message))
        except GitError as exc:
            raise GitError(f"{exc.message}; no file was changed", exc.path) from None

    workspace.apply((edits[path] for path in changed_paths), also=also, then=commit)
    return Written(changed_paths, committed[0])
