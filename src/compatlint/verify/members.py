"""What an upstream object is in one release, and what its members and signatures are (pure).

Like :mod:`compatlint.verify.resolve`, everything is read from the release's files and
nothing is imported, and every answer is three-valued. *Unknown*, never absent, wherever
the files cannot tell:

* a module attribute is :func:`~compatlint.verify.resolve.name_exists`'s answer (module
  ``__getattr__``, a star import it cannot follow, a compiled module: unknown);
  ``X = LazyImport("m", "X")`` at module level binds ``X`` and stands for ``m.X``;
* a class member is a method, a property, a nested class, a class attribute, an annotated
  class-level name (a dataclass or pydantic field) or, on an instance, ``self.x = ...`` in
  a method; inherited through bases that resolve. A base that does not resolve (outside
  the package, computed), a class ``__getattr__``, a metaclass or a decorator that may add
  members make a missing member unknown;
* signatures: :mod:`compatlint.verify.signatures`.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from compatlint.names.bindings import read_bindings
from compatlint.verify.resolve import Presence, Resolution, module_exists, name_exists
from compatlint.verify.sources import UpstreamTree

__all__ = ["Found", "dotted", "find_object", "member_of"]

MODULE, CLASS, FUNCTION, VALUE = "module", "class", "function", "value"
FIELD = "field"  # an annotated class-level name without a value

#: Bases that add no member a shim would probe for.
_PLAIN_BASES = frozenset(
    {"object", "ABC", "abc.ABC", "Generic", "typing.Generic", "Protocol", "typing.Protocol"}
)
#: Class decorators that add no member a probe could miss (fields are read as written).
_PLAIN_CLASS_DECORATORS = frozenset(
    {"dataclass", "dataclasses.dataclass", "total_ordering", "functools.total_ordering", "final"}
)
#: Bases whose subclasses' bare annotations are instance attributes.
_MODEL_BASES = frozenset(
    {"BaseModel", "pydantic.BaseModel", "Struct", "msgspec.Struct", "NamedTuple"}
    | {"typing.NamedTuple"}
)
_PLAIN_METACLASSES = frozenset({"ABCMeta", "abc.ABCMeta"})
_ATTRIBUTE_HOOKS = ("__getattr__", "__getattribute__")


@dataclass(frozen=True)
class Found:
    """What a dotted path is in one release: ``kind`` is module, class, function or value
    when present; ``node`` the ``ClassDef`` / ``def`` it names; ``instance_only`` a member
    only instances have (``self.x = ...``); ``owner`` the class a method was found on."""

    resolution: Resolution
    kind: str = ""
    module: str = ""
    node: ast.AST | None = None
    instance_only: bool = False

    @property
    def presence(self) -> Presence:
        return self.resolution.presence


def _absent(reason: str) -> Found:
    return Found(Resolution(Presence.ABSENT, reason))


def _unknown(reason: str) -> Found:
    return Found(Resolution(Presence.UNKNOWN, reason))


# -- objects ------------------------------------------------------------------------------


def find_object(tree: UpstreamTree, dotted: str, *, depth: int = 0) -> Found:
    """What ``dotted`` (``pkg.mod``, ``pkg.mod.Class``, ``pkg.mod.Class.method``) is in ``tree``."""
    key = ("object", dotted)
    if key not in tree.cache:
        tree.cache[key] = _find(tree, dotted, depth)
    return tree.cache[key]


def _find(tree: UpstreamTree, dotted: str, depth: int) -> Found:
    if depth > 20:
        return _unknown(f"{dotted}: re-exports go round in circles")
    as_module = module_exists(tree, dotted)
    if as_module.present:
        return Found(as_module, MODULE, dotted)
    if "." not in dotted:
        return Found(as_module)
    parent_path, _, name = dotted.rpartition(".")
    parent = find_object(tree, parent_path, depth=depth + 1)
    if parent.presence is not Presence.PRESENT:
        return parent
    if parent.kind == MODULE:
        return _module_member(tree, parent_path, name, depth)
    if parent.kind == CLASS:
        return member_of(tree, parent, name, instance=False)
    return _unknown(f"{parent_path} is a {parent.kind or 'value'}: its attributes are not read")


def _module_member(tree: UpstreamTree, module: str, name: str, depth: int) -> Found:
    """``module.name``: what the module's last binding of ``name`` stands for. A name bound
    more than once where the last binding is conditional is unknown (which one runs?)."""
    found = name_exists(tree, module, name)
    if not found.present:
        return Found(found)
    parsed = _parse(tree, module)
    if parsed is None:
        return Found(found, VALUE, module)
    statement, problem = _last_binding(parsed, name)
    if problem:
        return _unknown(f"{module}.{name}: {problem}")
    if statement is None:
        if tree.module(f"{module}.{name}") is not None:
            return Found(found, MODULE, f"{module}.{name}")
        target = _star_target(tree, module, parsed, name)
    elif isinstance(statement, ast.ClassDef):
        return Found(found, CLASS, module, statement)
    elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return Found(found, FUNCTION, module, statement)
    else:
        target = _binding_target(tree, module, parsed, statement, name)
    if target is not None:
        followed = find_object(tree, target, depth=depth + 1)
        if followed.presence is Presence.PRESENT:
            return followed
    return Found(found, VALUE, module)  # bound, but to what cannot be told


def _last_binding(parsed: ast.Module, name: str) -> tuple[ast.stmt | None, str]:
    """The statement that binds ``name`` last at module level, or why that is not known."""
    found = [(s, top) for s, top in _level_statements(parsed.body, True) if _binds(s, name)]
    if not found:
        return None, ""
    statement, top = found[-1]
    if len(found) > 1 and not top:
        return None, f"bound {len(found)} times, the last one conditionally"
    return statement, ""


def _level_statements(body: list[ast.stmt], top: bool) -> Iterator[tuple[ast.stmt, bool]]:
    for statement in body:
        yield statement, top
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field_name in ("body", "orelse", "finalbody"):
            block = getattr(statement, field_name, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield from _level_statements(block, False)
        for handler in getattr(statement, "handlers", None) or []:
            yield from _level_statements(handler.body, False)


def _binds(statement: ast.stmt, name: str) -> bool:
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return statement.name == name
    if isinstance(statement, ast.Import):
        return any((a.asname or a.name.split(".")[0]) == name for a in statement.names)
    if isinstance(statement, ast.ImportFrom):
        return any((a.asname or a.name) == name for a in statement.names)
    if isinstance(statement, ast.Assign):
        return any(name in _names(target) for target in statement.targets)
    if isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
        return statement.value is not None and name in _names(statement.target)
    return False


def _binding_target(
    tree: UpstreamTree, module: str, parsed: ast.Module, statement: ast.stmt, name: str
) -> str | None:
    """The dotted path the binding ``statement`` makes ``name`` stand for, if it says:
    an import, ``LazyImport("m", "N")``, or another name of the module."""
    if isinstance(statement, ast.Import):
        for alias in statement.names:
            if alias.asname == name:
                return alias.name
            if not alias.asname and alias.name.split(".")[0] == name:
                return name
    if isinstance(statement, ast.ImportFrom):
        entry = tree.module(module)
        bindings = read_bindings(parsed, module, is_package=bool(entry and entry.is_package))
        for imported in bindings.from_imports.get(name, ()):
            if imported.line == statement.lineno and imported.module:
                return f"{imported.module}.{imported.name}"
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        if not (isinstance(statement.targets[0], ast.Name)):
            return None
        lazy = _lazy_import(statement.value)
        if lazy is not None:
            return lazy
        other = dotted(statement.value)
        if other and other.split(".")[0] != name:
            return f"{module}.{other}"
    return None


def _star_target(tree: UpstreamTree, module: str, parsed: ast.Module, name: str) -> str | None:
    """``star.name`` for the first star import of ``module`` that brings ``name``."""
    entry = tree.module(module)
    bindings = read_bindings(parsed, module, is_package=bool(entry and entry.is_package))
    for star in bindings.star_imports:
        if star.module and name_exists(tree, star.module, name).present:
            return f"{star.module}.{name}"
    return None


def _lazy_import(value: ast.expr) -> str | None:
    """``m.N`` of ``LazyImport("m", "N")`` (any callable named ``LazyImport``)."""
    if not isinstance(value, ast.Call) or dotted(value.func).rpartition(".")[2] != "LazyImport":
        return None
    strings = [
        a.value for a in value.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
    ]
    return f"{strings[0]}.{strings[1]}" if len(strings) == 2 == len(value.args) else None


# -- class members ------------------------------------------------------------------------


def member_of(tree: UpstreamTree, owner: Found, name: str, *, instance: bool) -> Found:
    """Whether the class ``owner`` (a present :class:`Found` of kind class) — or an
    instance of it — has the member ``name``, through its bases."""
    return _member(tree, owner, name, instance, frozenset())


def _member(
    tree: UpstreamTree, owner: Found, name: str, instance: bool, seen: frozenset[int]
) -> Found:
    node = owner.node
    assert isinstance(node, ast.ClassDef)
    where = f"{owner.module}.{node.name}"
    if id(node) in seen:
        return _unknown(f"{where} inherits from itself")
    members = _class_members(node)
    if name in members:
        kind, line, instance_only = members[name]
        found = Resolution(Presence.PRESENT, f"{where}.{name} ({owner.module}:{line})")
        if instance_only and not instance:
            return _unknown(f"{where}.{name} is set on instances only ({owner.module}:{line})")
        if kind == FIELD and not (instance and _makes_fields(tree, owner.module, node)):
            return _unknown(f"{where}.{name} is only annotated ({owner.module}:{line})")
        member_node = _named_def(node, name)
        return Found(found, kind, owner.module, member_node, instance_only)
    unknown: list[str] = []
    for hook in _ATTRIBUTE_HOOKS:
        if hook in members and name != hook:
            unknown.append(f"{where} defines {hook}")
    for decorator in node.decorator_list:
        shown = dotted(decorator.func if isinstance(decorator, ast.Call) else decorator)
        if shown not in _PLAIN_CLASS_DECORATORS:
            unknown.append(f"{where} is decorated with @{shown or ast.unparse(decorator)}")
    for keyword in node.keywords:
        if keyword.arg == "metaclass" and dotted(keyword.value) not in _PLAIN_METACLASSES:
            unknown.append(f"{where} has the metaclass {ast.unparse(keyword.value)}")
    for base in node.bases:
        shown = dotted(base.value if isinstance(base, ast.Subscript) else base)
        if shown in _PLAIN_BASES:
            continue
        parent = _base_class(tree, owner.module, base)
        if parent.presence is not Presence.PRESENT or parent.kind != CLASS:
            unknown.append(f"the base {ast.unparse(base)} of {where} does not resolve")
            continue
        inherited = _member(tree, parent, name, instance, seen | {id(node)})
        if inherited.presence is Presence.PRESENT:
            return inherited
        if inherited.presence is Presence.UNKNOWN:
            unknown.append(inherited.resolution.reason)
    if unknown:
        return _unknown(unknown[0])
    return _absent(f"{where} has no member {name}")


def _class_members(node: ast.ClassDef) -> dict[str, tuple[str, int, bool]]:
    """name → (kind, line, set on instances only) for every member the class body binds."""
    members: dict[str, tuple[str, int, bool]] = {}
    instance: dict[str, int] = {}
    for statement in _module_level(node.body):
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            is_property = any(
                dotted(d).endswith("property") or dotted(d).endswith(".setter")
                for d in statement.decorator_list
            )
            members.setdefault(
                statement.name, (VALUE if is_property else FUNCTION, statement.lineno, False)
            )
            instance.update(_self_assignments(statement))
        elif isinstance(statement, ast.ClassDef):
            members.setdefault(statement.name, (CLASS, statement.lineno, False))
        elif isinstance(statement, ast.Assign):
            for target in statement.targets:
                for name in _names(target):
                    members.setdefault(name, (VALUE, statement.lineno, False))
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            kind = VALUE if statement.value is not None else FIELD
            members.setdefault(statement.target.id, (kind, statement.lineno, False))
    for name, line in instance.items():
        if members.get(name, ("", 0, False))[0] == FIELD:
            members[name] = (VALUE, line, True)
        members.setdefault(name, (VALUE, line, True))
    return members


def _makes_fields(
    tree: UpstreamTree,
    module: str,
    node: ast.ClassDef,
    *,
    inherited: bool = False,
    depth: int = 0,
) -> bool:
    """Whether the class's bare annotations become instance attributes: a dataclass, or a
    model (pydantic's ``BaseModel``, ``msgspec.Struct``, ``NamedTuple``, directly or
    through bases of the package). A plain class with a bare ``x: int`` sets ``x`` nowhere,
    nor does a subclass of a dataclass that is not decorated itself."""
    decorators = {dotted(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list}
    if not inherited and decorators & {"dataclass", "dataclasses.dataclass"}:
        return True
    for base in node.bases:
        shown = dotted(base.value if isinstance(base, ast.Subscript) else base)
        if shown in _MODEL_BASES:
            return True
        parent = _base_class(tree, module, base)
        if (
            depth < 20
            and parent.kind == CLASS
            and isinstance(parent.node, ast.ClassDef)
            and _makes_fields(tree, parent.module, parent.node, inherited=True, depth=depth + 1)
        ):
            return True
    return False


def _self_assignments(method: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, int]:
    """``self.x = ...`` (any assignment form) in ``method``: name → line."""
    params = [*method.args.posonlyargs, *method.args.args]
    if not params:
        return {}
    me = params[0].arg
    found: dict[str, int] = {}
    for inner in ast.walk(method):
        targets: list[ast.expr] = []
        if isinstance(inner, ast.Assign):
            targets = list(inner.targets)
        elif isinstance(inner, (ast.AnnAssign, ast.AugAssign)):
            targets = [inner.target]
        for target in targets:
            for part in ast.walk(target):
                if (
                    isinstance(part, ast.Attribute)
                    and isinstance(part.value, ast.Name)
                    and part.value.id == me
                ):
                    found.setdefault(part.attr, inner.lineno)
    return found


def _base_class(tree: UpstreamTree, module: str, base: ast.expr) -> Found:
    """The class a base expression of a class in ``module`` names: the module's own
    binding of its first name, followed (``object``-like builtins do not resolve)."""
    shown = dotted(base.value if isinstance(base, ast.Subscript) else base)
    if not shown:
        return _unknown(f"computed base {ast.unparse(base)}")
    found = find_object(tree, f"{module}.{shown}")
    if found.presence is Presence.ABSENT:
        return _unknown(f"{shown} is not a class of {tree.package}")
    return found


# -- helpers ------------------------------------------------------------------------------


def _parse(tree: UpstreamTree, module: str) -> ast.Module | None:
    key = ("ast", module)
    if key not in tree.cache:
        source = tree.source(module)
        parsed = None
        if source is not None:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    parsed = ast.parse(source)
            except (SyntaxError, ValueError, RecursionError):
                parsed = None
        tree.cache[key] = parsed
    return tree.cache[key]


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """The statements of a module or class body, into ``if``/``try``/``with`` blocks but
    not into functions or classes."""
    for statement in body:
        yield statement
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for field_name in ("body", "orelse", "finalbody"):
            block = getattr(statement, field_name, None)
            if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                yield from _module_level(block)
        for handler in getattr(statement, "handlers", None) or []:
            yield from _module_level(handler.body)


def _named_def(node: ast.ClassDef, name: str) -> ast.AST | None:
    for statement in _module_level(node.body):
        defines = isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        if defines and statement.name == name:
            return statement
    return None


def _names(target: ast.expr) -> Iterator[str]:
    for inner in ast.walk(target):
        if isinstance(inner, ast.Name):
            yield inner.id


def dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    return ""
