"""Where a file tests a version: the facts behind the version-gate rules (pure ``ast``).

Facts never depend on floors (the cache is shared between ``--floor`` runs), so this
module records each place a gate may stand — a condition of ``if``/``elif``/``while``/
``assert``, a ternary, a comprehension filter, a ``skipif``/``xfail`` condition, a
module-level flag, a comparison — with its source text and the names its module gives
it (a :class:`GateContext`). The rules decide the gates at the floors later
(:mod:`.gate_verdicts`), with the constants other modules export.

A place is recorded when the evaluator reads a version in it with the module's own names
(with no floors: it is then "a gate whose upstream has no floor"), or when it reads a
name imported from the project (it may be a version constant of another module). The
operands of ``and``/``or``/``not`` are recorded too, each pointing to its parent, so a
rule can name the part of a condition that is decided.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from compatlint.analysis.version_gates import GateEnv, evaluate_gate
from compatlint.analysis.version_subjects import (
    ModuleContext,
    exported_subjects,
    module_context,
    qualify,
    read_subject,
)
from compatlint.predicates import Predicate

if TYPE_CHECKING:
    from compatlint.config import Config

#: Site kinds: where a condition stands.
IF, WHILE, ASSERT, TERNARY, FILTER, DECORATOR = (
    "if",
    "while",
    "assert",
    "ternary",
    "filter",
    "decorator",
)
FLAG, OPERAND, COMPARE = "flag", "operand", "compare"
#: Decorator names whose condition argument is a gate (``pytest.mark.skipif``).
CONDITION_DECORATORS = frozenset({"skipif", "xfail"})
#: Words without which a file cannot read a version the evaluator understands: every
#: subject reads ``sys.version_info``/``sys.version``, ``platform.python_version()``, an
#: ``__version__`` or an installed distribution's metadata (or a constant of another
#: module that does: the second round, :func:`exported_names`).
GATE_NEEDLES = (
    b"version_info",
    b"__version__",
    b"python_version",
    b"sys.version",
    b"import version",
    b"metadata",
    b"pkg_resources",
)
_BUILTINS = frozenset({"tuple", "map", "int"})


@dataclass(frozen=True)
class GateContext:
    """What a module's names mean, as far as gates read them (a cacheable
    :class:`~compatlint.analysis.version_subjects.ModuleContext`): constants as source."""

    module: str | None
    imports: tuple[tuple[str, str], ...] = ()
    constants: tuple[tuple[str, str], ...] = ()
    functions: tuple[str, ...] = ()
    bound: tuple[str, ...] = ()

    def rebuild(self, known: Mapping[str, object] | None = None) -> ModuleContext:
        """The evaluator's context (``known``: subjects other modules export)."""
        return ModuleContext(
            module=self.module,
            imports=dict(self.imports),
            constants={name: parse_expression(text) for name, text in self.constants},
            functions=frozenset(self.functions),
            bound=frozenset(self.bound),
            known=dict(known or {}),  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class GateSite:
    """One place a gate may stand. ``parent``: the index of the site this one is an
    operand of (-1: a root). ``name``: a flag's name."""

    kind: str
    line: int
    column: int
    end_line: int
    end_column: int
    text: str
    parent: int = -1
    name: str = ""


@dataclass(frozen=True)
class GateFacts:
    """The gate sites of one file and the context they are read in."""

    path: str
    context: GateContext
    sites: tuple[GateSite, ...] = ()
    #: ``# compatlint: ignore[...]`` lines (a file read only for gates has no other facts)
    suppressed: tuple[tuple[int, frozenset[str]], ...] = ()

    def suppressed_codes(self, line: int) -> frozenset[str]:
        for number, codes in self.suppressed:
            if number == line:
                return codes
        return frozenset()


def parse_expression(text: str) -> ast.expr:
    return ast.parse(text, mode="eval").body


def gate_needles(predicates: Mapping[str, Predicate]) -> tuple[bytes, ...]:
    """The words of which a file must hold one to be read for gates."""
    names = {name.rpartition(".")[2].encode() for name in predicates}
    return tuple(sorted(set(GATE_NEEDLES) | names))


def gate_roots(config: Config) -> tuple[str, ...]:
    """The roots gates live in: ``src`` and the test roots (``mocks.collect``), where
    ``skipif`` marks live. ``check`` reads gates and ``prune`` folds them in the same
    roots, so a gate one reports is a gate the other sees; modules are named under them
    in this order."""
    roots = list(config.src)
    if config.mocks is not None:
        roots += [root for root in config.mocks.collect if root not in roots]
    return tuple(roots)


def may_hold_gates(needles: tuple[bytes, ...], data: bytes) -> bool:
    """Whether ``data`` holds any of ``needles``; needles sharing a word are looked for
    only in files holding that word (most say ``version``), so most files are scanned
    a few times instead of once per needle."""
    loose, groups = _needle_plan(needles)
    return any(needle in data for needle in loose) or any(
        word in data and any(needle in data for needle in members) for word, members in groups
    )


_SHARED_WORDS = (b"version",)


@functools.lru_cache(maxsize=16)
def _needle_plan(
    needles: tuple[bytes, ...],
) -> tuple[tuple[bytes, ...], tuple[tuple[bytes, tuple[bytes, ...]], ...]]:
    """``needles`` split into those looked for directly and, per shared word, those
    holding it (a word held by fewer than two needles saves nothing)."""
    loose = list(needles)
    groups = []
    for word in _SHARED_WORDS:
        members = tuple(needle for needle in loose if word in needle)
        if len(members) >= 2:
            groups.append((word, members))
            loose = [needle for needle in loose if needle not in members]
    return tuple(loose), tuple(groups)


def gate_facts(
    path: str,
    tree: ast.Module,
    *,
    module: str | None,
    is_package: bool,
    predicates: Mapping[str, Predicate],
    suppressed: Mapping[int, frozenset[str]] | None = None,
) -> GateFacts:
    """The gate sites of one parsed file (``suppressed``: its ignore comments by line)."""
    context = module_context(tree, module, is_package=is_package)
    collector = _Collector(context, GateEnv(predicates=predicates))
    collector.flags(tree)
    collector.visit(tree)
    return GateFacts(
        path,
        _portable(context, collector.env),
        tuple(collector.sites),
        tuple(sorted((suppressed or {}).items())),
    )


def _portable(context: ModuleContext, env: GateEnv) -> GateContext:
    """The part of ``context`` gates can read, in strings."""
    constants = tuple(
        (name, ast.unparse(value))
        for name, value in context.constants.items()
        if _may_matter(value, context)
    )
    functions = tuple(
        sorted(f for f in context.functions if f"{context.module}.{f}" in env.predicates)
    )
    return GateContext(
        module=context.module,
        imports=tuple(sorted(context.imports.items())),
        constants=constants,
        functions=functions,
        bound=tuple(sorted(context.bound & _BUILTINS)),
    )


def _may_matter(value: ast.expr, context: ModuleContext) -> bool:
    """A constant a gate can read: a version, a literal, a name from elsewhere, or a flag
    (a test whose value the floors may decide)."""
    if isinstance(value, (ast.Compare, ast.BoolOp, ast.UnaryOp)):
        return True
    if isinstance(value, ast.Constant):
        return isinstance(value.value, (str, int)) and not isinstance(value.value, bool)
    if isinstance(value, ast.Tuple):
        return all(isinstance(e, ast.Constant) for e in value.elts)
    if isinstance(value, (ast.Name, ast.Attribute)):
        return qualify(value, context) is not None
    if isinstance(value, ast.Call) and len(value.args) == 1 and not value.keywords:
        argument = value.args[0]
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            return True
    return read_subject(value, context) is not None


def _span(node: ast.AST) -> tuple[int, int, int, int]:
    line = node.lineno  # type: ignore[attr-defined]
    return (
        line,
        node.col_offset + 1,  # type: ignore[attr-defined]
        node.end_lineno or line,  # type: ignore[attr-defined]
        (node.end_col_offset or 0) + 1,  # type: ignore[attr-defined]
    )


class _Collector(ast.NodeVisitor):
    """Visits every expression once, keeping the names that functions, classes and
    comprehensions bind locally: a gate that reads one of them is not read."""

    def __init__(self, context: ModuleContext, env: GateEnv) -> None:
        self.context = context
        self.env = env
        self.sites: list[GateSite] = []
        #: the scopes around the current node, each computing its local names on demand
        self.shadows: list[Callable[[], frozenset[str]]] = []
        #: a gate reads at least one of these (an import, a constant, a predicate)
        self.heads = frozenset(context.imports) | frozenset(context.constants) | context.functions
        self.module_names = self.heads | _BUILTINS
        #: this module's flags: a test reading one is a gate (decided with the flag)
        self.flag_names: frozenset[str] = frozenset()
        root = (context.module or "").split(".")[0]
        self.project_prefix = f"{root}." if root else None
        self._nodes: dict[int, tuple[ast.AST, list[ast.AST]]] = {}
        self._names: dict[int, tuple[ast.AST, list[str]]] = {}

    # -- what is recorded ---------------------------------------------------------------

    def flags(self, tree: ast.Module) -> None:
        """Module-level names bound once from a gate."""
        for statement in tree.body:
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                target = statement.targets[0]
            elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
                target = statement.target
            else:
                continue
            if isinstance(target, ast.Name) and target.id in self.context.constants:
                value = self.context.constants[target.id]
                if self.is_gate(value):
                    self.add(FLAG, value, where=target, name=target.id)
                    self.flag_names |= {target.id}

    def nodes_in(self, expr: ast.AST) -> list[ast.AST]:
        """``list(ast.walk(expr))``, walked once per expression (a test is asked about
        its heads, the project, the flags and shadowing in turn)."""
        key = id(expr)
        found = self._nodes.get(key)
        if found is None or found[0] is not expr:
            found = self._nodes[key] = (expr, walk(expr))
        return found[1]

    def names_in(self, expr: ast.AST) -> list[str]:
        """The ids of the ``Name`` nodes in ``expr``."""
        key = id(expr)
        found = self._names.get(key)
        if found is None or found[0] is not expr:
            names = [n.id for n in self.nodes_in(expr) if isinstance(n, ast.Name)]
            found = self._names[key] = (expr, names)
        return found[1]

    def condition(self, kind: str, expr: ast.expr) -> None:
        if self.reads_heads(expr) and self.is_gate(expr) and not self.shadowed(expr):
            self.add(kind, expr)

    def reads_heads(self, expr: ast.expr) -> bool:
        """The cheap test first: ``expr`` reads a module-level name a gate can start with."""
        heads = self.heads
        return any(name in heads for name in self.names_in(expr))

    def add(self, kind: str, expr: ast.expr, *, where: ast.AST | None = None, name: str = ""):
        """A root site and, below it, the operands of its ``and``/``or``/``not``."""
        index = len(self.sites)
        self.sites.append(GateSite(kind, *_span(where or expr), ast.unparse(expr), -1, name))
        for operand in _operands(expr):
            self.add_operand(operand, index)

    def add_operand(self, expr: ast.expr, parent: int) -> None:
        index = len(self.sites)
        self.sites.append(GateSite(OPERAND, *_span(expr), ast.unparse(expr), parent))
        for operand in _operands(expr):
            self.add_operand(operand, index)

    def is_gate(self, expr: ast.expr) -> bool:
        return (
            evaluate_gate(expr, self.context, self.env).is_gate
            or self.reads_project(expr)
            or self.reads_flag(expr)
        )

    def reads_flag(self, expr: ast.expr) -> bool:
        flags = self.flag_names
        return bool(flags) and any(name in flags for name in self.names_in(expr))

    def reads_project(self, expr: ast.expr) -> bool:
        """``expr`` reads a name imported from the project (maybe a version constant)."""
        if self.project_prefix is None:
            return False
        for node in self.nodes_in(expr):
            if isinstance(node, (ast.Name, ast.Attribute)):
                qualified = qualify(node, self.context)
                if qualified and qualified.startswith(self.project_prefix):
                    return True
        return False

    def shadowed(self, expr: ast.expr) -> bool:
        """A module-level name ``expr`` reads is bound locally here: it means something
        else than what the module's context says."""
        if not self.shadows:
            return False
        local = frozenset().union(*(names() for names in self.shadows)) & self.module_names
        return any(name in local for name in self.names_in(expr))

    def compare(self, node: ast.Compare) -> None:
        """A comparison with a version constant (CL105 through constants)."""
        operands = (node.left, *node.comparators)
        if any(self.may_hold_version(o) for o in operands) and not self.shadowed(node):
            self.sites.append(GateSite(COMPARE, *_span(node), ast.unparse(node)))

    def may_hold_version(self, operand: ast.expr) -> bool:
        """A constant of this module that reads a version, or a name from the project."""
        if isinstance(operand, ast.Name) and operand.id in self.context.constants:
            return read_subject(operand, self.context) is not None
        return isinstance(operand, (ast.Name, ast.Attribute)) and self.reads_project(operand)

    # -- the walk -----------------------------------------------------------------------

    def visit(self, node: ast.AST) -> None:
        """``NodeVisitor.visit`` with the method looked up once per node type."""
        kind = node.__class__
        method = _VISITS.get(kind)
        if method is None:
            method = getattr(_Collector, f"visit_{kind.__name__}", _Collector.generic_visit)
            _VISITS[kind] = method
        method(self, node)

    def generic_visit(self, node: ast.AST) -> None:
        """``NodeVisitor.generic_visit`` without descending into :data:`_LEAVES`, which
        hold nothing this walk reads (most nodes of a module are among them)."""
        for field in node._fields:
            value = getattr(node, field, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, ast.AST) and not isinstance(item, _LEAVES):
                        self.visit(item)
            elif isinstance(value, ast.AST) and not isinstance(value, _LEAVES):
                self.visit(value)

    def visit_If(self, node: ast.If) -> None:
        self.condition(IF, node.test)
        self.generic_visit(node)

    def visit_While(self, node: ast.While) -> None:
        self.condition(WHILE, node.test)
        self.generic_visit(node)

    def visit_Assert(self, node: ast.Assert) -> None:
        self.condition(ASSERT, node.test)
        self.generic_visit(node)

    def visit_IfExp(self, node: ast.IfExp) -> None:
        self.condition(TERNARY, node.test)
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        self.compare(node)
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.decorated(node.decorator_list)
        arguments = node.args
        for default in (*arguments.defaults, *arguments.kw_defaults):
            if default is not None:
                self.visit(default)
        if node.returns is not None:
            self.visit(node.returns)
        self.within(_lazy(_function_locals, node), node.body)

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Lambda(self, node: ast.Lambda) -> None:
        for default in (*node.args.defaults, *node.args.kw_defaults):
            if default is not None:
                self.visit(default)
        self.within(_lazy(lambda n: frozenset(_parameters(n.args)), node), [node.body])

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.decorated(node.decorator_list)
        for base in (*node.bases, *node.keywords):
            self.visit(base)
        self.within(_lazy(lambda n: _stored_names(n.body), node), node.body)

    def visit_ListComp(self, node: ast.expr) -> None:
        self.within(_lazy(_comprehension_targets, node), [node])

    visit_SetComp = visit_GeneratorExp = visit_DictComp = visit_ListComp

    def visit_comprehension(self, node: ast.comprehension) -> None:
        for test in node.ifs:
            self.condition(FILTER, test)
        self.generic_visit(node)

    def within(self, names: Callable[[], frozenset[str]], nodes: list) -> None:
        self.shadows.append(names)
        for child in nodes:
            if isinstance(child, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
                self.generic_visit(child)
            else:
                self.visit(child)
        self.shadows.pop()

    def decorated(self, decorators: list[ast.expr]) -> None:
        for decorator in decorators:
            condition = _decorator_condition(decorator)
            if condition is not None:
                self.condition(DECORATOR, condition)
            self.visit(decorator)


def walk(node: ast.AST) -> list[ast.AST]:
    """``list(ast.walk(node))``, in the same order, without a generator per node."""
    found = [node]
    for current in found:  # grows while it is read: breadth first, as ``ast.walk``
        for field in current._fields:
            value = getattr(current, field, None)
            if value.__class__ is list:
                found.extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                found.append(value)
    return found


#: Nodes with no child the walk reads and no ``visit_`` method of their own.
_LEAVES = (
    ast.Name,
    ast.Constant,
    ast.expr_context,
    ast.operator,
    ast.unaryop,
    ast.cmpop,
    ast.boolop,
)
_VISITS: dict[type, Callable[[_Collector, Any], None]] = {}


def _lazy(compute: Callable[[Any], frozenset[str]], node: ast.AST) -> Callable[[], frozenset[str]]:
    """``compute(node)``, computed once and only when asked."""
    found: list[frozenset[str]] = []

    def names() -> frozenset[str]:
        if not found:
            found.append(compute(node))
        return found[0]

    return names


def _comprehension_targets(node: ast.expr) -> frozenset[str]:
    generators = node.generators  # type: ignore[attr-defined]
    return frozenset(
        n.id for g in generators for n in ast.walk(g.target) if isinstance(n, ast.Name)
    )


def _operands(expr: ast.expr) -> Iterator[ast.expr]:
    if isinstance(expr, ast.BoolOp):
        yield from expr.values
    elif isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.Not):
        yield expr.operand


def _decorator_condition(decorator: ast.expr) -> ast.expr | None:
    """The condition of ``@pytest.mark.skipif(cond, ...)`` / ``xfail(condition=...)``."""
    if not isinstance(decorator, ast.Call):
        return None
    func = decorator.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name not in CONDITION_DECORATORS:
        return None
    if decorator.args and not isinstance(decorator.args[0], ast.Starred):
        return decorator.args[0]
    for keyword in decorator.keywords:
        if keyword.arg == "condition":
            return keyword.value
    return None


def _parameters(arguments: ast.arguments) -> Iterator[str]:
    for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs):
        yield argument.arg
    for special in (arguments.vararg, arguments.kwarg):
        if special is not None:
            yield special.arg


