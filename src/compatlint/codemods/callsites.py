"""Where a tagged definition is used: bare calls (removable) and value uses (manual work).

A definition may go only if every use is a *bare call* — an expression statement that
calls it and drops the result (``ensure_x()``, ``_compat.ensure_x()``, ``await
ensure_x()``). Anything else (an assignment from it, an argument, a re-export) keeps the
definition and turns it into a manual follow-up. Direct imports are resolved with
libcst's scope analysis; ``module.name`` uses are matched against the names the shim
module is imported under.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field

import libcst as cst
import libcst.matchers as m
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper, ScopeProvider

from compatlint.codemods.blocks import BlockEditor, EditActions
from compatlint.codemods.locate import NodeIndex, parse_module
from compatlint.codemods.plan import CallSiteEdit
from compatlint.config import Config
from compatlint.errors import SourceError
from compatlint.names.bindings import read_bindings
from compatlint.names.modules import module_name, resolve_relative


@dataclass
class NameUses:
    """The uses of one definition in one file."""

    bare_calls: list[cst.CSTNode] = field(default_factory=list)
    aliases: list[cst.ImportAlias] = field(default_factory=list)
    value_uses: list[int] = field(default_factory=list)
    blocked: str | None = None


def bare_call_statement(index: NodeIndex, target: cst.CSTNode) -> cst.Expr | None:
    """The ``Expr`` statement if ``target`` is called and the result dropped, else None."""
    call = index.parent(target)
    if not isinstance(call, cst.Call) or call.func is not target:
        return None
    outer: cst.CSTNode | None = index.parent(call)
    value: cst.CSTNode = call
    if isinstance(outer, cst.Await) and outer.expression is call:
        value, outer = outer, index.parent(outer)
    if isinstance(outer, cst.Expr) and outer.value is value:
        return outer
    return None


def shim_uses(index: NodeIndex, definition: cst.FunctionDef | cst.ClassDef) -> NameUses:
    """The uses of a module-level definition inside its own shim."""
    uses = NameUses()
    scopes = index.wrapper.resolve(ScopeProvider)
    scope = scopes.get(definition)
    name = definition.name.value
    if scope is None:
        uses.blocked = "its scope could not be resolved"
        return uses
    assignments = list(scope.assignments[name])
    if len(assignments) != 1:
        uses.blocked = f"{name} is bound more than once in the shim"
        return uses
    span = index.positions[definition]
    for access in assignments[0].references:
        node = access.node
        line = index.line_of(node)
        if span.start.line <= line <= span.end.line:
            continue
        statement = bare_call_statement(index, node)
        if statement is None:
            uses.value_uses.append(line)
        else:
            uses.bare_calls.append(statement)
    return uses


@dataclass
class _ParsedFile:
    path: str
    text: str
    index: NodeIndex
    package: str | None


class CallSiteScanner:
    """Finds the uses of shim definitions across the project's files, parsing lazily."""

    def __init__(self, config: Config, sources: Mapping[str, str], shim: str) -> None:
        self.config = config
        self.sources = sources
        self.shim = shim
        self.shim_module, _ = module_name(shim, config.src)
        self._files: dict[str, _ParsedFile | str] = {}

    def _parse(self, path: str) -> _ParsedFile | str:
        if path not in self._files:
            text = self.sources[path]
            try:
                module = parse_module(text, path)
            except SourceError as exc:
                self._files[path] = f"{path} does not parse ({exc.message})"
            else:
                name, is_package = module_name(path, self.config.src)
                if name is None:
                    package = None
                elif is_package:
                    package = name
                else:
                    package = name.rpartition(".")[0]
                self._files[path] = _ParsedFile(
                    path, text, NodeIndex(MetadataWrapper(module), text), package
                )
        return self._files[path]

    def uses(self, name: str) -> dict[str, NameUses]:
        """Per file, the uses of the shim's ``name`` (only files that mention it)."""
        found: dict[str, NameUses] = {}
        if self.shim_module is None:
            return found
        for path, text in self.sources.items():
            if path == self.shim or not path.endswith(".py") or name not in text:
                continue
            parsed = self._parse(path)
            if isinstance(parsed, str):
                found[path] = NameUses(blocked=parsed)
                continue
            uses = self._file_uses(parsed, name)
            if uses.bare_calls or uses.aliases or uses.value_uses or uses.blocked:
                found[path] = uses
        return found

    def _resolve(self, parsed: _ParsedFile, node: cst.ImportFrom) -> str | None:
        module = get_full_name_for_node(node.module) if node.module is not None else None
        return resolve_relative(module, len(node.relative), parsed.package)

    def _file_uses(self, parsed: _ParsedFile, name: str) -> NameUses:
        uses = NameUses()
        index = parsed.index
        shim_module = self.shim_module or ""
        parent_module, _, leaf = shim_module.rpartition(".")
        module_aliases: set[str] = set()
        scopes = index.wrapper.resolve(ScopeProvider)
        for scope in {scope for scope in scopes.values() if scope is not None}:
            for assignment in scope.assignments:
                node = getattr(assignment, "node", None)
                if isinstance(node, cst.ImportFrom):
                    if isinstance(node.names, cst.ImportStar):
                        continue
                    source = self._resolve(parsed, node)
                    alias = _alias_for(node, assignment.name)
                    if alias is None:
                        continue
                    imported = get_full_name_for_node(alias.name)
                    if source == shim_module and imported == name:
                        uses.aliases.append(alias)
                        for access in assignment.references:
                            self._classify(index, access.node, uses)
                    elif source == parent_module and imported == leaf:
                        module_aliases.add(assignment.name)
                elif isinstance(node, cst.Import):
                    alias = _alias_for(node, assignment.name)
                    if alias is not None and get_full_name_for_node(alias.name) == shim_module:
                        module_aliases.add(alias.evaluated_alias or shim_module)
        for star in m.findall(index.module, m.ImportFrom(names=m.ImportStar())):
            assert isinstance(star, cst.ImportFrom)
            if self._resolve(parsed, star) == shim_module and m.findall(index.module, m.Name(name)):
                uses.blocked = f"{parsed.path} star-imports the shim"
        if module_aliases:
            for attribute in m.findall(index.module, m.Attribute(attr=m.Name(name))):
                assert isinstance(attribute, cst.Attribute)
                if get_full_name_for_node(attribute.value) in module_aliases:
                    self._classify(index, attribute, uses)
        if _in_dunder_all(index.module, name) and uses.aliases:
            uses.blocked = f"{parsed.path} re-exports it in __all__"
        return uses

    @staticmethod
    def _classify(index: NodeIndex, target: cst.CSTNode, uses: NameUses) -> None:
        statement = bare_call_statement(index, target)
        if statement is None:
            uses.value_uses.append(index.line_of(target))
        else:
            uses.bare_calls.append(statement)

    def edit(self, path: str, uses: Mapping[str, NameUses]) -> tuple[str, list[CallSiteEdit]]:
        """The text of ``path`` without the bare calls and imports in ``uses`` (per name)."""
        parsed = self._parse(path)
        assert isinstance(parsed, _ParsedFile)
        actions = EditActions()
        done: list[CallSiteEdit] = []
        for name, use in uses.items():
            for statement in use.bare_calls:
                actions.remove.add(id(statement))
                line = parsed.index.line_of(statement)
                done.append(CallSiteEdit(path, line, "bare call removed", name))
            for alias in use.aliases:
                actions.remove_aliases.add(id(alias))
                done.append(CallSiteEdit(path, parsed.index.line_of(alias), "import removed", name))
        new_module = parsed.index.module.visit(BlockEditor(actions))
        return new_module.code, sorted(done, key=lambda edit: (edit.line, edit.action))


def _alias_for(node: cst.Import | cst.ImportFrom, bound: str) -> cst.ImportAlias | None:
    """The alias of an import statement that binds ``bound``."""
    names = node.names
    if isinstance(names, cst.ImportStar):
        return None
    for alias in names:
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


def _in_dunder_all(module: cst.Module, name: str) -> bool:
    """Whether the module's ``__all__``, in any written form, may list ``name`` (a computed
    or unreadable one may)."""
    try:
        bindings = read_bindings(ast.parse(module.code))
    except (SyntaxError, ValueError):
        return True
    listed = bindings.all_names
    return bindings.has_all and (listed is None or name in listed)
