"""How an inline plan is shown: a unified diff, a summary line, or rich tables (pure)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from compatlint.codemods.edits import CompiledTexts, Digest, diff_edits
from compatlint.report.console import print_reasons, text_console

if TYPE_CHECKING:
    from compatlint.codemods.inline.plan import InlinePlan

__all__ = ["plan_diff", "render_text", "summary_line"]


def plan_diff(
    plan: InlinePlan, kept: CompiledTexts | None = None, digest: Digest | None = None
) -> str:
    """A ``git apply``-able unified diff of the plan, deletions included (``kept``: see
    :func:`~compatlint.codemods.edits.diff_edits`)."""
    return diff_edits(plan.edits, kept, digest)


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
        kept = [(f"{k.shim}:{k.line}", k.name, k.reason) for k in plan.kept]
        print_reasons(console, "Re-exports kept in the shim", "name", kept)
    if plan.manual:
        manual = [(f"{m.path}:{m.line}", m.name, m.reason) for m in plan.manual]
        print_reasons(console, "Manual follow-ups", "name", manual)
    console.print(summary_line(plan, verb), markup=False, soft_wrap=True)
    return buffer.getvalue()
