"""``inline``: import the shim's trivial re-exports from the upstream, then drop them.

A *trivial re-export* is a name the shim binds with an unconditional module-level
``from <upstream>.x import Name [as Alias]`` (a ``re-export`` site of the analysis) and
neither uses nor binds again (libcst scope analysis; ``__all__`` is not a use), which
another module imports from the shim. :func:`plan_inline` is pure — relative path → text
in, an :class:`InlinePlan` out:

1. every importer is rewritten to bind the name from the upstream directly:
   ``from pkg._compat import A`` / ``from ._compat import A as B`` lose the name and a
   ``from upstream.x import A [as B]`` joins the same import block; ``compat.A`` (after
   ``import pkg._compat as compat``, ``from .. import _compat`` or ``import pkg._compat``)
   becomes a bare ``A`` bound the same way, unless ``A`` already means something else
   there — then the importer is left alone and listed as manual work; a module import of
   the shim goes when nothing else of it is used;
2. the added line takes the place of the shim import it replaces (or follows it, when
   that import keeps other names); then the :class:`~compatlint.codemods.sorting.ImportSorter`
   given (ruff, from the command layer) sorts each edited import block that was sorted
   before the edit — which merges the line into an import of the same module, in the
   section and position the project's settings give — and leaves the others as they are;
3. the shim loses the inlined names and their ``__all__`` entries — unless an importer
   left alone, or one that uses the shim module as a value, may still need them; a shim
   left trivial (docstring, imports, ``__all__``, a logger) that nothing imports any more
   is deleted (``Edit.new_text`` None), with the imports of it that import nothing any
   more and its ``__all__`` entries in ``__init__`` files.

Nothing outside the edited import statements and the rewritten attributes changes.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import (
    Assignment,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    Scope,
    ScopeProvider,
)

from compatlint.analysis.project import grammar_for, shim_model
from compatlint.analysis.shapes import root_of
from compatlint.analysis.shim import is_trivial
from compatlint.codemods.blocks import (
    BlockEditor,
    EditActions,
    StatementStream,
    has_comment,
)
from compatlint.codemods.config_edit import remove_shim_entry
from compatlint.codemods.sequences import remove_aliases, remove_items
from compatlint.codemods.sorting import Anchor, BlockEdit, ImportSorter
from compatlint.config import Config, config_name
from compatlint.errors import SourceError
from compatlint.model import Edit, SiteKind
from compatlint.names.modules import module_name, package_of, resolve_relative
from compatlint.names.uses import head_shadowing

_BOM = "\ufeff"


# -- the report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImporterEdit:
    """One importer's change for one name: an import moved, or ``module.name`` rewritten."""

    path: str
    line: int
    action: str

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "action": self.action}


@dataclass(frozen=True)
class InlinedName:
    """A re-export the importers now take from the upstream directly."""

    shim: str
    name: str
    module: str
    upstream_name: str
    removed_from_shim: bool
    importers: tuple[ImporterEdit, ...] = ()

    @property
    def statement(self) -> str:
        alias = "" if self.name == self.upstream_name else f" as {self.name}"
        return f"from {self.module} import {self.upstream_name}{alias}"

    def to_json(self) -> dict[str, Any]:
        return {
            "shim": self.shim,
            "name": self.name,
            "module": self.module,
            "upstream_name": self.upstream_name,
            "removed_from_shim": self.removed_from_shim,
            "importers": [edit.to_json() for edit in self.importers],
        }


@dataclass(frozen=True)
class ManualItem:
    """Something inline left alone that a person has to look at."""

    path: str
    line: int
    name: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "name": self.name, "reason": self.reason}


@dataclass(frozen=True)
class KeptName:
    """A re-export with importers that stays in the shim, and why."""

    shim: str
    line: int
    name: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"shim": self.shim, "line": self.line, "name": self.name, "reason": self.reason}


@dataclass
class InlinePlan:
    """New texts per path (``Edit.new_text`` None: delete) and the report behind them."""

    edits: dict[str, Edit] = field(default_factory=dict)
    inlined: list[InlinedName] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    manual: list[ManualItem] = field(default_factory=list)
    kept: list[KeptName] = field(default_factory=list)
    unknown_only: list[str] = field(default_factory=list)
    sorter: dict[str, Any] = field(default_factory=lambda: {"sorter": None})

    @property
    def changed(self) -> bool:
        return any(edit.new_text != edit.old_text for edit in self.edits.values())

    def new_text(self, path: str, default: str) -> str | None:
        """The planned text of ``path`` (None: deleted; ``default``: untouched)."""
        edit = self.edits.get(path)
        return default if edit is None else edit.new_text

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "changed": self.changed,
            "files": sorted(self.edits),
            "inlined": [item.to_json() for item in self.inlined],
            "deleted": list(self.deleted),
            "manual": [item.to_json() for item in self.manual],
            "kept": [item.to_json() for item in self.kept],
            "unknown_only": list(self.unknown_only),
            "sorter": dict(self.sorter),
        }


# -- the shim -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReExport:
    """A name the shim binds with an unconditional ``from upstream.x import``."""

    name: str
    module: str
    original: str
    line: int


