"""Where a tagged definition is used: bare calls (removable) and value uses (manual work).

A definition may go only if every use is a *bare call* — an expression statement that
calls it and drops the result (``ensure_x()``, ``_compat.ensure_x()``, ``await
ensure_x()``). Anything else (an assignment from it, an argument, a re-export in
``__all__``, a use that may refer to another binding) keeps the definition and turns it
into a manual follow-up. Which files reach the definition — directly, through package
``__init__`` re-exports, through module bindings — comes from the project's
:class:`~compatlint.names.importers.ImporterIndex`; which nodes of a file are its uses from
the scope-aware :func:`~compatlint.names.uses.find_uses`.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper, ScopeProvider

from compatlint.codemods.blocks import BlockEditor, EditActions
from compatlint.codemods.locate import NodeIndex, parse_module
from compatlint.codemods.plan import CallSiteEdit
from compatlint.config import Config
from compatlint.errors import SourceError
from compatlint.names.bindings import read_bindings
from compatlint.names.importers import ImporterIndex
from compatlint.names.modules import module_name, package_of
from compatlint.names.uses import ResolvedFile, call_with_work, find_uses
from compatlint.names.uses import bare_call_statement as _bare_call


@dataclass
class NameUses:
    """The uses of one definition in one file."""

    bare_calls: list[cst.CSTNode] = field(default_factory=list)
    aliases: list[cst.ImportAlias] = field(default_factory=list)
    value_uses: list[int] = field(default_factory=list)
    blocked: str | None = None
    working_calls: list[int] = field(default_factory=list)  # arguments that run code


def bare_call_statement(index: NodeIndex, target: cst.CSTNode) -> cst.Expr | None:
    """The ``Expr`` statement if ``target`` is called and the result dropped, else None."""
    return _bare_call(index.parents, target)


def shim_uses(index: NodeIndex, definition: cst.FunctionDef | cst.ClassDef) -> NameUses:
    """The uses of a module-level definition inside its own shim (scope-resolved: a
    parameter or local of the same name is not a use)."""
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
        if statement is not None:
            uses.bare_calls.append(statement)
        elif call_with_work(index.parents, node):
            uses.working_calls.append(line)
        else:
            uses.value_uses.append(line)
    return uses


@dataclass
class _ParsedFile:
    path: str
    text: str
    index: NodeIndex
    resolved: ResolvedFile


class CallSiteScanner:
    """Finds the uses of shim definitions across the project's files, parsing lazily."""

    def __init__(
        self,
        config: Config,
        sources: Mapping[str, str],
        shim: str,
        importers: ImporterIndex | None = None,
    ) -> None:
        self.config = config
        self.sources = sources
        self.shim = shim
        self.importers = importers or ImporterIndex(sources, config.src)
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
                wrapper = MetadataWrapper(module, unsafe_skip_copy=True)  # a fresh parse
                index = NodeIndex(wrapper, text)
                package = package_of(name, is_package)
                self._files[path] = _ParsedFile(
                    path, text, index, ResolvedFile(wrapper, package, index.parents)
                )
        return self._files[path]

    def uses(self, name: str) -> dict[str, NameUses]:
        """Per file, the uses of the shim's ``name``: every file that imports it, under
        any alias, through any chain of re-exports (files that do not parse: blocked)."""
        found: dict[str, NameUses] = {}
        if self.shim_module is None:
            return found
        self.importers.search((name,))  # asked below: it narrows the alias search too
        aliases = self.importers.aliases(self.shim_module, name)
        names = {alias_name for _, alias_name in aliases}
        for path in self.importers.mentioning(names):
            if path != self.shim and self.importers.parsed(path) is None:
                found[path] = NameUses(blocked=f"{path} does not parse")
        alias_modules = {module for module, _ in aliases}
        reach = alias_modules | self.importers.reach_paths({self.shim_module})
        for path in sorted(self.importers.importers(self.shim_module, name, aliases)):
            if path == self.shim:
                continue
            parsed = self._parse(path)
            if isinstance(parsed, str):
                found[path] = NameUses(blocked=parsed)
                continue
            file_uses = find_uses(parsed.resolved, aliases, self.importers, reach)
            uses = NameUses(
                bare_calls=list(file_uses.bare_calls),
                aliases=list(file_uses.imports),
                value_uses=list(file_uses.value_uses),
                working_calls=list(file_uses.working_calls),
            )
            if file_uses.star_imports:
                uses.blocked = f"{path} star-imports the shim or a module that re-exports it"
            bound = {alias.evaluated_alias or _imported(alias) for alias in uses.aliases}
            if any(_in_dunder_all(parsed.index.module, local) for local in bound):
                uses.blocked = f"{path} re-exports it in __all__"
            if (
                uses.bare_calls
                or uses.aliases
                or uses.value_uses
                or uses.blocked
                or uses.working_calls
            ):
                found[path] = uses
        # The shim module used as a value: the name may be read from it, spelled or not;
        # and a string may name the module or the name (``mock.patch("pkg._compat.X")``).
        reads = [(e.path, e.line) for e in self.importers.module_escapes(self.shim_module)]
        reads += [
            (path, line)
            for path, line, named in self.importers.strings_naming(self.shim_module)
            if named in (None, name)
        ]
        for path, line in reads:
            if path != self.shim:
                uses = found.setdefault(path, NameUses())
                if line not in uses.value_uses:
                    uses.value_uses.append(line)
        return found

    def wrapper_for(self, path: str, text: str) -> MetadataWrapper | None:
        """The tree this scanner parsed ``path`` into, scopes resolved, when it parsed
        exactly ``text`` (the clean-up after an edit reads it again instead of a re-parse)."""
        parsed = self._files.get(path)
        if isinstance(parsed, _ParsedFile) and parsed.text == text:
            return parsed.index.wrapper
        return None

    def edit(self, path: str, uses: Mapping[str, NameUses]) -> tuple[str, list[CallSiteEdit]]:
        """The text of ``path`` without the bare calls and imports in ``uses`` (per name)."""
        parsed = self._parse(path)
        assert isinstance(parsed, _ParsedFile)
        actions = EditActions()
        done: list[CallSiteEdit] = []
        for name, use in uses.items():
            for statement in use.bare_calls:
                actions.remove.add(statement)
                line = parsed.index.line_of(statement)
                done.append(CallSiteEdit(path, line, "bare call removed", name))
            for alias in use.aliases:
                actions.remove_aliases.add(alias)
                done.append(CallSiteEdit(path, parsed.index.line_of(alias), "import removed", name))
        new_module = parsed.index.module.visit(BlockEditor(actions))
        return new_module.code, sorted(done, key=lambda edit: (edit.line, edit.action))


def _imported(alias: cst.ImportAlias) -> str:
    name = alias.name
    return name.value if isinstance(name, cst.Name) else ""


def _in_dunder_all(module: cst.Module, name: str) -> bool:
    """Whether the module's ``__all__``, in any written form, may list ``name`` (a computed
    or unreadable one may)."""
    try:
        bindings = read_bindings(ast.parse(module.code))
    except (SyntaxError, ValueError):
        return True
    listed = bindings.all_names
    return bindings.has_all and (listed is None or name in listed)
