"""Find the libcst nodes of analysis sites by position.

The analysis (stdlib ``ast``) says *what* a site is and where it starts; the codemods
find the same construct in the concrete tree by that start, so the two can never disagree
about what a site is. ``ast`` columns count UTF-8 bytes, libcst columns count characters;
:func:`char_column` converts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider, ScopeProvider

from compatlint.errors import SourceError
from compatlint.names.parents import parent_map

Key = tuple[int, int]


def parse_module(text: str, path: str = "") -> cst.Module:
    """Parse ``text``; the lines above the first statement become its leading lines.

    libcst keeps them in ``Module.header``; as leading lines they follow the statement
    like everywhere else (a tag above a first ``try`` goes with it). The code is the same.
    A syntax libcst cannot read is a :class:`SourceError` naming ``path``.
    """
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        raise SourceError(f"cannot parse: {exc.message}", path or None, exc.raw_line) from None
    if module.header and module.body:
        first = module.body[0]
        first = first.with_changes(leading_lines=[*module.header, *first.leading_lines])
        module = module.with_changes(header=[], body=[first, *module.body[1:]])
    return module


def char_column(lines: list[str], line: int, byte_column: int) -> int:
    """The 0-based character column of a 0-based UTF-8 byte column on 1-based ``line``."""
    if line - 1 >= len(lines):
        return byte_column
    text = lines[line - 1]
    if text.isascii():
        return byte_column
    return len(text.encode("utf-8")[:byte_column].decode("utf-8", errors="ignore"))


class NodeIndex:
    """Positions and parents of every node of one module, and lookups by start.

    With ``scopes``, libcst's scope analysis is resolved on the wrapper too, with the
    positions: together they cost less than one after the other (a sixth, on a shim).
    """

    def __init__(self, wrapper: MetadataWrapper, text: str, *, scopes: bool = False) -> None:
        self.wrapper = wrapper
        self.module = wrapper.module
        if scopes:
            wrapper.resolve_many([PositionProvider, ScopeProvider])
        self.positions: Mapping[cst.CSTNode, CodeRange] = wrapper.resolve(PositionProvider)
        self.parents: Mapping[cst.CSTNode, cst.CSTNode] = parent_map(self.module)
        self.lines = text.splitlines()
        self.by_start: dict[Key, list[cst.CSTNode]] = defaultdict(list)
        for node, where in self.positions.items():
            self.by_start[(where.start.line, where.start.column)].append(node)
            decorators = getattr(node, "decorators", None)
            if decorators:
                first = self.positions[decorators[0]].start
                self.by_start[(first.line, first.column)].append(node)

    def at(self, line: int, column: int, *types: type[cst.CSTNode]) -> cst.CSTNode | None:
        """The outermost node of one of ``types`` starting at ``line``/``column`` (1-based,
        ``column`` as the analysis reports it: UTF-8 byte offset + 1)."""
        key = (line, char_column(self.lines, line, column - 1))
        found = [node for node in self.by_start.get(key, ()) if isinstance(node, types)]
        if not found:
            return None
        return max(found, key=self._size)

    def _size(self, node: cst.CSTNode) -> tuple[int, int]:
        where = self.positions[node]
        return (where.end.line, where.end.column)

    def line_of(self, node: cst.CSTNode) -> int:
        return self.positions[node].start.line

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self.parents.get(node)

    def line_statement_of(self, node: cst.CSTNode) -> cst.SimpleStatementLine | None:
        """The simple statement line holding ``node``, if it is on one."""
        current = self.parents.get(node)
        while current is not None and not isinstance(current, cst.SimpleStatementLine):
            if isinstance(current, (cst.BaseCompoundStatement, cst.BaseSuite)):
                return None
            current = self.parents.get(current)
        return current

    def line_statement(self, small: cst.BaseSmallStatement) -> cst.CSTNode | None:
        """The ``SimpleStatementLine`` (or suite) a small statement sits on."""
        return self.parents.get(small)


class Trees:
    """Each text parsed once: its :class:`NodeIndex` (tree, positions, parents; scopes
    resolve on the wrapper, once) kept by path and text, so the passes of a codemod that
    meet a text again (a pass that changed nothing, the clean-up's before and after) reuse
    the tree instead of parsing it again. The trees are never changed: an edit makes a
    new text."""

    def __init__(self) -> None:
        self._indexes: dict[tuple[str, str], NodeIndex] = {}

    def index(self, path: str, text: str, *, scopes: bool = False) -> NodeIndex:
        """The index of ``text`` (the file at ``path``), parsing it the first time; with
        ``scopes``, a first parse resolves the scopes with the positions (see
        :class:`NodeIndex`)."""
        key = (path, text)
        found = self._indexes.get(key)
        if found is None:
            wrapper = MetadataWrapper(parse_module(text, path), unsafe_skip_copy=True)
            found = self._indexes[key] = NodeIndex(wrapper, text, scopes=scopes)
        return found
