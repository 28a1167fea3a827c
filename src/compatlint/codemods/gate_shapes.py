"""The libcst side of the gate folds that are not tests: comprehension filters, call
keywords and parameter defaults, presence rewrites, pytest marks (issue 13).

A mixin of prune's gate transformer (:mod:`.gate_folds`): the scan
(:mod:`.gate_scan`) says which spans to edit (``GateRoot.target``) and how; this only
finds them by position and edits them. The gates inside are replaced by folding
constants as in any test, so a filter whose test folds to ``True`` loses its ``if``,
and a keyword whose value folds to a constant keeps it as a literal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import libcst as cst

from compatlint.codemods.gate_decorators import without_decorators
from compatlint.codemods.gate_scan import PYTESTMARK, GateRoot, Key
from compatlint.codemods.locate import NodeIndex
from compatlint.codemods.removals import PruneActions
from compatlint.codemods.sequences import join_gaps


class _Folding(Protocol):
    index: NodeIndex
    actions: PruneActions
    _truth_tested: set[cst.CSTNode]

    def value_of(self, node: cst.CSTNode | None) -> bool | None: ...


class ShapeFolder(cst.CSTTransformer):
    """Edits the targets of filter, value, presence and mark roots."""

    def init_shapes(self, targets: Mapping[Key, GateRoot], keep_pytestmark: bool) -> None:
        self.targets = targets
        self.keep_pytestmark = keep_pytestmark
        #: the targets found and edited
        self.shaped: set[Key] = set()
        self.emptied: set[cst.Assign] = set()

    def target(self: _Folding | ShapeFolder, node: cst.CSTNode, kind: str) -> Key | None:
        where = self.index.positions.get(node)  # type: ignore[union-attr]
        if where is None:
            return None
        key = (where.start.line, where.start.column, where.end.line, where.end.column)
        root = self.targets.get(key)  # type: ignore[union-attr]
        return key if root is not None and root.kind == kind else None

    # comprehension filters ----------------------------------------------------------------

    def visit_CompIf(self, node: cst.CompIf) -> bool:
        self._truth_tested.add(node.test)  # type: ignore[attr-defined]
        return True

    def leave_CompFor(self, original_node: cst.CompFor, updated_node: cst.CompFor) -> cst.CompFor:
        """A filter whose test folded to ``True`` goes; the others stay."""
        kept = [f for f in updated_node.ifs if self.value_of(f.test) is not True]  # type: ignore[attr-defined]
        if len(kept) == len(updated_node.ifs):
            return updated_node
        for before in original_node.ifs:
            key = self.target(before.test, "filter")
            if key is not None:
                self.shaped.add(key)
        return updated_node.with_changes(ifs=kept)

    # values -------------------------------------------------------------------------------

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        return updated_node.with_changes(value=self._literal(original_node, updated_node))

    def leave_Param(self, original_node: cst.Param, updated_node: cst.Param) -> cst.Param:
        if original_node.default is None:
            return updated_node
        return updated_node.with_changes(default=self._literal(original_node, updated_node))

    def _literal(self, original, updated):  # type: ignore[no-untyped-def]
        """The folded constant of a value root, as a plain literal (it is not a test:
        the constant stays, so it must not count as one left unfolded)."""
        value = updated.value if isinstance(updated, cst.Arg) else updated.default
        before = original.value if isinstance(original, cst.Arg) else original.default
        kind = "keyword" if isinstance(original, cst.Arg) else "default"
        key = self.target(before, kind)
        constant = self.value_of(value)  # type: ignore[attr-defined]
        if key is None or constant is None:
            return value
        self.shaped.add(key)
        return cst.Name("True" if constant else "False")

    # presence -----------------------------------------------------------------------------

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        key = self.target(original_node, "presence")
        if key is None:
            return updated_node
        drop = self.targets[key].drop
        args = list(updated_node.args)
        if isinstance(drop, int):
            at = [i for i, a in enumerate(args) if a.keyword is None and a.star == ""][drop]
        else:
            at = next(i for i, a in enumerate(args) if a.keyword and a.keyword.value == drop)
        self.shaped.add(key)
        return updated_node.with_changes(args=_without_arg(args, at))

    # marks --------------------------------------------------------------------------------

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        return self._unmarked(original_node, updated_node)  # type: ignore[return-value]

    def leave_ClassDef(self, original_node: cst.ClassDef, updated_node: cst.ClassDef):  # type: ignore[no-untyped-def]
        return self._unmarked(original_node, updated_node)

    def _unmarked(self, original, updated):  # type: ignore[no-untyped-def]
        gone = set()
        for decorator in original.decorators:
            key = self.target(decorator.decorator, "decorator")
            if key is not None:
                self.shaped.add(key)
                gone.add(decorator)
        return without_decorators(updated, original, gone) if gone else updated

    def visit_Assign(self, node: cst.Assign) -> bool:
        """``pytestmark = mark`` / ``[..., mark, ...]``: the marks that go are removed as
        elements; with none left the assignment goes (``= []`` when the module reads
        ``pytestmark`` elsewhere)."""
        target = node.targets[0].target if len(node.targets) == 1 else None
        if not (isinstance(target, cst.Name) and target.value == PYTESTMARK):
            return True
        value = node.value
        elements = value.elements if isinstance(value, (cst.List, cst.Tuple)) else ()
        if not elements:
            key = self.target(value, "pytestmark")
            if key is not None:
                self.shaped.add(key)
                self._empty(node)
            return True
        gone = []
        for element in elements:
            key = self.target(element.value, "pytestmark")
            if key is not None:
                self.shaped.add(key)
                gone.append(element)
        if len(gone) == len(elements):
            self._empty(node)
        else:
            self.actions.remove_elements.update(gone)  # type: ignore[attr-defined]
        return True

    def _empty(self, node: cst.Assign) -> None:
        if self.keep_pytestmark:
            self.emptied.add(node)
        else:
            self.actions.remove.add(node)  # type: ignore[attr-defined]

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if original_node in self.emptied:
            return updated_node.with_changes(value=cst.List([]))
        return updated_node


def _without_arg(args: list[cst.Arg], at: int) -> list[cst.Arg]:
    """``args`` without the one at ``at`` (never the first: a version follows the
    upstream); the line it stood on goes with it, comments on other lines stay."""
    gone = args.pop(at)
    previous = args[at - 1]
    before = previous.comma.whitespace_after if isinstance(previous.comma, cst.Comma) else None
    if not isinstance(gone.comma, cst.Comma) or before is None:
        # it was last, without a trailing comma: the one before ends the arguments
        args[at - 1] = previous.with_changes(
            comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=gone.whitespace_after_arg
        )
        return args
    joined = join_gaps(before, gone.comma.whitespace_after)
    args[at - 1] = previous.with_changes(comma=previous.comma.with_changes(whitespace_after=joined))
    return args


__all__ = ["ShapeFolder"]
