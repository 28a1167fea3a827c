"""What prune folds in a module: a root, its decided gates, and how a test of them folds
(pure ``ast``; shared by :mod:`.gate_scan` and :mod:`.gate_scan_shapes`)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from compatlint.analysis.version_gates import GateResult
from compatlint.analysis.version_subjects import ModuleContext, qualify

#: Names that are False at run time, True for a type checker, and read without effect.
TYPE_CHECKING_NAMES = frozenset({"typing.TYPE_CHECKING", "typing_extensions.TYPE_CHECKING"})

#: A node's span as libcst reports it: start line, start column, end line, end column
#: (columns in characters, parentheses outside).
Key = tuple[int, int, int, int]


@dataclass(frozen=True, eq=False)
class GateRoot:
    """One fold: ``kind`` is ``if``, ``elif``, ``ternary``, ``assert``, ``filter`` (a test),
    ``keyword``, ``default`` (a value), ``decorator``, ``pytestmark`` (a mark that goes) or
    ``presence`` (a version argument that goes); ``atoms`` the decided gates in it;
    ``outcome`` the test's value once they fold (None: the test only loses operands).
    ``target``: the span of the value, mark or call the fold edits as a whole; ``drop``:
    the argument a presence fold removes."""

    kind: str
    line: int
    text: str
    atoms: dict[Key, bool]
    outcome: bool | None
    upstreams: tuple[str, ...]
    reason: str
    target: Key | None = None
    drop: int | str | None = None

    def describe(self) -> str:
        """What the fold does, for the report."""
        if self.kind in _DESCRIPTIONS:
            return _DESCRIPTIONS[self.kind].format(value=self.outcome)
        if self.outcome is None:
            return f"{self.kind} test: decided operands folded"
        if self.kind == "ternary":
            return f"ternary folded to its {'first' if self.outcome else 'else'} value"
        if self.kind == "assert":
            return "assert removed: always true"
        if self.outcome:
            return f"{self.kind} folded: its body stays, the other arms go"
        return f"{self.kind} branch removed: never taken"


_DESCRIPTIONS = {
    "filter": "comprehension filter removed: always true",
    "keyword": "keyword value folded to {value}",
    "default": "parameter default folded to {value}",
    "decorator": "conditional mark removed: its condition is always false",
    "pytestmark": "pytestmark entry removed: its condition is always false",
    "presence": "version argument dropped: the version test always holds, presence stays",
}


def leaves(test: ast.expr) -> Iterator[ast.expr]:
    """The operands of ``and``/``or``/``not`` in ``test``, innermost."""
    if isinstance(test, ast.BoolOp):
        for value in test.values:
            yield from leaves(value)
    elif isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        yield from leaves(test.operand)
    else:
        yield test


def reasons(atoms: dict[ast.expr, GateResult]) -> str:
    return "; ".join(dict.fromkeys(result.reason for result in atoms.values()))


def type_checking_leaves(
    test: ast.expr, context: ModuleContext, values: dict[ast.expr, bool]
) -> dict[ast.expr, bool]:
    """The ``typing.TYPE_CHECKING`` operands of ``test`` that fold as constant False,
    given the decided gates in ``values``: those whose value cannot change the test
    (``TYPE_CHECKING or <True>``, ``TYPE_CHECKING and <False>``). Reading the name has no
    effect, so dropping it changes nothing at run time; and as the test is the same with
    it True, nothing changes for a type checker either. Where its value matters
    (``TYPE_CHECKING or <False>`` stays ``TYPE_CHECKING``), it is left alone."""
    found = [
        leaf
        for leaf in leaves(test)
        if leaf not in values and qualify(leaf, context) in TYPE_CHECKING_NAMES
    ]
    if not found:
        return {}
    at_run_time = simulate(test, {**values, **dict.fromkeys(found, False)}, [])
    for_a_checker = simulate(test, {**values, **dict.fromkeys(found, True)}, [])
    if at_run_time is None or at_run_time != for_a_checker:
        return {}
    return dict.fromkeys(found, False)


def simulate(test: ast.expr, atoms: dict[ast.expr, bool], dropped: list[ast.AST]) -> bool | None:
    """The value the test folds to, as the transformer folds it (left to right, a constant
    left operand decides or vanishes, a neutral right one vanishes in a test); operands a
    decided left side no longer evaluates go to ``dropped``."""
    if test in atoms:
        return atoms[test]
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = simulate(test.operand, atoms, dropped)
        return None if inner is None else not inner
    if not isinstance(test, ast.BoolOp):
        return None
    neutral = isinstance(test.op, ast.And)
    value = simulate(test.values[0], atoms, dropped)
    for right in test.values[1:]:
        if value is (not neutral):
            dropped.append(right)
            continue
        right_value = simulate(right, atoms, dropped)
        if value is neutral:
            value = right_value
        elif right_value is not neutral:
            value = None
    return value


__all__ = [
    "TYPE_CHECKING_NAMES",
    "GateRoot",
    "Key",
    "leaves",
    "reasons",
    "simulate",
    "type_checking_leaves",
]
