"""Block surgery on libcst trees: remove, replace and unwrap statements, keeping comments.

Statements own the comment lines above them (``leading_lines``) and an indented block owns
the comment lines indented under its last statement (``footer``). When a statement goes,
its comment lines either go with it (the caller marks them) or move onto the statement that
follows; blank lines are merged, never multiplied. A statement that turns into several
(a ``try`` unwrapped into its body) is a :class:`Replacement` recorded against the
*original* node and applied when the enclosing block is rebuilt, so every rewrite of a
statement list happens in one place: :class:`BlockEditor`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import libcst as cst

from compatlint.codemods.sequences import remove_aliases, remove_items

Lines = list[cst.EmptyLine]


@dataclass
class Replacement:
    """What an original statement becomes: statements, then comment lines for what follows.

    ``terminal``: the statements end in a ``return``/``raise``/``break``/``continue`` that
    used to be conditional, so whatever followed in the block is now unreachable and goes.
    """

    statements: list[cst.BaseStatement] = field(default_factory=list)
    carry_after: Lines = field(default_factory=list)
    terminal: bool = False


@dataclass
class EditActions:
    """Edits keyed by the original nodes of the tree being transformed.

    The keys are the node objects themselves (libcst nodes hash and compare by identity),
    never their ``id()``: a set of nodes keeps them alive, so no node created during the
    transform can take over the address of one the set still means.
    """

    remove: set[cst.CSTNode] = field(default_factory=set)
    drop_comments: set[cst.CSTNode] = field(default_factory=set)
    remove_elements: set[cst.CSTNode] = field(default_factory=set)
    remove_aliases: set[cst.CSTNode] = field(default_factory=set)

    def is_empty(self) -> bool:
        return not (
            self.remove or self.drop_comments or self.remove_elements or self.remove_aliases
        )


# -- comment lines ------------------------------------------------------------------------


def has_comment(lines: Iterable[cst.EmptyLine]) -> bool:
    return any(line.comment is not None for line in lines)


def blank_run(lines: Sequence[cst.EmptyLine]) -> int:
    """How many blank lines ``lines`` starts with."""
    count = 0
    for line in lines:
        if line.comment is not None:
            break
        count += 1
    return count


def merge_leading(carried: Sequence[cst.EmptyLine], leading: Sequence[cst.EmptyLine]) -> Lines:
    """Lines moved from a removed statement in front of the ``leading`` lines of the next one.

    Blank separation is not added up: two blank lines before a removed ``def`` and two
    before the next one leave two. Carried comments stay, in order, above the next
    statement's own lines.
    """
    if not carried:
        return list(leading)
    own = blank_run(leading)
    if has_comment(carried):
        tail = blank_run(list(reversed(carried)))
        if tail >= own:
            return [*carried, *leading[own:]]
        return [*carried[: len(carried) - tail], *leading]
    blanks = list(carried) if len(carried) > own else list(leading[:own])
    return [*blanks, *leading[own:]]


def comment_line(trailing: cst.TrailingWhitespace) -> Lines:
    """The trailing comment of a removed header line (``try:  # why``) as a comment line."""
    if trailing.comment is None:
        return []
    return [cst.EmptyLine(indent=True, comment=trailing.comment)]


def with_leading(statement: cst.BaseStatement, lines: Sequence[cst.EmptyLine]) -> cst.BaseStatement:
    """``statement`` with ``lines`` merged in front of its own leading lines."""
    if not lines:
        return statement
    merged = merge_leading(lines, statement.leading_lines)
    return statement.with_changes(leading_lines=merged)


_TERMINAL = (cst.Return, cst.Raise, cst.Break, cst.Continue)


def ends_flow(statements: Sequence[cst.BaseStatement]) -> bool:
    """Whether the last of ``statements`` is a bare ``return``/``raise``/``break``/``continue``."""
    if not statements:
        return False
    last = statements[-1]
    return isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], _TERMINAL)


