"""Does module ``a.b.c`` — and name ``X`` in it — exist in an upstream version? (pure)

Everything is decided statically from the upstream's files; nothing is imported or run.
Answers are three-valued (:class:`Presence`) and carry the reason:

* a module exists as ``a/b/c.py``, ``a/b/c/__init__.py``, a namespace directory, or a
  compiled extension ``a/b/c.*.so`` (present, contents unknown);
* a name exists when the module binds it at module level — def, class, assignment,
  annotated assignment with a value, import or from-import re-export, in any branch of a
  module-level ``if`` / ``try`` / ``with`` / ``for`` — when a ``from .x import *`` or
  ``from pkg.x import *`` within the package brings it (followed, honouring ``__all__``
  where the target defines one, with cycle protection), or when it is a submodule;
* a module-level ``__getattr__``, a compiled module, a star import from outside the
  package, a name bound only through ``global`` in a function, or a module that writes
  ``globals()`` make a missing name *unknown* instead of absent.

Parsed modules are cached on the tree, so each (version, module) is parsed once.
"""

from __future__ import annotations

import ast
import enum
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from compatlint.analysis.shapes import bound_names
from compatlint.names.modules import resolve_relative
from compatlint.verify.sources import UpstreamTree

__all__ = [
    "ModuleInfo",
    "Presence",
    "Resolution",
    "all_of",
    "any_of",
    "dotted_exists",
    "module_exists",
    "module_info",
    "name_exists",
]


class Presence(str, enum.Enum):
    """Whether an import path exists in one upstream version."""

    PRESENT = "present"
    ABSENT = "absent"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Resolution:
    """A :class:`Presence` and why."""

    presence: Presence
    reason: str

    @property
    def present(self) -> bool:
        return self.presence is Presence.PRESENT

    @property
    def absent(self) -> bool:
        return self.presence is Presence.ABSENT


@dataclass(frozen=True)
class StarImport:
    """``from <module> import *`` at module level; ``module`` is None if it cannot be resolved."""

    module: str | None
    line: int


@dataclass(frozen=True)
class ModuleInfo:
    """What a module binds at import time, as far as its source tells."""

    names: dict[str, int]
    star_imports: tuple[StarImport, ...] = ()
    exported: frozenset[str] | None = None  # a literal __all__ (None: none, or not literal)
    all_is_literal: bool = True
    getattr_line: int | None = None
    global_names: frozenset[str] = frozenset()
    writes_globals: bool = False
    parse_error: str | None = None


def all_of(results: Iterable[Resolution]) -> Resolution:
    """Present when every part is; absent when any part is (with the first absent reason)."""
    found = list(results)
    for result in found:
        if result.absent:
            return result
    for result in found:
        if not result.present:
            return result
    return found[0] if found else Resolution(Presence.UNKNOWN, "nothing to resolve")


def any_of(results: Iterable[Resolution]) -> Resolution:
    """Present when any alternative is; absent when every one is."""
    found = list(results)
    for result in found:
        if result.present:
            return result
    for result in found:
        if not result.absent:
            return result
    return found[-1] if found else Resolution(Presence.UNKNOWN, "nothing to resolve")


def module_exists(tree: UpstreamTree, module: str) -> Resolution:
    """Whether ``import module`` finds a module in ``tree``."""
    entry = tree.module(module)
    if entry is not None:
        if entry.compiled:
            return Resolution(Presence.PRESENT, f"compiled extension {entry.file}")
        if entry.namespace:
            return Resolution(Presence.PRESENT, f"namespace package {entry.file}")
        return Resolution(Presence.PRESENT, entry.file)
    parts = module.split(".")
    if parts[0] != tree.package:
        return Resolution(Presence.UNKNOWN, f"{module} is outside the package {tree.package}")
    for depth in range(len(parts) - 1, 0, -1):
        parent = tree.module(".".join(parts[:depth]))
        if parent is None:
            continue
        if parent.compiled:
            return Resolution(
                Presence.UNKNOWN, f"{module} would be inside compiled extension {parent.file}"
            )
        break
    path = "/".join(parts)
    return Resolution(Presence.ABSENT, f"no {path}.py or {path}/")


def name_exists(tree: UpstreamTree, module: str, name: str) -> Resolution:
    """Whether ``from module import name`` succeeds in ``tree`` (as far as can be seen)."""
    key = ("name", module, name)
    if key not in tree.cache:
        tree.cache[key] = _lookup(tree, module, name, frozenset())
    return tree.cache[key]


