"""Decide a version expression over the supported windows: always true, always false, or
not decided.

The pure core of version gates (issue 13). ``evaluate_gate(expr, context, env)`` reads a
condition — comparisons of a version with a literal (:mod:`.version_subjects`), calls of
the project's own predicates, and ``not``/``and``/``or`` of them — and answers with a
:class:`GateResult`: its truth value on every supported version of the upstreams it
reads (``None``: it differs within the window, or is not read), those upstreams, and a
reason for messages. The arithmetic is :mod:`.gate_windows`.

Values are truth values: ``x and gate`` decided False says the test is false, not what
``x`` would have evaluated to; a fold must keep an operand whose evaluation matters.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field

from packaging.version import InvalidVersion, Version

from compatlint.analysis.gate_windows import (
    ANY,
    MIRROR,
    TupleShape,
    Window,
    decide,
    string_outcomes,
    tuple_outcomes,
    version_outcomes,
)
from compatlint.analysis.version_subjects import (
    PYTHON,
    SUBJECT_SOURCES,
    VERSION_ATTRIBUTE,
    VERSION_CLASSES,
    ModuleContext,
    Subject,
    distribution_upstream,
    flag_name,
    names_reaching,
    qualify,
    read_literal,
    read_subject,
    version_constants,
)
from compatlint.predicates import Predicate
from compatlint.versions import Floors

_OPS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}


@dataclass(frozen=True)
class PresenceRewrite:
    """An optional predicate whose version test is always true: the call equals the call
    without its version argument (``module_available("dask", "2024.11.0")`` →
    ``module_available("dask")``). ``drop`` is the position or keyword to remove."""

    call: ast.Call
    predicate: str
    drop: int | str


@dataclass(frozen=True)
class GateResult:
    """What an expression is on every supported version.

    ``value``: True / False on every version in the windows of ``upstreams``, else None.
    ``is_gate``: the expression reads a version at all (a None value is then a finding:
    an undecided gate, with ``reason``). ``presence``: rewrites that hold whatever
    ``value`` is — a gate that reduced to a presence test has value None and these.
    """

    value: bool | None
    upstreams: tuple[str, ...] = ()
    reason: str = ""
    is_gate: bool = False
    presence: tuple[PresenceRewrite, ...] = ()


NOT_A_GATE = GateResult(None, reason="not a version test")


@dataclass(frozen=True)
class GateEnv:
    """The supported windows by upstream (``python`` included) and the project's
    predicates by qualified name."""

    windows: Mapping[str, Window] = field(default_factory=dict)
    predicates: Mapping[str, Predicate] = field(default_factory=dict)

    def window(self, upstream: str) -> Window | None:
        if upstream in self.windows:
            return self.windows[upstream]
        wanted = distribution_upstream(upstream)
        for name, window in self.windows.items():
            if distribution_upstream(name) == wanted:
                return window
        return None


def windows_from(
    floors: Floors,
    python_floor: Version | None = None,
    tops: Mapping[str, tuple[Version, bool]] | None = None,
) -> dict[str, Window]:
    """A window per upstream with a floor; ``python``'s floor defaults to
    ``python_floor`` (requires-python). ``tops``: upstream → (top, inclusive)."""
    found = dict(floors.upstreams)
    if PYTHON not in found and python_floor is not None:
        found[PYTHON] = python_floor
    windows = {}
    for name, floor in found.items():
        top, inclusive = (tops or {}).get(name, (None, True))
        windows[name] = Window(name, floor, top, inclusive)
    return windows


def evaluate_gate(expr: ast.expr, context: ModuleContext, env: GateEnv) -> GateResult:
    """The value of the condition ``expr`` (in the module of ``context``) on every
    supported version."""
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
        inner = evaluate_gate(expr.operand, context, env)
        value = None if inner.value is None else not inner.value
        return GateResult(value, inner.upstreams, inner.reason, inner.is_gate, inner.presence)
    if isinstance(expr, ast.BoolOp):
        parts = [evaluate_gate(value, context, env) for value in expr.values]
        return _combine(parts, isinstance(expr.op, ast.And))
    if isinstance(expr, ast.Compare):
        return _compare(expr, context, env)
    if isinstance(expr, ast.Call):
        return _predicate_call(expr, context, env)
    if isinstance(expr, (ast.Name, ast.Attribute)) and context.flags:
        return _flag(expr, context)
    return NOT_A_GATE


def gate_words(context: ModuleContext, env: GateEnv) -> frozenset[str]:
    """The words of which an expression of the module must spell one for
    :func:`evaluate_gate` to read anything in it: for any other it answers
    :data:`NOT_A_GATE`.

    Every gate reads a name of the module: one that qualifies (:func:`qualify`) to where
    a version is read (:data:`~compatlint.analysis.version_subjects.SUBJECT_SOURCES`, a
    subject ``known`` from another module), to a predicate or to a flag, or to a package
    above one (an attribute chain only lengthens it); a constant that reads a version; a
    flag of the module's own; or any name followed by ``__version__``."""
    bases = [*SUBJECT_SOURCES, *context.known, *env.predicates, *context.flags]
    words = set(names_reaching(context, bases)) | version_constants(context)
    if context.module:
        words.update(n for n in context.constants if f"{context.module}.{n}" in context.flags)
    words.add(VERSION_ATTRIBUTE)
    return frozenset(words)


