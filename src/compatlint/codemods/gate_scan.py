"""Which version gates of one module prune may fold, and where folding would change what
the module does (pure ``ast``).

A *root* is an expression used for its truth: an ``if``/``elif`` test, a ternary's test,
an ``assert``'s test. Its *atoms* are the decided version gates among its ``and``/``or``/
``not`` operands (:func:`~compatlint.analysis.version_gates.evaluate_gate`); the
transformer (:mod:`.gate_folds`) turns each into a constant and lets the constant fold
away. This module says in advance what that fold will leave — the test's value — so it
can refuse folds whose removed code matters although it never runs:

- a name bound only in the code that goes and read elsewhere in its scope (in a function
  it would turn an ``UnboundLocalError`` into a global lookup; anywhere it would leave a
  name the tools report as undefined);
- a ``yield`` (the function would stop being a generator), a ``global``/``nonlocal``;
- a gate reading a name a function, lambda, class or comprehension around it rebinds (it
  no longer means the module's ``sys``);
- an ``assert`` that always fails (a person decides), a ``while`` test (never folded);
- a comprehension filter that is always false (the iterable still runs), a call keyword or
  parameter default whose gate is not a bool (``a and b`` returns an operand).

Besides tests, the scan finds pytest's ``skipif``/``xfail`` marks on a gate
(:mod:`.gate_decorators`), call keywords and parameter defaults that are decided gates
(they become ``True``/``False``), and optional predicates whose version test always holds
(the version argument goes, the presence test stays).
"""

from __future__ import annotations

import ast
import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from compatlint.analysis.version_gates import GateEnv, GateResult, evaluate_gate, gate_words
from compatlint.analysis.version_subjects import ModuleContext
from compatlint.codemods.gate_decorators import mark_name
from compatlint.codemods.gate_roots import (
    GateRoot,
    Key,
    leaves,
    reasons,
    simulate,
    type_checking_leaves,
)
from compatlint.codemods.gate_scan_shapes import (
    EMPTY_FILTER,
    PYTESTMARK,
    ShapeScanning,
    is_pytestmark,
)
from compatlint.codemods.locate import char_column
from compatlint.names.bindings import import_bound_names

#: Decides a test operand that is no version gate (or says nothing: None).
Decide = Callable[[ast.expr], "GateResult | None"]

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_SCOPES = (*_FUNCTIONS, ast.ClassDef, *_COMPREHENSIONS)
_FLOW = (ast.Return, ast.Raise, ast.Break, ast.Continue)


@dataclass
class GateScan:
    """The roots to fold and the gates left for a person (line, reason).
    ``pytestmark_read``: the module names ``pytestmark`` more than once (an emptied one
    stays, as ``[]``)."""

    roots: list[GateRoot] = field(default_factory=list)
    listed: list[tuple[int, str]] = field(default_factory=list)
    pytestmark_read: bool = False


def scan_gates(
    tree: ast.Module,
    text: str,
    context: ModuleContext,
    env: GateEnv,
    decide: Decide | None = None,
    *,
    whole: bool = False,
) -> GateScan:
    """Every foldable version gate of ``tree`` (the module of ``context``); ``decide`` may
    decide other tests too (``verify --write``: API probes the upstream's files decide).

    A statement none of whose lines spells a word a gate must read (:func:`gate_words`)
    is not walked: nothing in it is a gate, so nothing in it is folded or listed (a
    pytest mark is only read when a condition of it is a gate). ``whole``: walk every
    statement all the same (the tests compare the two)."""
    lines = None
    if not whole and decide is None:
        lines = word_lines(text, gate_words(context, env))
    scanner = _Scanner(tree, text, context, env, decide, lines)
    scanner.block(tree.body, [])
    named = None if whole else word_lines(text, [PYTESTMARK])
    mentions = sum(
        isinstance(n, ast.Name) and n.id == PYTESTMARK
        for statement in tree.body
        if named is None or spans_any(statement, named)
        for n in ast.walk(statement)
    )
    scanner.scan.pytestmark_read = mentions > 1
    return scanner.scan


