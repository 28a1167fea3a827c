"""Which module-level statements an import may move across without anyone noticing.

Moving ``from a import X`` up past a statement ``S`` changes what runs first. That is
unobservable when ``S`` neither binds nor reads ``X`` when it runs and does nothing at run
time but bind names from values that cannot run code: imports, docstrings, ``pass``,
assignments of literals and names, ``__all__`` edits, ``def`` without decorators (the body
does not run), ``class`` without decorators, keywords or bases, ``if TYPE_CHECKING:``, ``if`` on
``sys.version_info`` or ``sys.platform``, and ``try`` blocks made only of such statements.
Anything else — a call, ``sys.path`` manipulation, a decorator, a ``with`` — may depend on
the order, and the import stays where it is.

Two judgements follow the ecosystem rather than first principles. Importing a module can
have side effects, so moving ``import a`` above ``import b`` reorders them; ruff's and
isort's sorting does that to every import block, and the projects that use them accept it,
so imports count as order-independent among themselves. And ``logging.getLogger(name)``
only looks up (or creates) the module's named logger: it is the conventional statement
right below the imports, and no import can tell whether it ran before.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterator, Mapping, Set

from compatlint.names.bindings import import_bound_names, read_bindings

# Calls that only create or look up a value, by their qualified name.
_PURE_CALLS = frozenset(
    {
        "logging.getLogger",
        *(
            f"{module}.{name}"
            for module in ("typing", "typing_extensions")
            for name in ("TypeVar", "ParamSpec", "TypeVarTuple", "NewType")
        ),
    }
)
_ALL_METHODS = frozenset({"append", "extend"})
_TYPE_CHECKING = ("typing.TYPE_CHECKING", "typing_extensions.TYPE_CHECKING")


def qualified_names(tree: ast.Module) -> dict[str, str]:
    """Local name → what the module-level imports of ``tree`` bind to it (``import a.b``
    binds ``a``; ``from a import b as c`` binds ``c`` → ``a.b``)."""
    found: dict[str, str] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.asname:
                    found[alias.asname] = alias.name
                else:
                    root = alias.name.split(".")[0]
                    found[root] = root
        elif isinstance(statement, ast.ImportFrom) and statement.module and not statement.level:
            for alias in statement.names:
                if alias.name != "*":
                    found[alias.asname or alias.name] = f"{statement.module}.{alias.name}"
    return found


def moved_names(node: ast.Import | ast.ImportFrom) -> dict[str, bool]:
    """The names an import binds, each with whether it is a package root bound by a plain
    ``import a.b`` (another plain ``import a...`` binds the very same module to it)."""
    roots = {
        alias.name.split(".")[0]
        for alias in node.names
        if isinstance(node, ast.Import) and not alias.asname
    }
    return {name: name in roots for name in import_bound_names(node)}


def rebinds(statement: ast.stmt, names: Mapping[str, bool]) -> str | None:
    """The name of ``names`` that ``statement`` binds (in any branch), if any; a plain
    ``import a.x`` does not rebind the root ``a`` of a plain ``import a.y``."""
    if isinstance(statement, ast.Import):
        same_root = {
            name for name, is_root in moved_names(statement).items() if is_root and names.get(name)
        }
    else:
        same_root = set()
    bound = read_bindings(ast.Module(body=[statement], type_ignores=[])).names
    clash = sorted(name for name in bound if name in names and name not in same_root)
    return clash[0] if clash else None


class OrderJudge:
    """Decides whether a statement may run after, instead of before, an import."""

    def __init__(self, tree: ast.Module) -> None:
        self.qualified = qualified_names(tree)
        #: every name the module binds anywhere: a builtin class named here may be another
        self.bound = {name for node in ast.walk(tree) for name in _bound_by(node)}
        self.lazy_annotations = any(
            isinstance(s, ast.ImportFrom)
            and s.module == "__future__"
            and any(a.name == "annotations" for a in s.names)
            for s in tree.body
        )

    def blocker(self, statement: ast.stmt, names: Mapping[str, bool]) -> str | None:
        """Why ``statement`` keeps an import that binds ``names`` below it, or None."""
        clash = rebinds(statement, names)
        if clash is not None:
            return f"binds {clash} too"
        why = self._side_effect(statement)
        if why is not None:
            return why
        read = sorted(set(self._reads(statement)) & set(names))
        return f"reads {read[0]}" if read else None

    # -- what may run code -----------------------------------------------------------------

    def _side_effect(self, node: ast.stmt) -> str | None:
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            return "a star import (binds names no one can list)"
        if isinstance(node, (ast.Import, ast.ImportFrom, ast.Pass)):
            return None
        if isinstance(node, ast.Expr):
            if isinstance(node.value, ast.Constant) or self._all_method(node.value):
                return None
            return "an expression statement (may run code)"
        if isinstance(node, ast.Assign):
            targets_ok = all(_plain_target(t) for t in node.targets)
            return None if targets_ok and self._pure(node.value) else "an assignment that runs code"
        if isinstance(node, ast.AnnAssign):
            ok = isinstance(node.target, ast.Name) and self._annotation(node.annotation)
            ok = ok and (node.value is None or self._pure(node.value))
            return None if ok else "an annotated assignment that runs code"
        if isinstance(node, ast.AugAssign):
            ok = isinstance(node.target, ast.Name) and node.target.id == "__all__"
            return None if ok and self._pure(node.value) else "an augmented assignment"
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return self._function(node)
        if isinstance(node, ast.ClassDef):
            return self._class(node)
        if isinstance(node, ast.If):
            return self._if(node)
        if isinstance(node, ast.Try):
            return self._try(node)
        return f"a {type(node).__name__.lower()} statement (may depend on import order)"

    def _body(self, statements: list[ast.stmt]) -> str | None:
        for statement in statements:
            why = self._side_effect(statement)
            if why is not None:
                return why
        return None

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
        if node.decorator_list:
            return "a decorated def (the decorator runs code)"
        arguments = node.args
        defaults = [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]
        if not all(self._pure(default) for default in defaults):
            return "a def whose defaults run code"
        annotations = [a.annotation for a in _all_args(arguments) if a.annotation is not None]
        annotations += [node.returns] if node.returns is not None else []
        if not all(self._annotation(annotation) for annotation in annotations):
            return "a def whose annotations run code"
        return None

    def _class(self, node: ast.ClassDef) -> str | None:
        if node.decorator_list or node.keywords:
            return "a decorated class or one with keywords (runs code)"
        if not all(self._builtin_class(base) for base in node.bases):
            return "a class with bases (a metaclass or __init_subclass__ runs code)"
        return self._body(node.body)

    def _if(self, node: ast.If) -> str | None:
        if self._qualified(node.test) in _TYPE_CHECKING:
            return self._body(node.orelse)  # the body never runs
        if not self._platform_test(node.test):
            return "an if whose test may run code"
        return self._body(node.body) or self._body(node.orelse)

    def _try(self, node: ast.Try) -> str | None:
        for handler in node.handlers:
            if handler.type is not None and not _type_expression(handler.type):
                return "a try whose except clause runs code"
        for block in (node.body, node.orelse, node.finalbody):
            why = self._body(block)
            if why is not None:
                return why
        for handler in node.handlers:
            for statement in handler.body:
                if not _gives_up(statement, handler.name):
                    why = self._side_effect(statement)
                    if why is not None:
                        return why
        return None

    # -- expressions -----------------------------------------------------------------------

    def _pure(self, node: ast.expr) -> bool:
        """Evaluating ``node`` runs no user code: literals, names, containers of them, an
        operator on literals, or a call in :data:`_PURE_CALLS`."""
        if isinstance(node, (ast.Constant, ast.Name)):
            return True
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return all(self._pure(e) for e in node.elts)
        if isinstance(node, ast.Dict):
            keys_ok = all(k is not None and self._pure(k) for k in node.keys)
            return keys_ok and all(self._pure(v) for v in node.values)
        if isinstance(node, (ast.UnaryOp, ast.BinOp)):
            return _literal(node)
        if isinstance(node, ast.Call) and self._qualified(node.func) in _PURE_CALLS:
            arguments = [*node.args, *(k.value for k in node.keywords)]
            return not any(isinstance(a, ast.Starred) for a in node.args) and all(
                self._pure(a) for a in arguments
            )
        return False

    def _builtin_class(self, node: ast.expr) -> bool:
        """A builtin class (``object``, ``Exception``): its metaclass is ``type`` and its
        ``__init_subclass__`` the default, so a subclass statement runs no code."""
        return (
            isinstance(node, ast.Name)
            and node.id not in self.bound
            and isinstance(getattr(builtins, node.id, None), type)
        )

    def _annotation(self, node: ast.expr) -> bool:
        """An annotation never evaluated, or one whose evaluation reads names only (a
        subscript runs ``__class_getitem__``, a ``|`` an ``__or__``: code)."""
        return self.lazy_annotations or _plain_name(node)

    def _all_method(self, node: ast.expr) -> bool:
        """``__all__.append("x")`` / ``__all__.extend([...])``."""
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "__all__"
            and node.func.attr in _ALL_METHODS
            and not node.keywords
            and all(_literal(a) for a in node.args)
        )

    def _platform_test(self, node: ast.expr) -> bool:
        """``sys.version_info >= (3, 11)``, ``sys.platform == "win32"`` and their
        ``and``/``or``/``not``."""
        if isinstance(node, ast.BoolOp):
            return all(self._platform_test(v) for v in node.values)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return self._platform_test(node.operand)
        if not isinstance(node, ast.Compare):
            return False
        sides = [node.left, *node.comparators]
        platform = [s for s in sides if self._is_platform(s)]
        return bool(platform) and all(s in platform or _literal(s) for s in sides)

    def _is_platform(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Subscript) and _literal(node.slice):
            node = node.value
        return self._qualified(node) in ("sys.version_info", "sys.platform")

    def _qualified(self, node: ast.expr) -> str | None:
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name) or node.id not in self.qualified:
            return None
        return ".".join([self.qualified[node.id], *reversed(parts)])

    # -- reads -----------------------------------------------------------------------------

    def _reads(self, node: ast.AST) -> Iterator[str]:
        """Names ``node`` reads while it runs: not in a def's or lambda's body, nor in
        annotations that are never evaluated."""
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = node.args
            roots: list[ast.AST] = [*node.decorator_list, *arguments.defaults]
            roots += [d for d in arguments.kw_defaults if d is not None]
            if not self.lazy_annotations:
                roots += [a.annotation for a in _all_args(arguments) if a.annotation]
                roots += [node.returns] if node.returns else []
            for root in roots:
                yield from self._reads(root)
            return
        if isinstance(node, ast.Lambda):
            for default in [*node.args.defaults, *node.args.kw_defaults]:
                if default is not None:
                    yield from self._reads(default)
            return
        if isinstance(node, ast.AnnAssign) and self.lazy_annotations:
            yield from self._reads(node.target)
            if node.value is not None:
                yield from self._reads(node.value)
            return
        if isinstance(node, ast.Name):
            yield node.id
        for child in ast.iter_child_nodes(node):
            yield from self._reads(child)


def _all_args(arguments: ast.arguments) -> list[ast.arg]:
    found = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    return found + [a for a in (arguments.vararg, arguments.kwarg) if a is not None]


def _plain_target(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return True
    return isinstance(node, (ast.Tuple, ast.List)) and all(_plain_target(e) for e in node.elts)


def _literal(node: ast.AST) -> bool:
    """Made of constants only (no name, no call): evaluating it runs no user code."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_literal(e) for e in node.elts)
    if isinstance(node, ast.UnaryOp):
        return _literal(node.operand)
    if isinstance(node, ast.BinOp):
        return _literal(node.left) and _literal(node.right)
    return False


