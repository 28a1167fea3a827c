"""Which import bindings of one file reach a module, and what the file does with it.

:func:`~compatlint.names.uses.find_uses` answers "where is this *name* used"; a codemod
that rewrites ``compat.A`` to ``A`` also needs the other side: every binding of a module
from which attribute access reaches the target module (``import pkg._compat as compat``,
``from pkg import _compat``, ``import pkg._compat``, ``import pkg`` + ``pkg.compat.A``
through a package's re-export of the module), and each access through it sorted into a
read of ``module.X``, an assignment to it, or a use of the module as a value. Resolution
is libcst's scope analysis, as in :mod:`compatlint.names.uses`: an access that may refer
to another binding (a parameter or local named like the head of a dotted import, a
module-level rebinding) is a value use, never a read that could be rewritten.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import Assignment

from compatlint.names.importers import reaches
from compatlint.names.uses import (
    ModuleLookup,
    ResolvedFile,
    alias_for,
    head_shadowing,
    import_binding,
)

__all__ = ["ModuleBinding", "find_module_uses"]


@dataclass
class ModuleBinding:
    """One import alias of a file that binds a module from which ``target`` is reached."""

    alias: cst.ImportAlias
    statement: cst.Import | cst.ImportFrom
    local: str  # as written: ``compat``, ``pkg._compat``, ``pkg``
    names_target: bool  # the alias binds the target module itself (not only a parent)
    reads: dict[str, list[cst.Attribute]] = field(default_factory=dict)  # target.X, loaded
    stores: dict[str, list[int]] = field(default_factory=dict)  # target.X assigned or deleted
    values: list[int] = field(default_factory=list)  # the target as a value, or ambiguous
    root_uses: list[int] = field(default_factory=list)  # `import a.b`: other uses of `a`

    @property
    def used(self) -> bool:
        return bool(self.reads or self.stores or self.values or self.root_uses)


def find_module_uses(
    file: ResolvedFile,
    target: str,
    modules: ModuleLookup,
    reach: Collection[str] | None = None,
) -> list[ModuleBinding]:
    """The bindings of ``file`` that reach the module ``target``, with their uses.
    ``reach``: the dotted paths through which attribute access leads to ``target``
    (with the modules that bind it under another name, as
    :meth:`~compatlint.names.importers.ImporterIndex.reach_paths` gives them: ``import
    app`` + ``app.tools.X``); default: ``target`` alone."""
    reach = {target} if reach is None else reach
    bound: dict[Assignment, str] = {}
    for assignment, node in file.import_assignments():
        module = _bound_module(file, assignment, node, modules)
        if module is not None and reaches(module, reach):
            bound[assignment] = module
    found: dict[cst.ImportAlias, ModuleBinding] = {}
    seen: set[cst.CSTNode] = set()
    for assignment, module in bound.items():
        node = assignment.node
        alias = alias_for(node, assignment.name)
        assert alias is not None and isinstance(node, (cst.Import, cst.ImportFrom))
        binding = found.get(alias)
        if binding is None:
            local = alias.evaluated_alias or get_full_name_for_node(alias.name) or ""
            binding = found[alias] = ModuleBinding(alias, node, local, False)
        binding.names_target |= module == target
        root = isinstance(node, cst.Import) and alias.asname is None and local != assignment.name
        for access in assignment.references:
            if access.node in seen:
                continue
            seen.add(access.node)
            ambiguous = any(bound.get(r) != module for r in access.referents)  # type: ignore[call-overload]
            if "." in assignment.name:
                shadowing = head_shadowing(file.scopes, access.node, assignment.name.split(".")[0])
                if shadowing == "all":
                    continue  # the head is a parameter or local there: not this import
                ambiguous = ambiguous or shadowing == "some"
            _classify(file, binding, access.node, module, target, ambiguous, root, modules)
    return sorted(found.values(), key=lambda b: file.line_of(b.alias))


def _bound_module(
    file: ResolvedFile,
    assignment: Assignment,
    node: cst.Import | cst.ImportFrom,
    modules: ModuleLookup,
) -> str | None:
    """The module an import binding binds (None: it binds something else)."""
    found = import_binding(file, assignment, node, modules)
    return None if found is None else found[2]


def _classify(
    file: ResolvedFile,
    binding: ModuleBinding,
    node: cst.CSTNode,
    module: str,
    target: str,
    ambiguous: bool,
    root: bool,
    modules: ModuleLookup,
) -> None:
    """Follow the attribute chain on top of ``node`` (which names ``module``) to the
    target and sort the access."""
    current: str | None = module
    while current != target:
        parent = file.parents.get(node)
        if current is None or not (isinstance(parent, cst.Attribute) and parent.value is node):
            if root:
                binding.root_uses.append(file.line_of(node))
            return  # a use of a parent package that does not reach the target
        current = modules.submodule(current, parent.attr.value)
        node = parent
    parent = file.parents.get(node)
    if ambiguous or not (isinstance(parent, cst.Attribute) and parent.value is node):
        binding.values.append(file.line_of(node))
    elif _is_store(file.parents, parent):
        binding.stores.setdefault(parent.attr.value, []).append(file.line_of(parent))
    else:
        binding.reads.setdefault(parent.attr.value, []).append(parent)


def _is_store(parents: Mapping[cst.CSTNode, cst.CSTNode], node: cst.CSTNode) -> bool:
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
