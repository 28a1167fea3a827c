"""``compatlint prune``: read the project, plan, then show, check or write (and commit).

The click command in :mod:`compatlint.cli` only parses flags and calls :func:`run_prune`;
everything here returns text and an exit code instead of printing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from compatlint.codemods.outcome import Outcome, present
from compatlint.codemods.prune import plan_prune
from compatlint.codemods.render import render_text, summary_line, unified_diff
from compatlint.codemods.worklog import render_worklog
from compatlint.config import Config
from compatlint.errors import SourceError, WorkspaceError
from compatlint.versions import Floors
from compatlint.workspace import Workspace

MODES = ("write", "diff", "check")


def commit_message(config: Config, overrides: Floors) -> str:
    """``compat: prune <upstream> fallbacks below <floor>``, then any other floors given."""
    primary = config.primary
    floor = config.floors.upstreams.get(primary)
    message = f"compat: prune {primary} fallbacks" + (f" below {floor}" if floor else "")
    extras = [f"{name} below {v}" for name, v in overrides.upstreams.items() if name != primary]
    extras += [f"{track} track below {v}" for track, v in overrides.tracks.items()]
    return message + (f" ({', '.join(extras)})" if extras else "")


def _selected_shims(workspace: Workspace, paths: Sequence[Path]) -> list[str]:
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


def project_sources(workspace: Workspace) -> tuple[dict[str, str], list[str]]:
    """The context files and every Python file under the root (any may call a tagged
    definition); files that are not UTF-8 are returned apart, to be named, not fatal."""
    sources = workspace.sources(workspace.context_files())
    unreadable: list[str] = []
    for rel in workspace.python_files(["."]):
        if rel in sources:
            continue
        try:
            sources[rel] = workspace.read(rel)
        except SourceError:
            unreadable.append(rel)
    return sources, unreadable


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
) -> Outcome:
    """Prune the shims under ``paths`` (default: all) at ``config.floors``."""
    if mode not in MODES:  # pragma: no cover - the CLI offers only these
        raise ValueError(mode)
    workspace = Workspace(config)
    shims = _selected_shims(workspace, paths)
    # Every Python file may call a tagged definition; one that is not UTF-8 cannot be
    # searched, and says so, but does not stop the run.
    sources, unreadable = project_sources(workspace)
    plan = plan_prune(config, sources, config.floors, shims=shims)
    outcome = Outcome("", plan=plan)
    if unreadable and any(site.kind == "tagged-definition" for site in plan.removed):
        outcome.messages.append(
            "compatlint: warning: not searched for call sites (not UTF-8): " + ", ".join(unreadable)
        )
    changed_paths = sorted(plan.edits)
    commit_id: str | None = None

    if mode == "write" and plan.changed:
        workspace.ensure_clean(changed_paths, allow_dirty=allow_dirty)
        workspace.apply(plan.edits[path] for path in changed_paths)
        if commit:
            message = commit_message(config, overrides or Floors())
            commit_id = workspace.commit(changed_paths, message)
    elif mode == "write" and commit:
        outcome.messages.append("compatlint: nothing to prune, nothing committed")

    if worklog is not None:
        try:
            worklog.parent.mkdir(parents=True, exist_ok=True)
            worklog.write_text(render_worklog(plan), encoding="utf-8")
        except OSError as exc:
            reason = f"cannot write the worklog: {exc.strerror}"
            raise WorkspaceError(reason, str(worklog)) from None

    verb = "removed" if mode == "write" else "would be removed"
    committed = f"committed {commit_id[:12]}\n" if commit_id is not None else ""
    return present(
        outcome,
        mode=mode,
        output_format=output_format,
        changed=plan.changed,
        payload=plan.to_json,
        diff=lambda: unified_diff(plan),
        text=lambda: render_text(plan, verb, color=color) + committed,
        summary=lambda: summary_line(plan, verb),
        extra={"commit": commit_id} if commit_id is not None else None,
    )
