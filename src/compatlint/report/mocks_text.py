"""A mocks plan as text: the stub-list entries added (or to add), and the stale ones (pure)."""

from __future__ import annotations

from compatlint.codemods.mocks import MocksPlan


def summary_line(plan: MocksPlan, verb: str) -> str:
    entries = "entry" if len(plan.added) == 1 else "entries"
    return f"{plan.path}: {len(plan.added)} {plan.name} {entries} {verb}"


def render_text(plan: MocksPlan, verb: str) -> str:
    """The summary line, then one ``+ module`` line per entry."""
    return "\n".join([summary_line(plan, verb), *(f"  + {m}" for m in plan.added)]) + "\n"


def stale_lines(plan: MocksPlan) -> list[str]:
    """One line per listed module no collected file imports any more."""
    return [
        f"{plan.path}:{entry.line}: {entry.module} is listed in {plan.name} but no "
        "collected file imports it any more"
        for entry in plan.stale
    ]
