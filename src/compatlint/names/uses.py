"""Which nodes of one file refer to a binding of another module (libcst, scope-aware).

Given the *aliases* of a binding (every (module, name) it is reachable as, from
:meth:`~compatlint.names.importers.ImporterIndex.aliases`), :func:`find_uses` returns the
import aliases of one file that bind it and every access that resolves to them: a ``Name``
whose only referents are those imports, or an ``Attribute`` chain ``s.X`` / ``a.b.c.X``
whose base resolves to an import of the right module. Resolution goes through libcst's
``ScopeProvider`` (``scope.assignments`` and their references), so a parameter, a local, a
comprehension variable, a class attribute, an ``except ... as`` or a ``for`` target that
shares the name is not a use, and an access that may refer to the import *or* to another
binding (a module-level rebinding) is reported as a value use: it cannot be edited blindly.
Scopes, parents and positions are resolved once per file.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import (
    Assignment,
    BuiltinAssignment,
    CodeRange,
    MetadataWrapper,
    PositionProvider,
    Scope,
    ScopeProvider,
)

from compatlint.names.importers import Alias
from compatlint.names.modules import resolve_relative
from compatlint.names.parents import parent_map

__all__ = [
    "FileUses",
    "ModuleLookup",
    "NameBinding",
    "ResolvedFile",
    "alias_for",
    "bare_call_statement",
    "bindings_of",
    "find_uses",
    "head_shadowing",
    "unbound_uses",
]


class ModuleLookup(Protocol):
    """What the finder needs of the project: does ``module.attribute`` name a module."""

    def submodule(self, module: str, attribute: str) -> str | None: ...


@dataclass
class FileUses:
    """The uses of one binding in one file."""

    imports: list[cst.ImportAlias] = field(default_factory=list)
    bare_calls: list[cst.Expr] = field(default_factory=list)
    value_uses: list[int] = field(default_factory=list)
    star_imports: list[int] = field(default_factory=list)
    working_calls: list[int] = field(default_factory=list)  # calls whose arguments run code

    def __bool__(self) -> bool:
        return bool(
            self.imports
            or self.bare_calls
            or self.value_uses
            or self.star_imports
            or self.working_calls
        )


class ResolvedFile:
    """One file's concrete tree with its scopes, parents and positions, each resolved once,
    when first asked for: a codemod that learns what it needs from ``ast`` (see
    :mod:`compatlint.names.quick`) never pays for the scope analysis of a big file."""

    def __init__(
        self,
        wrapper: MetadataWrapper,
        package: str | None,
        parents: Mapping[cst.CSTNode, cst.CSTNode] | None = None,
    ) -> None:
        self.wrapper = wrapper
        self.module = wrapper.module
        self.package = package
        self._parents = parents
        self._imports: list[tuple[Assignment, cst.Import | cst.ImportFrom]] | None = None
        # Lines known without positions (from ``ast``), for the nodes a quick edit touches.
        self.known_lines: dict[cst.CSTNode, int] = {}

    @functools.cached_property
    def scopes(self) -> Mapping[cst.CSTNode, Scope | None]:
        return self.wrapper.resolve(ScopeProvider)

    @functools.cached_property
    def positions(self) -> Mapping[cst.CSTNode, CodeRange]:
        return self.wrapper.resolve(PositionProvider)

    @functools.cached_property
    def parents(self) -> Mapping[cst.CSTNode, cst.CSTNode]:
        return parent_map(self.module) if self._parents is None else self._parents

    def line_of(self, node: cst.CSTNode) -> int:
        known = self.known_lines.get(node)
        return known if known is not None else self.positions[node].start.line

    def import_assignments(self) -> list[tuple[Assignment, cst.Import | cst.ImportFrom]]:
        """Every binding made by an import statement, in every scope."""
        if self._imports is None:
            found = []
            for scope in {scope for scope in self.scopes.values() if scope is not None}:
                for assignment in scope.assignments:
                    node = getattr(assignment, "node", None)
                    if isinstance(node, (cst.Import, cst.ImportFrom)) and isinstance(
                        assignment, Assignment
                    ):
                        found.append((assignment, node))
            self._imports = sorted(found, key=lambda pair: self.line_of(pair[1]))
        return self._imports

    def source_of(self, node: cst.ImportFrom) -> str | None:
        module = get_full_name_for_node(node.module) if node.module is not None else None
        return resolve_relative(module, len(node.relative), self.package)


def bare_call_statement(
    parents: Mapping[cst.CSTNode, cst.CSTNode], target: cst.CSTNode
) -> cst.Expr | None:
    """The ``Expr`` statement if ``target`` is called and the result dropped
    (``f()``, ``m.f()``, ``await f()``), else None. A call whose arguments may run code
    (``f(setup())``, ``f(obj.attr)``, ``f(*args)``) is no bare call: removing it would
    remove that work too."""
    call = parents.get(target)
    if not isinstance(call, cst.Call) or call.func is not target:
        return None
    if not _inert_arguments(call):
        return None
    outer: cst.CSTNode | None = parents.get(call)
    value: cst.CSTNode = call
    if isinstance(outer, cst.Await) and outer.expression is call:
        value, outer = outer, parents.get(outer)
    if isinstance(outer, cst.Expr) and outer.value is value:
        return outer
    return None


def call_with_work(parents: Mapping[cst.CSTNode, cst.CSTNode], target: cst.CSTNode) -> bool:
    """Whether ``target`` is called with arguments that may run code (see
    :func:`bare_call_statement`)."""
    call = parents.get(target)
    return isinstance(call, cst.Call) and call.func is target and not _inert_arguments(call)


def _inert_arguments(call: cst.Call) -> bool:
    return all(not arg.star and inert(arg.value) for arg in call.args)


def inert(node: cst.BaseExpression) -> bool:
    """Whether evaluating ``node`` runs no code of the program: a literal (no f-string),
    a name, or a container of those."""
    if isinstance(node, (cst.Name, cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary)):
        return True
    if isinstance(node, cst.ConcatenatedString):
        return inert(node.left) and inert(node.right)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, (cst.Minus, cst.Plus)):
        return isinstance(node.expression, (cst.Integer, cst.Float, cst.Imaginary))
    if isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        return all(
            isinstance(element, cst.Element) and inert(element.value) for element in node.elements
        )
    if isinstance(node, cst.Dict):
        return all(
            isinstance(element, cst.DictElement) and inert(element.key) and inert(element.value)
            for element in node.elements
        )
    return False


#: What an import binding stands for: ("name", "") — the binding itself, under any alias
#: — or ("module", dotted module).
_Target = tuple[str, str]


def _target(targets: Mapping[Assignment, _Target], referent: object) -> _Target | None:
    return targets.get(referent) if isinstance(referent, Assignment) else None


def find_uses(
    file: ResolvedFile,
    aliases: frozenset[Alias],
    modules: ModuleLookup,
    reach: Collection[str] | None = None,
) -> FileUses:
    """The uses of the binding whose aliases are ``aliases`` in ``file``. ``reach``: the
    dotted paths through which attribute access leads to an alias module (the modules and
    their bindings under other names elsewhere, as
    :meth:`~compatlint.names.importers.ImporterIndex.reach_paths` gives them; default:
    the alias modules). An alias module itself used as a value (``c = compat``) is a value
    use: any of its names may be read from it."""
    uses = FileUses()
    alias_modules = {module for module, _ in aliases}
    reach = alias_modules if reach is None else reach
    targets: dict[Assignment, _Target] = {}
    for assignment, node in file.import_assignments():
        target = _target_of(file, assignment, node, aliases, reach, modules)
        if target is not None:
            targets[assignment] = target
    seen: set[cst.CSTNode] = set()
    for assignment, (kind, value) in targets.items():
        if kind == "name":
            alias = alias_for(assignment.node, assignment.name)
            if alias is not None and alias not in seen:
                seen.add(alias)
                uses.imports.append(alias)
        for access in assignment.references:
            node = access.node
            if node in seen:
                continue
            seen.add(node)
            referents = {_target(targets, referent) for referent in access.referents}
            ambiguous = referents != {(kind, value)}
            if "." in assignment.name:
                shadowing = head_shadowing(file.scopes, node, assignment.name.split(".")[0])
                if shadowing == "all":
                    continue
                ambiguous = ambiguous or shadowing == "some"
            if kind == "name":
                _classify(file, node, ambiguous, uses)
            else:
                used = _attribute_use(file, node, value, aliases, modules)
                if used is not None:
                    _classify(file, used, ambiguous, uses)
    _star_imports(file, aliases, uses)
    uses.value_uses.sort()
    return uses


def import_binding(
    file: ResolvedFile,
    assignment: Assignment,
    node: cst.Import | cst.ImportFrom,
    modules: ModuleLookup,
) -> tuple[str | None, str, str | None] | None:
    """What one import binding binds: the source module of a from-import (None for
    ``import``), the dotted name it imports, and the project module it binds, if any."""
    alias = alias_for(node, assignment.name)
    if alias is None:
        return None
    full = get_full_name_for_node(alias.name) or ""
    if isinstance(node, cst.ImportFrom):
        source = file.source_of(node)
        if source is None:
            return None
        return source, full, modules.submodule(source, full)
    # `import a.b.c` binds `a` and (for libcst) the dotted prefixes it names;
    # `import a.b as c` binds the module `a.b` to `c`.
    return None, full, full if alias.asname is not None else assignment.name


def _target_of(
    file: ResolvedFile,
    assignment: Assignment,
    node: cst.Import | cst.ImportFrom,
    aliases: frozenset[Alias],
    reach: Collection[str],
    modules: ModuleLookup,
) -> _Target | None:
    """What one import binding stands for, if it leads to one of ``aliases`` (a module
    from which attribute access follows one of the ``reach`` paths)."""
    found = import_binding(file, assignment, node, modules)
    if found is None:
        return None
    source, full, bound = found
    if source is not None and (source, full) in aliases:
        return ("name", "")  # every alias is the same binding
    if bound is not None and any(m == bound or m.startswith(bound + ".") for m in reach):
        return ("module", bound)
    return None


def head_shadowing(scopes: Mapping[cst.CSTNode, Scope | None], node: cst.CSTNode, head: str) -> str:
    """Whether the bindings of ``head`` visible at ``node`` (an access of a dotted import
    ``head.x``) are imports ("none"), other bindings only ("all") or a mix ("some").

    libcst resolves a dotted access to ``import head.x`` by its text, even where ``head``
    is a parameter or a local; this asks the scope about ``head`` itself.
    """
    scope = scopes.get(node)
    if scope is None:
        return "some"
    visible = scope[head]
    imports = [a for a in visible if isinstance(getattr(a, "node", None), cst.Import)]
    if len(imports) == len(visible):
        return "none"
    return "some" if imports else "all"


def _attribute_use(
    file: ResolvedFile,
    node: cst.CSTNode,
    module: str,
    aliases: frozenset[Alias],
    modules: ModuleLookup,
) -> cst.Attribute | None:
    """The ``Attribute`` on top of ``node`` (which names ``module``) that reaches an
    alias: ``c.X``, ``pkg._compat.X``, ``pkg.sub.X`` ...; or the node naming an alias
    module where it is not the head of an attribute access: the module as a value."""
    alias_modules = {source for source, _ in aliases}
    current: str | None = module
    while current is not None:
        parent = file.parents.get(node)
        if not (isinstance(parent, cst.Attribute) and parent.value is node):
            return node if current in alias_modules else None
        attribute = parent.attr.value
        if (current, attribute) in aliases:
            return parent
        current = modules.submodule(current, attribute)
        node = parent
    return None


def _classify(file: ResolvedFile, node: cst.CSTNode, ambiguous: bool, uses: FileUses) -> None:
    statement = None if ambiguous else bare_call_statement(file.parents, node)
    if statement is not None:
        uses.bare_calls.append(statement)
    elif not ambiguous and call_with_work(file.parents, node):
        uses.working_calls.append(file.line_of(node))
    else:
        uses.value_uses.append(file.line_of(node))


def _star_imports(file: ResolvedFile, aliases: frozenset[Alias], uses: FileUses) -> None:
    """A star import of an alias' module, in a file that names the alias: the name's
    uses cannot be told apart from any other binding's, so they are never edited."""
    names = {name for _, name in aliases}
    nodes = list(file.positions)
    mentioned = {node.value for node in nodes if isinstance(node, cst.Name)} & names
    for node in nodes:
        if isinstance(node, cst.ImportFrom) and isinstance(node.names, cst.ImportStar):
            source = file.source_of(node)
            if any((source, name) in aliases for name in mentioned):
                uses.star_imports.append(file.line_of(node))