def _function_locals(node: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str]:
    """Every name the function may bind (nested scopes included: more shadowing only
    means fewer findings)."""
    return frozenset(_parameters(node.args)) | _stored_names(node.body)


def _stored_names(body: list[ast.stmt]) -> frozenset[str]:
    found: set[str] = set()
    for statement in body:
        for node in walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                found.add(node.id)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                found.update(a.asname or a.name.split(".")[0] for a in node.names)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or (
                isinstance(node, ast.ExceptHandler) and node.name
            ):
                found.add(node.name)
            elif isinstance(node, ast.arg):
                found.add(node.arg)
    return frozenset(found)


def exported_names(facts: Iterable[GateFacts]) -> tuple[bytes, ...]:
    """The names of the version constants and flags ``facts`` define, as bytes needles."""
    names = set()
    for file in facts:
        for qualified in exported_subjects(file.context.rebuild()):
            names.add(qualified.rpartition(".")[2].encode())
        names.update(site.name.encode() for site in file.sites if site.kind == FLAG)
    return tuple(sorted(names))


__all__ = [
    "COMPARE",
    "FLAG",
    "GATE_NEEDLES",
    "OPERAND",
    "GateContext",
    "GateFacts",
    "GateSite",
    "exported_names",
    "gate_facts",
    "gate_needles",
    "gate_roots",
    "may_hold_gates",
    "parse_expression",
]
