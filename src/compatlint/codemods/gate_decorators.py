"""pytest's conditional marks on a decided version gate: which go, which a person decides.

``@pytest.mark.skipif(<gate>, reason=...)`` and ``@pytest.mark.xfail(<gate>, ...)`` (also
``condition=<gate>``, ``from pytest import mark``, any import alias: the call is resolved
by qualified name, never by its text) and the same marks in a module's ``pytestmark``.
pytest skips (or expects to fail) when *any* condition is true
(``_pytest.skipping.evaluate_skip_marks`` / ``evaluate_xfail_marks``), so a mark whose
conditions are all decided False has no effect and goes — an xfail's ``run``, ``strict``
and ``raises`` only apply once a condition holds. A condition decided True means the test
never runs (or always xfails) on a supported version: that is a person's call (delete the
test? drop the mark?), so it is listed, never edited. A string condition is evaluated by
pytest at run time and is never read.

The ``ast`` half (:func:`read_mark`) says what a mark is; the libcst half
(:func:`without_decorators`) removes the decorators that go, keeping every comment on
another line (a ``pytestmark`` element goes through prune's list surgery).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

import libcst as cst

from compatlint.analysis.version_gates import GateEnv, GateResult, evaluate_gate
from compatlint.analysis.version_subjects import ModuleContext, qualify

#: The conditional marks, by qualified name, and what a true condition does.
MARKS = {
    "pytest.mark.skipif": "skipif",
    "pytest.mark.xfail": "xfail",
    "_pytest.mark.skipif": "skipif",
    "_pytest.mark.xfail": "xfail",
}
_EFFECT = {
    "skipif": "the test never runs on a supported version",
    "xfail": "the test is expected to fail on every supported version",
}
#: What the other arguments of a mark that goes may be: they run when the module is
#: imported, so anything that can do more than read a name goes only with a person.
_PLAIN = (
    ast.Constant,
    ast.Name,
    ast.Attribute,
    ast.JoinedStr,
    ast.FormattedValue,
    ast.Tuple,
    ast.List,
    ast.Load,
)


@dataclass(frozen=True)
class MarkReading:
    """A conditional mark's conditions, each with its verdict."""

    name: str
    conditions: tuple[ast.expr, ...]
    results: tuple[GateResult, ...]
    others: tuple[ast.expr, ...]

    @property
    def value(self) -> bool | None:
        """True when some condition is always true, False when all are always false."""
        values = [result.value for result in self.results]
        if True in values:
            return True
        return False if all(value is False for value in values) else None

    @property
    def is_gate(self) -> bool:
        return any(result.is_gate for result in self.results)

    def effect(self) -> str:
        return _EFFECT[self.name]


def mark_name(call: ast.expr, context: ModuleContext) -> str | None:
    """``skipif`` / ``xfail`` when ``call`` is a call of pytest's conditional mark."""
    if not isinstance(call, ast.Call):
        return None
    return MARKS.get(qualify(call.func, context) or "")


def read_mark(call: ast.expr, context: ModuleContext, env: GateEnv) -> MarkReading | None:
    """What a conditional mark's conditions are at the floors; None for anything else
    (another decorator, an unconditional mark, a string condition, ``*args``)."""
    name = mark_name(call, context)
    if name is None or not isinstance(call, ast.Call):
        return None
    keyword = next((k for k in call.keywords if k.arg == "condition"), None)
    conditions = (keyword.value,) if keyword is not None else tuple(call.args)
    if not conditions or any(k.arg is None for k in call.keywords):
        return None
    if any(isinstance(c, ast.Starred) for c in call.args):
        return None
    if any(isinstance(c, ast.Constant) and isinstance(c.value, str) for c in conditions):
        return None  # pytest evaluates a string itself, at run time
    others = [k.value for k in call.keywords if k is not keyword]
    if keyword is not None:
        others += call.args
    results = tuple(evaluate_gate(c, context, env) for c in conditions)
    return MarkReading(name, conditions, results, tuple(others))


def impure_argument(reading: MarkReading) -> str | None:
    """The first other argument of the mark that does more than read (a call, ...)."""
    for argument in reading.others:
        if not all(isinstance(node, (*_PLAIN, ast.expr_context)) for node in ast.walk(argument)):
            return ast.unparse(argument)
    return None


# -- the concrete tree ---------------------------------------------------------------------


def without_decorators(
    node: cst.FunctionDef | cst.ClassDef, original: cst.FunctionDef | cst.ClassDef, gone
) -> cst.FunctionDef | cst.ClassDef:
    """``node`` without the decorators whose original is in ``gone``; the comment lines
    above a removed decorator move to what followed it (the next decorator, or the line
    above the ``def``)."""
    kept: list[cst.Decorator] = []
    carried: list[cst.EmptyLine] = []
    for before, decorator in zip(original.decorators, node.decorators, strict=True):
        if before in gone:
            carried += decorator.leading_lines
            continue
        if carried:
            decorator = decorator.with_changes(leading_lines=[*carried, *decorator.leading_lines])
            carried = []
        kept.append(decorator)
    after = [*carried, *node.lines_after_decorators]
    return node.with_changes(decorators=kept, lines_after_decorators=after)


__all__ = [
    "MARKS",
    "MarkReading",
    "impure_argument",
    "mark_name",
    "read_mark",
    "without_decorators",
]
