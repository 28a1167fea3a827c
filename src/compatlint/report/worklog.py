"""The Step 11 deprecation table: what prune removed, in Markdown for the bump worklog."""

from __future__ import annotations

from compatlint.codemods.plan import PrunePlan, RemovedSite

_KIND_LABELS = {
    "import-fallback": "fallback branch",
    "temporary-try": "temporary try branch",
    "polyfill": "polyfill",
    "sentinel": "sentinel",
    "probe-branch": "probe branch",
    "probe-path": "probe path",
    "tagged-definition": "wrapper / definition",
}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|") or "—"


def _covered(site: RemovedSite) -> str:
    if site.covers:
        return site.covers
    if site.removal:
        return f"< {site.removal}"
    return "—"


def _call_sites(site: RemovedSite) -> str:
    if not site.call_sites:
        return "—"
    return "; ".join(f"{e.path}:{e.line} {e.action}" for e in site.call_sites)


def render_worklog(plan: PrunePlan, title: str | None = None) -> str:
    """One row per removed branch / polyfill / wrapper / definition / probe path, then the
    manual follow-ups and the stub-list additions."""
    heading = title or f"Compat deprecation at {plan.floors.describe()}"
    lines = [f"## {heading}", ""]
    if plan.removed:
        lines += [
            "| # | Location | Kind | Names | Covered | Track | Tag | Action | Call sites |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for number, site in enumerate(plan.removed, start=1):
            cells = [
                str(number),
                f"`{site.path}:{site.line}`",
                _KIND_LABELS.get(site.kind, site.kind),
                _cell(", ".join(site.names)),
                _cell(_covered(site)),
                _cell(site.track or ""),
                _cell(site.tag),
                _cell(site.action),
                _cell(_call_sites(site)),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    else:
        lines.append("Nothing was removed at these floors.")
    lines += ["", "### Manual follow-ups", ""]
    if plan.follow_ups:
        lines += ["| Location | Kind | Why | Tag |", "| --- | --- | --- | --- |"]
        for item in plan.follow_ups:
            lines.append(
                f"| `{item.path}:{item.line}` | {_cell(item.kind)} | {_cell(item.reason)} "
                f"| {_cell(item.tag)} |"
            )
    else:
        lines.append("None.")
    lines += ["", "### Stub-list additions", ""]
    if plan.stubs:
        where = f"`{plan.stubs[0].list_name}` in `{plan.stubs[0].path}`"
        lines.append(f"Added to {where}:")
        lines.append("")
        lines += [f"- `{stub.module}`" for stub in plan.stubs]
    else:
        lines.append("None.")
    return "\n".join(lines) + "\n"