def suite_statements(suite: cst.BaseSuite) -> tuple[list[cst.BaseStatement], Lines, Lines]:
    """The statements of a suite, the comment of its header line, and its footer lines."""
    if isinstance(suite, cst.IndentedBlock):
        return list(suite.body), comment_line(suite.header), list(suite.footer)
    assert isinstance(suite, cst.SimpleStatementSuite)
    line = cst.SimpleStatementLine(body=suite.body, trailing_whitespace=suite.trailing_whitespace)
    return [line], [], []


class StatementStream:
    """Builds a statement list from statements and loose comment lines, in order.

    With ``block_start``, the stream is a whole block: lines carried from statements
    removed at its very top replace the blank lines above the first statement that stays
    (no stray blank line opens a module or a block).
    """

    def __init__(self, *, block_start: bool = False) -> None:
        self.statements: list[cst.BaseStatement] = []
        self.pending: Lines = []
        self.block_start = block_start
        self._removed_before = False

    def lines(self, lines: Iterable[cst.EmptyLine]) -> None:
        lines = list(lines)
        if lines:
            self.pending = merge_leading(self.pending, lines) if self.pending else lines

    def add(self, statements: Iterable[cst.BaseStatement]) -> None:
        for statement in statements:
            if self.pending:
                if self.block_start and not self.statements and not has_comment(self.pending):
                    own = statement.leading_lines
                    merged = [*self.pending, *own[blank_run(own) :]]
                    statement = statement.with_changes(leading_lines=merged)
                else:
                    statement = with_leading(statement, self.pending)
                self.pending = []
            elif self.block_start and not self.statements and self._removed_before:
                own = statement.leading_lines
                statement = statement.with_changes(leading_lines=own[blank_run(own) :])
            self.statements.append(statement)
            self._removed_before = False

    def removed(self) -> None:
        """Note that a statement was removed here (before anything was kept)."""
        self._removed_before = True

    def suite(self, suite: cst.BaseSuite) -> None:
        """The statements of ``suite`` with its header comment above and its footer after."""
        statements, header, footer = suite_statements(suite)
        self.lines(header)
        self.add(statements)
        self.lines(footer)

    def finish(self) -> Replacement:
        return Replacement(self.statements, self.pending)


# -- the editor ---------------------------------------------------------------------------