def dotted_exists(tree: UpstreamTree, dotted: str) -> Resolution:
    """A probe-path string: a module, or else an attribute of its parent module."""
    found = module_exists(tree, dotted)
    if found.presence is not Presence.ABSENT or "." not in dotted:
        return found
    parent, _, last = dotted.rpartition(".")
    if not module_exists(tree, parent).present:
        return found
    attribute = name_exists(tree, parent, last)
    if attribute.present:
        return Resolution(Presence.PRESENT, f"attribute of {parent}: {attribute.reason}")
    if attribute.presence is Presence.UNKNOWN:
        return attribute
    return found


def module_info(tree: UpstreamTree, module: str) -> ModuleInfo | None:
    """The parsed facts of ``module`` (None when it has no source: namespace or compiled)."""
    key = ("info", module)
    if key not in tree.cache:
        source = tree.source(module)
        entry = tree.module(module)
        if source is None or entry is None:
            tree.cache[key] = None
        else:
            tree.cache[key] = _read_module(source, module, entry.is_package)
    return tree.cache[key]


# -- lookup -------------------------------------------------------------------------------


def _lookup(tree: UpstreamTree, module: str, name: str, seen: frozenset[str]) -> Resolution:
    found = module_exists(tree, module)
    if not found.present:
        return found
    entry = tree.module(module)
    assert entry is not None
    if entry.compiled:
        return Resolution(Presence.UNKNOWN, f"{module} is a compiled extension ({entry.file})")
    info = module_info(tree, module)
    if info is not None and name in info.names:
        return Resolution(Presence.PRESENT, f"defined in {entry.file}:{info.names[name]}")
    submodule = tree.module(f"{module}.{name}")
    if submodule is not None:
        return Resolution(Presence.PRESENT, f"submodule {submodule.file}")
    if info is None:
        return Resolution(Presence.ABSENT, f"namespace package {module} has no {name}")
    if info.parse_error is not None:
        return Resolution(Presence.UNKNOWN, f"cannot parse {entry.file}: {info.parse_error}")

    unknown: list[str] = []
    left_out: list[str] = []
    for star in info.star_imports:
        if star.module is None:
            unknown.append(f"unresolvable star import at {entry.file}:{star.line}")
            continue
        if star.module.split(".")[0] != tree.package:
            unknown.append(f"star import from {star.module} ({entry.file}:{star.line})")
            continue
        if star.module in seen or star.module == module:
            continue
        through, note = _through_star(tree, star.module, name, seen | {module})
        if note is not None:
            left_out.append(note)
        if through.present:
            return Resolution(
                Presence.PRESENT,
                f"via `from {star.module} import *` in {entry.file}: {through.reason}",
            )
        if through.presence is Presence.UNKNOWN:
            unknown.append(through.reason)
    if name in info.global_names:
        unknown.append(f"{name} is bound only through `global` in a function of {entry.file}")
    if info.getattr_line is not None:
        unknown.append(f"{module} defines __getattr__ ({entry.file}:{info.getattr_line})")
    if info.writes_globals:
        unknown.append(f"{entry.file} writes globals() at module level")
    if unknown:
        return Resolution(Presence.UNKNOWN, unknown[0])
    note = f" ({left_out[0]})" if left_out else ""
    return Resolution(Presence.ABSENT, f"{name} is not defined in {entry.file}{note}")


def _through_star(
    tree: UpstreamTree, target: str, name: str, seen: frozenset[str]
) -> tuple[Resolution, str | None]:
    """Whether ``from target import *`` binds ``name``; and a note when ``target`` binds
    it but the star import leaves it out (not in ``__all__``, or private)."""
    exists = module_exists(tree, target)
    if not exists.present:
        return Resolution(Presence.ABSENT, exists.reason), None
    info = module_info(tree, target)
    binds = info is not None and name in info.names
    if info is not None and not info.all_is_literal:
        result = _lookup(tree, target, name, seen)
        if result.present:
            return Resolution(Presence.UNKNOWN, f"{target}.__all__ is not a literal list"), None
        return result, None
    if info is not None and info.exported is not None:
        if name not in info.exported:
            note = f"{target} leaves it out of __all__" if binds else None
            return Resolution(Presence.ABSENT, f"{name} is not in {target}.__all__"), note
    elif name.startswith("_"):
        note = f"a star import of {target} skips private names" if binds else None
        return Resolution(Presence.ABSENT, f"a star import skips the private {name}"), note
    return _lookup(tree, target, name, seen), None


