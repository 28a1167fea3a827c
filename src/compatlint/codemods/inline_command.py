"""``compatlint inline``: read the project, plan, then show, check or write.

The click command in :mod:`compatlint.cli` only parses flags and calls :func:`run_inline`;
everything here returns text and an exit code instead of printing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from compatlint.codemods.command import _selected_shims
from compatlint.codemods.inline import InlinePlan, first_party_roots, plan_inline
from compatlint.codemods.outcome import Outcome, present
from compatlint.codemods.plan import PrunePlan
from compatlint.codemods.render import text_console, unified_diff
from compatlint.codemods.sorting import ImportSorter
from compatlint.config import Config, config_name
from compatlint.errors import SourceError
from compatlint.ruff_sorter import RuffSorter, project_settings
from compatlint.versions import Floors
from compatlint.workspace import Workspace

MODES = ("write", "diff", "check")


# -- settings and sources -------------------------------------------------------------------


def project_sorter(config: Config, sources: Mapping[str, str]) -> RuffSorter:
    """Ruff, sorting with the project's settings; the project's top-level modules are first
    party unless the settings say which are."""
    roots = first_party_roots(config, sources)
    return RuffSorter(config.root, project_settings(config.root, config.config_path, roots))


def importer_paths(workspace: Workspace) -> list[str]:
    """The files that may import a shim: Python files under ``src`` and ``mocks.collect``."""
    config = workspace.config
    roots = list(config.src)
    if config.mocks is not None:
        roots += [root for root in config.mocks.collect if root not in roots]
    return workspace.python_files(roots)


def inline_sources(workspace: Workspace) -> tuple[dict[str, str], list[str]]:
    """The texts :func:`plan_inline` needs, and the files skipped because not UTF-8."""
    sources = workspace.sources([*workspace.config.shims, config_name(workspace.config)])
    unreadable: list[str] = []
    for rel in importer_paths(workspace):
        if rel in sources:
            continue
        try:
            sources[rel] = workspace.read(rel)
        except SourceError:
            unreadable.append(rel)
    return sources, unreadable


# -- output ---------------------------------------------------------------------------------


def plan_diff(plan: InlinePlan) -> str:
    """A ``git apply``-able unified diff of the plan, deletions included."""
    return unified_diff(PrunePlan(Floors(), edits=dict(plan.edits)))


def summary_line(plan: InlinePlan, verb: str) -> str:
    names = len(plan.inlined)
    importers = len({edit.path for item in plan.inlined for edit in item.importers})
    parts = [
        f"{names} name{'s' if names != 1 else ''} {verb}",
        f"{importers} importer{'s' if importers != 1 else ''}",
        f"{len(plan.edits)} file{'s' if len(plan.edits) != 1 else ''}",
    ]
    if plan.deleted:
        parts.append(f"{len(plan.deleted)} shim{'s' if len(plan.deleted) != 1 else ''} deleted")
    if plan.manual:
        count = len(plan.manual)
        parts.append(f"{count} manual follow-up{'s' if count != 1 else ''}")
    return "inline: " + ", ".join(parts)


def render_text(plan: InlinePlan, verb: str, *, color: bool = False, width: int = 120) -> str:
    """The inlined names, deleted shims and manual follow-ups as rich tables."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console, buffer = text_console(color=color, width=width)
    if plan.inlined:
        table = Table(title="Inlined re-exports", box=box.SIMPLE_HEAD, expand=True)
        table.add_column("name", no_wrap=True)
        table.add_column("from", no_wrap=True)
        table.add_column("importers", overflow="fold", ratio=1)
        for item in plan.inlined:
            name = item.name
            if item.upstream_name != item.name:
                name = f"{item.upstream_name} as {item.name}"
            where = ", ".join(f"{e.path}:{e.line}" for e in item.importers) or "(none)"
            if not item.removed_from_shim:
                where += " (kept in the shim for the importers left as is)"
            table.add_row(Text(name), Text(item.module), Text(where))
        console.print(table)
    for path in plan.deleted:
        console.print(f"Deleted {path}: the shim was left trivial", markup=False)
    if plan.kept:
        table = Table(title="Re-exports kept in the shim", box=box.SIMPLE_HEAD)
        table.add_column("location", no_wrap=True)
        table.add_column("name", no_wrap=True)
        table.add_column("why", overflow="fold")
        for kept in plan.kept:
            table.add_row(Text(f"{kept.shim}:{kept.line}"), Text(kept.name), Text(kept.reason))
        console.print(table)
    if plan.manual:
        table = Table(title="Manual follow-ups", box=box.SIMPLE_HEAD)
        table.add_column("location", no_wrap=True)
        table.add_column("name", no_wrap=True)
        table.add_column("why", overflow="fold")
        for item in plan.manual:
            table.add_row(Text(f"{item.path}:{item.line}"), Text(item.name), Text(item.reason))
        console.print(table)
    console.print(summary_line(plan, verb), markup=False, soft_wrap=True)
    return buffer.getvalue()


# -- the command ----------------------------------------------------------------------------


def run_inline(
    config: Config,
    paths: Sequence[Path] = (),
    *,
    only: Sequence[str] = (),
    mode: str = "write",
    allow_dirty: bool = False,
    output_format: str = "text",
    color: bool = False,
    sorter: ImportSorter | None = None,
) -> Outcome:
    """Inline the trivial re-exports of the shims under ``paths`` (default: all)."""
    if mode not in MODES:  # pragma: no cover - the CLI offers only these
        raise ValueError(mode)
    workspace = Workspace(config)
    shims = _selected_shims(workspace, paths)
    sources, unreadable = inline_sources(workspace)
    sorter = sorter if sorter is not None else project_sorter(config, sources)
    plan = plan_inline(config, sources, only or None, shims=shims, sorter=sorter)
    outcome = Outcome("", plan=plan)
    if unreadable:
        outcome.messages.append(
            "compatlint: warning: not searched for importers (not UTF-8): " + ", ".join(unreadable)
        )
    for name in plan.unknown_only:
        outcome.messages.append(f"compatlint: warning: --only {name}: no shim re-exports it")
    changed_paths = sorted(plan.edits)
    if mode == "write" and plan.changed:
        workspace.ensure_clean(changed_paths, allow_dirty=allow_dirty)
        workspace.apply(plan.edits[path] for path in changed_paths)

    verb = "inlined" if mode == "write" else "would be inlined"
    present(
        outcome,
        mode=mode,
        output_format=output_format,
        changed=plan.changed,
        payload=plan.to_json,
        diff=lambda: plan_diff(plan),
        text=lambda: render_text(plan, verb, color=color),
        summary=lambda: summary_line(plan, verb),
    )
    return outcome