def _gives_up(statement: ast.stmt, caught: str | None) -> bool:
    """In an ``except`` clause: ``raise`` (bare, or a name or a call of one with literal
    arguments), or an ``if`` that tests the caught exception's attributes against literals
    and raises. Such a handler only decides whether the module fails to import, which an
    import moved above it cannot change on a version where the moved import succeeds."""
    if isinstance(statement, ast.Raise):
        error = statement.exc
        if isinstance(error, ast.Call):
            called = _type_expression(error.func) and not isinstance(error.func, ast.Constant)
            arguments = [*error.args, *(k.value for k in error.keywords)]
            return called and all(_literal(a) for a in arguments)
        return error is None or isinstance(error, (ast.Name, ast.Attribute))
    if isinstance(statement, ast.If) and caught is not None:
        return (
            _about_exception(statement.test, caught)
            and all(_gives_up(inner, caught) for inner in statement.body)
            and all(_gives_up(inner, caught) for inner in statement.orelse)
        )
    return False


def _about_exception(node: ast.expr, caught: str) -> bool:
    """A comparison of the caught exception's attributes with literals (``and``/``or``/
    ``not`` of such)."""
    if isinstance(node, ast.BoolOp):
        return all(_about_exception(value, caught) for value in node.values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return _about_exception(node.operand, caught)
    if not isinstance(node, ast.Compare):
        return False

    def side(item: ast.expr) -> bool:
        if _literal(item):
            return True
        while isinstance(item, ast.Attribute):
            item = item.value
        return isinstance(item, ast.Name) and item.id == caught

    return all(side(item) for item in [node.left, *node.comparators])


def _bound_by(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
        yield node.id
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        yield node.name
    elif isinstance(node, ast.alias):
        yield (node.asname or node.name).split(".")[0]


def _plain_name(node: ast.expr) -> bool:
    """A name, a dotted name or a string: reading it runs no code."""
    if isinstance(node, (ast.Name, ast.Constant)):
        return True
    return isinstance(node, ast.Attribute) and _plain_name(node.value)


def _type_expression(node: ast.expr) -> bool:
    """A name, a dotted name, a subscript or a ``|`` of them, or a string: what type
    hints, class bases and exception types are written with."""
    if isinstance(node, (ast.Name, ast.Constant)):
        return True
    if isinstance(node, ast.Attribute):
        return _type_expression(node.value)
    if isinstance(node, ast.Subscript):
        return _type_expression(node.value) and _type_expression(node.slice)
    if isinstance(node, (ast.Tuple, ast.List)):
        return all(_type_expression(e) for e in node.elts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _type_expression(node.left) and _type_expression(node.right)
    return False


def first_blocker(
    judge: OrderJudge, statements: list[ast.stmt], names: Mapping[str, bool]
) -> tuple[ast.stmt, str] | None:
    """The first of ``statements`` an import binding ``names`` may not move above, and why."""
    for statement in statements:
        why = judge.blocker(statement, names)
        if why is not None:
            return statement, why
    return None


def binders(statements: list[ast.stmt], names: Mapping[str, bool], skip: Set[int]) -> str | None:
    """A name of ``names`` some statement (not at a ``skip`` index) binds, with its line."""
    for index, statement in enumerate(statements):
        if index in skip:
            continue
        clash = rebinds(statement, names)
        if clash is not None:
            return f"{clash} is also bound on line {statement.lineno}"
    return None