@dataclass
class _ShimFacts:
    path: str
    module: str
    text: str
    candidates: dict[str, ReExport] = field(default_factory=dict)
    aliases: dict[str, cst.ImportAlias] = field(default_factory=dict)
    kept: dict[str, KeptName] = field(default_factory=dict)
    wrapper: MetadataWrapper | None = None


def _shim_facts(config: Config, path: str, text: str, shim_module: str) -> _ShimFacts:
    """The shim's re-export sites, split into trivial candidates and kept names."""
    facts = _ShimFacts(path, shim_module, text)
    model = shim_model(config, path, text, grammar_for(config))
    sites = [site for site in model.sites if site.kind is SiteKind.RE_EXPORT]
    if not sites:
        return facts
    wrapper = MetadataWrapper(_parse(text, path))
    facts.wrapper = wrapper
    positions = wrapper.resolve(PositionProvider)
    scopes = wrapper.resolve(ScopeProvider)
    lines = {site.line for site in sites}
    for statement in wrapper.module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        line = positions[statement].start.line
        if line not in lines:
            continue
        for small in statement.body:
            if not isinstance(small, cst.ImportFrom) or isinstance(small.names, cst.ImportStar):
                continue
            if small.relative or small.module is None:
                continue
            module = get_full_name_for_node(small.module) or ""
            if root_of(module) not in {root_of(u) for u in config.upstreams}:
                continue
            scope = scopes.get(small)
            for alias in small.names:
                original = get_full_name_for_node(alias.name) or ""
                bound = alias.evaluated_alias or original
                where = positions[alias].start.line
                reason = _shim_use(scope, bound, small, positions)
                if reason is not None:
                    facts.kept[bound] = KeptName(path, where, bound, reason)
                    continue
                facts.candidates[bound] = ReExport(bound, module, original, where)
                facts.aliases[bound] = alias
    return facts


def _shim_use(scope: Scope | None, bound: str, node: cst.ImportFrom, positions) -> str | None:
    """Why the shim's ``bound`` is not a trivial re-export, or None if it is one."""
    if scope is None:  # pragma: no cover - module-level imports always have a scope
        return "its scope could not be resolved"
    assignments = list(scope.assignments[bound])
    if len(assignments) != 1 or getattr(assignments[0], "node", None) is not node:
        return "bound more than once in the shim"
    lines = [
        positions[access.node].start.line if access.node in positions else 0
        for access in assignments[0].references
    ]
    if lines:
        return f"used by the shim itself (line {min(lines)})"
    return None


# -- importers: what they import from the shim ---------------------------------------------


@dataclass
class _Binding:
    """One alias of an importer's import that binds the shim or a name of it."""

    kind: str  # "direct" (from shim import A), "module" (alias of the shim), "dotted"
    line: cst.SimpleStatementLine
    statement: cst.Import | cst.ImportFrom
    alias: cst.ImportAlias
    index: int
    bound: str
    name: str  # direct: the shim name imported
    scope: Scope | None
    lineno: int
    attribute_uses: dict[str, list[cst.Attribute]] = field(default_factory=dict)
    other_uses: int = 0
    escapes: list[int] = field(default_factory=list)  # lines using the module as a value
    root_used: bool = False


@dataclass
class _NewName:
    """A binding to add: ``from module import original [as local]``."""

    module: str
    original: str
    local: str

    @property
    def alias(self) -> tuple[str, str | None]:
        return (self.original, None if self.local == self.original else self.local)


@dataclass
class _Importer:
    path: str
    text: str
    wrapper: MetadataWrapper
    positions: Mapping[cst.CSTNode, Any]
    parents: Mapping[cst.CSTNode, cst.CSTNode]
    scopes: Mapping[cst.CSTNode, Scope | None]
    bindings: list[_Binding] = field(default_factory=list)
    stars: list[int] = field(default_factory=list)
    blocked: list[tuple[int, str, str]] = field(default_factory=list)
    pinned: set[str] = field(default_factory=set)  # shim names it needs, not rewritable
    pins_all: bool = False  # it may use any shim name (star, module import left alone)

    def line_of(self, node: cst.CSTNode) -> int:
        where = self.positions.get(node)
        return where.start.line if where is not None else 0

    def uses(self, name: str) -> bool:
        """Whether this importer uses the shim's ``name`` (by import or attribute)."""
        return any(
            (b.kind == "direct" and b.name == name) or name in b.attribute_uses
            for b in self.bindings
        )


def _parse(text: str, path: str) -> cst.Module:
    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        raise SourceError(f"cannot parse: {exc.message}", path or None, exc.raw_line) from None


def _package(path: str, config: Config) -> str | None:
    name, is_package = module_name(path, config.src)
    return package_of(name, is_package)


def _statement_line(
    parents: Mapping[cst.CSTNode, cst.CSTNode], node: cst.CSTNode
) -> cst.SimpleStatementLine | None:
    """The line of an import statement, if it is on one of its own in a block."""
    line = parents.get(node)
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return None
    if not isinstance(parents.get(line), (cst.Module, cst.IndentedBlock)):
        return None
    return line


