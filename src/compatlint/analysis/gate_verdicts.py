"""Decide the recorded gate sites at the floors: what the version-gate rules report (pure).

:mod:`.gate_facts` records where gates stand without floors; this module rebuilds each
module's context with the version constants the other modules of the project export,
builds the windows from the configured floors and the project's metadata (:func:`gate_env`) and
sorts every site into one verdict:

- *dead* (CL112): a condition, or an operand of its ``and``/``or``/``not``, decided over
  the window; the highest decided part is reported, once;
- *stale flag* (CL114): a module-level flag whose value is decided;
- *undecidable* (CL113): a comparison left undecided by a bound inside the floor's own
  release series (see :func:`series_bound`);
- *constant compare* (CL105): a comparison that reads a configured upstream's version
  through a module constant, of this module or another.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

from compatlint.analysis.gate_facts import COMPARE, FLAG, GateFacts, GateSite
from compatlint.analysis.gate_facts import parse_expression as parse
from compatlint.analysis.gate_windows import Window
from compatlint.analysis.project import ProjectFacts
from compatlint.analysis.shapes import root_of
from compatlint.analysis.version_gates import GateEnv, GateResult, evaluate_gate, windows_from
from compatlint.analysis.version_subjects import (
    ModuleContext,
    Subject,
    exported_subjects,
    qualify,
    read_literal,
    read_subject,
)
from compatlint.config import Config
from compatlint.versions import Floors

_MIRROR = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE}


@dataclass(frozen=True)
class Verdict:
    """One site and what the floors make of it."""

    path: str
    site: GateSite
    reason: str
    value: bool | None = None


@dataclass(frozen=True)
class GateVerdicts:
    dead: tuple[Verdict, ...] = ()
    stale_flags: tuple[Verdict, ...] = ()
    undecidable: tuple[Verdict, ...] = ()
    constant_compares: tuple[Verdict, ...] = ()


def gate_env(config: Config, floors: Floors | None = None) -> GateEnv:
    """The supported windows and predicates of ``config``: ``floors`` (default: the
    config's, command line included) with python's from requires-python, and for every
    other package the floor and top its ``[project] dependencies`` give."""
    sources = config.floor_sources
    given = windows_from(floors or config.floors, config.python_floor, sources.tops())
    return GateEnv({**sources.windows(), **given}, config.predicates)


def decided_flags(contexts: Iterable[ModuleContext], env: GateEnv) -> dict[str, GateResult]:
    """The flags of ``contexts`` decided over ``env``'s windows, by qualified name: each
    module constant whose value is decided (``not``/``and``/``or`` of gates and of other
    flags included), and each name a module binds by importing one (a re-export), to a
    fixpoint. Check and prune both read flags through this, so they decide the same ones."""
    contexts = [c for c in contexts if c.module]
    flags: dict[str, GateResult] = {}
    changed = True
    while changed:
        changed = False
        for context in contexts:
            reading = dataclasses.replace(context, flags=flags)
            for name, value in context.constants.items():
                qualified = f"{context.module}.{name}"
                if qualified in flags or not _may_be_flag(value):
                    continue
                result = evaluate_gate(value, reading, env)
                if result.value is not None:
                    flags[qualified] = result
                    changed = True
            for local, target in context.imports.items():
                qualified = f"{context.module}.{local}"
                if target in flags and qualified not in flags:
                    flags[qualified] = flags[target]
                    changed = True
    return flags


_FLAG_VALUES = (ast.Compare, ast.BoolOp, ast.UnaryOp, ast.Call, ast.Name, ast.Attribute)


def _may_be_flag(value: ast.expr) -> bool:
    """A value that can be a truth value of gates (not a version constant itself)."""
    return isinstance(value, _FLAG_VALUES)


def judge_gates(config: Config, facts: Iterable[GateFacts]) -> GateVerdicts:
    """Every verdict over the gate facts of a project."""
    facts = list(facts)
    known: dict[str, Subject] = {}
    for file in facts:
        known.update(exported_subjects(file.context.rebuild()))
    env = gate_env(config)
    flags = decided_flags((file.context.rebuild(known) for file in facts), env)
    roots = frozenset(root_of(u) for u in config.upstreams)
    found: dict[str, list[Verdict]] = {
        "dead": [],
        "stale": [],
        "undecidable": [],
        "compare": [],
    }
    for file in facts:
        if not file.sites:
            continue
        context = dataclasses.replace(file.context.rebuild(known), flags=flags)
        _judge_file(file, context, env, roots, found)
    return GateVerdicts(
        dead=tuple(found["dead"]),
        stale_flags=tuple(found["stale"]),
        undecidable=tuple(found["undecidable"]),
        constant_compares=tuple(found["compare"]),
    )


def _judge_file(file, context, env, roots, found) -> None:
    decided_above: list[bool] = []  # per site: itself or an ancestor is decided
    for site in file.sites:
        covered = site.parent >= 0 and decided_above[site.parent]
        if site.kind == COMPARE:
            decided_above.append(False)
            reason = _constant_compare(parse(site.text), context, roots)
            if reason:
                found["compare"].append(Verdict(file.path, site, reason))
            continue
        expr = parse(site.text)
        result = evaluate_gate(expr, context, env) if not covered else GateResult(None)
        decided_above.append(covered or result.value is not None)
        if covered:
            continue
        if result.value is not None:
            bucket = "stale" if site.kind == FLAG else "dead"
            found[bucket].append(Verdict(file.path, site, result.reason, result.value))
        elif not _has_operands(expr):
            reason = series_bound(expr, context, env)
            if reason:
                found["undecidable"].append(Verdict(file.path, site, reason))


def _has_operands(expr: ast.expr) -> bool:
    return isinstance(expr, ast.BoolOp) or (
        isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not)
    )


# -- CL113: a bound the floor does not fix ----------------------------------------------


def series_bound(expr: ast.expr, context: ModuleContext, env: GateEnv) -> str | None:
    """Why ``expr`` (a comparison or a predicate call) is undecidable at the floor, if it
    is: one of its undecided version tests has a bound finer than the floor — above the
    floor, equal to it on every component the floor states (trailing zeros aside), with
    a further non-zero component (``3.10.1`` at floor ``3.10``, ``1.24.3`` at floor
    ``1.24``, ``0.5.10.post1`` at floor ``0.5.10``) — and not above the window's top.
    No floor of the same precision ever decides such a gate; a bound that a floor of the
    same precision can reach (``(3, 13)`` at floor 3.10, ``0.5.11`` at floor 0.5.10) is
    code for newer versions and not reported."""
    for text, upstream, bound in _undecided_bounds(expr, context, env):
        window = env.window(upstream)
        if window is not None and _finer_than_floor(bound, window):
            return (
                f"`{text}` depends on {upstream} {bound}, a level the floor does not fix "
                f"({window.describe()})"
            )
    return None


def _finer_than_floor(bound: Version, window: Window) -> bool:
    stated = list(window.floor.release)
    while len(stated) > 1 and stated[-1] == 0:
        stated.pop()
    size = len(stated)
    padded = (*bound.release, *(0,) * size)
    if bound <= window.floor or list(padded[:size]) != stated:
        return False
    return window.top is None or bound <= window.top


def _undecided_bounds(expr: ast.expr, context: ModuleContext, env: GateEnv):
    """(text, upstream, bound) of each undecided version test of ``expr``."""
    if isinstance(expr, ast.Compare):
        left = expr.left
        for op, right in zip(expr.ops, expr.comparators, strict=True):
            pair = ast.Compare(left=left, ops=[op], comparators=[right])
            result = evaluate_gate(pair, context, env)
            if result.is_gate and result.value is None:
                bound = _pair_bound(left, right, context)
                if bound is not None:
                    yield ast.unparse(pair), bound[0], bound[1]
            left = right
    elif isinstance(expr, ast.Call):
        result = evaluate_gate(expr, context, env)
        if result.is_gate and result.value is None and len(result.upstreams) == 1:
            bound = _predicate_bound(expr, context, env)
            if bound is not None:
                yield ast.unparse(expr), result.upstreams[0], bound


def _pair_bound(left, right, context) -> tuple[str, Version] | None:
    subject, other = read_subject(left, context), right
    if subject is None:
        subject, other = read_subject(right, context), left
    if subject is None or read_subject(other, context) is not None:
        return None
    literal = read_literal(other, subject, context)
    version = _as_version(literal) if subject.kind != "int" else None
    return None if version is None else (subject.upstream, version)


def _as_version(literal: object) -> Version | None:
    if isinstance(literal, Version):
        return literal
    if isinstance(literal, tuple):
        numbers = []
        for part in literal:
            if type(part) is not int:
                break
            numbers.append(str(part))
        literal = ".".join(numbers)
    if isinstance(literal, str) and literal:
        try:
            return Version(literal)
        except InvalidVersion:
            return None
    return None


def _predicate_bound(call: ast.Call, context: ModuleContext, env: GateEnv) -> Version | None:
    predicate = env.predicates.get(qualify(call.func, context) or "")
    if predicate is None:
        return None
    places = predicate.version_arg
    for where in places if isinstance(places, tuple) else (places,):
        node = None
        if isinstance(where, int) and where < len(call.args):
            node = call.args[where]
        elif isinstance(where, str):
            node = next((k.value for k in call.keywords if k.arg == where), None)
        if node is None:
            continue
        if isinstance(node, ast.Call) and len(node.args) == 1:
            node = node.args[0]  # Version("1.2")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return _as_version(node.value)
    return None


# -- CL105 through constants ------------------------------------------------------------


def _constant_compare(node: ast.expr, context: ModuleContext, roots: frozenset[str]) -> str | None:
    """The constant through which ``node`` compares a configured upstream's version."""
    if not isinstance(node, ast.Compare):
        return None
    for operand in (node.left, *node.comparators):
        if not isinstance(operand, (ast.Name, ast.Attribute)):
            continue
        if _direct_version(operand, context):
            continue  # CL105 reports a direct read already
        subject = read_subject(operand, context)
        if subject is not None and root_of(subject.upstream) in roots:
            return f"`{ast.unparse(operand)}` holds {subject.upstream}'s version"
    return None


def _direct_version(node: ast.expr, context: ModuleContext) -> bool:
    """``sglang.__version__`` or a name imported as ``__version__``: read directly."""
    qualified = qualify(node, context)
    return qualified is not None and qualified.endswith(".__version__")


def project_verdicts(project: ProjectFacts) -> GateVerdicts:
    """The verdicts of ``project``'s gates, judged once per run for the rules sharing them."""
    verdicts = project.derived.get("gate_verdicts")
    if verdicts is None:
        verdicts = judge_gates(project.config, project.gates.values())
        project.derived["gate_verdicts"] = verdicts
    return verdicts


__all__ = [
    "GateVerdicts",
    "Verdict",
    "decided_flags",
    "gate_env",
    "judge_gates",
    "project_verdicts",
    "series_bound",
]
