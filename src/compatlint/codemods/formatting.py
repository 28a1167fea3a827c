"""What a codemod asks of a code formatter: format the lines it touched, nothing else.

A project that keeps its files formatted (``ruff format``, or black) expects a codemod's
edit to come out formatted too; one that does not must not find its files reformatted.
The planners hand each edited Python file to a :class:`Formatter` with the lines the edit
touched; the implementation (:mod:`compatlint.formatters`, at the edge) formats them only
when the file was formatted before the edit.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from compatlint.codemods.edits import EditPlan


@dataclass(frozen=True)
class FormatEdit:
    """One edited file: its text before and after, and the first and last line (1-based,
    inclusive) of ``after`` that the edit touched."""

    path: str
    before: str
    after: str
    first: int
    last: int


class Formatter(Protocol):
    """Formats the touched lines of files that were formatted before the edit."""

    def format(self, edits: Sequence[FormatEdit]) -> list[str]:
        """Each edit's ``after``, its touched lines formatted if ``before`` was formatted;
        else ``after`` as it is."""
        ...

    def describe(self) -> dict[str, Any]:
        """Which formatter, with which settings (for the JSON report)."""
        ...


def touched_lines(before: str, after: str) -> tuple[int, int] | None:
    """The first and last line of ``after`` that differ from ``before`` — for a deletion,
    the lines on both sides of it — or None when the texts have the same lines."""
    old = before.splitlines()
    new = after.splitlines()
    first: int | None = None
    last = 0
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, _, _, start, end in matcher.get_opcodes():
        if tag == "equal":
            continue
        low, high = (start, end) if end > start else (max(start - 1, 0), start + 1)
        first = low + 1 if first is None else min(first, low + 1)
        last = max(last, high)
    if first is None:
        return None
    return first, max(min(last, len(new)), first)


def format_files(files: EditPlan, formatter: Formatter | None) -> None:
    """Format the touched lines of every edited Python file of ``files``, in place."""
    if formatter is None:
        return
    edits: list[FormatEdit] = []
    for path, old, new in files.changed():
        if new is None or not path.endswith(".py"):
            continue
        span = touched_lines(old, new)
        if span is not None:
            edits.append(FormatEdit(path, old, new, *span))
    if edits:
        for edit, text in zip(edits, formatter.format(edits), strict=True):
            files.texts[edit.path] = text
