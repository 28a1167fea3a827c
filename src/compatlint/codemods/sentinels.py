"""Folding the tests of a sentinel once its ``X = None`` branch is gone.

When the removed fallback assigned ``X = None`` and the try body binds ``X``, X is never
None any more: ``X is not None`` is True and ``X is None`` is False. The constants this
module creates are tracked as node objects (kept alive, so no later node can take one's
address), so only they fold further (``True and Y`` → ``Y``,
``if False: B else: C`` → ``C``); a literal ``True`` already in the source is never touched.
``Y and True`` becomes ``Y`` only where the expression is used for its truth (a test).
Which names are the sentinel is decided by scope analysis in the removal step
(:mod:`compatlint.codemods.removals.sentinel`), not here.
"""

from __future__ import annotations

import libcst as cst

from compatlint.codemods.removals.context import PruneActions


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


class SentinelFolder(cst.CSTTransformer):
    """Transformer hooks that fold comparisons of sentinel names with None."""

    actions: PruneActions

    def init_folding(self) -> None:
        # Keyed by the nodes themselves, never by id(): a folded constant that a parent
        # replaces is let go, and a later unrelated node could be born at its address.
        self.constants: dict[cst.CSTNode, bool] = {}
        self.folds = 0
        self._truth_tested: set[cst.CSTNode] = set()

    # Only where an expression is used for its truth may ``Y and True`` become ``Y``.

    def visit_If(self, node: cst.If) -> bool:
        self._truth_tested.add(node.test)
        return True

    def visit_While(self, node: cst.While) -> bool:
        self._truth_tested.add(node.test)
        return True

    def visit_IfExp(self, node: cst.IfExp) -> bool:
        self._truth_tested.add(node.test)
        return True

    def visit_Assert(self, node: cst.Assert) -> bool:
        self._truth_tested.add(node.test)
        return True

    def visit_UnaryOperation(self, node: cst.UnaryOperation) -> bool:
        if isinstance(node.operator, cst.Not):
            self._truth_tested.add(node.expression)
        return True

    def visit_BooleanOperation(self, node: cst.BooleanOperation) -> bool:
        if node in self._truth_tested:
            self._truth_tested.update((node.left, node.right))
        return True

    def constant(self, value: bool) -> cst.Name:
        node = cst.Name("True" if value else "False")
        self.constants[node] = value
        return node

    def value_of(self, node: cst.CSTNode | None) -> bool | None:
        return None if node is None else self.constants.get(node)

    def leave_Comparison(
        self, original_node: cst.Comparison, updated_node: cst.Comparison
    ) -> cst.BaseExpression:
        if len(original_node.comparisons) != 1:
            return updated_node
        target = original_node.comparisons[0]
        if not isinstance(target.operator, (cst.Is, cst.IsNot)):
            return updated_node
        names = self.actions.sentinel_names
        left, right = original_node.left, target.comparator
        if (left in names and _is_none(right)) or (right in names and _is_none(left)):
            self.folds += 1
            return self.constant(isinstance(target.operator, cst.IsNot))
        return updated_node

    def leave_UnaryOperation(
        self, original_node: cst.UnaryOperation, updated_node: cst.UnaryOperation
    ) -> cst.BaseExpression:
        value = self.value_of(updated_node.expression)
        if value is None or not isinstance(updated_node.operator, cst.Not):
            return updated_node
        return self.constant(not value)

    def leave_BooleanOperation(
        self, original_node: cst.BooleanOperation, updated_node: cst.BooleanOperation
    ) -> cst.BaseExpression:
        left, right = updated_node.left, updated_node.right
        left_value, right_value = self.value_of(left), self.value_of(right)
        is_and = isinstance(updated_node.operator, cst.And)
        neutral, absorbing = (True, False) if is_and else (False, True)
        if left_value is neutral:
            return _keep_parens(updated_node, right)
        if left_value is absorbing:
            return left
        if right_value is neutral and original_node in self._truth_tested:
            return _keep_parens(updated_node, left)
        return updated_node

    def leave_IfExp(self, original_node: cst.IfExp, updated_node: cst.IfExp) -> cst.BaseExpression:
        value = self.value_of(updated_node.test)
        if value is None:
            return updated_node
        return _keep_parens(updated_node, updated_node.body if value else updated_node.orelse)

    def leave_Assert(self, original_node: cst.Assert, updated_node: cst.Assert) -> cst.Assert:
        if self.value_of(updated_node.test) is True:
            self.actions.remove.add(original_node)
        return updated_node


def _keep_parens(outer: cst.BaseExpression, inner: cst.BaseExpression) -> cst.BaseExpression:
    """``inner`` in place of ``outer``; parentheses of ``outer`` stay if ``inner`` spans lines."""
    outer_parens = getattr(outer, "lpar", ())
    if not outer_parens or getattr(inner, "lpar", ()):
        return inner
    if "\n" not in cst.Module(body=[]).code_for_node(inner):
        return inner
    return inner.with_changes(lpar=outer.lpar, rpar=outer.rpar)  # type: ignore[attr-defined]