class BlockEditor(cst.CSTTransformer):
    """A transformer applying :class:`EditActions` and statement :class:`Replacement` s.

    Subclasses record a replacement for an original statement in ``self.replacements``
    from any ``leave_*`` hook; the enclosing block applies it. Comment lines whose original
    node is in ``actions.drop_comments`` disappear wherever they are.
    """

    def __init__(self, actions: EditActions) -> None:
        super().__init__()
        self.actions = actions
        self.replacements: dict[cst.CSTNode, Replacement] = {}

    # comments ---------------------------------------------------------------------------

    def leave_EmptyLine(
        self, original_node: cst.EmptyLine, updated_node: cst.EmptyLine
    ) -> cst.EmptyLine | cst.RemovalSentinel:
        if original_node in self.actions.drop_comments:
            return cst.RemovalSentinel.REMOVE
        return updated_node

    def leave_TrailingWhitespace(
        self, original_node: cst.TrailingWhitespace, updated_node: cst.TrailingWhitespace
    ) -> cst.TrailingWhitespace:
        if original_node in self.actions.drop_comments and updated_node.comment is not None:
            return updated_node.with_changes(whitespace=cst.SimpleWhitespace(""), comment=None)
        return updated_node

    # statements -------------------------------------------------------------------------

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        remove = self.actions.remove
        if original_node in remove:
            self.replacements[original_node] = Replacement([], list(updated_node.leading_lines))
            return updated_node
        kept = _kept_small(original_node.body, updated_node.body, remove)
        if kept is None:
            return updated_node
        if not kept:
            self.replacements[original_node] = Replacement([], list(updated_node.leading_lines))
            return updated_node
        return updated_node.with_changes(body=kept)

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        kept = _kept_small(original_node.body, updated_node.body, self.actions.remove)
        if kept is None:
            return updated_node
        return updated_node.with_changes(body=kept or [cst.Pass()])

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):  # type: ignore[override]
        result = super().on_leave(original_node, updated_node)
        if (
            isinstance(original_node, cst.BaseCompoundStatement)
            and original_node in self.actions.remove
            and isinstance(result, cst.BaseCompoundStatement)
        ):
            self.replacements[original_node] = Replacement([], list(result.leading_lines))
        return result

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        rebuilt = self._rebuild(original_node.body, updated_node.body)
        if rebuilt is None:
            return updated_node
        footer = [*comments_only_tail(rebuilt.carry_after), *updated_node.footer]
        return updated_node.with_changes(body=rebuilt.statements, footer=footer)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        rebuilt = self._rebuild(original_node.body, updated_node.body)
        if rebuilt is None:
            return updated_node
        footer = [*comments_only_tail(rebuilt.carry_after), *updated_node.footer]
        return updated_node.with_changes(body=rebuilt.statements, footer=footer)

    def _rebuild(
        self, original: Sequence[cst.BaseStatement], updated: Sequence[cst.BaseStatement]
    ) -> Replacement | None:
        if not any(statement in self.replacements for statement in original):
            return None
        stream = StatementStream(block_start=True)
        for before, after in zip(original, updated, strict=True):
            replacement = self.replacements.pop(before, None)
            if replacement is None:
                stream.add([after])
                continue
            if not replacement.statements:
                stream.removed()
            stream.add(replacement.statements)
            stream.lines(replacement.carry_after)
            if replacement.terminal:
                break
        return stream.finish()

    # sequences --------------------------------------------------------------------------

    def _elements(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode:
        drop = [
            index
            for index, element in enumerate(original_node.elements)  # type: ignore[attr-defined]
            if element in self.actions.remove_elements
        ]
        if not drop:
            return updated_node
        return remove_items(updated_node, drop)

    def leave_List(self, original_node: cst.List, updated_node: cst.List) -> cst.BaseExpression:
        return self._elements(original_node, updated_node)  # type: ignore[return-value]

    def leave_Tuple(self, original_node: cst.Tuple, updated_node: cst.Tuple) -> cst.BaseExpression:
        return self._elements(original_node, updated_node)  # type: ignore[return-value]

    def leave_Set(self, original_node: cst.Set, updated_node: cst.Set) -> cst.BaseExpression:
        return self._elements(original_node, updated_node)  # type: ignore[return-value]

    def _aliases(
        self, original_node: cst.Import | cst.ImportFrom, updated_node: cst.Import | cst.ImportFrom
    ) -> cst.Import | cst.ImportFrom:
        drop = [
            index
            for index, alias in enumerate(original_node.names)  # type: ignore[arg-type]
            if alias in self.actions.remove_aliases
        ]
        if not drop:
            return updated_node
        if len(drop) == len(original_node.names):  # type: ignore[arg-type]
            self.actions.remove.add(original_node)
            return updated_node
        return remove_aliases(updated_node, drop)

    def leave_Import(
        self, original_node: cst.Import, updated_node: cst.Import
    ) -> cst.Import | cst.ImportFrom:
        return self._aliases(original_node, updated_node)

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.Import | cst.ImportFrom:
        if isinstance(original_node.names, cst.ImportStar):
            return updated_node
        return self._aliases(original_node, updated_node)


def comments_only_tail(lines: Sequence[cst.EmptyLine]) -> Lines:
    """Carried lines that end a block: nothing if blank only, else without trailing blanks."""
    if not has_comment(lines):
        return []
    end = len(lines)
    while lines[end - 1].comment is None:
        end -= 1
    return list(lines[:end])


def _kept_small(
    original: Sequence[cst.BaseSmallStatement],
    updated: Sequence[cst.BaseSmallStatement],
    remove: set[cst.CSTNode],
) -> list[cst.BaseSmallStatement] | None:
    """The small statements that stay on a line, or None when none is removed."""
    if not any(statement in remove for statement in original):
        return None
    kept = [after for before, after in zip(original, updated, strict=True) if before not in remove]
    if kept and kept[-1].semicolon is not cst.MaybeSentinel.DEFAULT:
        kept[-1] = kept[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
    return kept
