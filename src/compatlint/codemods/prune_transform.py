"""The one libcst walk of a prune pass: it applies the :class:`PruneActions` the removal
functions recorded (unwrap or shrink a try, promote a handler or a branch, drop a branch,
fold a sentinel's tests) and decides nothing itself."""

from __future__ import annotations

import libcst as cst

from compatlint.codemods.blocks import (
    BlockEditor,
    StatementStream,
    comment_line,
    ends_flow,
    suite_statements,
)
from compatlint.codemods.locate import NodeIndex
from compatlint.codemods.removals import Promotion, PruneActions
from compatlint.codemods.sentinels import SentinelFolder


class PruneTransformer(SentinelFolder, BlockEditor):
    """Applies one pass of :class:`PruneActions` to a shim."""

    def __init__(self, actions: PruneActions, index: NodeIndex) -> None:
        BlockEditor.__init__(self, actions)
        self.actions: PruneActions = actions
        self.init_folding()
        self.index = index
        self.if_outcomes: dict[cst.If, tuple[bool, cst.If]] = {}

    # try ----------------------------------------------------------------------------------

    def leave_Try(self, original_node: cst.Try, updated_node: cst.Try) -> cst.Try:
        promotion = self.actions.promote.get(original_node)
        if promotion is not None:
            return self._promote(original_node, updated_node, promotion)
        removed = [
            index
            for index, handler in enumerate(original_node.handlers)
            if handler in self.actions.remove_handlers
        ]
        if not removed:
            return updated_node
        kept = [h for i, h in enumerate(updated_node.handlers) if i not in removed]
        spilled = [
            line
            for index in removed
            for line in updated_node.handlers[index].leading_lines
            if line.comment is not None
        ]
        if kept or updated_node.finalbody is not None:
            return self._shrink(original_node, updated_node, removed, spilled)
        stream = StatementStream()
        stream.lines(updated_node.leading_lines)
        stream.suite(updated_node.body)
        stream.lines(spilled)
        if updated_node.orelse is not None:
            stream.lines(updated_node.orelse.leading_lines)
            stream.suite(updated_node.orelse.body)
        self.replacements[original_node] = stream.finish()
        return updated_node

    def _shrink(
        self, original: cst.Try, updated: cst.Try, removed: list[int], spilled: list[cst.EmptyLine]
    ) -> cst.Try:
        """A try that keeps other handlers or its ``finally``: only the handlers go."""
        handlers = list(updated.handlers)
        carry: list[cst.EmptyLine] = []
        following = [i for i in range(removed[0] + 1, len(handlers)) if i not in removed]
        orelse, finalbody = updated.orelse, updated.finalbody
        if spilled and following:
            first = handlers[following[0]]
            handlers[following[0]] = first.with_changes(
                leading_lines=[*spilled, *first.leading_lines]
            )
        elif spilled and orelse is not None:
            orelse = orelse.with_changes(leading_lines=[*spilled, *orelse.leading_lines])
        elif spilled and finalbody is not None:
            finalbody = finalbody.with_changes(leading_lines=[*spilled, *finalbody.leading_lines])
        else:
            carry = spilled
        kept = [h for i, h in enumerate(handlers) if i not in removed]
        body = updated.body
        if not kept and orelse is not None:
            statements, _, footer = suite_statements(body)
            stream = StatementStream()
            stream.add(statements)
            stream.lines(footer)
            stream.lines(orelse.leading_lines)
            stream.suite(orelse.body)
            merged = stream.finish()
            header = (
                body.header if isinstance(body, cst.IndentedBlock) else cst.TrailingWhitespace()
            )
            indent = body.indent if isinstance(body, cst.IndentedBlock) else None
            body = cst.IndentedBlock(
                body=merged.statements, header=header, indent=indent, footer=merged.carry_after
            )
            orelse = None
        result = updated.with_changes(body=body, handlers=kept, orelse=orelse, finalbody=finalbody)
        if carry:
            self.replacements[original] = _replacement([result], carry)
        return result

    def _promote(self, original: cst.Try, updated: cst.Try, promotion: Promotion) -> cst.Try:
        """A temporary try: the handler's body (without its guard) replaces the try."""
        position = next(
            i for i, handler in enumerate(original.handlers) if handler is promotion.handler
        )
        handler = updated.handlers[position]
        statements, header, footer = suite_statements(handler.body)
        guards, statements = statements[: promotion.skip], statements[promotion.skip :]
        stream = StatementStream()
        if updated.finalbody is None:
            stream.lines(updated.leading_lines)
            if isinstance(updated.body, cst.IndentedBlock):
                stream.lines(comment_line(updated.body.header))
        stream.lines(line for line in handler.leading_lines if line.comment is not None)
        stream.lines(header)
        for guard in guards:
            stream.lines(line for line in guard.leading_lines if line.comment is not None)
        stream.add(statements)
        stream.lines(footer)
        result = stream.finish()
        if updated.finalbody is None:
            self.replacements[original] = result
            return updated
        body = cst.IndentedBlock(body=result.statements, footer=result.carry_after)
        return updated.with_changes(body=body, handlers=[], orelse=None)

    # if -----------------------------------------------------------------------------------

    def leave_If(self, original_node: cst.If, updated_node: cst.If) -> cst.If:
        updated_node = self._resolve_orelse(original_node, updated_node)
        if original_node in self.actions.drop_branch:
            outcome: bool | None = False
        elif original_node in self.actions.keep_branch:
            outcome = True
        else:
            outcome = self.value_of(updated_node.test)
        if outcome is None:
            return updated_node
        parent = self.index.parent(original_node)
        if isinstance(parent, cst.If) and parent.orelse is original_node:
            self.if_outcomes[original_node] = (outcome, updated_node)
            return updated_node
        stream = StatementStream()
        stream.lines(updated_node.leading_lines)
        orelse = updated_node.orelse
        if outcome:
            stream.suite(updated_node.body)
        elif isinstance(orelse, cst.If):
            stream.add([orelse])
        elif isinstance(orelse, cst.Else):
            stream.lines(orelse.leading_lines)
            stream.suite(orelse.body)
        replacement = stream.finish()
        replacement.terminal = ends_flow(replacement.statements)
        self.replacements[original_node] = replacement
        return updated_node

    def leave_While(self, original_node: cst.While, updated_node: cst.While) -> cst.While:
        """``while False:`` (a folded sentinel test) never runs: only its ``else`` does."""
        if self.value_of(updated_node.test) is not False:
            return updated_node
        stream = StatementStream()
        stream.lines(updated_node.leading_lines)
        if updated_node.orelse is not None:
            stream.lines(updated_node.orelse.leading_lines)
            stream.suite(updated_node.orelse.body)
        self.replacements[original_node] = stream.finish()
        return updated_node

    def _resolve_orelse(self, original: cst.If, updated: cst.If) -> cst.If:
        """Apply the decided outcome of an ``elif`` branch to its parent ``if``."""
        child = original.orelse
        if not isinstance(child, cst.If) or child not in self.if_outcomes:
            return updated
        value, resolved = self.if_outcomes.pop(child)
        if value:
            new_orelse: cst.If | cst.Else | None = cst.Else(
                body=resolved.body,
                leading_lines=resolved.leading_lines,
                whitespace_before_colon=resolved.whitespace_after_test,
            )
        else:
            new_orelse = resolved.orelse
        return updated.with_changes(orelse=new_orelse)


def _replacement(statements: list[cst.BaseStatement], carry: list[cst.EmptyLine]):
    stream = StatementStream()
    stream.add(statements)
    stream.lines(carry)
    return stream.finish()
