"""The rewrite of plain import lines as text: no libcst parse for the commonest importer.

Most importers take a shim's names on one line of the simplest form —
``from pkg._compat import A, B as C`` at module level, alone on its line, single spaces,
no brackets, comment or backslash. For such a line the libcst rewrite of
:mod:`compatlint.codemods.inline.rewrite` comes down to text: the line keeps the names
that stay (in their order, joined by ``", "``) or goes, and a
``from upstream import X [as Y]`` line per upstream module follows, in the order the
names come. Which lines are plain is decided from the line's text (:func:`plain_import`),
and it must agree with the ``ast`` facts of the file; anything else takes the libcst path.
A property test holds the two paths to the same output.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from compatlint.codemods.sorting import Anchor, BlockEdit

__all__ = [
    "NewName",
    "PlainImport",
    "PlainLine",
    "plain_import",
    "plain_shim_without",
    "plain_statement",
    "rewrite_plain",
]

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_ALIAS = rf"{_NAME}(?: as {_NAME})?"
_PLAIN = re.compile(
    rf"from (?P<module>\.*{_NAME}(?:\.{_NAME})*|\.+) import (?P<names>{_ALIAS}(?:, {_ALIAS})*)"
)


@dataclass
class NewName:
    """A binding to add: ``from module import original [as local]``."""

    module: str
    original: str
    local: str

    @property
    def alias(self) -> tuple[str, str | None]:
        return (self.original, None if self.local == self.original else self.local)


@dataclass(frozen=True)
class PlainImport:
    """A plain import line: its module as written and its names as ``(name, asname)``."""

    module: str
    names: tuple[tuple[str, str | None], ...]

    @property
    def level(self) -> int:
        return len(self.module) - len(self.module.lstrip("."))


@dataclass
class PlainLine:
    """What happens to one plain line (by its number): the names dropped (by index) and
    the names bound from the upstream after it."""

    drop: set[int]
    added: list[NewName]


def plain_import(line: str) -> PlainImport | None:
    """The import on ``line`` (without its line end) when it is a plain one (None: not)."""
    match = _PLAIN.fullmatch(line)
    if match is None:
        return None
    names: list[tuple[str, str | None]] = []
    for alias in match["names"].split(", "):
        name, _, asname = alias.partition(" as ")
        names.append((name, asname or None))
    return PlainImport(match["module"], tuple(names))


def rewrite_plain(path: str, text: str, edits: Mapping[int, PlainLine]) -> BlockEdit:
    """``text`` with each plain line of ``edits`` (1-based numbers) rewritten, and where the
    import blocks changed (the libcst rewrite's anchors: each edited statement's line
    before and after)."""
    lines = text.split("\n")
    anchors: list[Anchor] = []
    shift = 0
    for number in sorted(edits):
        found = plain_import(lines[number - 1])
        if found is None:  # pragma: no cover - the scan checked the line
            raise AssertionError(f"{path}:{number}: not a plain import line")
        new = _new_lines(found, edits[number])
        lines[number - 1] = "\n".join(new)
        anchors.append(Anchor(number, number + shift))
        shift += len(new) - 1
    return BlockEdit(path, text, "\n".join(lines), tuple(anchors))


def _new_lines(found: PlainImport, edit: PlainLine) -> list[str]:
    kept = [_spelled(name, asname) for index, (name, asname) in enumerate(found.names)]
    kept = [alias for index, alias in enumerate(kept) if index not in edit.drop]
    lines = [f"from {found.module} import {', '.join(kept)}"] if kept else []
    per_module: dict[str, list[str]] = {}
    seen: set[tuple[str, str, str]] = set()
    for name in edit.added:
        if (name.module, name.original, name.local) not in seen:
            seen.add((name.module, name.original, name.local))
            per_module.setdefault(name.module, []).append(_spelled(*name.alias))
    lines += [f"from {module} import {', '.join(names)}" for module, names in per_module.items()]
    return lines


def _spelled(name: str, asname: str | None) -> str:
    return name if asname is None else f"{name} as {asname}"


def plain_statement(
    lines: list[str],
    span: tuple[int, int | None],
    level: int,
    module: str | None,
    names: Sequence[tuple[str, str | None]],
) -> PlainImport | None:
    """The plain import that is exactly the from-import ``ast`` read at ``span`` (its first
    and last line) of a text split into ``lines``: ``level`` dots, ``module``, ``names``
    as ``(name, asname)``. None: the statement is not one plain line, or the line before
    ends in a backslash, which would join it to another statement."""
    number, last = span
    if last != number or not 0 < number <= len(lines):
        return None
    if number > 1 and lines[number - 2].endswith("\\"):
        return None
    found = plain_import(lines[number - 1])
    if found is None or found.module != "." * level + (module or ""):
        return None
    return found if found.names == tuple(names) else None


# -- the shim ---------------------------------------------------------------------------------

_EXPORT = re.compile(rf"[ ]+(?P<quote>[\"'])(?P<name>{_NAME})(?P=quote),")


def plain_shim_without(text: str, names: Collection[str]) -> str | None:
    """The shim ``text`` without the imports of ``names`` and their ``__all__`` entries, as
    :func:`~compatlint.codemods.inline.shim_facts.shim_without` cuts it — when every line
    to cut is plain: each name's import a plain line at module level (gone when no name is
    left on it, if the statement before it ends on the line above), each ``__all__`` a
    module-level ``__all__ = [`` list of one quoted name per line that keeps one at least.
    None: any other shape (libcst cuts it)."""
    if "\r" in text:
        return None
    try:
        body = ast.parse(text).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    lines = text.split("\n")
    cut: dict[int, str | None] = {}  # line number -> its new text (None: the line goes)
    found: dict[str, int] = {}
    for index, statement in enumerate(body):
        if not isinstance(statement, ast.ImportFrom):
            continue
        hits = {k for k, alias in enumerate(statement.names) if _bound(alias) in names}
        if not hits:
            continue
        for k in hits:
            found[_bound(statement.names[k])] = found.get(_bound(statement.names[k]), 0) + 1
        span = (statement.lineno, statement.end_lineno)
        aliases = [(alias.name, alias.asname) for alias in statement.names]
        line = plain_statement(lines, span, statement.level, statement.module, aliases)
        if line is None:
            return None
        kept = [
            _spelled(name, asname) for k, (name, asname) in enumerate(line.names) if k not in hits
        ]
        if kept:
            cut[statement.lineno] = f"from {line.module} import {', '.join(kept)}"
        elif index == 0 or body[index - 1].end_lineno != statement.lineno - 1:
            # The first statement, or one with blank or comment lines above it: libcst
            # moves those lines onto the next statement, merging blank runs.
            return None
        else:
            cut[statement.lineno] = None
    if found != dict.fromkeys(names, 1):
        return None
    exports = _export_lines(body, lines, names)
    if exports is None:
        return None
    cut.update(dict.fromkeys(exports))
    kept_lines = [cut.get(number, line) for number, line in enumerate(lines, start=1)]
    return "\n".join(line for line in kept_lines if line is not None)


def _bound(alias: ast.alias) -> str:
    return alias.asname or alias.name


def _export_lines(
    body: list[ast.stmt], lines: list[str], names: Collection[str]
) -> list[int] | None:
    """The lines of the ``__all__`` entries naming ``names`` (None: an ``__all__`` that is
    not a plain module-level list, or one that would be left empty)."""
    statements = [s for s in body if _assigns_all(s)]
    if sum(line.count("__all__") for line in lines) != len(statements):
        return None  # spelled elsewhere too: in a suite, a call, a comment
    cut: list[int] = []
    for statement in statements:
        if not isinstance(statement, ast.Assign):
            return None
        value = statement.value
        first, last = statement.lineno, statement.end_lineno or statement.lineno
        if not isinstance(value, ast.List) or len(statement.targets) != 1:
            return None
        if lines[first - 1] != "__all__ = [" or lines[last - 1] != "]":
            return None
        entries = [_EXPORT.fullmatch(line) for line in lines[first : last - 1]]
        if any(entry is None for entry in entries) or len(entries) != len(value.elts):
            return None
        for offset, (entry, element) in enumerate(zip(entries, value.elts, strict=True)):
            assert entry is not None
            if not isinstance(element, ast.Constant) or element.value != entry["name"]:
                return None
            if entry["name"] in names:
                cut.append(first + 1 + offset)
        dropped = sum(1 for entry in entries if entry and entry["name"] in names)
        if dropped == len(entries):
            return None
    return cut


def _assigns_all(statement: ast.stmt) -> bool:
    """Whether ``statement`` assigns a name ``__all__`` (the statements libcst's cut edits)."""
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
        targets = [statement.target]
    else:
        return False
    return any(isinstance(target, ast.Name) and target.id == "__all__" for target in targets)
