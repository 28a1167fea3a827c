"""``verify --suggest-tags --write``: insert the suggested tags into the shims.

:func:`insert_tags` is the pure text edit: one comment line per untagged handler, with
the indentation of the handler body, placed as the first comment of the body (above a
comment block that already leads the first statement). Line endings (LF, CRLF, CR) and
a byte-order mark are kept, and a line that is already there is not inserted twice.

:func:`tag_edits` turns them into whole-file edits; writing them, with prune's safety, is
the command's job (:mod:`compatlint.commands.verify`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from compatlint.analysis.source import read_comments
from compatlint.model import Edit
from compatlint.verify.findings import Suggestion

__all__ = [
    "TagInsertion",
    "insert_tags",
    "inserted_count",
    "planned_insertions",
    "split_lines",
    "tag_edits",
]

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")
_BOM = "\ufeff"


@dataclass(frozen=True)
class TagInsertion:
    """Put ``comment`` as the first comment of the handler whose header ends on
    ``header_line`` and whose body starts on ``body_line``."""

    header_line: int
    body_line: int
    comment: str


def planned_insertions(suggestions: Iterable[Suggestion]) -> dict[str, list[TagInsertion]]:
    """The writable suggestions, grouped by file."""
    plan: dict[str, list[TagInsertion]] = {}
    for suggestion in suggestions:
        if suggestion.writable and suggestion.tag is not None:
            fallback = suggestion.fallback
            plan.setdefault(suggestion.path, []).append(
                TagInsertion(fallback.header_line, fallback.body_line, suggestion.tag.comment)
            )
    return plan


def split_lines(text: str) -> list[str]:
    """``text`` as lines that keep their own line ending (``\\r\\n``, ``\\r`` or ``\\n``)."""
    return _LINE.findall(text)


def insert_tags(text: str, insertions: Iterable[TagInsertion]) -> str:
    """``text`` with each insertion made; unchanged where the comment is already there.

    ``text`` may start with a byte-order mark (decode with ``utf-8``, not ``utf-8-sig``);
    line numbers are those of the ``ast`` of the text.
    """
    lines = split_lines(text)
    comments = read_comments(text[1:] if text.startswith(_BOM) else text)
    newline = _newline_of(lines)
    for insertion in sorted(insertions, key=lambda i: i.body_line, reverse=True):
        if not 1 <= insertion.header_line < insertion.body_line <= len(lines):
            continue
        block = comments.block_above(insertion.body_line, after=insertion.header_line)
        at = block.start if block is not None else insertion.body_line
        if any(
            line.strip() == insertion.comment.strip()
            for line in lines[insertion.header_line : insertion.body_line - 1]
        ):
            continue
        body = lines[insertion.body_line - 1]
        indent = body[: len(body) - len(body.lstrip(" \t"))]
        ending = _ending(lines[at - 1]) or newline
        lines.insert(at - 1, f"{indent}{insertion.comment}{ending}")
    return "".join(lines)


def tag_edits(texts: Mapping[str, str], suggestions: Iterable[Suggestion]) -> dict[str, Edit]:
    """The whole-file edits that insert every writable suggestion into ``texts`` (path →
    text as read, a byte-order mark kept); files left as they were get none."""
    edits: dict[str, Edit] = {}
    for path, insertions in planned_insertions(suggestions).items():
        old = texts[path]
        new = insert_tags(old, insertions)
        if new != old:
            edits[path] = Edit(path, new, old)
    return edits


def inserted_count(edits: Iterable[Edit]) -> int:
    """How many tag lines the edits insert."""
    return sum(len(split_lines(e.new_text or "")) - len(split_lines(e.old_text)) for e in edits)


def _ending(line: str) -> str:
    for ending in ("\r\n", "\r", "\n"):
        if line.endswith(ending):
            return ending
    return ""


def _newline_of(lines: list[str]) -> str:
    for line in lines:
        ending = _ending(line)
        if ending:
            return ending
    return "\n"
