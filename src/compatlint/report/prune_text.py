"""A prune plan as text: rich tables of what went and what is left for a person (pure)."""

from __future__ import annotations

from compatlint.codemods.plan import PrunePlan
from compatlint.report.console import print_reasons, text_console


def summary_line(plan: PrunePlan, verb: str) -> str:
    files = len(plan.edits)
    sites = len(plan.removed)
    calls = len(plan.call_site_edits)
    parts = [
        f"{sites} site{'s' if sites != 1 else ''} {verb}",
        f"{files} file{'s' if files != 1 else ''}",
    ]
    if calls:
        parts.append(f"{calls} call-site edit{'s' if calls != 1 else ''}")
    if plan.stubs:
        parts.append(f"{len(plan.stubs)} stub-list addition{'s' if len(plan.stubs) != 1 else ''}")
    if plan.follow_ups:
        count = len(plan.follow_ups)
        parts.append(f"{count} manual follow-up{'s' if count != 1 else ''}")
    return f"prune at {plan.floors.describe()}: " + ", ".join(parts)


def render_text(plan: PrunePlan, verb: str, *, color: bool = False, width: int = 120) -> str:
    """The removed sites, call-site edits, stub additions and follow-ups as rich tables."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    def row(table: Table, *cells: str) -> None:
        table.add_row(*(Text(cell) for cell in cells))

    console, buffer = text_console(color=color, width=width)
    if plan.removed:
        table = Table(title=f"Pruned at {plan.floors.describe()}", box=box.SIMPLE_HEAD, expand=True)
        for header in ("location", "kind", "covers", "removal"):
            table.add_column(header, no_wrap=True)
        table.add_column("names", overflow="fold", ratio=4)
        table.add_column("action", overflow="fold", ratio=5)
        for site in plan.removed:
            row(
                table,
                f"{site.path}:{site.line}",
                site.kind,
                site.covers or "",
                f"{site.removal}+" if site.removal else "",
                ", ".join(site.names),
                site.action,
            )
        console.print(table)
    if plan.call_site_edits:
        table = Table(title="Call sites", box=box.SIMPLE_HEAD)
        for header in ("location", "name", "action"):
            table.add_column(header, no_wrap=True)
        for edit in plan.call_site_edits:
            row(table, f"{edit.path}:{edit.line}", edit.name, edit.action)
        console.print(table)
    if plan.stubs:
        first = plan.stubs[0]
        console.print(f"Stub list {first.path} ({first.list_name}) gains:", markup=False)
        for stub in plan.stubs:
            console.print(f"  + {stub.module}", markup=False)
    if plan.follow_ups:
        follow_ups = [(f"{f.path}:{f.line}", f.kind, f.reason) for f in plan.follow_ups]
        print_reasons(console, "Manual follow-ups", "kind", follow_ups)
    console.print(summary_line(plan, verb), markup=False, soft_wrap=True)
    return buffer.getvalue()
