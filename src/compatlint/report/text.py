"""The human format, modelled on ruff's concise output.

One line per finding, ``path:line:column: CODE [*] message`` (``[*]`` marks a fixable
one), then a summary line. ``statistics`` swaps the findings for a count per code.
``rich`` is imported only when colour is asked for.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from compatlint.report import CheckResult

__all__ = ["CodeCount", "code_counts", "render_text", "summary_line"]

FIX_HINT = "compatlint check --fix"
FIXABLE_MARK = "[*]"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary_line(result: CheckResult) -> str:
    """The closing line: ``Found N findings in M files.`` or ``All checks passed! (M files)``.

    ``M`` is the number of files checked. When some findings are fixable the line ends
    with `` (K fixable with `compatlint check --fix`)``. No trailing newline.
    """
    total = len(result.diagnostics)
    if total == 0:
        return f"All checks passed! ({_plural(result.files, 'file')})"
    line = f"Found {_plural(total, 'finding')} in {_plural(result.files, 'file')}."
    fixable = sum(1 for d in result.diagnostics if d.fixable)
    if fixable:
        line += f" ({fixable} fixable with `{FIX_HINT}`)"
    return line


@dataclass(frozen=True)
class CodeCount:
    """One row of ``--statistics``: how often a code fired and whether it can be fixed."""

    count: int
    code: str
    name: str
    fixable: bool


def code_counts(result: CheckResult) -> list[CodeCount]:
    """Findings counted per code, most frequent first, ties broken by code.

    A code is marked fixable when any of its findings is.
    """
    counts = Counter(d.code for d in result.diagnostics)
    names: dict[str, str] = {}
    fixable: set[str] = set()
    for d in result.diagnostics:
        names.setdefault(d.code, d.name)
        if d.fixable:
            fixable.add(d.code)
    rows = [CodeCount(n, code, names[code], code in fixable) for code, n in counts.items()]
    rows.sort(key=lambda row: (-row.count, row.code))
    return rows


# A line is a list of (text, style) pieces; style None is plain. The same pieces are
# joined for plain output and fed to rich for coloured output, so both always agree.
_Piece = tuple[str, "str | None"]


def _diagnostic_lines(result: CheckResult) -> list[list[_Piece]]:
    lines: list[list[_Piece]] = []
    for d in result.diagnostics:
        pieces: list[_Piece] = [
            (d.path, "bold"),
            (f":{d.line}:{d.column}: ", None),
            (d.code, "red"),
            (" ", None),
        ]
        if d.fixable:
            pieces += [(FIXABLE_MARK, "dim"), (" ", None)]
        pieces.append((d.message, None))
        lines.append(pieces)
    return lines


def _statistics_lines(result: CheckResult) -> list[list[_Piece]]:
    rows = code_counts(result)
    if not rows:
        return []
    count_width = max(len(str(row.count)) for row in rows)
    code_width = max(len(row.code) for row in rows)
    name_width = max(len(row.name) for row in rows)
    lines: list[list[_Piece]] = []
    for row in rows:
        pieces: list[_Piece] = [
            (f"{row.count:>{count_width}}  ", None),
            (row.code, "red"),
            (" " * (code_width - len(row.code)) + "  ", None),
        ]
        if row.fixable:
            # Pad the name only where a mark follows, so no line ends in spaces.
            pieces += [(row.name.ljust(name_width) + "  ", None), (FIXABLE_MARK, "dim")]
        else:
            pieces.append((row.name, None))
        lines.append(pieces)
    return lines


def _summary_pieces(result: CheckResult) -> list[_Piece]:
    style = None if result.diagnostics else "green"
    return [(summary_line(result), style)]


def render_text(result: CheckResult, *, color: bool = False, statistics: bool = False) -> str:
    """Render the human format; with ``color`` the string carries ANSI styles (via rich)."""
    body = _statistics_lines(result) if statistics else _diagnostic_lines(result)
    lines = [*body, _summary_pieces(result)]
    if not color:
        return "".join("".join(text for text, _ in pieces) + "\n" for pieces in lines)
    return _render_rich(lines)


def _render_rich(lines: list[list[_Piece]]) -> str:
    import io

    from rich.console import Console
    from rich.text import Text

    width = max(80, *(sum(len(text) for text, _ in pieces) for pieces in lines))
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=True,
        force_jupyter=False,
        color_system="standard",
        width=width,
        no_color=False,
        legacy_windows=False,
        markup=False,
        emoji=False,
        highlight=False,
        soft_wrap=True,
    )
    for pieces in lines:
        text = Text(no_wrap=True, end="\n")
        for chunk, style in pieces:
            text.append(chunk, style=style or "")
        console.print(text)
    return buffer.getvalue()
