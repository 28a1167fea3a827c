"""``compatlint check --fix``: the safe fixes of the findings check reports, chained.

CL102 (expired fallback) is fixed by prune at the floors, CL108 (trivial shim) by inline,
CL202 (unmocked import) by mocks. Each planner is pure, so they run one after the other
on the texts the previous one produced, and the result is applied all-or-nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from compatlint.analysis.project import analyze_project
from compatlint.codemods.command import project_sources
from compatlint.codemods.inline import plan_inline
from compatlint.codemods.inline_command import project_sorter
from compatlint.codemods.mocks import plan_mocks
from compatlint.codemods.prune import plan_prune
from compatlint.codemods.render import diff_edits
from compatlint.codemods.sorting import ImportSorter
from compatlint.config import Config, config_name
from compatlint.model import Diagnostic, Edit
from compatlint.workspace import Workspace

FIXABLE = ("CL102", "CL108", "CL202")


def plan_fixes(
    config: Config,
    sources: Mapping[str, str],
    codes: Collection[str],
    *,
    sorter: ImportSorter | None = None,
) -> dict[str, Edit]:
    """Whole-file edits that fix the findings with ``codes`` (path → edit)."""
    current: dict[str, str | None] = dict(sources)

    def take(edits: Mapping[str, Edit]) -> None:
        for path, edit in edits.items():
            current[path] = edit.new_text

    def live() -> dict[str, str]:
        return {path: text for path, text in current.items() if text is not None}

    if "CL102" in codes:
        take(plan_prune(config, live(), config.floors).edits)
    if "CL108" in codes:
        take(plan_inline(config, live(), sorter=sorter).edits)
    if "CL202" in codes and config.mocks is not None and config.mocks.file in current:
        texts = live()
        project = analyze_project(config, texts)
        take(plan_mocks(project, texts[config.mocks.file]).edits)
    return {
        path: Edit(path, text, sources[path])
        for path, text in current.items()
        if path in sources and text != sources[path]
    }


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
    workspace: Workspace, diagnostics: Iterable[Diagnostic], *, write: bool
) -> FixResult:
    """Plan the fixes of ``diagnostics`` and, when ``write``, apply them all-or-nothing.

    Like ``ruff --fix`` — and unlike ``prune`` — this does not refuse files with
    uncommitted changes: it runs as a pre-commit hook, on files that are staged.
    """
    codes = frozenset(d.code for d in diagnostics if d.code in FIXABLE)
    if not codes:
        return FixResult({}, codes)
    sources, _unreadable = project_sources(workspace)
    name = config_name(workspace.config)
    sources[name] = workspace.read(name)
    sorter = project_sorter(workspace.config, sources) if "CL108" in codes else None
    edits = plan_fixes(workspace.config, sources, codes, sorter=sorter)
    if write and edits:
        workspace.apply(edits.values())
    return FixResult(edits, codes)
