"""The ``compatlint report`` table: every site of every shim and its fate at the floors."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from compatlint.analysis.shim import ShimModel
from compatlint.floor_sources import FloorSources, PinSource
from compatlint.report.floors import floor_block, pins_json
from compatlint.sitekinds import site_fate
from compatlint.versions import Floors

SITE_FORMATS = ("text", "json", "markdown")
_HEADERS = ("location", "kind", "names", "covers", "removal", "track", "fate")


@dataclass(frozen=True)
class SiteRow:
    """One line of the report."""

    path: str
    line: int
    kind: str
    names: str
    covers: str
    removal: str
    track: str
    fate: str
    tag: str

    def cells(self) -> tuple[str, ...]:
        location = f"{self.path}:{self.line}"
        return (location, self.kind, self.names, self.covers, self.removal, self.track, self.fate)


def site_rows(shims: Iterable[ShimModel], floors: Floors, primary: str) -> list[SiteRow]:
    rows = []
    for shim in shims:
        for site in shim.sites:
            tag = site.tag
            rows.append(
                SiteRow(
                    path=site.path,
                    line=site.line,
                    kind=site.kind.value,
                    names=", ".join(site.names),
                    covers=(tag.covers_text() or "") if tag else "",
                    removal=f"{tag.removal}+" if tag and tag.removal else "",
                    track=(tag.track or "") if tag else "",
                    fate=site_fate(site, floors, primary).value,
                    tag=" ".join(tag.raw.split()) if tag else "",
                )
            )
    return rows


def render_sites(
    rows: list[SiteRow],
    fmt: str,
    *,
    floors: Floors,
    sources: FloorSources | None = None,
    pins: Sequence[PinSource] = (),
    color: bool = False,
) -> str:
    """The rows as an aligned text table, Markdown or JSON. ``sources``: every floor and
    where it came from — a "Floors" block above the text table, ``floor_sources`` in JSON
    (``floors`` keeps the floors that judge tags: config and command line); ``pins``: the
    window's tops and where they came from, under their floors, ``pins`` in JSON."""
    if fmt == "json":
        payload = {
            "version": 1,
            "floors": floors.to_json(),
            "floor_sources": sources.to_json() if sources is not None else {},
            "pins": pins_json(pins),
            "sites": [row.__dict__ for row in rows],
        }
        return json.dumps(payload, indent=2) + "\n"
    if fmt == "markdown":
        lines = ["| " + " | ".join(_HEADERS) + " |", "|" + " --- |" * len(_HEADERS)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in r.cells()) + " |" for r in rows]
        return "\n".join(lines) + "\n"
    block = "\n".join(floor_block(sources, pins)) + "\n\n" if sources is not None else ""
    if color:
        return block + _rich_table(rows, floors)
    widths = [max([len(h)] + [len(r.cells()[i]) for r in rows]) for i, h in enumerate(_HEADERS)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(_HEADERS, widths, strict=False)).rstrip()]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(r.cells(), widths, strict=False)).rstrip()
        for r in rows
    ]
    lines.append(_summary(rows, floors))
    return block + "\n".join(lines) + "\n"


def _summary(rows: list[SiteRow], floors: Floors) -> str:
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.fate] = counts.get(row.fate, 0) + 1
    parts = ", ".join(f"{n} {fate}" for fate, n in sorted(counts.items()))
    return f"{len(rows)} sites at floors {floors.describe()}: {parts or 'none'}"


_FATE_STYLE = {
    "expired": "bold red",
    "untagged": "yellow",
    "vague": "yellow",
    "no-floor": "magenta",
    "keep": "green",
    "permanent": "dim",
}


def _rich_table(rows: list[SiteRow], floors: Floors) -> str:
    import io

    from rich.console import Console
    from rich.table import Table

    table = Table(*_HEADERS, title=f"compat sites at {floors.describe()}")
    for row in rows:
        cells = list(row.cells())
        style = _FATE_STYLE.get(row.fate, "")
        cells[-1] = f"[{style}]{row.fate}[/]" if style else row.fate
        table.add_row(*cells)
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=160)
    console.print(table)
    console.print(_summary(rows, floors))
    return buffer.getvalue()