def alias_for(node: cst.CSTNode, bound: str) -> cst.ImportAlias | None:
    """The alias of an import statement that binds ``bound``."""
    if not isinstance(node, (cst.Import, cst.ImportFrom)) or isinstance(node.names, cst.ImportStar):
        return None
    for alias in node.names:
        full = get_full_name_for_node(alias.name) or ""
        if alias.asname is not None:
            if alias.evaluated_alias == bound:
                return alias
        elif isinstance(node, cst.ImportFrom):
            if full == bound:
                return alias
        elif full == bound or full.startswith(bound + "."):
            return alias
    return None


@dataclass(frozen=True)
class NameBinding:
    """One binding of a name in one scope of a file, and the lines that may read it."""

    node: cst.CSTNode
    scope: Scope
    line: int  # 0: the binding has no position of its own
    references: tuple[int, ...]


def bindings_of(file: ResolvedFile, name: str) -> list[NameBinding]:
    """Every binding of ``name`` in every scope of ``file`` (imports, assignments,
    parameters, definitions, loop and ``except`` targets ...), in line order."""
    found: list[NameBinding] = []
    for scope in _scopes(file):
        for assignment in scope.assignments[name]:
            node = getattr(assignment, "node", None)
            if not isinstance(node, cst.CSTNode):
                continue
            lines = sorted(
                file.line_of(access.node)
                for access in assignment.references
                if access.node in file.positions
            )
            line = file.line_of(node) if node in file.positions else 0
            found.append(NameBinding(node, scope, line, tuple(lines)))
    return sorted(found, key=lambda binding: binding.line)


def unbound_uses(file: ResolvedFile, name: str) -> list[int]:
    """Lines that read ``name`` where the file binds it nowhere in reach: a builtin, or
    a global some other code provides."""
    lines = {
        file.line_of(access.node)
        for scope in _scopes(file)
        for access in scope.accesses[name]
        if access.node in file.positions
        and all(isinstance(referent, BuiltinAssignment) for referent in access.referents)
    }
    return sorted(lines)


def _scopes(file: ResolvedFile) -> list[Scope]:
    # Scopes hash by identity; dict.fromkeys keeps the first-seen order.
    return list(dict.fromkeys(scope for scope in file.scopes.values() if scope is not None))
