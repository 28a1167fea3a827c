"""What a codemod asks of a code formatter: format the lines it touched, nothing else.

A project that keeps its files formatted (``ruff format``, or black) expects a codemod's
edit to come out formatted too; one that does not must not find its files reformatted.
The planners hand each edited Python file to a :class:`Formatter` with the lines the edit
touched; the implementation (:mod:`compatlint.formatters`, at the edge) formats them only
when the file was formatted before the edit.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from compatlint.codemods.edits import EditPlan


@dataclass(frozen=True)
class FormatEdit:
    """One edited file: its text before and after, and (:attr:`span`) the first and last
    line (1-based, inclusive) of ``after`` that the edit touched — found when a formatter
    asks, which is only for a file that was formatted before the edit: finding them in
    every edited file of a big tree would cost more than formatting."""

    path: str
    before: str
    after: str

    @functools.cached_property
    def span(self) -> tuple[int, int] | None:
        """The touched lines (None: the texts have the same lines)."""
        return touched_lines(self.before, self.after)


class Formatter(Protocol):
    """Formats the touched lines of files that were formatted before the edit."""

    def format(self, edits: Sequence[FormatEdit]) -> list[str]:
        """Each edit's ``after``, its touched lines formatted if ``before`` was formatted
        (and it has touched lines: :attr:`FormatEdit.span`); else ``after`` as it is."""
        ...

    def describe(self) -> dict[str, Any]:
        """Which formatter, with which settings (for the JSON report)."""
        ...


#: The shortest common head or tail of two ranges for which a longest match is sampled.
SAMPLED = 16


class LineMatcher(difflib.SequenceMatcher):  # type: ignore[type-arg]
    """:class:`difflib.SequenceMatcher` without junk (``autojunk=False``, no ``isjunk``),
    with the same answers, faster on an edit of a few lines of a big file.

    Where two ranges share a head or a tail of ``L`` >= :data:`SAMPLED` items, the longest
    match is at least ``L`` long, so it holds one of every ``L``-th item of ``a``: the
    diagonal runs through those items alone are measured, instead of every pair of equal
    items. Ties go as in difflib: earliest in ``a``, then earliest in ``b``.
    """

    def find_longest_match(
        self, alo: int = 0, ahi: int | None = None, blo: int = 0, bhi: int | None = None
    ) -> difflib.Match:
        a, b = self.a, self.b
        ahi = len(a) if ahi is None else ahi
        bhi = len(b) if bhi is None else bhi
        if self.bjunk or self.bpopular:  # pragma: no cover - never built with junk
            return super().find_longest_match(alo, ahi, blo, bhi)
        head = 0
        while alo + head < ahi and blo + head < bhi and a[alo + head] == b[blo + head]:
            head += 1
        tail = 0
        while tail < min(ahi - alo, bhi - blo) and a[ahi - 1 - tail] == b[bhi - 1 - tail]:
            tail += 1
        step = max(head, tail)
        if step < SAMPLED:
            return super().find_longest_match(alo, ahi, blo, bhi)
        best = (alo, blo, 0)
        for sample in range(alo + step - 1, ahi, step):
            for j in self.b2j.get(a[sample], ()):
                if j < blo:
                    continue
                if j >= bhi:
                    break
                start_a, start_b = sample, j
                while start_a > alo and start_b > blo and a[start_a - 1] == b[start_b - 1]:
                    start_a, start_b = start_a - 1, start_b - 1
                size = sample - start_a + 1
                while start_a + size < ahi and start_b + size < bhi:
                    if a[start_a + size] != b[start_b + size]:
                        break
                    size += 1
                if size > best[2] or (size == best[2] and (start_a, start_b) < best[:2]):
                    best = (start_a, start_b, size)
        return difflib.Match(*best)


def touched_lines(
    before: str, after: str, *, matcher_class: type[difflib.SequenceMatcher] | None = None
) -> tuple[int, int] | None:
    """The first and last line of ``after`` that differ from ``before`` — for a deletion,
    the lines on both sides of it — or None when the texts have the same lines.
    ``matcher_class``: :class:`LineMatcher` unless a test compares it with difflib's."""
    old = before.splitlines()
    new = after.splitlines()
    first: int | None = None
    last = 0
    matcher = (matcher_class or LineMatcher)(None, old, new, autojunk=False)
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
    edits = [
        FormatEdit(path, old, new)
        for path, old, new in files.changed()
        if new is not None and path.endswith(".py")
    ]
    if edits:
        for edit, text in zip(edits, formatter.format(edits), strict=True):
            files.texts[edit.path] = text
