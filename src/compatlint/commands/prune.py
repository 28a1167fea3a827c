"""``compatlint prune``: read the project, plan, then show, check or write (and commit).

The click command in :mod:`compatlint.cli` only parses flags and calls :func:`run_prune`;
everything here returns text and an exit code instead of printing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from compatlint.cache import text_hash
from compatlint.codemods.edits import diff_edits
from compatlint.codemods.formatting import Formatter
from compatlint.codemods.prune import plan_prune
from compatlint.codemods.sorting import ImportSorter
from compatlint.commands.common import (
    check_mode,
    importer_cache,
    index_readers,
    project_sources,
    selected_shims,
    text_records,
    unreadable_warning,
    write_edits,
)
from compatlint.commands.outcome import Outcome, present
from compatlint.config import Config
from compatlint.pool import RunPool
from compatlint.report.prune_text import render_text, summary_line
from compatlint.report.worklog import render_worklog
from compatlint.transaction import Write, write_all
from compatlint.versions import Floors
from compatlint.workspace import Workspace


def commit_message(config: Config, overrides: Floors) -> str:
    """``compat: prune <upstream> fallbacks below <floor>``, then any other floors given."""
    primary = config.primary
    floor = config.floors.upstreams.get(primary)
    message = f"compat: prune {primary} fallbacks" + (f" below {floor}" if floor else "")
    extras = [f"{name} below {v}" for name, v in overrides.upstreams.items() if name != primary]
    extras += [f"{track} track below {v}" for track, v in overrides.tracks.items()]
    return message + (f" ({', '.join(extras)})" if extras else "")


def worklog_write(path: Path, text: str) -> Write:
    """The worklog as a write (UTF-8): it may lie anywhere, a link is written through."""
    return Write(str(path), path, text.encode("utf-8"))


def run_prune(
    config: Config,
    paths: Sequence[Path] = (),
    *,
    overrides: Floors | None = None,
    mode: str = "write",
    allow_dirty: bool = False,
    commit: bool = False,
    worklog: Path | None = None,
    output_format: str = "text",
    color: bool = False,
    use_cache: bool = True,
) -> Outcome:
    """Prune the shims under ``paths`` (default: all) at ``config.floors``. ``use_cache``:
    keep what the importer index reads of each file in ``.compatlint_cache/``."""
    check_mode(mode)
    workspace = Workspace(config)
    shims = selected_shims(workspace, paths)
    # Every Python file may call a tagged definition; one that is not UTF-8 cannot be
    # searched, and says so, but does not stop the run.
    sources, unreadable = project_sources(workspace)
    # Sorting and formatting run processes; --check only needs to know whether prune edits.
    sorter: ImportSorter | None = None
    formatter: Formatter | None = None
    if mode != "check":  # inline's module (ruff, the formatters) is imported only then
        from compatlint.commands.inline import project_formatter_for, project_sorter

        sorter = project_sorter(config, sources)
        formatter = project_formatter_for(config, sources)
    with importer_cache(config.root, use_cache) as cache, RunPool() as pool:
        batch, bindings_batch = index_readers(pool)
        plan = plan_prune(
            config,
            sources,
            config.floors,
            shims=shims,
            sorter=sorter,
            formatter=formatter,
            facts_cache=cache,
            digest=text_hash,
            known=text_records(cache, workspace, sources),
            batch=batch,
            bindings_batch=bindings_batch,
        )
    outcome = Outcome("", plan=plan, notices=workspace.warnings)
    if unreadable and any(site.kind == "tagged-definition" for site in plan.removed):
        outcome.messages.append(unreadable_warning("call sites", unreadable))
    # The worklog is written with the edits, all or nothing; alone in --diff/--check.
    also = [worklog_write(worklog, render_worklog(plan))] if worklog is not None else []
    commit_id: str | None = None
    if mode == "write" and plan.changed:
        message = commit_message(config, overrides or Floors()) if commit else None
        written = write_edits(
            workspace, plan.edits, allow_dirty=allow_dirty, commit_message=message, also=also
        )
        commit_id = written.commit
    else:
        if mode == "write" and commit:
            outcome.messages.append("compatlint: nothing to prune, nothing committed")
        if also:
            write_all(also)

    verb = "removed" if mode == "write" else "would be removed"
    committed = f"committed {commit_id[:12]}\n" if commit_id is not None else ""
    return present(
        outcome,
        mode=mode,
        output_format=output_format,
        changed=plan.changed,
        payload=plan.to_json,
        diff=lambda: diff_edits(plan.edits),
        text=lambda: render_text(plan, verb, color=color) + committed,
        summary=lambda: summary_line(plan, verb),
        extra={"commit": commit_id} if commit_id is not None else None,
    )
