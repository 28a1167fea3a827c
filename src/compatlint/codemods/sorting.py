"""What a codemod asks of an import sorter, and how an answer is applied.

``inline`` puts a new ``from upstream.x import Name`` line where the shim import it
replaces was, and ``prune`` unwraps imports from ``try`` blocks and moves them into the
import block; then each hands the file to an :class:`ImportSorter`: each edited import
block that was sorted before the edit is sorted again, the way the project's sorter would
sort it; a block that was not sorted before stays as the edit left it. The planner only knows
this protocol, so it stays pure; the implementation that runs ruff lives at the edge
(:mod:`compatlint.ruff_sorter`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Anchor:
    """An import statement the edit touched: its line before and a line of what it became.

    ``before`` is None when the statement had no block of its own before the edit (prune
    unwrapped it from a ``try``, or moved it): its block is sorted when no block of
    ``before`` was unsorted, that is when the file was kept sorted.
    """

    before: int | None
    after: int


@dataclass(frozen=True)
class BlockEdit:
    """One file whose import blocks a codemod edited.

    ``anchors`` locate the edited blocks: each block of ``before`` holding an anchor's
    ``before`` line corresponds to the block of ``after`` holding its ``after`` line.
    """

    path: str
    before: str
    after: str
    anchors: tuple[Anchor, ...]


class ImportSorter(Protocol):
    """Sorts the import blocks a codemod edited, and only those."""

    def sort(self, edits: Sequence[BlockEdit]) -> list[str]:
        """Each edit's ``after`` text with its edited blocks that were sorted in ``before``
        sorted again; every other byte as it was."""
        ...

    def describe(self) -> dict[str, Any]:
        """What sorts, with which settings (for the JSON report)."""
        ...


@dataclass(frozen=True)
class Replacement:
    """Replace the text from (``row``, ``column``) to (``end_row``, ``end_column``), one-based,
    columns in characters, by ``content``."""

    row: int
    column: int
    end_row: int
    end_column: int
    content: str


@dataclass(frozen=True)
class Finding:
    """An import block the sorter found unsorted: its rows and the replacements that sort it
    (none when the sorter cannot fix it, e.g. an import after a ``;``)."""

    first_row: int
    last_row: int
    replacements: tuple[Replacement, ...] = ()

    def covers(self, row: int) -> bool:
        return self.first_row <= row <= self.last_row


_LINE_END = re.compile(r"\r\n?|\n")


def line_starts(text: str, rows: int | None = None) -> list[int]:
    """The offset of each line's first character; lines end at ``\\n``, ``\\r\\n`` or
    ``\\r`` (as for ruff and Python's tokenizer; ``str.splitlines`` knows more).
    ``rows``: only those of the first ``rows`` lines (an edit of a big file's imports)."""
    if rows is None:
        return [0, *(end.end() for end in _LINE_END.finditer(text))]
    starts = [0]
    for end in _LINE_END.finditer(text):
        if len(starts) >= rows:
            break
        starts.append(end.end())
    return starts


def apply_replacements(text: str, replacements: Sequence[Replacement]) -> str:
    """``text`` with non-overlapping ``replacements`` applied."""
    starts = line_starts(text, max((max(r.row, r.end_row) for r in replacements), default=0))

    def offset(row: int, column: int) -> int:
        if row > len(starts):
            return len(text)
        return min(starts[row - 1] + column - 1, len(text))

    spans = [
        (offset(r.row, r.column), offset(r.end_row, r.end_column), r.content) for r in replacements
    ]
    for start, end, content in sorted(spans, reverse=True):
        text = text[:start] + content + text[end:]
    return text


def resort(edit: BlockEdit, before: Sequence[Finding], after: Sequence[Finding]) -> str:
    """``edit.after`` with the findings in it applied that sort an edited block which had no
    finding before the edit.

    A block that was unsorted before is left as the edit made it: sorting it would change
    more than the edit asked for.
    """
    dirty = {
        a.after
        for a in edit.anchors
        if (before if a.before is None else any(f.covers(a.before) for f in before))
    }
    clean = {a.after for a in edit.anchors} - dirty
    chosen = [
        replacement
        for finding in after
        if any(finding.covers(row) for row in clean)
        and not any(finding.covers(row) for row in dirty)
        for replacement in finding.replacements
    ]
    return apply_replacements(edit.after, chosen) if chosen else edit.after
