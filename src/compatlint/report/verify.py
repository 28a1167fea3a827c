"""Render a ``verify`` run: the matrix, the findings and the suggested tags (pure).

The matrix has one row per import path (grouped by file and line), one column per given
version — ``present`` / ``absent`` / ``unknown`` — then the tag of the site the path
belongs to and the verdict: the codes of the findings about that row, ``ok``,
``unknown`` (a cell could not be decided and nothing was found), or ``not judged`` for a
tag on a separately pinned track.

Findings go through :func:`compatlint.report.render` as a ``CheckResult``, so the text
lines and the JSON ``diagnostics`` / ``summary`` are exactly ``check``'s. The JSON report
is ``check``'s object with four more keys: ``upstream`` (package and versions given),
``matrix`` (rows with per-version presence and reason), ``probes`` (the API probes, each
with its per-version presence, value and evidence; the text report shows them as a
"Probes" table) and ``suggestions`` (always present, so the shape does not depend on
``--suggest-tags``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from compatlint.model import SiteKind, Tag
from compatlint.report import CheckResult, RuleInfo, render
from compatlint.report.json_format import to_json_object
from compatlint.report.verify_probes import probe_records, probe_table
from compatlint.sitekinds import KINDS
from compatlint.verify.findings import Suggestion, VerifyResult
from compatlint.verify.resolve import Presence
from compatlint.verify.rules import VERIFY_RULES
from compatlint.versions import Floors

__all__ = ["VERIFY_FORMATS", "MatrixRow", "matrix_rows", "render_verify"]

VERIFY_FORMATS = ("text", "json", "markdown")
_FIXED_HEADERS = ("location", "role", "import")
_TRAILING_HEADERS = ("tag", "verdict")
_CELL_STYLE = {"present": "green", "absent": "red", "unknown": "yellow"}


@dataclass(frozen=True)
class MatrixRow:
    """One row of the matrix, as text."""

    path: str
    line: int
    role: str
    target: str
    cells: tuple[str, ...]
    reasons: tuple[str, ...]
    site_kind: str
    site_line: int | None
    tag: str
    verdict: str
    codes: tuple[str, ...]

    def texts(self) -> tuple[str, ...]:
        return (
            f"{self.path}:{self.line}",
            self.role,
            self.target,
            *self.cells,
            self.tag,
            self.verdict,
        )


def short_tag(tag: Tag | None, site_kind: SiteKind | None) -> str:
    """``0.5.9 → 0.5.10+``, ``xpu: 0.5.11 → 0.5.19+``, ``vague``, ``untagged`` or empty."""
    if tag is None:
        needs = site_kind is not None and KINDS[site_kind].needs_tag
        return "untagged" if needs else ""
    if tag.is_vague:
        return "vague"
    parts = [part for part in (tag.covers_text(), f"{tag.removal}+" if tag.removal else "") if part]
    text = " → ".join(parts)
    return f"{tag.track}: {text}" if tag.track else text


def matrix_rows(result: VerifyResult) -> list[MatrixRow]:
    codes_by_row: dict[int, list[str]] = {}
    names = {rule.code: rule.name for rule in VERIFY_RULES}
    for finding in result.findings:
        for index in finding.rows:
            codes = codes_by_row.setdefault(index, [])
            if finding.diagnostic.code not in codes:
                codes.append(finding.diagnostic.code)
    rows = []
    for index, row in enumerate(result.evidence.rows):
        cells = result.matrix.cells[index]
        site = row.site
        tag = site.tag if site is not None else None
        codes = tuple(sorted(codes_by_row.get(index, [])))
        if codes:
            verdict = ", ".join(f"{code} {names.get(code, '')}".strip() for code in codes)
        elif tag is not None and tag.track is not None:
            verdict = f"not judged ({tag.track} track)"
        elif any(cell.presence is Presence.UNKNOWN for cell in cells):
            verdict = "unknown"
        else:
            verdict = "ok"
        rows.append(
            MatrixRow(
                path=row.path,
                line=row.line,
                role=row.role.value,
                target=row.target,
                cells=tuple(cell.presence.value for cell in cells),
                reasons=tuple(cell.reason for cell in cells),
                site_kind=site.kind.value if site is not None else "",
                site_line=site.line if site is not None else None,
                tag=short_tag(tag, site.kind if site is not None else None),
                verdict=verdict,
                codes=codes,
            )
        )
    return rows


def render_verify(
    result: VerifyResult,
    fmt: str,
    *,
    floors: Floors,
    package: str,
    files: int,
    suggest: bool = False,
    color: bool = False,
) -> str:
    """The report in ``fmt`` (one of :data:`VERIFY_FORMATS`), ending with a newline."""
    check_result = CheckResult(
        diagnostics=result.diagnostics,
        files=files,
        floors=floors.to_json(),
        rules=tuple(RuleInfo(r.code, r.name, r.summary) for r in VERIFY_RULES),
    )
    versions = tuple(str(v) for v in result.matrix.versions)
    report = _Report(result, check_result, matrix_rows(result), versions, package, floors, suggest)
    if fmt == "json":
        return _json(report)
    if fmt == "markdown":
        return _markdown(report)
    if fmt == "text":
        return _text(report, color)
    raise ValueError(f"unknown output format {fmt!r}; expected one of {', '.join(VERIFY_FORMATS)}")


@dataclass(frozen=True)
class _Report:
    """What every format of the report is made of."""

    result: VerifyResult
    check_result: CheckResult
    rows: list[MatrixRow]
    versions: tuple[str, ...]
    package: str
    floors: Floors
    suggest: bool

    @property
    def headline(self) -> str:
        origins = zip(self.versions, self.result.origins, strict=True)
        given = ", ".join(f"{v} ({origin})" for v, origin in origins)
        return f"{self.package} {given}; floors: {self.floors.describe()}"

    @property
    def headers(self) -> tuple[str, ...]:
        return (*_FIXED_HEADERS, *self.versions, *_TRAILING_HEADERS)


def _suggestion_lines(suggestions: Sequence[Suggestion]) -> list[str]:
    lines = []
    for suggestion in suggestions:
        where = f"{suggestion.path}:{suggestion.line}"
        if suggestion.tag is None:
            lines.append(f"{where}: no suggestion: {suggestion.reason}")
        elif suggestion.replaces_vague_tag:
            lines.append(f"{where}: replace the vague tag with: {suggestion.tag.comment}")
        else:
            lines.append(f"{where}: {suggestion.tag.comment}")
    return lines or ["no untagged fallback to suggest a tag for"]


def _text(report: _Report, color: bool) -> str:
    headers = report.headers
    if color:
        table = _rich_table(headers, report.rows, report.headline)
    else:
        texts = [row.texts() for row in report.rows]
        widths = [max([len(h)] + [len(t[i]) for t in texts]) for i, h in enumerate(headers)]
        lines = [report.headline, ""]
        for cells in (headers, *texts):
            lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
        table = "\n".join(lines) + "\n"
    probes = probe_table(report.result.probes, report.versions)
    if probes:
        table += "\n" + "\n".join(probes) + "\n"
    findings = render(report.check_result, "text", color=color)
    out = f"{table}\n{findings}"
    if report.suggest:
        suggestions = _suggestion_lines(report.result.suggestions)
        out += "\nSuggested tags:\n" + "\n".join(suggestions) + "\n"
    return out


def _rich_table(headers: Sequence[str], rows: list[MatrixRow], title: str) -> str:
    import io

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(*headers, title=title, title_justify="left")
    for row in rows:
        texts = list(row.texts())
        rendered = [Text(t) for t in texts]
        for offset, cell in enumerate(row.cells):
            rendered[len(_FIXED_HEADERS) + offset] = Text(cell, style=_CELL_STYLE.get(cell, ""))
        verdict_style = "bold red" if row.codes else ("green" if row.verdict == "ok" else "yellow")
        rendered[-1] = Text(row.verdict, style=verdict_style)
        table.add_row(*rendered)
    buffer = io.StringIO()
    Console(file=buffer, force_terminal=True, width=200, color_system="standard").print(table)
    return buffer.getvalue()


def _markdown(report: _Report) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    headers = report.headers
    lines = [
        f"## compatlint verify: {cell(report.headline)}",
        "",
        "| " + " | ".join(headers) + " |",
        "|" + " --- |" * len(headers),
    ]
    for row in report.rows:
        texts = list(row.texts())
        texts[2] = f"`{texts[2]}`"
        lines.append("| " + " | ".join(cell(t) for t in texts) + " |")
    lines += ["", "### Findings", ""]
    if report.check_result.diagnostics:
        lines += [
            f"- `{d.path}:{d.line}:{d.column}` **{d.code}** {cell(d.message)}"
            for d in report.check_result.diagnostics
        ]
    else:
        lines.append("None.")
    if report.suggest:
        lines += ["", "### Suggested tags", ""]
        lines += [f"- {line}" for line in _suggestion_lines(report.result.suggestions)]
    return "\n".join(lines) + "\n"


def _json(report: _Report) -> str:
    result, versions = report.result, report.versions
    payload: dict[str, Any] = to_json_object(report.check_result)
    payload["upstream"] = {
        "package": report.package,
        "versions": [
            {"version": v, "path": origin}
            for v, origin in zip(versions, result.origins, strict=True)
        ],
    }
    payload["matrix"] = [
        {
            "path": row.path,
            "line": row.line,
            "role": row.role,
            "import": row.target,
            "site": {"kind": row.site_kind, "line": row.site_line} if row.site_kind else None,
            "tag": row.tag,
            "cells": {
                v: {"presence": presence, "reason": reason}
                for v, presence, reason in zip(versions, row.cells, row.reasons, strict=True)
            },
            "verdict": row.verdict,
            "codes": list(row.codes),
        }
        for row in report.rows
    ]
    payload["probes"] = probe_records(result.probes, versions)
    payload["suggestions"] = [
        {
            "path": s.path,
            "line": s.line,
            "tag": s.tag.comment if s.tag else None,
            "replaces_vague_tag": s.replaces_vague_tag,
            "writable": s.writable,
            "reason": s.reason or None,
        }
        for s in result.suggestions
    ]
    return json.dumps(payload, indent=2) + "\n"
