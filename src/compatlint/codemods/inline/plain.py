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

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from compatlint.codemods.sorting import Anchor, BlockEdit

__all__ = ["NewName", "PlainImport", "PlainLine", "plain_import", "plain_lines", "rewrite_plain"]

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


def plain_lines(text: str, numbers: Collection[int]) -> dict[int, PlainImport] | None:
    """The plain import of each line of ``numbers`` (None: one is not plain, or follows a
    line ending in a backslash, which would join it to another statement)."""
    lines = text.split("\n")
    found: dict[int, PlainImport] = {}
    for number in numbers:
        plain = plain_import(lines[number - 1]) if 0 < number <= len(lines) else None
        if plain is None or (number > 1 and lines[number - 2].endswith("\\")):
            return None
        found[number] = plain
    return found
