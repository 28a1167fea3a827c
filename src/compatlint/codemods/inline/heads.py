"""Where an importer's head ends: the part of a file libcst must parse for an import edit.

An importer whose edit is a from-import at module level (the quick path of
:mod:`compatlint.codemods.inline.importers`) needs the concrete tree of its first statements
only: the rewrite generates the statements up to the last one it changed and copies the
rest of the text. Parsing a big file's head instead of the whole file is most of the cost
of ``inline`` on many importers.

The cut is taken where it is certain that the head parses as it does inside the file: at
the end of a line where a top-level statement ends and the next one has not begun (no
``;`` join, no open bracket or string: ``ast`` positions say so), that does not end in a
backslash, and two whole statements after the last edited one, so that statements the
edit may touch (the next one takes the leading lines of a removed import) lie inside the
head and the rest is copied byte for byte. Anything else: None, parse the whole file.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["head_end"]

#: Whole top-level statement lines kept in the head after the edited one.
MARGIN = 2


def head_end(
    body: Sequence[tuple[int, int | None]], text: str, last: int
) -> tuple[int, int] | None:
    """(length of the head of ``text``, number of module-level statements in it), for an
    edit of the line holding statement ``last`` and lines before it; ``body``: the first
    and last line of each module-level ``ast`` statement. None: parse the whole file (no
    clean cut before its end, or line ends ``ast`` may count differently)."""
    if "\r" in text:
        return None
    lines = text.split("\n")
    boundaries = 0
    for index in range(last, len(body) - 1):
        end = body[index][1]
        if end is None or body[index + 1][0] <= end or lines[end - 1].endswith("\\"):
            continue  # the next statement shares the logical line (`;`, a continuation)
        boundaries += 1
        if boundaries == 1 + MARGIN:
            return sum(len(line) + 1 for line in lines[:end]), index + 1
    return None