def _store_context(parents: Mapping[cst.CSTNode, cst.CSTNode], node: cst.CSTNode) -> bool:
    """Whether ``node`` is assigned to or deleted (``compat.A = ...``, ``del compat.A``)."""
    current = node
    parent = parents.get(current)
    while isinstance(parent, (cst.Tuple, cst.List, cst.StarredElement, cst.Element)):
        current, parent = parent, parents.get(parent)
    if isinstance(parent, cst.AssignTarget) and parent.target is current:
        return True
    if isinstance(parent, (cst.AugAssign, cst.AnnAssign)) and parent.target is current:
        return True
    if isinstance(parent, cst.Del) and parent.target is current:
        return True
    if isinstance(parent, (cst.For, cst.CompFor)) and parent.target is current:
        return True
    return isinstance(parent, cst.AsName) and parent.name is current


def _assignment_of(scope: Scope | None, bound: str, node: cst.CSTNode) -> Assignment | None:
    if scope is None:
        return None
    for assignment in scope.assignments[bound]:
        if isinstance(assignment, Assignment) and assignment.node is node:
            return assignment
    return None


def _scan_importer(
    config: Config, path: str, text: str, shim_module: str, names: Collection[str]
) -> _Importer | None:
    """What ``path`` imports from the shim (None if nothing)."""
    wrapper = MetadataWrapper(_parse(text, path))
    importer = _Importer(
        path,
        text,
        wrapper,
        wrapper.resolve(PositionProvider),
        wrapper.resolve(ParentNodeProvider),
        wrapper.resolve(ScopeProvider),
    )
    package = _package(path, config)
    parent_module, _, leaf = shim_module.rpartition(".")
    statements: list[cst.Import | cst.ImportFrom] = []

    class _Collect(cst.CSTVisitor):
        def visit_Import(self, node: cst.Import) -> None:
            statements.append(node)

        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            statements.append(node)

    wrapper.module.visit(_Collect())
    for node in statements:
        found: list[tuple[str, int, cst.ImportAlias, str, str]] = []
        if isinstance(node, cst.ImportFrom):
            dotted = get_full_name_for_node(node.module) if node.module is not None else None
            source = resolve_relative(dotted, len(node.relative), package)
            if isinstance(node.names, cst.ImportStar):
                if source == shim_module:
                    importer.stars.append(importer.line_of(node))
                    importer.pins_all = True
                continue
            for index, alias in enumerate(node.names):
                imported = get_full_name_for_node(alias.name) or ""
                bound = alias.evaluated_alias or imported
                if source == shim_module:
                    found.append(("direct", index, alias, bound, imported))
                elif parent_module and source == parent_module and imported == leaf:
                    found.append(("module", index, alias, bound, ""))
        else:
            for index, alias in enumerate(node.names):
                imported = get_full_name_for_node(alias.name) or ""
                if imported != shim_module:
                    continue
                if alias.asname is not None:
                    found.append(("module", index, alias, alias.evaluated_alias or "", ""))
                else:
                    found.append(("dotted", index, alias, imported, ""))
        if not found:
            continue
        line = _statement_line(importer.parents, node)
        if line is None:
            importer.blocked.append(
                (importer.line_of(node), "", "imports the shim on a line shared with other code")
            )
            importer.pinned |= {imported for kind, _, _, _, imported in found if imported}
            importer.pins_all |= any(kind != "direct" for kind, *_ in found)
            continue
        scope = importer.scopes.get(node)
        for kind, index, alias, bound, imported in found:
            binding = _Binding(
                kind, line, node, alias, index, bound, imported, scope, importer.line_of(alias)
            )
            if kind != "direct":
                _module_uses(importer, binding, node, names)
            importer.bindings.append(binding)
    if not importer.bindings and not importer.stars and not importer.blocked:
        return None
    return importer


def _module_uses(
    importer: _Importer, binding: _Binding, node: cst.CSTNode, names: Collection[str]
) -> None:
    """Sort the uses of a module binding into ``binding.A`` of inlinable names and others."""
    assignment = _assignment_of(binding.scope, binding.bound, node)
    if assignment is None:
        binding.other_uses += 1
        return
    head = binding.bound.split(".")[0]
    for access in assignment.references:
        target = access.node
        if binding.kind == "dotted":
            shadowing = head_shadowing(importer.scopes, target, head)
            if shadowing == "all":
                continue  # `head` is a parameter or local there: not the shim
            if shadowing == "some":
                binding.other_uses += 1
                binding.escapes.append(importer.line_of(target))
                continue
        parent = importer.parents.get(target)
        if (
            isinstance(parent, cst.Attribute)
            and parent.value is target
            and parent.attr.value in names
            and not _store_context(importer.parents, parent)
        ):
            binding.attribute_uses.setdefault(parent.attr.value, []).append(parent)
        else:
            binding.other_uses += 1
            if not (isinstance(parent, cst.Attribute) and parent.value is target):
                binding.escapes.append(importer.line_of(target))
    for uses in binding.attribute_uses.values():
        uses.sort(key=importer.line_of)
    binding.attribute_uses = dict(sorted(binding.attribute_uses.items()))
    if binding.kind == "dotted":
        parts = binding.bound.split(".")
        for size in range(1, len(parts)):
            prefix = _assignment_of(binding.scope, ".".join(parts[:size]), node)
            if prefix is not None and prefix.references:
                binding.root_used = True