# -- reading a module ---------------------------------------------------------------------


def _read_module(source: str, module: str, is_package: bool) -> ModuleInfo:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError) as exc:
        message = getattr(exc, "msg", None) or str(exc)
        line = getattr(exc, "lineno", None)
        return ModuleInfo(names={}, parse_error=f"{message} (line {line})" if line else message)
    package = module if is_package else module.rpartition(".")[0]
    reader = _ModuleReader(package)
    reader.body(tree.body)
    reader.scan_globals(tree)
    return ModuleInfo(
        names=reader.names,
        star_imports=tuple(reader.stars),
        exported=frozenset(reader.exported) if reader.all_seen and reader.all_is_literal else None,
        all_is_literal=reader.all_is_literal,
        getattr_line=reader.names.get("__getattr__"),
        global_names=frozenset(reader.global_names - set(reader.names)),
        writes_globals=reader.writes_globals,
    )


class _ModuleReader:
    """Collects module-level bindings, star imports and ``__all__`` in every branch."""

    def __init__(self, package: str) -> None:
        self.package = package
        self.names: dict[str, int] = {}
        self.stars: list[StarImport] = []
        self.exported: list[str] = []
        self.all_seen = False
        self.all_is_literal = True
        self.global_names: set[str] = set()
        self.writes_globals = False

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

    def body(self, statements: list[ast.stmt]) -> None:
        for statement in statements:
            self.statement(statement)

    def statement(self, node: ast.stmt) -> None:
        line = node.lineno
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.bind(node.name, line)
            return
        if isinstance(node, ast.Import):
            for name in bound_names(node):
                self.bind(name, line)
        elif isinstance(node, ast.ImportFrom):
            if any(alias.name == "*" for alias in node.names):
                self.stars.append(StarImport(self.star_module(node), line))
            for name in bound_names(node):
                self.bind(name, line)
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
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.target(node.target, line)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    self.target(item.optional_vars, line)
        elif isinstance(node, ast.Expr):
            self.all_method_call(node.value)
        for walrus in _walruses(node):
            self.bind(walrus, line)
        self.children(node)

    def children(self, node: ast.stmt) -> None:
        for field_name in ("body", "orelse", "finalbody"):
            inner = getattr(node, field_name, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                self.body(inner)
        for handler in getattr(node, "handlers", []) or []:
            if handler.name:
                self.bind(handler.name, handler.lineno)
            self.body(handler.body)
        for case in getattr(node, "cases", []) or []:
            self.body(case.body)

    def star_module(self, node: ast.ImportFrom) -> str | None:
        if node.level:
            return resolve_relative(node.module, node.level, self.package)
        return node.module

    def set_all(self, value: ast.expr | None, *, replace: bool) -> None:
        self.all_seen = True
        names = _literal_strings(value)
        if names is None:
            self.all_is_literal = False
            return
        self.exported = names if replace else [*self.exported, *names]

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
            argument = ast.List(elts=[argument], ctx=ast.Load())
        names = _literal_strings(argument)
        if names is None:
            self.all_is_literal = False
        else:
            self.exported += names

    def scan_globals(self, tree: ast.Module) -> None:
        """Names bound through ``global`` in functions; module-level ``globals()`` writes."""
        for node in ast.walk(tree):
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


def _is_all(targets: list[ast.expr]) -> bool:
    return len(targets) == 1 and isinstance(targets[0], ast.Name) and targets[0].id == "__all__"


def _literal_strings(value: ast.expr | None) -> list[str] | None:
    """The strings of a list/tuple literal (or a ``+`` of such); None if anything else."""
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        left, right = _literal_strings(value.left), _literal_strings(value.right)
        return None if left is None or right is None else [*left, *right]
    if not isinstance(value, (ast.List, ast.Tuple)):
        return None
    names = []
    for element in value.elts:
        if not (isinstance(element, ast.Constant) and isinstance(element.value, str)):
            return None
        names.append(element.value)
    return names


def _walruses(node: ast.stmt) -> list[str]:
    """Names bound by ``:=`` in the expressions of a simple statement."""
    if isinstance(node, (ast.If, ast.While)):
        roots: list[ast.AST] = [node.test]
    elif isinstance(node, (ast.Expr, ast.Assign, ast.AnnAssign, ast.AugAssign)):
        roots = [node]
    else:
        return []
    return [
        inner.target.id
        for root in roots
        for inner in ast.walk(root)
        if isinstance(inner, ast.NamedExpr) and isinstance(inner.target, ast.Name)
    ]