def word_lines(text: str, words: Iterable[str]) -> list[int] | None:
    """The numbers (sorted, from 1) of the lines of ``text`` that may hold a name among
    ``words``: those spelling one, and those with a character outside ASCII (the parser
    reads ``ｓｙｓ`` as ``sys``: it normalises names, NFKC). None when the lines cannot be
    numbered as the parser numbers them (a lone carriage return ends a line there)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
    pattern = "|".join([*(re.escape(word) for word in sorted(words)), r"[^\x00-\x7f]"])
    found: list[int] = []
    line, start = 1, 0
    for match in re.finditer(pattern, text):
        line += text.count("\n", start, match.start())
        start = match.start()
        if not found or found[-1] != line:
            found.append(line)
    return found


def spans_any(statement: ast.stmt, lines: Sequence[int]) -> bool:
    """Whether ``statement`` (its decorators included) covers one of ``lines`` (sorted)."""
    first = statement.lineno
    for decorator in getattr(statement, "decorator_list", ()):
        first = min(first, decorator.lineno)
    at = bisect.bisect_left(lines, first)
    return at < len(lines) and lines[at] <= (statement.end_lineno or statement.lineno)


def ends_flow(statements: Sequence[ast.stmt]) -> bool:
    """As :func:`compatlint.codemods.blocks.ends_flow`: a bare return/raise/break/continue
    ends the statements, so what follows them in the block goes with the fold."""
    return bool(statements) and isinstance(statements[-1], _FLOW)


class _Scanner(ShapeScanning):
    def __init__(
        self,
        tree: ast.Module,
        text: str,
        context: ModuleContext,
        env: GateEnv,
        decide: Decide | None = None,
        lines: Sequence[int] | None = None,
    ):
        self.decide = decide
        #: the lines a gate may be on (None: any)
        self.gate_lines = lines
        self.tree = tree
        self.lines = text.splitlines()
        self.context = context
        self.env = env
        self.scan = GateScan()

    # walking ------------------------------------------------------------------------------

    def block(self, statements: Sequence[ast.stmt], scopes: list[ast.AST]) -> None:
        for position, statement in enumerate(statements):
            if self.gate_lines is None or spans_any(statement, self.gate_lines):
                self.statement(statement, statements[position + 1 :], scopes)

    def statement(self, node: ast.stmt, following: Sequence[ast.stmt], scopes) -> None:
        if isinstance(node, ast.If):
            self.if_test(node, following, scopes, is_elif=False)
        elif isinstance(node, ast.Assert):
            self.assert_test(node, scopes)
        elif isinstance(node, (*_FUNCTIONS[:2], ast.ClassDef)):
            for decorator in node.decorator_list:
                self.mark("decorator", decorator, scopes)
        elif not scopes and is_pytestmark(node):
            value = node.value  # type: ignore[attr-defined]
            elements = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
            for element in elements:
                self.mark("pytestmark", element, scopes)
        inner = [*scopes, node] if isinstance(node, _SCOPES) else scopes
        for name, value in ast.iter_fields(node):
            if isinstance(node, ast.While) and name == "test":
                continue  # `while` is never folded
            if name == "body" and isinstance(node, _SCOPES):
                self.block(value, inner)
            elif name == "orelse" and isinstance(node, ast.If) and self.is_elif(value):
                self.elif_chain(value[0], scopes)
            else:
                self.child(value, scopes)

    def elif_chain(self, node: ast.If, scopes) -> None:
        self.if_test(node, (), scopes, is_elif=True)
        self.expression(node.test, scopes)
        self.block(node.body, scopes)
        if self.is_elif(node.orelse):
            self.elif_chain(node.orelse[0], scopes)
        else:
            self.block(node.orelse, scopes)

    def is_elif(self, orelse: list[ast.stmt]) -> bool:
        if len(orelse) != 1 or not isinstance(orelse[0], ast.If):
            return False
        node = orelse[0]
        line = self.lines[node.lineno - 1] if node.lineno <= len(self.lines) else ""
        start = char_column(self.lines, node.lineno, node.col_offset)
        return line[start:].startswith("elif")

    def child(self, value: object, scopes) -> None:
        if isinstance(value, list):
            if value and isinstance(value[0], ast.stmt):
                self.block(value, scopes)
            else:
                for item in value:
                    self.child(item, scopes)
        elif isinstance(value, (ast.excepthandler, ast.match_case)):
            for _, inner in ast.iter_fields(value):
                self.child(inner, scopes)
        elif isinstance(value, ast.AST):
            self.expression(value, scopes)

    def expression(self, node: ast.AST, scopes) -> None:
        if isinstance(node, ast.IfExp):
            self.ternary(node, scopes)
        elif isinstance(node, ast.comprehension):
            for test in node.ifs:
                self.root("filter", test, test.lineno, scopes, lambda _: [])
        elif isinstance(node, ast.Call) and mark_name(node, self.context) is None:
            for keyword in node.keywords:
                if keyword.arg is not None:
                    self.value("keyword", keyword.value, scopes)
        elif isinstance(node, ast.arguments):
            for default in (*node.defaults, *node.kw_defaults):
                if default is not None:
                    self.value("default", default, scopes)
        inner = [*scopes, node] if isinstance(node, (ast.Lambda, *_COMPREHENSIONS)) else scopes
        for child in ast.iter_child_nodes(node):
            self.expression(child, inner)

    # roots --------------------------------------------------------------------------------

    def if_test(self, node: ast.If, following: Sequence[ast.stmt], scopes, *, is_elif: bool):
        def dead(outcome: bool) -> list[ast.AST]:
            kept, gone = (node.body, node.orelse) if outcome else (node.orelse, node.body)
            elif_kept = not outcome and self.is_elif(node.orelse)
            flows = not is_elif and not elif_kept and ends_flow(kept)
            return [*gone, *(following if flows else ())]

        self.root("elif" if is_elif else "if", node.test, node.lineno, scopes, dead)

    def ternary(self, node: ast.IfExp, scopes) -> None:
        self.root(
            "ternary", node.test, node.lineno, scopes, lambda v: [node.orelse if v else node.body]
        )

    def assert_test(self, node: ast.Assert, scopes) -> None:
        self.root(
            "assert", node.test, node.lineno, scopes, lambda v: [node.msg] if node.msg else []
        )

    def root(
        self,
        kind: str,
        test: ast.expr,
        line: int,
        scopes: list[ast.AST],
        dead_of: Callable[[bool], list[ast.AST]],
    ) -> None:
        atoms: dict[ast.expr, GateResult] = {}
        hooked: set[ast.expr] = set()  # decided by ``decide``: it has resolved their names
        for leaf in leaves(test):
            result = evaluate_gate(leaf, self.context, self.env)
            if result.value is None and self.decide is not None:
                decided = self.decide(leaf)
                if decided is not None:
                    result = decided
                    hooked.add(leaf)
            if result.value is not None:
                atoms[leaf] = result
            elif result.presence:
                self.presence(leaf, result, scopes)
            elif result.is_gate and self._has_floors(result):
                self.listed(line, f"undecided version gate: {result.reason}")
        if not atoms:
            return
        values = {atom: bool(result.value) for atom, result in atoms.items()}
        pure = type_checking_leaves(test, self.context, values)
        values.update(pure)
        dropped: list[ast.AST] = []
        outcome = simulate(test, values, dropped)
        if kind == "assert" and outcome is False:
            return self.listed(line, f"assert of a gate that always fails: {reasons(atoms)}")
        if kind == "filter" and outcome is False:
            return self.listed(line, f"{EMPTY_FILTER}: {reasons(atoms)}")
        gates = [atom for atom in [*atoms, *pure] if atom not in hooked]
        problem = self._shadowed(gates, scopes) or self._dead_conflict(
            [*dropped, *(dead_of(outcome) if outcome is not None else ())], scopes
        )
        if problem:
            return self.listed(line, f"version gate not folded: {problem}")
        upstreams = tuple(dict.fromkeys(u for result in atoms.values() for u in result.upstreams))
        keys = {self.key(atom): value for atom, value in values.items()}
        text = ast.unparse(test)
        self.scan.roots.append(GateRoot(kind, line, text, keys, outcome, upstreams, reasons(atoms)))

    def listed(self, line: int, reason: str) -> None:
        if (line, reason) not in self.scan.listed:
            self.scan.listed.append((line, reason))

    def _has_floors(self, result: GateResult) -> bool:
        return bool(result.upstreams) and all(self.env.window(u) for u in result.upstreams)

    def key(self, node: ast.expr) -> Key:
        end_line = node.end_lineno or node.lineno
        return (
            node.lineno,
            char_column(self.lines, node.lineno, node.col_offset),
            end_line,
            char_column(self.lines, end_line, node.end_col_offset or 0),
        )

    # safety -------------------------------------------------------------------------------

    def _shadowed(self, atoms: Iterable[ast.expr], scopes: list[ast.AST]) -> str | None:
        read = {n.id for atom in atoms for n in ast.walk(atom) if isinstance(n, ast.Name)}
        for scope in scopes:
            clash = sorted(read & _scope_bindings(scope))
            if clash:
                return f"`{clash[0]}` is rebound in the enclosing scope (line {scope.lineno})"  # type: ignore[attr-defined]
        return None

    def _dead_conflict(self, dead: list[ast.AST], scopes: list[ast.AST]) -> str | None:
        if not dead:
            return None
        owner = next(
            (s for s in reversed(scopes) if isinstance(s, (*_FUNCTIONS, ast.ClassDef))), None
        )
        gone = _Binder()
        gone.visit_all(dead)
        if isinstance(owner, _FUNCTIONS):
            if gone.yields:
                return "a `yield` in the code that goes makes the function a generator"
            if gone.declared:
                return f"`global`/`nonlocal {gone.declared[0]}` in the code that goes"
        if not gone.bound:
            return None
        skip = {id(node) for part in dead for node in ast.walk(part)}
        body = owner.body if owner is not None else self.tree.body  # type: ignore[union-attr]
        body = body if isinstance(body, list) else [body]
        kept = _Binder(skip)
        kept.visit_all(body)
        if isinstance(owner, _FUNCTIONS):
            kept.bound |= _argument_names(owner.args)
        read = {
            node.id
            for part in body
            for node in ast.walk(part)
            if isinstance(node, ast.Name)
            and isinstance(node.ctx, ast.Load)
            and id(node) not in skip
        }
        lost = sorted((gone.bound - kept.bound) & read)
        if lost:
            return f"`{lost[0]}` is bound only in the code that goes and read elsewhere"
        return None


def _argument_names(arguments: ast.arguments) -> set[str]:
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    return {a.arg for a in every}


def _scope_bindings(scope: ast.AST) -> set[str]:
    """The names a function, lambda, class or comprehension binds for itself."""
    if isinstance(scope, _COMPREHENSIONS):
        return {
            n.id
            for generator in scope.generators
            for n in ast.walk(generator.target)
            if isinstance(n, ast.Name)
        }
    binder = _Binder()
    body = scope.body  # type: ignore[attr-defined]
    binder.visit_all(body if isinstance(body, list) else [body])
    if isinstance(scope, _FUNCTIONS):
        binder.bound |= _argument_names(scope.args)
    return binder.bound


class _Binder:
    """The names some code binds in its own scope (not inside nested functions or
    classes, whose names it binds), its ``yield`` s and ``global``/``nonlocal`` names."""

    def __init__(self, skip: set[int] | None = None) -> None:
        self.skip = skip or set()
        self.bound: set[str] = set()
        self.yields = False
        self.declared: list[str] = []

    def visit_all(self, nodes: Iterable[ast.AST]) -> None:
        stack = list(nodes)
        while stack:
            node = stack.pop()
            if id(node) in self.skip:
                continue
            stack.extend(self._visit(node))

    def _visit(self, node: ast.AST) -> list[ast.AST]:
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            self.bound.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            self.bound.update(import_bound_names(node))
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            self.declared += node.names
        elif isinstance(node, (ast.Yield, ast.YieldFrom)):
            self.yields = True
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            self.bound.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            self.bound.add(node.rest)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.bound.add(node.name)
            return _outer_parts(node)
        if isinstance(node, ast.Lambda):
            return [*node.args.defaults, *(d for d in node.args.kw_defaults if d)]
        if isinstance(node, _COMPREHENSIONS):
            # only a walrus binds outside a comprehension
            return [n for n in ast.walk(node) if isinstance(n, ast.NamedExpr)]
        return list(ast.iter_child_nodes(node))


def _outer_parts(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> list[ast.AST]:
    """The parts of a definition that run in the scope around it."""
    parts: list[ast.AST] = list(node.decorator_list)
    if isinstance(node, ast.ClassDef):
        return [*parts, *node.bases, *(k.value for k in node.keywords)]
    defaults = [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]
    return [*parts, *defaults]


__all__ = [
    "PYTESTMARK",
    "GateRoot",
    "GateScan",
    "Key",
    "ends_flow",
    "scan_gates",
    "spans_any",
    "word_lines",
]