def _flag(expr: ast.Name | ast.Attribute, context: ModuleContext) -> GateResult:
    """A read of a flag the caller decided (``context.flags``): its value."""
    name = flag_name(expr, context)
    found = context.flags.get(name) if name else None
    if not isinstance(found, GateResult):
        return NOT_A_GATE
    reason = f"through flag `{ast.unparse(expr)}`: {found.reason}"
    return GateResult(found.value, found.upstreams, reason, True)


def _combine(parts: list[GateResult], is_and: bool) -> GateResult:
    """Three-valued ``and`` / ``or``: one False operand decides ``and``, one True ``or``."""
    absorbing = not is_and
    for part in parts:
        if part.value is absorbing:
            return GateResult(absorbing, part.upstreams, part.reason, True)
    is_gate = any(part.is_gate for part in parts)
    upstreams = tuple(dict.fromkeys(u for part in parts for u in part.upstreams))
    if all(part.value is (not absorbing) for part in parts):
        reason = "; ".join(part.reason for part in parts)
        return GateResult(not absorbing, upstreams, reason, is_gate)
    reason = "; ".join(part.reason for part in parts if part.is_gate and part.value is None)
    presence = tuple(rewrite for part in parts for rewrite in part.presence)
    return GateResult(None, upstreams, reason or "not a version test", is_gate, presence)


def _compare(expr: ast.Compare, context: ModuleContext, env: GateEnv) -> GateResult:
    """A comparison; a chain ``a < b < c`` is ``a < b and b < c``."""
    parts = []
    left = expr.left
    for operator, right in zip(expr.ops, expr.comparators, strict=True):
        op = _OPS.get(type(operator))
        parts.append(NOT_A_GATE if op is None else _pair(left, op, right, context, env))
        left = right
    return parts[0] if len(parts) == 1 else _combine(parts, is_and=True)


def _pair(left, op, right, context, env) -> GateResult:
    text = f"{ast.unparse(left)} {op} {ast.unparse(right)}"
    subject = read_subject(left, context)
    other = right
    if subject is None:
        subject, other, op = read_subject(right, context), left, MIRROR[op]
    if subject is None:
        return NOT_A_GATE
    if read_subject(other, context) is not None:
        return _undecided(subject, f"`{text}` compares two run-time versions")
    window = env.window(subject.upstream)
    if window is None:
        return _undecided(subject, f"`{text}` reads {subject.upstream}, which has no floor")
    literal = read_literal(other, subject, context)
    if literal is None:
        return _undecided(subject, f"`{text}`: `{ast.unparse(other)}` is not a version literal")
    outcomes = _outcomes(subject, literal, window)
    return _decided(subject.upstream, window, text, decide(op, outcomes))


def _outcomes(subject: Subject, literal: object, window: Window):
    if subject.kind == "version" and isinstance(literal, Version):
        return version_outcomes(window, literal)
    if subject.kind == "string" and isinstance(literal, str):
        return string_outcomes(window, literal)
    if subject.kind in ("tuple", "loose") and isinstance(literal, tuple):
        return tuple_outcomes(window, literal, subject.shape)
    if subject.kind == "int" and type(literal) is int:
        return tuple_outcomes(window, (ANY,) * subject.index + (literal,), subject.shape)
    return None


def _undecided(subject: Subject, reason: str) -> GateResult:
    return GateResult(None, (subject.upstream,), reason, True)


