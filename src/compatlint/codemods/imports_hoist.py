"""Imports an unwrapped ``try`` left below other statements go up into the import block.

Prune keeps a ``try``'s body where the ``try`` was. When that puts an import after the
first statement that ends the module's import block (what ruff's E402 flags), the import
moves to the end of the import block — with the comment lines directly above it — if no
statement it crosses can tell the difference (:mod:`compatlint.codemods.import_order`).
Otherwise it stays where it is and is listed for a person, with the statement that holds
it. Everything here is text in, text out: the import sorter and the formatter place and
format the moved lines afterwards, at the edge.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass, field

from compatlint.codemods.import_order import OrderJudge, binders, first_blocker, moved_names
from compatlint.codemods.sorting import line_starts

_OS_ENVIRON_METHODS = frozenset({"update", "setdefault", "pop", "clear"})
_TRY_STAR = getattr(ast, "TryStar", ast.Try)  # Python 3.11+
_OPEN_BLOCKS = (ast.Import, ast.ImportFrom, ast.If, ast.Try, _TRY_STAR, ast.With, ast.Match)


@dataclass
class Hoist:
    """The text after moving, the lines (in it) of the imports an unwrap made top-level —
    moved or not, the blocks the sorter may sort — and why each import left below other
    statements stayed there (by :class:`ImportKeys`)."""

    text: str
    unwrapped_lines: list[int] = field(default_factory=list)
    kept: dict[str, str] = field(default_factory=dict)
    moved: int = 0


class ImportKeys:
    """An import statement's text without whitespace (the same before and after a dedent),
    for many statements of one text: ``ast.get_source_segment`` splits the whole text on
    every call."""

    def __init__(self, text: str) -> None:
        starts = line_starts(text)
        ends = [*starts[1:], len(text)]
        self.lines = [text[start:end] for start, end in zip(starts, ends, strict=True)]

    def __call__(self, node: ast.stmt) -> str:
        first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
        if last >= len(self.lines):  # pragma: no cover - the positions come from this text
            return ""
        chunk = [line.encode("utf-8") for line in self.lines[first : last + 1]]
        chunk[-1] = chunk[-1][: node.end_col_offset]
        chunk[0] = chunk[0][node.col_offset :]
        return "".join(b"".join(chunk).decode("utf-8", "replace").split())


def _dunder_target(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id.startswith("__") and node.id.endswith("__")


def _attribute_path(node: ast.expr) -> str:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return ".".join([node.id, *reversed(parts)]) if isinstance(node, ast.Name) else ""


def _keeps_top_open(statement: ast.stmt, index: int) -> bool:
    """Whether ruff's E402 still accepts imports after ``statement``: the docstring,
    imports, ``if``/``try``/``with``/``match`` blocks, dunder assignments, and changes to
    ``sys.path`` or ``os.environ``."""
    if isinstance(statement, _OPEN_BLOCKS):
        return True
    if isinstance(statement, ast.Expr):
        value = statement.value
        if index == 0 and isinstance(value, ast.Constant) and isinstance(value.value, str):
            return True
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
            owner = _attribute_path(value.func.value)
            return owner == "sys.path" or (
                owner == "os.environ" and value.func.attr in _OS_ENVIRON_METHODS
            )
        return False
    if isinstance(statement, ast.Assign):
        if all(_dunder_target(t) for t in statement.targets):
            return True
        return all(
            isinstance(t, ast.Subscript) and _attribute_path(t.value) == "os.environ"
            for t in statement.targets
        ) or any(_attribute_path(t) == "sys.path" for t in statement.targets)
    if isinstance(statement, ast.AnnAssign):
        return _dunder_target(statement.target)
    return False


def import_boundary(tree: ast.Module) -> int:
    """The index of the first module-level statement after which an import is late."""
    for index, statement in enumerate(tree.body):
        if not _keeps_top_open(statement, index):
            return index
    return len(tree.body)


def late_imports(text: str) -> list[tuple[int, str]]:
    """Module-level imports after the statement that ends the import block (ruff's E402),
    as (line, key: see :class:`ImportKeys`)."""
    tree = ast.parse(text)
    start = import_boundary(tree)
    key = ImportKeys(text)
    return [
        (statement.lineno, key(statement))
        for statement in tree.body[start:]
        if isinstance(statement, (ast.Import, ast.ImportFrom))
    ]


def _new_imports(before: ast.Module, original: str, tree: ast.Module, text: str) -> list[int]:
    """Indexes in ``tree.body`` (of ``text``) of the module-level imports that ``before``
    (of ``original``) did not have."""
    old_key, key_of = ImportKeys(original), ImportKeys(text)
    old = Counter(old_key(s) for s in before.body if isinstance(s, (ast.Import, ast.ImportFrom)))
    found: list[int] = []
    for index, statement in enumerate(tree.body):
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            key = key_of(statement)
            if old[key] > 0:
                old[key] -= 1
            else:
                found.append(index)
    return found


class _Lines:
    """The file as lines (with their endings), and which of them are blank or comments."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(keepends=True)
        self.newline = next(
            (line[len(line.rstrip("\r\n")) :] for line in self.lines if line.endswith("\n")),
            "\n",
        )

    def blank(self, index: int) -> bool:
        return not self.lines[index].strip()

    def comment(self, index: int) -> bool:
        return self.lines[index].lstrip().startswith("#")

    def attached_comments(self, first: int, floor: int) -> int:
        """The first line (0-based) of the comment lines directly above line ``first``
        (0-based), not above ``floor``."""
        start = first
        while start - 1 >= floor and self.comment(start - 1):
            start -= 1
        return start


def _alone_on_its_lines(body: list[ast.stmt], index: int) -> bool:
    """No other statement shares a line with ``body[index]`` (no ``;``)."""
    node = body[index]
    before = body[index - 1] if index > 0 else None
    after = body[index + 1] if index + 1 < len(body) else None
    end = node.end_lineno or node.lineno
    return (before is None or (before.end_lineno or 0) < node.lineno) and (
        after is None or after.lineno > end
    )


def hoist_imports(original: str, current: str) -> Hoist:
    """Move the imports ``current`` newly has at module level below the import block up
    into it when nothing in between depends on the order (see the module docstring)."""
    tree = ast.parse(current)
    body = tree.body
    before = ast.parse(original)
    new = _new_imports(before, original, tree, current)
    if not new:
        return Hoist(current)
    boundary = import_boundary(tree)
    late = [index for index in new if index > boundary]
    tops = [i for i in range(boundary) if isinstance(body[i], (ast.Import, ast.ImportFrom))]
    target = tops[-1] if tops else None
    judge = OrderJudge(tree)
    key = ImportKeys(current)
    kept: dict[str, str] = {}
    moving: list[int] = []
    for index in late:
        why = _why_stay(judge, body, index, target, boundary, set(moving))
        if why is None:
            moving.append(index)
        else:
            kept[key(body[index])] = why
    if not moving:
        return Hoist(current, [body[index].lineno for index in new], kept)
    text = _move(current, body, moving, target, boundary)
    moved = ast.parse(text)
    lines = [moved.body[i].lineno for i in _new_imports(before, original, moved, text)]
    return Hoist(text, lines, kept, len(moving))


def _why_stay(
    judge: OrderJudge,
    body: list[ast.stmt],
    index: int,
    target: int | None,
    boundary: int,
    moving: set[int],
) -> str | None:
    """Why ``body[index]`` may not move to just after ``body[target]`` (or above the
    boundary statement when there is no import to follow), or None."""
    node = body[index]
    assert isinstance(node, (ast.Import, ast.ImportFrom))
    if any(alias.name == "*" for alias in node.names):
        return "a star import (the names it binds are unknown)"
    if not _alone_on_its_lines(body, index):
        return "it shares its line with another statement"
    names = moved_names(node)
    start = target + 1 if target is not None else boundary
    held = first_blocker(judge, body[start:index], names)
    if held is not None:
        statement, why = held
        return f"line {statement.lineno} may depend on the order ({why})"
    clash = binders(body[:start], names, moving)
    if clash is not None:
        return f"{clash}: the sorter could reorder them"
    return None


def _move(
    text: str, body: list[ast.stmt], moving: list[int], target: int | None, boundary: int
) -> str:
    lines = _Lines(text)
    size = len(lines.lines)
    blocks: list[list[str]] = []
    removed: set[int] = set()
    for index in moving:
        node = body[index]
        floor = body[index - 1].end_lineno or 0
        first = lines.attached_comments(node.lineno - 1, floor)
        last = (node.end_lineno or node.lineno) - 1
        block = lines.lines[first : last + 1]
        if not block[-1].endswith(("\n", "\r")):
            block[-1] += lines.newline
        blocks.append(block)
        removed.update(range(first, last + 1))
    removed |= _surplus_blank_lines(lines, removed, size)
    if target is not None:
        at = body[target].end_lineno or body[target].lineno
        after: list[str] = []
    else:
        anchor = body[boundary]
        floor = (body[boundary - 1].end_lineno or 0) if boundary else 0
        at = lines.attached_comments(anchor.lineno - 1, floor)
        after = [lines.newline]
    inserted = [line for block in blocks for line in block] + after
    kept_lines = [line for i, line in enumerate(lines.lines) if i not in removed]
    shift = sum(1 for i in removed if i < at)
    position = at - shift
    return "".join(kept_lines[:position] + inserted + kept_lines[position:])


def _surplus_blank_lines(lines: _Lines, removed: set[int], size: int) -> set[int]:
    """Blank lines to drop where statements were taken out: each gap keeps as many blank
    lines as the larger of the runs on its two sides (none at the end of the file)."""
    surplus: set[int] = set()
    index = 0
    while index < size:
        if index not in removed:
            index += 1
            continue
        start = index
        while index < size and (index in removed or lines.blank(index)):
            index += 1
        gap = [i for i in range(start, index) if i not in removed]  # blank lines inside
        above = 0
        while start - 1 - above >= 0 and lines.blank(start - 1 - above):
            above += 1
        if index >= size:  # the end of the file: no blank line stays
            surplus.update(gap, range(start - above, start))
            continue
        keep = max(above, _trailing_run(lines, removed, start, index)) - above
        surplus.update(gap[: len(gap) - keep] if keep > 0 else gap)
    return surplus


def _trailing_run(lines: _Lines, removed: set[int], start: int, end: int) -> int:
    """The blank lines right before ``end`` (after the last removed line before it)."""
    run = 0
    index = end - 1
    while index >= start and index not in removed and lines.blank(index):
        run += 1
        index -= 1
    return run
