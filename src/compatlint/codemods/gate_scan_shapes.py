"""The roots of :mod:`.gate_scan` that are not tests: call keywords and parameter
defaults that are decided gates, optional predicates whose version test always holds, and
pytest's ``skipif``/``xfail`` marks (:mod:`.gate_decorators`). A mixin of the scanner:
it uses the scanner's scopes, shadowing and dead-code checks.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from typing import Any

from compatlint.analysis.version_gates import GateResult, evaluate_gate
from compatlint.analysis.version_subjects import qualify
from compatlint.codemods.gate_decorators import impure_argument, read_mark
from compatlint.codemods.gate_roots import GateRoot, leaves, simulate

PYTESTMARK = "pytestmark"
EMPTY_FILTER = "comprehension filter always false: the result is empty, but the iterable still runs"
_NOT_BOOL = "`and`/`or` returns an operand, not a bool"
LEFT_OPERANDS = "other operands must still run: a person decides"
_PRESENCE = "presence test not rewritten"


def is_pytestmark(node: ast.stmt) -> bool:
    if not isinstance(node, ast.Assign) or len(node.targets) != 1:
        return False
    target = node.targets[0]
    return isinstance(target, ast.Name) and target.id == PYTESTMARK


class ShapeScanning:
    """Scanner methods for the value, presence and mark roots."""

    # provided by the scanner
    context: Any
    env: Any
    scan: Any
    key: Any
    listed: Any
    _shadowed: Any
    _dead_conflict: Any
    _has_floors: Any

    def value(self, kind: str, expr: ast.expr, scopes: list[ast.AST]) -> None:
        """A call keyword or parameter default that is a decided gate: the literal
        ``True``/``False`` when the expression is a bool whatever runs."""
        if not any(isinstance(leaf, (ast.Compare, ast.Call)) for leaf in leaves(expr)):
            return
        result = evaluate_gate(expr, self.context, self.env)
        if result.value is None:
            return
        line = expr.lineno
        if not self._is_bool(expr):
            return self.listed(line, f"{kind} value not folded: {_NOT_BOOL}: {result.reason}")
        atoms = self.atoms_of([expr])
        values = {atom: bool(r.value) for atom, r in atoms.items()}
        dropped: list[ast.AST] = []
        if simulate(expr, values, dropped) is not result.value:
            return self.listed(line, f"{kind} value not folded: {LEFT_OPERANDS}")
        problem = self._shadowed(atoms, scopes) or self._dead_conflict(dropped, scopes)
        if problem:
            return self.listed(line, f"{kind} value not folded: {problem}")
        self.scan.roots.append(
            GateRoot(
                kind,
                line,
                ast.unparse(expr),
                {self.key(atom): value for atom, value in values.items()},
                result.value,
                result.upstreams,
                result.reason,
                target=self.key(expr),
            )
        )

    def atoms_of(self, tests: Iterable[ast.expr]) -> dict[ast.expr, GateResult]:
        """The decided gates among the ``and``/``or``/``not`` operands of ``tests``."""
        atoms: dict[ast.expr, GateResult] = {}
        for test in tests:
            for leaf in leaves(test):
                result = evaluate_gate(leaf, self.context, self.env)
                if result.value is not None:
                    atoms[leaf] = result
        return atoms

    def _is_bool(self, expr: ast.expr) -> bool:
        """Whatever the versions, ``expr`` evaluates to a bool: a comparison, a ``not``,
        a configured predicate, or ``and``/``or`` of such (they return an operand)."""
        if isinstance(expr, (ast.Compare, ast.UnaryOp)):
            return not isinstance(expr, ast.UnaryOp) or isinstance(expr.op, ast.Not)
        if isinstance(expr, ast.Call):
            return (qualify(expr.func, self.context) or "") in self.env.predicates
        if isinstance(expr, ast.BoolOp):
            return all(self._is_bool(value) for value in expr.values)
        return False

    def presence(self, call: ast.expr, result: GateResult, scopes: list[ast.AST]) -> None:
        """An optional predicate whose version test always holds: its version argument
        goes (``module_available("dask", "2024.11.0")`` → ``module_available("dask")``)."""
        rewrite = result.presence[0]
        if not isinstance(call, ast.Call) or rewrite.call is not call:
            return
        line = call.lineno
        drop = rewrite.drop
        if isinstance(drop, int):
            last = len(call.args) - 1
            if drop != last or any(isinstance(a, ast.Starred) for a in call.args):
                return self.listed(line, f"{_PRESENCE}: its version is not the last argument")
        elif not any(k.arg == drop for k in call.keywords):
            return self.listed(line, f"{_PRESENCE}: no `{drop}=` argument to drop")
        problem = self._shadowed([call], scopes)
        if problem:
            return self.listed(line, f"{_PRESENCE}: {problem}")
        self.scan.roots.append(
            GateRoot(
                "presence",
                line,
                ast.unparse(call),
                {},
                None,
                result.upstreams,
                result.reason,
                target=self.key(call),
                drop=drop,
            )
        )

    def mark(self, kind: str, decorator: ast.expr, scopes: list[ast.AST]) -> None:
        """A ``skipif``/``xfail`` mark on a gate: it goes when it can never apply."""
        reading = read_mark(decorator, self.context, self.env)
        if reading is None or not reading.is_gate:
            return
        line = decorator.lineno
        value = reading.value
        reasons = "; ".join(dict.fromkeys(r.reason for r in reading.results if r.is_gate))
        if value is None:
            floors = [r for r in reading.results if r.is_gate and self._has_floors(r)]
            if floors:
                self.listed(line, f"undecided version gate: {floors[0].reason}")
            return
        if value:
            return self.listed(
                line, f"{reading.name} condition always true: {reading.effect()}: {reasons}"
            )
        atoms = self.atoms_of(reading.conditions)
        values = {atom: bool(r.value) for atom, r in atoms.items()}
        dropped: list[ast.AST] = []
        if any(simulate(c, values, dropped) is not False for c in reading.conditions):
            return self.listed(line, f"{reading.name} mark not removed: {LEFT_OPERANDS}")
        impure = impure_argument(reading)
        problem = self._shadowed(atoms, scopes) or (
            impure and f"its argument `{impure}` runs code when the module is imported"
        )
        if problem:
            return self.listed(line, f"{reading.name} mark not removed: {problem}")
        upstreams = tuple(dict.fromkeys(u for r in reading.results for u in r.upstreams))
        self.scan.roots.append(
            GateRoot(
                kind,
                line,
                ast.unparse(decorator),
                {},
                False,
                upstreams,
                reasons,
                target=self.key(decorator),
            )
        )


__all__ = ["EMPTY_FILTER", "PYTESTMARK", "ShapeScanning", "is_pytestmark"]
