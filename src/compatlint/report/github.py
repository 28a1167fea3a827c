"""GitHub Actions workflow commands: one ``::error`` annotation per finding.

Escaping follows the runner's rules (actions/toolkit ``command.ts``): in the message
``%``, CR and LF become ``%25``, ``%0D``, ``%0A``; property values additionally escape
``:`` and ``,`` as ``%3A`` and ``%2C``. The output ends with the plain summary line
that the text format prints, so the log still says how many findings there were.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from compatlint.report.text import summary_line

if TYPE_CHECKING:
    from compatlint.model import Diagnostic
    from compatlint.report import CheckResult

__all__ = ["escape_data", "escape_property", "format_annotation", "render_github"]


def escape_data(value: str) -> str:
    """Escape a workflow command's message (the part after ``::``)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a workflow command property value (``file=``, ``title=`` …)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def format_annotation(d: Diagnostic) -> str:
    """One ``::error`` line for ``d`` (without a newline)."""
    props = {
        "file": d.path,
        "line": str(d.line),
        "col": str(d.column),
        "endLine": str(d.end_line),
        "endColumn": str(d.end_column),
        "title": f"{d.code} {d.name}",
    }
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in props.items())
    return f"::error {rendered}::{escape_data(d.message)}"


def render_github(result: CheckResult, *, max_annotations: int | None = None) -> str:
    """Render one annotation per finding, then the summary line.

    Findings in ``result.changed`` come first (GitHub shows only the first few
    annotations of a step); with ``max_annotations`` the rest are counted in a notice
    instead of annotated.
    """
    changed = set(result.changed)
    ordered = sorted(result.diagnostics, key=lambda d: d.path not in changed)
    shown = ordered if max_annotations is None else ordered[:max_annotations]
    lines = [format_annotation(d) for d in shown]
    hidden = len(ordered) - len(shown)
    if hidden:
        lines.append(
            f"::notice title=compatlint::{hidden} more finding{'s' if hidden != 1 else ''} "
            f"not annotated (limit {max_annotations}); run `compatlint check` to see all"
        )
    lines.append(summary_line(result))
    return "".join(line + "\n" for line in lines)
