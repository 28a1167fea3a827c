"""``compatlint mocks``: read the project, plan the stub-list edit, show, check or write."""

from __future__ import annotations

from compatlint.codemods.edits import diff_edits
from compatlint.codemods.mocks import MocksPlan, plan_mocks
from compatlint.commands.common import write_edits
from compatlint.commands.outcome import Outcome, present
from compatlint.config import Config
from compatlint.engine import gather_facts
from compatlint.errors import ConfigError
from compatlint.report.mocks_text import render_text, stale_lines, summary_line
from compatlint.workspace import Workspace


def plan_for(workspace: Workspace) -> MocksPlan:
    """The mocks plan of the project on disk (facts come through the cache)."""
    config = workspace.config
    if config.mocks is None:
        raise ConfigError(
            "no [tool.compatlint.mocks] table: nothing to keep in step", str(config.config_path)
        )
    project = gather_facts(workspace, workspace.python_files(config.mocks.collect))
    return plan_mocks(project, workspace.read(config.mocks.file))


def run_mocks(
    config: Config,
    *,
    mode: str = "write",
    stale: bool = False,
    allow_dirty: bool = False,
    output_format: str = "text",
) -> Outcome:
    """Add the missing stub-list entries (``mode``: write, diff or check)."""
    workspace = Workspace(config)
    plan = plan_for(workspace)
    outcome = Outcome("", plan=plan, notices=workspace.warnings)
    if mode == "write" and plan.changed:
        write_edits(workspace, plan.edits, allow_dirty=allow_dirty)
    verb = "added" if mode == "write" else "to add"

    def payload() -> dict[str, object]:
        body = plan.to_json()
        if not stale:
            body.pop("stale")
        return body

    present(
        outcome,
        mode=mode,
        output_format=output_format,
        changed=plan.changed,
        payload=payload,
        diff=lambda: diff_edits(plan.edits),
        text=lambda: render_text(plan, verb),
        summary=lambda: summary_line(plan, verb),
    )
    if stale and output_format != "json":
        outcome.messages += stale_lines(plan)
    if stale and plan.stale:
        outcome.exit_code = 1
    return outcome
