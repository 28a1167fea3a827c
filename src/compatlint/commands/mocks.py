"""``compatlint mocks``: read the project, plan the stub-list edit, show, check or write."""

from __future__ import annotations

from compatlint.codemods.mocks import MocksPlan, plan_mocks
from compatlint.codemods.render import diff_edits
from compatlint.commands.common import write_edits
from compatlint.commands.outcome import Outcome, present
from compatlint.config import Config
from compatlint.engine import gather_facts
from compatlint.errors import ConfigError
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
    outcome = Outcome("", plan=plan)
    if mode == "write" and plan.changed:
        write_edits(workspace, plan.edits, allow_dirty=allow_dirty)
    verb = "added" if mode == "write" else "to add"
    entries = "entry" if len(plan.added) == 1 else "entries"
    summary = f"{plan.path}: {len(plan.added)} {plan.name} {entries} {verb}"

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
        text=lambda: "\n".join([summary, *(f"  + {m}" for m in plan.added)]) + "\n",
        summary=lambda: summary,
    )
    if stale and output_format != "json":
        for entry in plan.stale:
            outcome.messages.append(
                f"{plan.path}:{entry.line}: {entry.module} is listed in {plan.name} but no "
                "collected file imports it any more"
            )
    if stale and plan.stale:
        outcome.exit_code = 1
    return outcome