# -- conflicts ------------------------------------------------------------------------------


def _all_scopes(importer: _Importer) -> set[Scope]:
    return {scope for scope in importer.scopes.values() if scope is not None}


def _conflict(
    importer: _Importer, binding: _Binding, name: str, export: ReExport, shim_direct: set[int]
) -> str | None:
    """Why ``binding.name`` cannot become a bare ``name`` in this importer (None: it can)."""
    found: list[tuple[int, str]] = []
    for scope in _all_scopes(importer):
        for assignment in scope.assignments[name]:
            node = getattr(assignment, "node", None)
            ok = False
            if scope is binding.scope and isinstance(node, cst.ImportFrom):
                if id(node) in shim_direct:
                    ok = _imports_exactly(node, name, name)
                elif not node.relative and node.module is not None:
                    module = get_full_name_for_node(node.module)
                    ok = module == export.module and _imports_exactly(node, export.original, name)
            if not ok:
                where = importer.line_of(node) if isinstance(node, cst.CSTNode) else 0
                detail = f" (line {where})" if where else ""
                found.append((where, f"{name} is already bound differently here{detail}"))
        for access in scope.accesses[name]:
            if not access.referents:
                line = importer.line_of(access.node)
                found.append((line, f"{name} already names a builtin or global here (line {line})"))
    return min(found)[1] if found else None


def _imports_exactly(node: cst.ImportFrom, original: str, local: str) -> bool:
    if isinstance(node.names, cst.ImportStar):
        return False
    for alias in node.names:
        name = get_full_name_for_node(alias.name)
        bound = alias.evaluated_alias or name
        if bound == local:
            return name == original
    return False


# -- the importer transformer --------------------------------------------------------------


@dataclass
class _FilePlan:
    """What to change in one importer."""

    remove_aliases: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    attributes: dict[int, str] = field(default_factory=dict)
    additions: dict[int, list[_NewName]] = field(default_factory=lambda: defaultdict(list))
    all_entries: set[str] = field(default_factory=set)

    def touches(self, statement: cst.BaseStatement) -> bool:
        if id(statement) in self.additions:
            return True
        if isinstance(statement, cst.SimpleStatementLine):
            return any(id(small) in self.remove_aliases for small in statement.body)
        return False


