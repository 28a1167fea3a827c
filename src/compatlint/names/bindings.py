"""What a module binds, exports and re-exports at module level (pure, stdlib ``ast``).

One reader for every question about a module's names: the shim analysis (``__all__``,
CL107), the codemods (may a binding go? who re-exports it?) and verify (does an upstream
module bind a name?). It reads every branch of module-level control flow — ``if``,
``try``/``except``/``except*``, ``with``, ``for``, ``while``, ``match`` cases — because
any branch may be the one that runs, and ``__all__`` in every written form: a literal
list or tuple (also annotated or concatenated with ``+``), ``+=``, ``.extend([...])`` and
``.append("x")``. An ``__all__`` assigned inside a branch adds to what it may list instead
of replacing it, since the reader cannot tell which branch runs.

Its ``names`` are a superset of what any run of the module leaves bound (a property test
holds it against ``exec``): not the ``as`` name of an ``except`` clause, which Python
deletes when the handler ends.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

from compatlint.names.modules import resolve_relative

__all__ = [
    "AllEntry",
    "ImportedName",
    "ModuleBindings",
    "StarImport",
    "import_bound_names",
    "read_bindings",
    "statements",
]


@dataclass(frozen=True)
class AllEntry:
    """One string in ``__all__``, where it is written (1-based line and column)."""

    name: str
    line: int
    column: int


@dataclass(frozen=True)
class ImportedName:
    """A name bound by ``from <module> import <name> [as local]`` (``module`` absolute,
    None when a relative import cannot be resolved)."""

    module: str | None
    name: str
    line: int


@dataclass(frozen=True)
class StarImport:
    """``from <module> import *``; ``module`` is None if it cannot be resolved."""

    module: str | None
    line: int


@dataclass(frozen=True)
class ModuleBindings:
    """The module-level names of one module, as far as its source tells."""

    names: dict[str, int]  # name -> first line that binds it
    from_imports: dict[str, tuple[ImportedName, ...]] = field(default_factory=dict)
    module_imports: dict[str, tuple[str, ...]] = field(default_factory=dict)
    star_imports: tuple[StarImport, ...] = ()
    all_entries: tuple[AllEntry, ...] | None = None  # None: the module has no __all__
    all_is_literal: bool = True
    global_names: frozenset[str] = frozenset()  # bound only via `global` in a function
    writes_globals: bool = False

    @property
    def has_all(self) -> bool:
        return self.all_entries is not None or not self.all_is_literal

    @property
    def all_names(self) -> frozenset[str] | None:
        """The names ``__all__`` lists, when it exists and is fully literal."""
        if self.all_entries is None or not self.all_is_literal:
            return None
        return frozenset(entry.name for entry in self.all_entries)

    def exports(self) -> frozenset[str] | None:
        """What ``from module import *`` gives: ``__all__``, else the public bindings.
        None when ``__all__`` is computed in a way that cannot be read."""
        if not self.all_is_literal:
            return None
        listed = self.all_names
        if listed is not None:
            return listed
        return frozenset(name for name in self.names if not name.startswith("_"))

    @property
    def defined_names(self) -> frozenset[str]:
        """Every name the module may define, including through ``global`` in a function."""
        return frozenset(self.names) | self.global_names

    def binds(self, name: str) -> bool:
        return name in self.names

    def reexport_of(self, name: str) -> tuple[ImportedName, ...]:
        """Where a from-import binding of ``name`` comes from (every branch's import)."""
        return self.from_imports.get(name, ())


def import_bound_names(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The names an import statement binds in its scope."""
    names = []
    for alias in node.names:
        if alias.name == "*":
            continue
        if alias.asname:
            names.append(alias.asname)
        elif isinstance(node, ast.Import):
            names.append(alias.name.split(".")[0])
        else:
            names.append(alias.name)
    return names


def read_bindings(
    tree: ast.Module, module: str | None = None, *, is_package: bool = False, walrus: bool = True
) -> ModuleBindings:
    """The module-level bindings of ``tree`` (``module`` resolves relative imports).
    ``walrus=False``: the source holds no ``:=``, so no expression binds a name (its
    expressions are not walked for one)."""
    package = None if module is None else (module if is_package else module.rpartition(".")[0])
    reader = _Reader(package, walrus=walrus)
    reader.body(tree.body, conditional=False)
    reader.scan_globals(tree)
    return ModuleBindings(
        names=reader.names,
        from_imports={name: tuple(found) for name, found in reader.from_imports.items()},
        module_imports={name: tuple(found) for name, found in reader.module_imports.items()},
        star_imports=tuple(reader.stars),
        all_entries=tuple(reader.all_entries) if reader.all_seen else None,
        all_is_literal=reader.all_is_literal,
        global_names=frozenset(reader.global_names - set(reader.names)),
        writes_globals=reader.writes_globals,
    )


_TYPE_ALIAS = getattr(ast, "TypeAlias", None)


class _Reader:
    """Collects module-level bindings, imports and ``__all__`` in every branch."""

    def __init__(self, package: str | None, *, walrus: bool = True) -> None:
        self.package = package
        self.walrus = walrus
        self.names: dict[str, int] = {}
        self.from_imports: dict[str, list[ImportedName]] = {}
        self.module_imports: dict[str, list[str]] = {}
        self.stars: list[StarImport] = []
        self.all_entries: list[AllEntry] = []
        self.all_seen = False
        self.all_is_literal = True
        self.global_names: set[str] = set()
        self.writes_globals = False
        self.conditional = False  # inside a branch that may not run

    def bind(self, name: str, line: int) -> None:
        self.names.setdefault(name, line)

    def target(self, node: ast.expr, line: int) -> None:
        if isinstance(node, ast.Name):
            self.bind(node.id, line)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for element in node.elts:
                self.target(element, line)
        elif isinstance(node, ast.Starred):
            self.target(node.value, line)

    def body(self, statements: list[ast.stmt], *, conditional: bool = True) -> None:
        outer = self.conditional
        self.conditional = outer or conditional
        for statement in statements:
            self.statement(statement)
        self.conditional = outer

    def statement(self, node: ast.stmt) -> None:
        line = node.lineno
        for name in _walruses(node) if self.walrus else ():
            self.bind(name, line)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.bind(node.name, line)
            return
        if _TYPE_ALIAS is not None and isinstance(node, _TYPE_ALIAS):  # `type X = ...` (3.12+)
            self.target(node.name, line)  # type: ignore[attr-defined]
        if isinstance(node, ast.Import):
            self.import_(node)
        elif isinstance(node, ast.ImportFrom):
            self.import_from(node)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                self.target(target, line)
            if _is_all(node.targets):
                self.set_all(node.value, replace=True)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.target(node.target, line)
                if _is_all([node.target]):
                    self.set_all(node.value, replace=True)
        elif isinstance(node, ast.AugAssign):
            if _is_all([node.target]):
                self.set_all(node.value, replace=False)
            self.target(node.target, line)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.target(node.target, line)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    self.target(item.optional_vars, line)
        elif isinstance(node, ast.Expr):
            self.all_method_call(node.value)
        self.children(node)

    def import_(self, node: ast.Import) -> None:
        for alias in node.names:
            local = alias.asname or alias.name.split(".")[0]
            self.bind(local, node.lineno)
            # `import a.b` binds `a` and loads `a.b`; `import a.b as c` binds `a.b` as `c`.
            self.module_imports.setdefault(local, []).append(alias.name)

    def import_from(self, node: ast.ImportFrom) -> None:
        source = (
            resolve_relative(node.module, node.level, self.package) if node.level else node.module
        )
        for alias in node.names:
            if alias.name == "*":
                self.stars.append(StarImport(source, node.lineno))
                continue
            local = alias.asname or alias.name
            self.bind(local, node.lineno)
            imported = ImportedName(source, alias.name, node.lineno)
            self.from_imports.setdefault(local, []).append(imported)

    def children(self, node: ast.stmt) -> None:
        # A `with` body always runs (up to an exception); a try body may stop at any line.
        unconditional = isinstance(node, (ast.With, ast.AsyncWith))
        for field_name in ("body", "orelse", "finalbody"):
            inner = getattr(node, field_name, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                self.body(inner, conditional=not unconditional)
        for handler in getattr(node, "handlers", None) or []:  # try and try/except*
            # No binding for `handler.name`: Python deletes it when the handler ends.
            for name in _walruses_in([handler.type] if handler.type and self.walrus else []):
                self.bind(name, handler.lineno)
            self.body(handler.body)
        for case in getattr(node, "cases", None) or []:  # match
            for pattern in ast.walk(case.pattern):
                for name in _pattern_names(pattern):
                    self.bind(name, case.pattern.lineno)
            for name in _walruses_in([case.guard] if case.guard and self.walrus else []):
                self.bind(name, case.pattern.lineno)
            self.body(case.body)

    def set_all(self, value: ast.expr | None, *, replace: bool) -> None:
        self.all_seen = True
        entries = _literal_entries(value)
        if entries is None:
            self.all_is_literal = False
            return
        if replace and not self.conditional:
            self.all_entries = entries
        else:  # an addition, or a replacement that may not run: either list may be the one
            self.all_entries = [*self.all_entries, *entries]

    def all_method_call(self, value: ast.expr) -> None:
        """``__all__.extend([...])`` / ``__all__.append("x")``."""
        if not (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Attribute)
            and isinstance(value.func.value, ast.Name)
            and value.func.value.id == "__all__"
            and value.func.attr in {"extend", "append"}
            and len(value.args) == 1
        ):
            return
        self.all_seen = True
        argument = value.args[0]
        if value.func.attr == "append":
            entries = _literal_entries(ast.List(elts=[argument], ctx=ast.Load()))
        else:
            entries = _literal_entries(argument)
        if entries is None:
            self.all_is_literal = False
        else:
            self.all_entries += entries

    def scan_globals(self, tree: ast.Module) -> None:
        """Names bound through ``global`` in functions; module-level ``globals()`` writes."""
        for node in statements(tree.body):
            if isinstance(node, ast.Global):
                self.global_names.update(node.names)
        for statement in tree.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for node in ast.walk(statement):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in {"globals", "vars"}
                    and not node.args
                ):
                    self.writes_globals = True
                    return


def statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement of ``body`` and of the blocks inside it, in any scope — without
    walking a single expression (a statement never sits inside one), which makes it several
    times cheaper than ``ast.walk`` for finding imports or ``global`` declarations."""
    stack = list(reversed(body))
    while stack:
        statement = stack.pop()
        yield statement
        inner: list[ast.stmt] = []
        for field_name in ("body", "orelse", "finalbody"):
            block = getattr(statement, field_name, None)
            if isinstance(block, list):
                inner += [item for item in block if isinstance(item, ast.stmt)]
        for handler in getattr(statement, "handlers", None) or []:
            inner += handler.body
        for case in getattr(statement, "cases", None) or []:
            inner += case.body
        stack.extend(reversed(inner))


def _is_all(targets: list[ast.expr]) -> bool:
    return len(targets) == 1 and isinstance(targets[0], ast.Name) and targets[0].id == "__all__"


def _literal_entries(value: ast.expr | None) -> list[AllEntry] | None:
    """The strings of a list/tuple literal (or a ``+`` of such); None if anything else."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        left, right = _literal_entries(value.left), _literal_entries(value.right)
        return None if left is None or right is None else [*left, *right]
    if not isinstance(value, (ast.List, ast.Tuple)):
        return None
    entries = []
    for element in value.elts:
        if not (isinstance(element, ast.Constant) and isinstance(element.value, str)):
            return None
        entries.append(AllEntry(element.value, element.lineno, element.col_offset + 1))
    return entries


def _pattern_names(pattern: ast.AST) -> list[str]:
    """Names a ``case`` pattern node captures."""
    if isinstance(pattern, (ast.MatchAs, ast.MatchStar)) and pattern.name:
        return [pattern.name]
    if isinstance(pattern, ast.MatchMapping) and pattern.rest:
        return [pattern.rest]
    return []


def _walruses(node: ast.stmt) -> list[str]:
    """Names bound by ``:=`` in the expressions a statement evaluates in the module scope:
    tests, values, decorators, default arguments, class bases — not its nested bodies."""
    roots: list[ast.AST] = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)):
            continue
        roots.append(child)
    return _walruses_in(roots)


def _walruses_in(roots: list[ast.expr] | list[ast.AST]) -> list[str]:
    """Names bound by ``:=`` under ``roots``; a lambda's body is its own scope."""
    found: list[str] = []
    stack = list(roots)
    while stack:
        inner = stack.pop()
        if isinstance(inner, ast.Lambda):
            stack.append(inner.args)  # defaults are evaluated in the enclosing scope
            continue
        if isinstance(inner, ast.NamedExpr) and isinstance(inner.target, ast.Name):
            found.append(inner.target.id)
        stack.extend(ast.iter_child_nodes(inner))
    return found
