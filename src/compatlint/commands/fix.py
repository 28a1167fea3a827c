"""``compatlint check --fix``: read the project, chain the fixes, apply them all at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from compatlint.cache import text_hash
from compatlint.codemods.edits import diff_edits
from compatlint.codemods.fix import FIXABLE, plan_fixes
from compatlint.commands.common import (
    importer_cache,
    index_readers,
    project_sources,
    text_records,
)
from compatlint.commands.inline import project_formatter_for, project_sorter
from compatlint.config import config_name
from compatlint.model import Diagnostic, Edit
from compatlint.pool import RunPool
from compatlint.workspace import Workspace


@dataclass(frozen=True)
class FixResult:
    """The fixes planned (and, when written, applied) for one check run."""

    edits: dict[str, Edit]
    codes: frozenset[str]

    @property
    def diff(self) -> str:
        return diff_edits(self.edits)

    @property
    def summary(self) -> str:
        count = len(self.edits)
        fixed = ", ".join(sorted(self.codes))
        return f"Fixed {fixed} in {count} file{'s' if count != 1 else ''}."


def apply_fixes(
    workspace: Workspace,
    diagnostics: Iterable[Diagnostic],
    *,
    write: bool,
    use_cache: bool = True,
) -> FixResult:
    """Plan the fixes of ``diagnostics`` and, when ``write``, apply them all-or-nothing
    (``use_cache``: keep what the codemods read of each file, as ``prune`` does).

    Like ``ruff --fix`` — and unlike ``prune`` — this does not refuse files with
    uncommitted changes: it runs as a pre-commit hook, on files that are staged.
    """
    codes = frozenset(d.code for d in diagnostics if d.code in FIXABLE)
    if not codes:
        return FixResult({}, codes)
    sources, _unreadable = project_sources(workspace)
    name = config_name(workspace.config)
    sources[name] = workspace.read(name)
    tidy = bool(codes & {"CL102", "CL108", "CL112"})  # prune and inline tidy what they touch
    sorter = project_sorter(workspace.config, sources) if tidy else None
    formatter = project_formatter_for(workspace.config, sources) if tidy else None
    with importer_cache(workspace.config.root, use_cache) as cache, RunPool() as pool:
        batch, bindings_batch = index_readers(pool)
        edits = plan_fixes(
            workspace.config,
            sources,
            codes,
            sorter=sorter,
            formatter=formatter,
            facts_cache=cache,
            digest=text_hash,
            known=text_records(cache, workspace, sources),
            batch=batch,
            bindings_batch=bindings_batch,
        )
    if write and edits:
        workspace.apply(edits.values())
    return FixResult(edits, codes)