class _ImporterRewriter(cst.CSTTransformer):
    """Applies a :class:`_FilePlan`; each added import line takes the place of the shim
    import it replaces, or follows it when that import keeps other names."""

    def __init__(self, plan: _FilePlan, module: cst.Module, positions: Mapping[Any, Any]) -> None:
        super().__init__()
        self.plan = plan
        self.module = module
        self.positions = positions
        self.depth = 0
        # (line before the edit, the statement it became) for each import statement touched
        self.touched: list[tuple[int, cst.BaseStatement]] = []

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        name = self.plan.attributes.get(id(original_node))
        if name is None:
            return updated_node
        return cst.Name(name, lpar=updated_node.lpar, rpar=updated_node.rpar)

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        if not self.plan.all_entries or self.depth:
            return updated_node
        return _without_exports(updated_node, self.plan.all_entries)

    def leave_AnnAssign(
        self, original_node: cst.AnnAssign, updated_node: cst.AnnAssign
    ) -> cst.AnnAssign:
        if not self.plan.all_entries or self.depth:
            return updated_node
        return _without_exports(updated_node, self.plan.all_entries)

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.AugAssign:
        if not self.plan.all_entries or self.depth:
            return updated_node
        return _without_exports(updated_node, self.plan.all_entries)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.depth += 1

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        self.depth -= 1
        rebuilt = self._suite(original_node.body, updated_node.body)
        if rebuilt is None:
            return updated_node
        statements, carry = rebuilt
        if not statements:  # every statement of the block was an import of the deleted shim
            statements = [cst.SimpleStatementLine(body=[cst.Pass()])]
        footer = [*_comments_only(carry), *updated_node.footer]
        return updated_node.with_changes(body=statements, footer=footer)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        rebuilt = self._suite(original_node.body, updated_node.body)
        if rebuilt is None:
            return updated_node
        statements, carry = rebuilt
        footer = [*_comments_only(carry), *updated_node.footer]
        return updated_node.with_changes(body=statements, footer=footer)

    def _suite(
        self, original: Sequence[cst.BaseStatement], updated: Sequence[cst.BaseStatement]
    ) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]] | None:
        plan = self.plan
        if not any(plan.touches(statement) for statement in original):
            return None
        present = _imported_from(original)
        stream = StatementStream(block_start=True)
        for before, after in zip(original, updated, strict=True):
            kept = self._without_shim_names(before, after)
            added = self._new_lines(plan.additions.get(id(before), ()), present)
            if kept is None and not added:
                if not stream.statements:
                    stream.removed()
                stream.lines(before.leading_lines)
                continue
            if kept is None:
                added[0] = added[0].with_changes(leading_lines=before.leading_lines)
            new = [*([kept] if kept is not None else []), *added]
            stream.add(new)
            if plan.touches(before):
                line = self.positions[before].start.line
                self.touched.append((line, stream.statements[-len(new)]))
        result = stream.finish()
        return list(result.statements), result.carry_after

    def _new_lines(
        self, names: Sequence[_NewName], present: set[tuple[str, str, str | None]]
    ) -> list[cst.SimpleStatementLine]:
        """``from module import ...`` lines for ``names`` not imported here yet, one per
        module, in the order the names come."""
        per_module: dict[str, list[tuple[str, str | None]]] = {}
        for name in names:
            key = (name.module, *name.alias)
            if key in present:
                continue
            present.add(key)
            per_module.setdefault(name.module, []).append(name.alias)
        lines: list[cst.SimpleStatementLine] = []
        for module, aliases in per_module.items():
            listed = ", ".join(n if a is None else f"{n} as {a}" for n, a in aliases)
            text = f"from {module} import {listed}{self.module.default_newline}"
            line = cst.parse_statement(text, config=self.module.config_for_parsing)
            assert isinstance(line, cst.SimpleStatementLine)
            lines.append(line)
        return lines

    def _without_shim_names(
        self, before: cst.BaseStatement, after: cst.BaseStatement
    ) -> cst.BaseStatement | None:
        if not isinstance(before, cst.SimpleStatementLine):
            return after
        drops = [self.plan.remove_aliases.get(id(small)) for small in before.body]
        if not any(drops):
            return after
        assert isinstance(after, cst.SimpleStatementLine)
        small: list[cst.BaseSmallStatement] = []
        for original, updated, drop in zip(before.body, after.body, drops, strict=True):
            if not drop:
                small.append(updated)
                continue
            assert isinstance(original, (cst.Import, cst.ImportFrom))
            count = len(original.names)  # type: ignore[arg-type]
            if len(drop) >= count:
                continue
            small.append(remove_aliases(updated, sorted(drop)))  # type: ignore[arg-type]
        if not small:
            return None
        if small[-1].semicolon is not cst.MaybeSentinel.DEFAULT:
            small[-1] = small[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return after.with_changes(body=small)


def _imported_from(statements: Sequence[cst.BaseStatement]) -> set[tuple[str, str, str | None]]:
    """``(module, name, alias)`` of each absolute ``from`` import among ``statements``."""
    found: set[tuple[str, str, str | None]] = set()
    for statement in statements:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not isinstance(small, cst.ImportFrom) or small.relative or small.module is None:
                continue
            if isinstance(small.names, cst.ImportStar):
                continue
            module = get_full_name_for_node(small.module) or ""
            for alias in small.names:
                name = get_full_name_for_node(alias.name) or ""
                found.add((module, name, alias.evaluated_alias if alias.asname else None))
    return found


def _rewritten(importer: _Importer, plan: _FilePlan) -> BlockEdit:
    """The importer with ``plan`` applied, and where its import blocks changed."""
    module = importer.wrapper.module
    rewriter = _ImporterRewriter(plan, module, importer.positions)
    new = module.visit(rewriter)
    after = MetadataWrapper(new, unsafe_skip_copy=True).resolve(PositionProvider)
    anchors = tuple(
        Anchor(line, after[node].start.line) for line, node in rewriter.touched if node in after
    )
    return BlockEdit(importer.path, importer.text, new.code, anchors)


_Exports = cst.Assign | cst.AnnAssign | cst.AugAssign


def _without_exports(node: _Exports, names: Collection[str]) -> Any:
    """An ``__all__ = [...]`` (or ``: list[str] =``, ``+=``) statement without ``names``."""
    targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
    value = node.value
    if not any(isinstance(t, cst.Name) and t.value == "__all__" for t in targets):
        return node
    if not isinstance(value, (cst.List, cst.Tuple, cst.Set)):
        return node
    drop = [
        index
        for index, element in enumerate(value.elements)
        if isinstance(element.value, cst.SimpleString) and element.value.evaluated_value in names
    ]
    if not drop:
        return node
    shorter = remove_items(value, drop)
    if len(value.elements) - 1 in drop and shorter.elements:
        # ``remove_items`` keeps the space after the last kept comma on a one-line literal
        # (``["A" ]``): give the closing bracket its own whitespace back.
        shorter = _closing_whitespace(shorter, value)
    return node.with_changes(value=shorter)


def _closing_whitespace(new: Any, old: Any) -> Any:
    if isinstance(old, cst.List):
        before, after = old.rbracket.whitespace_before, new.rbracket.whitespace_before
        if isinstance(before, cst.SimpleWhitespace) and isinstance(after, cst.SimpleWhitespace):
            return new.with_changes(rbracket=new.rbracket.with_changes(whitespace_before=before))
    elif isinstance(old, cst.Set):
        before, after = old.rbrace.whitespace_before, new.rbrace.whitespace_before
        if isinstance(before, cst.SimpleWhitespace) and isinstance(after, cst.SimpleWhitespace):
            return new.with_changes(rbrace=new.rbrace.with_changes(whitespace_before=before))
    elif isinstance(old, cst.Tuple) and old.rpar and new.rpar:
        before, after = old.rpar[0].whitespace_before, new.rpar[0].whitespace_before
        if isinstance(before, cst.SimpleWhitespace) and isinstance(after, cst.SimpleWhitespace):
            rpar = [new.rpar[0].with_changes(whitespace_before=before), *new.rpar[1:]]
            return new.with_changes(rpar=rpar)
    return new


class _DropExports(cst.CSTTransformer):
    """Module-level ``__all__`` assignments without the given names."""

    def __init__(self, names: Collection[str]) -> None:
        super().__init__()
        self.names = names
        self.depth = 0

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.depth += 1

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        self.depth -= 1
        return updated_node

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        return updated_node if self.depth else _without_exports(updated_node, self.names)

    def leave_AnnAssign(
        self, original_node: cst.AnnAssign, updated_node: cst.AnnAssign
    ) -> cst.AnnAssign:
        return updated_node if self.depth else _without_exports(updated_node, self.names)

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.AugAssign:
        return updated_node if self.depth else _without_exports(updated_node, self.names)


def _comments_only(lines: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    if not has_comment(lines):
        return []
    end = len(lines)
    while lines[end - 1].comment is None:
        end -= 1
    return list(lines[:end])


# -- planning -------------------------------------------------------------------------------


def _string_mentions(text: str, needle: str) -> list[int]:
    """Lines of string literals in ``text`` that mention ``needle`` as a dotted name."""
    if needle not in text:
        return []
    pattern = re.compile(rf"(?<![\w.]){re.escape(needle)}(?![\w])")
    lines: list[int] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.STRING and pattern.search(token.string):
                lines.append(token.start[0])
    except (tokenize.TokenError, SyntaxError):  # pragma: no cover - texts parse by now
        return lines
    return lines


def _check_parses(path: str, text: str) -> None:
    """A guard, not a feature: inline must never write code that does not compile."""
    try:
        compile(text, path, "exec", dont_inherit=True)
    except SyntaxError as exc:  # pragma: no cover - a bug in the rewrite, never user input
        raise SourceError(
            f"inline produced invalid code ({exc.msg}); nothing written", path
        ) from None


def first_party_roots(config: Config, paths: Iterable[str]) -> set[str]:
    """Top-level modules of the project: the first part of each file's module name."""
    roots: set[str] = set()
    for path in paths:
        if path.endswith(".py"):
            name, _ = module_name(path, config.src)
            if name:
                roots.add(name.split(".")[0])
    return roots


class _Planner:
    def __init__(
        self,
        config: Config,
        sources: Mapping[str, str],
        only: Collection[str] | None,
        sorter: ImportSorter | None,
    ) -> None:
        self.config = config
        self.sources = {path: text.removeprefix(_BOM) for path, text in sources.items()}
        self.boms = {path for path, text in sources.items() if text.startswith(_BOM)}
        self.texts: dict[str, str | None] = dict(self.sources)
        self.only = set(only) if only is not None else None
        self.sorter = sorter
        self.plan = InlinePlan(sorter=sorter.describe() if sorter else {"sorter": None})
        self.seen_names: set[str] = set()

    def importers(self, shim: str, leaf: str) -> list[str]:
        return [
            path
            for path, text in sorted(self.texts.items())
            if path != shim and path.endswith(".py") and text is not None and leaf in text
        ]

    def inline_shim(self, shim: str) -> None:
        text = self.texts.get(shim)
        if text is None:
            return
        shim_module, _ = module_name(shim, self.config.src)
        if shim_module is None:
            self.plan.manual.append(
                ManualItem(shim, 1, "", "the shim is not under a src root: importers unknown")
            )
            return
        facts = _shim_facts(self.config, shim, text, shim_module)
        self.seen_names |= set(facts.candidates) | set(facts.kept)
        selected = {name for name in facts.candidates if self.only is None or name in self.only}
        leaf = shim_module.rpartition(".")[2]
        scanned: list[_Importer] = []
        for path in self.importers(shim, leaf):
            source = self.texts[path]
            assert source is not None
            try:
                importer = _scan_importer(self.config, path, source, shim_module, selected)
            except SourceError as exc:
                blocked = _blocked_importer(path, source, exc.line or 1, exc.message)
                blocked.pinned = {n for n in facts.candidates if re.search(rf"\b{n}\b", source)}
                scanned.append(blocked)
                continue
            if importer is not None:
                scanned.append(importer)
        used = {name for name in selected if any(i.uses(name) for i in scanned)}
        for name, kept in facts.kept.items():
            if any(i.uses(name) for i in scanned):
                self.plan.kept.append(kept)
        # Importers that cannot be rewritten keep their names in the shim.
        alone: dict[str, list[tuple[int, str, str]]] = {}
        for importer in scanned:
            reasons = list(importer.blocked)
            reasons += [(line, "*", "star-imports the shim") for line in importer.stars]
            reasons += self._conflicts(importer, facts, used)
            if reasons:
                alone[importer.path] = reasons
        needed: set[str] = set()
        for importer in scanned:
            if importer.path in alone:
                needed |= {b.name for b in importer.bindings if b.kind == "direct"} | {
                    n for b in importer.bindings for n in b.attribute_uses
                }
            needed |= importer.pinned
            escapes = sorted(line for b in importer.bindings for line in b.escapes)
            if importer.pins_all or escapes:
                needed |= set(facts.candidates)
            if escapes and importer.path not in alone and used:
                reason = "uses the shim module as a value: the inlined names stay in the shim"
                self.plan.manual.append(ManualItem(importer.path, escapes[0], "", reason))
        removable = used - needed
        new_shim = self._shim_without(facts, removable)
        remaining = self._remaining_references(scanned, alone, used)
        delete = not remaining and is_trivial(ast.parse(new_shim))
        if delete:
            self.texts[shim] = None
            self.plan.deleted.append(shim)
            _forget_shim_in_config(self.texts, self.plan, self.config, shim)
        else:
            self.texts[shim] = new_shim
        reports: dict[str, list[ImporterEdit]] = defaultdict(list)
        edited: list[BlockEdit] = []
        for importer in scanned:
            if importer.path in alone:
                continue
            edit = self._rewrite(importer, facts, used, delete, reports)
            if edit is not None:
                self.texts[edit.path] = edit.after
                edited.append(edit)
        if self.sorter is not None and edited:
            for edit, text in zip(edited, self.sorter.sort(edited), strict=True):
                self.texts[edit.path] = text
        for path, reasons in sorted(alone.items()):
            for line, name, reason in reasons:
                self.plan.manual.append(
                    ManualItem(path, line, name, reason + "; importer left as is")
                )
        for name in [name for name in facts.candidates if name in used]:
            export = facts.candidates[name]
            if not reports.get(name) and name not in removable:
                continue
            self.plan.inlined.append(
                InlinedName(
                    shim,
                    name,
                    export.module,
                    export.original,
                    name in removable,
                    tuple(sorted(reports.get(name, ()), key=lambda e: (e.path, e.line))),
                )
            )
        self._string_follow_ups(shim, shim_module, sorted(removable), delete)
        if remaining and is_trivial(ast.parse(new_shim)):
            for path, line, reason in remaining:
                if path in alone:
                    continue  # already listed, with its own reason
                self.plan.manual.append(
                    ManualItem(path, line, "", f"{reason}; the trivial shim is kept")
                )

    # shim ---------------------------------------------------------------------------------

    def _shim_without(self, facts: _ShimFacts, names: Collection[str]) -> str:
        """The shim text without the imports of ``names`` (and their ``__all__`` entries)."""
        if not names:
            return facts.text
        assert facts.wrapper is not None
        actions = EditActions()
        for name in names:
            actions.remove_aliases.add(id(facts.aliases[name]))
        edited = facts.wrapper.module.visit(BlockEditor(actions))
        return edited.visit(_DropExports(set(names))).code

    # importers ----------------------------------------------------------------------------

    def _conflicts(
        self, importer: _Importer, facts: _ShimFacts, used: set[str]
    ) -> list[tuple[int, str, str]]:
        shim_direct = {id(b.statement) for b in importer.bindings if b.kind == "direct"}
        found: list[tuple[int, str, str]] = []
        for binding in importer.bindings:
            for name, uses in binding.attribute_uses.items():
                if name not in used:
                    continue
                reason = _conflict(importer, binding, name, facts.candidates[name], shim_direct)
                if reason is not None:
                    found.append((importer.line_of(uses[0]), name, reason))
            if binding.kind == "direct" and binding.name in used:
                scope = binding.scope
                if scope is not None and len(list(scope.assignments[binding.bound])) > 1:
                    found.append(
                        (
                            binding.lineno,
                            binding.name,
                            f"{binding.bound} is bound more than once in this scope",
                        )
                    )
        return found

    def _remaining_references(
        self, scanned: list[_Importer], alone: Mapping[str, object], used: set[str]
    ) -> list[tuple[str, int, str]]:
        """Importer references that keep the shim needed after the rewrite."""
        remaining: list[tuple[str, int, str]] = []
        for importer in scanned:
            if importer.path in alone:
                remaining.append((importer.path, 1, "left as is"))
                continue
            for binding in importer.bindings:
                if binding.kind == "direct" and binding.name not in used:
                    remaining.append(
                        (importer.path, binding.lineno, f"still imports {binding.name}")
                    )
                elif binding.kind != "direct" and binding.other_uses:
                    remaining.append(
                        (importer.path, binding.lineno, f"still uses {binding.bound} otherwise")
                    )
                elif binding.kind != "direct" and binding.root_used:
                    root = binding.bound.split(".")[0]
                    reason = f"import {binding.bound} also binds {root}, which is used"
                    remaining.append((importer.path, binding.lineno, reason))
        return remaining

    def _rewrite(
        self,
        importer: _Importer,
        facts: _ShimFacts,
        used: set[str],
        delete: bool,
        reports: dict[str, list[ImporterEdit]],
    ) -> BlockEdit | None:
        """The importer rewritten to take the inlined names from the upstream (None: no
        change)."""
        plan = _FilePlan()
        for binding in importer.bindings:
            if binding.kind == "direct":
                if binding.name not in used:
                    continue
                export = facts.candidates[binding.name]
                plan.remove_aliases[id(binding.statement)].add(binding.index)
                plan.additions[id(binding.line)].append(
                    _NewName(export.module, export.original, binding.bound)
                )
                action = f"import now {_statement(export.module, export.original, binding.bound)}"
                reports[binding.name].append(ImporterEdit(importer.path, binding.lineno, action))
                continue
            rewritten = 0
            for name, uses in binding.attribute_uses.items():
                export = facts.candidates[name]
                for use in uses:
                    plan.attributes[id(use)] = name
                rewritten += len(uses)
                plan.additions[id(binding.line)].append(
                    _NewName(export.module, export.original, name)
                )
                count = f"{len(uses)} use{'s' if len(uses) != 1 else ''}"
                action = f"{binding.bound}.{name} -> {name} ({count}); " + _statement(
                    export.module, export.original, name
                )
                line = importer.line_of(uses[0])
                reports[name].append(ImporterEdit(importer.path, line, action))
            unused = not binding.other_uses and not binding.root_used
            if unused and (rewritten or delete):
                plan.remove_aliases[id(binding.statement)].add(binding.index)
                if delete and binding.kind == "module" and binding.scope is not None:
                    plan.all_entries.add(binding.bound)
        if not (plan.remove_aliases or plan.attributes or plan.additions):
            return None
        return _rewritten(importer, plan)

    def _string_follow_ups(
        self, shim: str, shim_module: str, names: Sequence[str], deleted: bool
    ) -> None:
        needles = [f"{shim_module}.{name}" for name in names]
        if deleted:
            needles = [shim_module]
        for path, text in sorted(self.texts.items()):
            if text is None or path == shim or not path.endswith(".py"):
                continue
            for needle in needles:
                for line in _string_mentions(text, needle):
                    reason = f"a string names {needle}" + (
                        ", which is deleted" if deleted else ", which the importers no longer use"
                    )
                    self.plan.manual.append(ManualItem(path, line, needle, reason))

    def finish(self) -> InlinePlan:
        for path, text in sorted(self.texts.items()):
            old = self.sources.get(path)
            if old is None or text == old:
                continue
            bom = _BOM if path in self.boms else ""
            if text is not None and path.endswith(".py"):
                _check_parses(path, text)
            self.plan.edits[path] = Edit(path, None if text is None else bom + text, bom + old)
        if self.only is not None:
            self.plan.unknown_only = sorted(self.only - self.seen_names)
        self.plan.manual.sort(key=lambda item: (item.path, item.line, item.name))
        self.plan.kept.sort(key=lambda item: (item.shim, item.line))
        return self.plan


def _forget_shim_in_config(
    texts: dict[str, str | None], plan: InlinePlan, config: Config, shim: str
) -> None:
    """Drop a deleted shim from ``[tool.compatlint] shim`` when the config text is at hand."""
    name = config_name(config)
    current = texts.get(name)
    updated = remove_shim_entry(current, shim) if current is not None else None
    if updated is not None:
        texts[name] = updated
    else:
        reason = f"remove {shim} from [tool.compatlint] shim: the file is deleted"
        plan.manual.append(ManualItem(name, 0, shim, reason))


def _statement(module: str, original: str, local: str) -> str:
    alias = "" if original == local else f" as {local}"
    return f"from {module} import {original}{alias}"


def _blocked_importer(path: str, text: str, line: int, reason: str) -> _Importer:
    """A stand-in for an importer that does not parse: it blocks, nothing more."""
    wrapper = MetadataWrapper(cst.parse_module(""))
    return _Importer(path, text, wrapper, {}, {}, {}, blocked=[(line, "", reason)])


def plan_inline(
    config: Config,
    sources: Mapping[str, str],
    only: Collection[str] | None = None,
    *,
    shims: Collection[str] | None = None,
    sorter: ImportSorter | None = None,
) -> InlinePlan:
    """Plan the inlining of every trivial re-export of the configured shims.

    ``sources`` maps relative POSIX paths to texts: the shims and every file that may
    import them (the Python files under ``src`` and ``mocks.collect``). ``only`` limits
    the names inlined, ``shims`` the shims. ``sorter`` sorts the import blocks an
    importer's edit touched (see :mod:`compatlint.ruff_sorter`); without one, the new lines
    stay where the shim imports were. Nothing is read or written here.
    """
    planner = _Planner(config, sources, only, sorter)
    for shim in config.shims:
        if shim in planner.sources and (shims is None or shim in shims):
            planner.inline_shim(shim)
    return planner.finish()
