"""``compatlint inline``: read the project, plan, then show, check or write (the I/O).

The click command in :mod:`compatlint.cli` only parses flags and calls :func:`run_inline`;
everything here returns text and an exit code instead of printing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from compatlint.codemods.command import _selected_shims
from compatlint.codemods.inline import first_party_roots, plan_inline
from compatlint.codemods.outcome import Outcome, present
from compatlint.codemods.sorting import ImportSorter
from compatlint.config import Config, config_name
from compatlint.errors import SourceError
from compatlint.report.inline_text import plan_diff, render_text, summary_line
from compatlint.ruff_sorter import RuffSorter, project_settings
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
