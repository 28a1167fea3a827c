"""Dropping names from a module's ``__all__`` literal, keeping its layout."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import libcst as cst

from compatlint.codemods.sequences import remove_items

__all__ = ["DropExports", "without_exports"]

_Exports = cst.Assign | cst.AnnAssign | cst.AugAssign


def without_exports(node: _Exports, names: Collection[str]) -> Any:
    """An ``__all__ = [...]`` (or ``: list[str] =``, ``+=``) statement without ``names``."""
    targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
    value = node.value
    if not any(isinstance(t, cst.Name) and t.value == "__all__" for t in targets):
        return node
    if not isinstance(value, (cst.List, cst.Tuple, cst.Set)):
        return node
    drop = [
        index
        for index, element in enumerate(value.elements)
        if isinstance(element.value, cst.SimpleString) and element.value.evaluated_value in names
    ]
    if not drop:
        return node
    shorter = remove_items(value, drop)
    if len(value.elements) - 1 in drop and shorter.elements:
        # ``remove_items`` keeps the space after the last kept comma on a one-line literal
        # (``["A" ]``): give the closing bracket its own whitespace back.
        shorter = _closing_whitespace(shorter, value)
    return node.with_changes(value=shorter)


def _closing_whitespace(new: Any, old: Any) -> Any:
    if isinstance(old, cst.List):
        before, after = old.rbracket.whitespace_before, new.rbracket.whitespace_before
        if isinstance(before, cst.SimpleWhitespace) and isinstance(after, cst.SimpleWhitespace):
            return new.with_changes(rbracket=new.rbracket.with_changes(whitespace_before=before))
    elif isinstance(old, cst.Set):
        before, after = old.rbrace.whitespace_before, new.rbrace.whitespace_before
        if isinstance(before, cst.SimpleWhitespace) and isinstance(after, cst.SimpleWhitespace):
            return new.with_changes(rbrace=new.rbrace.with_changes(whitespace_before=before))
    elif isinstance(old, cst.Tuple) and old.rpar and new.rpar:
        before, after = old.rpar[0].whitespace_before, new.rpar[0].whitespace_before
        if isinstance(before, cst.SimpleWhitespace) and isinstance(after, cst.SimpleWhitespace):
            rpar = [new.rpar[0].with_changes(whitespace_before=before), *new.rpar[1:]]
            return new.with_changes(rpar=rpar)
    return new


class DropExports(cst.CSTTransformer):
    """Module-level ``__all__`` assignments without the given names."""

    def __init__(self, names: Collection[str]) -> None:
        super().__init__()
        self.names = names
        self.depth = 0

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.depth += 1

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        self.depth -= 1
        return updated_node

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        return updated_node if self.depth else without_exports(updated_node, self.names)

    def leave_AnnAssign(
        self, original_node: cst.AnnAssign, updated_node: cst.AnnAssign
    ) -> cst.AnnAssign:
        return updated_node if self.depth else without_exports(updated_node, self.names)

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.AugAssign:
        return updated_node if self.depth else without_exports(updated_node, self.names)
