"""After a removal: imports whose last use went with it, and ``__all__`` entries of names
that no longer exist.

Both are decided by comparing the file before prune with the file after it, never by a
blind unused-import fix: an import that was unused before (a side-effect import, a
re-export) stays, and so does one listed in ``__all__``. Imports are matched across the two
versions by their scope, their module and the imported name; uses come from libcst's scope analysis.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import GlobalScope, MetadataWrapper, ScopeProvider

from compatlint.codemods.blocks import BlockEditor, EditActions
from compatlint.codemods.locate import NodeIndex, parse_module
from compatlint.codemods.scope_view import same_scopes_for, syntax_tree
from compatlint.names.bindings import read_bindings

_EMPTY = cst.Module(body=[])


@dataclass(frozen=True)
class _ImportUse:
    key: tuple[tuple[str, ...], str, str]
    alias: cst.ImportAlias
    used: bool


def _scope_path(scope) -> tuple[str, ...]:
    path: list[str] = []
    while scope is not None and not isinstance(scope, GlobalScope):
        path.append(getattr(scope, "name", None) or "<scope>")
        scope = scope.parent
    return tuple(reversed(path))


def _bound_names(node: cst.Import | cst.ImportFrom, alias: cst.ImportAlias) -> set[str]:
    if alias.asname is not None:
        return {alias.evaluated_alias or ""}
    full = get_full_name_for_node(alias.name) or ""
    if isinstance(node, cst.ImportFrom):
        return {full}
    parts = full.split(".")
    return {".".join(parts[: index + 1]) for index in range(len(parts))}


def _import_uses(wrapper: MetadataWrapper) -> Iterator[_ImportUse]:
    """Every import alias of a module with its scope, its text and whether anything uses it."""
    scopes = wrapper.resolve(ScopeProvider)
    used: dict[cst.ImportAlias, bool] = {}
    where: dict[cst.ImportAlias, tuple[tuple[str, ...], cst.Import | cst.ImportFrom]] = {}
    for scope in {scope for scope in scopes.values() if scope is not None}:
        for assignment in scope.assignments:
            node = getattr(assignment, "node", None)
            if not isinstance(node, (cst.Import, cst.ImportFrom)):
                continue
            if isinstance(node.names, cst.ImportStar):
                continue
            for alias in node.names:
                if assignment.name in _bound_names(node, alias):
                    used[alias] = used.get(alias, False) or bool(assignment.references)
                    where[alias] = (_scope_path(scope), node)
    for statement_node in _imports(wrapper.module):
        if isinstance(statement_node.names, cst.ImportStar):
            continue
        for alias in statement_node.names:
            if alias not in where:
                continue
            scope_path, node = where[alias]
            if isinstance(node, cst.ImportFrom) and _module_of(node) == "__future__":
                continue
            source = _module_of(node) if isinstance(node, cst.ImportFrom) else "import"
            name = "".join(
                _EMPTY.code_for_node(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT)).split()
            )
            yield _ImportUse((scope_path, source, name), alias, used.get(alias, False))


def _module_of(node: cst.ImportFrom) -> str:
    dots = "." * len(node.relative)
    return dots + (get_full_name_for_node(node.module) or "" if node.module else "")


_BLOCKS = ("body", "handlers", "orelse", "finalbody", "cases")


def _imports(module: cst.Module) -> list[cst.Import | cst.ImportFrom]:
    """The import statements of ``module`` in source order. An import is a statement, so
    only statements and their blocks are walked, never an expression."""
    found: list[cst.Import | cst.ImportFrom] = []

    def walk(node: cst.CSTNode) -> None:
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            found.append(node)
        elif isinstance(node, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            found.extend(s for s in node.body if isinstance(s, (cst.Import, cst.ImportFrom)))
        elif isinstance(node, (cst.Module, cst.IndentedBlock)):
            for statement in node.body:
                walk(statement)
        elif not isinstance(node, cst.BaseSmallStatement):
            # a compound statement, or a handler, else, finally or case of one
            for name in _BLOCKS:
                block = getattr(node, name, None)
                for part in block if isinstance(block, Sequence) else (block,):
                    if isinstance(part, cst.CSTNode):
                        walk(part)

    walk(module)
    return found


def _exported(text: str) -> set[str]:
    try:
        entries = read_bindings(syntax_tree(text)).all_entries
    except SyntaxError:  # pragma: no cover - prune only produces code that parses
        return set()
    return {entry.name for entry in entries or ()}


def cleanup(
    original: str,
    current: str,
    path: str = "",
    keep: Collection[str] = (),
    *,
    before: MetadataWrapper | None = None,
    after: NodeIndex | Callable[[], NodeIndex] | None = None,
) -> tuple[str, list[str], list[str]]:
    """``current`` without the imports that lost their last use since ``original`` and
    without the ``__all__`` entries of names ``original`` bound and ``current`` does not.

    ``keep`` are module-level names other modules import from this one (the importer
    index knows them): their imports are never unused, whatever this file does.
    ``before`` is ``original`` parsed already (by ``locate.parse_module``), if at hand;
    ``after`` is the index of ``current`` likewise, or how to get it (neither tree is
    changed): it is not asked for when no import can have lost a use and no ``__all__``
    entry went stale. Returns the new text, the imports removed and the ``__all__``
    names removed.
    """
    if original == current:
        return current, [], []
    before_used: dict[tuple[tuple[str, ...], str, str], bool] = {}
    if before is None:
        before = MetadataWrapper(parse_module(original, path), unsafe_skip_copy=True)
    before_uses = list(_import_uses(before))
    for use in before_uses:
        before_used[use.key] = before_used.get(use.key, False) or use.used
    exported = _exported(current)
    stale = _stale_exports(original, current)
    if not stale and _no_use_lost(original, current, before_uses, before_used, exported):
        return current, [], []
    if after is None:
        after = NodeIndex(MetadataWrapper(parse_module(current, path)), current)
    elif callable(after):
        after = after()
    index, wrapper = after, after.wrapper
    actions = EditActions()
    removed_imports: list[str] = []
    for use in _import_uses(wrapper):
        bound = _bound(use.alias)
        if use.used or not before_used.get(use.key, False):
            continue
        if bound.split(".")[0] in exported or bound in exported:
            continue
        if not use.key[0] and (bound in keep or bound.split(".")[0] in keep):
            continue
        actions.remove_aliases.add(use.alias)
        removed_imports.append(f"{bound} (line {index.line_of(use.alias)})")

    removed_exports: list[str] = []
    for name, line, column in stale:
        value = index.at(line, column, cst.SimpleString)
        element = index.parent(value) if value is not None else None
        if isinstance(element, cst.Element):
            actions.remove_elements.add(element)
            removed_exports.append(name)
        elif isinstance(element, cst.Arg):  # __all__.append("name"): the statement goes
            call = index.parent(element)
            statement = index.parent(call) if call is not None else None
            if isinstance(statement, cst.Expr):
                actions.remove.add(statement)
                removed_exports.append(name)
    if actions.is_empty():
        return current, [], []
    new_module = wrapper.module.visit(BlockEditor(actions))
    return new_module.code, removed_imports, removed_exports


def _bound(alias: cst.ImportAlias) -> str:
    """The name an import alias binds (``a.b`` for ``import a.b``)."""
    return alias.evaluated_alias or get_full_name_for_node(alias.name) or ""


def _no_use_lost(
    original: str,
    current: str,
    before_uses: Sequence[_ImportUse],
    before_used: Mapping[tuple[tuple[str, ...], str, str], bool],
    exported: Collection[str],
) -> bool:
    """Whether no import of ``current`` the clean-up could remove lost a use, known without
    resolving the scopes of ``current``.

    An import goes when it has no use now, an import of the same key had one before, and
    nothing protects it; one whose bound name starts with an ``__all__`` entry never goes,
    so only the other names count. When libcst binds and accesses those names alike in
    both texts (:func:`~compatlint.codemods.scope_view.same_scopes_for`), each import of
    ``current`` has one in ``original`` with the same key and the same use, so it goes
    only if an import of its key had a use before while it had none: when no key of
    these names mixes used and unused imports before, none goes."""
    names = _import_roots(current) - set(exported)
    if not names:
        return True
    for use in before_uses:
        if _bound(use.alias).split(".")[0] in names and use.used != before_used[use.key]:
            return False
    return same_scopes_for(original, current, names)


def _import_roots(text: str) -> set[str]:
    """The first part of every name an import of ``text`` binds (``__future__`` aside)."""
    try:
        tree = syntax_tree(text)
    except SyntaxError:  # pragma: no cover - prune only produces code that parses
        return set()
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.level or node.module != "__future__"):
            roots.update(alias.asname or alias.name for alias in node.names if alias.name != "*")
    return roots


def _stale_exports(original: str, current: str) -> list[tuple[str, int, int]]:
    """``__all__`` entries (name, line, column) naming what ``original`` bound and
    ``current`` no longer does."""
    try:
        before_tree, after_tree = syntax_tree(original), syntax_tree(current)
    except SyntaxError:  # pragma: no cover - prune only produces code that parses
        return []
    after = read_bindings(after_tree)
    if not after.all_entries or after.star_imports:
        return []
    before = read_bindings(before_tree).defined_names
    now = after.defined_names
    return [(e.name, e.line, e.column) for e in after.all_entries if e.name in before - now]
