"""Walk results as Markdown (the worklog table), JSON, or a rich table for the terminal."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compatlint.runner.walk import ScriptResult, Status

if TYPE_CHECKING:  # rich is imported only when a table is drawn
    from rich.table import Table

STATUS_STYLES = {
    Status.PASS: "bold green",
    Status.FAIL: "bold red",
    Status.TIMEOUT: "bold yellow",
    Status.SKIPPED: "cyan",
}


def summary(results: Sequence[ScriptResult]) -> str:
    """``2 passed, 1 failed, 0 timed out, 1 skipped``."""
    counts = {status: sum(r.status is status for r in results) for status in Status}
    return (
        f"{counts[Status.PASS]} passed, {counts[Status.FAIL]} failed, "
        f"{counts[Status.TIMEOUT]} timed out, {counts[Status.SKIPPED]} skipped"
    )


def to_json(
    results: Sequence[ScriptResult], *, gpus: int, logdir: Path | None = None
) -> dict[str, Any]:
    """``{"results": [{"script", "status", "notes", "log", ...}], "gpus": N, "logdir": ...}``."""
    return {
        "results": [result.to_json() for result in results],
        "gpus": gpus,
        "logdir": None if logdir is None else str(logdir),
    }


def render_json(results: Sequence[ScriptResult], *, gpus: int, logdir: Path | None = None) -> str:
    """:func:`to_json` as indented text."""
    return json.dumps(to_json(results, gpus=gpus, logdir=logdir), indent=2) + "\n"


def render_markdown(
    results: Sequence[ScriptResult], *, gpus: int, logdir: Path | None = None
) -> str:
    """The worklog table ``| # | Script | Status | Notes |``, then the log lines of failures."""
    lines = ["| # | Script | Status | Notes |", "| --- | --- | --- | --- |"]
    for number, result in enumerate(results, start=1):
        cells = (str(number), result.script, result.status.value, result.notes)
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    where = f" Logs: `{logdir}`." if logdir is not None else ""
    lines += ["", f"GPUs present: {gpus}. {summary(results)}.{where}"]
    for result in results:
        if not result.excerpt:
            continue
        fence = "````" if any("```" in line for line in result.excerpt) else "```"
        lines += ["", f"#### {result.script} ({result.status.value}): last log lines", ""]
        lines += [f"{fence}text", *result.excerpt, fence]
    return "\n".join(lines) + "\n"


def render_table(results: Sequence[ScriptResult], *, gpus: int) -> Table:
    """A rich table of the results; failures show their last log lines, dimmed."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"compatlint walk ({gpus} GPU{'' if gpus == 1 else 's'} present)")
    table.add_column("#", justify="right")
    table.add_column("Script", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("Notes", overflow="fold")
    for number, result in enumerate(results, start=1):
        notes = Text(result.notes)
        for line in result.excerpt:
            notes.append("\n" + line, style="dim")
        status = Text(result.status.value, style=STATUS_STYLES[result.status])
        table.add_row(str(number), result.script, status, notes)
    return table


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
