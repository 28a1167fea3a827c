"""``verify --suggest-tags --write``: insert the suggested tags into the shims.

:func:`insert_tags` is the pure text edit: one comment line per untagged handler, with
the indentation of the handler body, placed as the first comment of the body (above a
comment block that already leads the first statement). Line endings (LF, CRLF, CR) and
a byte-order mark are kept, and a line that is already there is not inserted twice.

:func:`write_suggested_tags` is the edge, with the same safety as ``prune`` because it
goes through the same :class:`~compatlint.workspace.Workspace`: ``ensure_clean`` refuses
files with uncommitted changes (or no git at all) unless ``--allow-dirty``, and
``apply`` writes every file or none. A file that changed on disk since the analysis
read it is refused as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from compatlint.analysis.source import read_comments
from compatlint.errors import WorkspaceError
from compatlint.model import Edit
from compatlint.verify.findings import Suggestion

if TYPE_CHECKING:
    from compatlint.workspace import Workspace

__all__ = [
    "TagInsertion",
    "insert_tags",
    "planned_insertions",
    "split_lines",
    "write_suggested_tags",
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


def write_suggested_tags(
    workspace: Workspace, suggestions: Iterable[Suggestion], *, allow_dirty: bool = False
) -> tuple[list[str], int]:
    """Insert every writable suggestion; the files written and the number of tags inserted.

    Files with uncommitted changes are refused (``--allow-dirty`` skips the check), and so
    is a file that changed on disk since the analysis read it; then every file is written
    or none (:meth:`Workspace.apply`).
    """
    changes: dict[str, tuple[str, str]] = {}
    for path, insertions in planned_insertions(suggestions).items():
        # Decoded with "utf-8", not "utf-8-sig": a BOM stays and is written back.
        old = workspace.read_bytes(path).decode("utf-8")
        new = insert_tags(old, insertions)
        if new != old:
            changes[path] = (old, new)
    if not changes:
        return [], 0
    paths = sorted(changes)
    workspace.ensure_clean(paths, allow_dirty=allow_dirty)
    for path in paths:
        if (workspace.root / path).read_bytes() != workspace.read_bytes(path):
            raise WorkspaceError("changed on disk since it was read; run verify again", path)
    written = workspace.apply(Edit(path, changes[path][1], changes[path][0]) for path in paths)
    inserted = sum(
        len(split_lines(changes[path][1])) - len(split_lines(changes[path][0])) for path in written
    )
    return written, inserted


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