def _decided(upstream: str, window: Window, text: str, value: bool | None) -> GateResult:
    if value is None:
        reason = f"`{text}` is not decided: {window.describe()}, and it differs within the window"
    else:
        reason = f"`{text}` is always {'true' if value else 'false'}: {window.describe()}"
    return GateResult(value, (upstream,), reason, True)


# -- project predicates -----------------------------------------------------------------


def _predicate_call(call: ast.Call, context: ModuleContext, env: GateEnv) -> GateResult:
    """``vllm_version_is("0.22.1")``, ``minversion(np, "1.24")``: a configured predicate
    is ``version(upstream) OP version``."""
    name = qualify(call.func, context)
    predicate = env.predicates.get(name or "")
    if predicate is None:
        return NOT_A_GATE
    text = ast.unparse(call)
    version_node, version_at = _version_node(call, predicate)
    if version_node is None and not _has_unpacking(call) and version_at is None:
        return NOT_A_GATE  # no version given: a presence test, not a version gate
    upstream = predicate.upstream or _upstream_argument(call, predicate, context)
    if upstream is None:
        return GateResult(None, (), f"`{text}`: cannot tell which upstream it tests", True)
    blank = Subject(upstream, "version", text)
    if version_node is None:
        where = f"[{version_at}, {predicate.version_arg!r}]"
        return _undecided(blank, f"`{text}` may pass its version by position: {where}")
    op = predicate.op or _string_argument(call, predicate.op_arg)
    version = _version_argument(version_node, context)
    if op not in MIRROR or version is None:
        return _undecided(blank, f"`{text}`: its operator or version is not a literal")
    window = env.window(upstream)
    if window is None:
        return _undecided(blank, f"`{text}` reads {upstream}, which has no floor")
    value = decide(op, version_outcomes(window, version))
    result = _decided(upstream, window, text, value)
    if predicate.optional and value is True:
        reason = f"{result.reason}; {upstream} may be absent, so it is a presence test"
        rewrite = PresenceRewrite(call, predicate.name, version_at)
        return GateResult(None, result.upstreams, reason, True, (rewrite,))
    return result


def _version_node(call: ast.Call, predicate: Predicate):
    """The version argument and where it is; ``(None, where)`` when the call passes more
    positional arguments than the configuration accounts for (it may be among them)."""
    places = predicate.version_arg
    for where in places if isinstance(places, tuple) else (places,):
        node = _argument(call, where)
        if node is not None:
            return node, where
    positions = [
        w for w in (predicate.upstream_arg, predicate.op_arg, places) if isinstance(w, int)
    ]
    if len(call.args) > len(positions):
        return None, len(positions)
    return None, None


def _has_unpacking(call: ast.Call) -> bool:
    return any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    )


def _argument(call: ast.Call, where: int | str | None) -> ast.expr | None:
    """The argument at a position or keyword; None when absent or behind ``*``/``**``."""
    if where is None:
        return None
    if isinstance(where, int):
        leading = call.args[: where + 1]
        if len(leading) <= where or any(isinstance(a, ast.Starred) for a in leading):
            return None
        return call.args[where]
    for keyword in call.keywords:
        if keyword.arg == where:
            return keyword.value
    return None


def _string_argument(call: ast.Call, where: int | str | None) -> str | None:
    node = _argument(call, where)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _upstream_argument(call: ast.Call, predicate: Predicate, context: ModuleContext):
    """A module object (``np``) or a distribution name (``"dask"``)."""
    node = _argument(call, predicate.upstream_arg)
    if node is None:
        return None
    name = _string_argument(call, predicate.upstream_arg)
    if name is not None:
        return distribution_upstream(name)
    qualified = qualify(node, context)
    return qualified.split(".")[0] if qualified else None


def _version_argument(node: ast.expr | None, context: ModuleContext) -> Version | None:
    if node is None:
        return None
    text = None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value
    elif (
        isinstance(node, ast.Call)
        and len(node.args) == 1
        and qualify(node.func, context) in VERSION_CLASSES
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ):
        text = node.args[0].value
    try:
        return None if text is None else Version(text)
    except InvalidVersion:
        return None


__all__ = [
    "NOT_A_GATE",
    "GateEnv",
    "GateResult",
    "PresenceRewrite",
    "TupleShape",
    "evaluate_gate",
    "gate_words",
    "windows_from",
]
