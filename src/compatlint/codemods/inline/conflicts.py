"""Whether ``shim.A`` may become a bare ``A`` in an importer, and an import stay put.

``A`` must mean nothing else anywhere in the file — no parameter, local, class attribute
or other import of that name, no read of a builtin or global ``A`` — except the imports
that will bind it to the same upstream object. The bindings are the name model's
(:func:`~compatlint.names.uses.bindings_of`, :func:`~compatlint.names.uses.unbound_uses`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from compatlint.codemods.inline.importers import Importer, ModuleImport
from compatlint.codemods.inline.shim_facts import ReExport, ShimFacts

if TYPE_CHECKING:
    import libcst as cst

    from compatlint.names.uses import ResolvedFile

__all__ = ["Reason", "conflicts"]

Reason = tuple[int, str, str]  # line, name, why


def conflicts(importer: Importer, facts: ShimFacts, used: set[str]) -> list[Reason]:
    if importer.file is None:
        return []  # it does not parse, or it is plain: every name is bound once
    from compatlint.names.uses import bindings_of

    file = importer.file
    shim_direct: set[cst.CSTNode] = {d.statement for d in importer.direct}
    found: list[Reason] = []
    for module in importer.modules:
        for name, reads in sorted(module.binding.reads.items()):
            if name not in used:
                continue
            export = facts.candidates[name]
            reason = _conflict(file, module, name, export, shim_direct)
            if reason is not None:
                found.append((file.line_of(reads[0]), name, reason))
    for direct in importer.direct:
        if direct.name not in used or direct.sole:
            continue  # sole: the only binding of its name in the file
        same_scope = [b for b in bindings_of(file, direct.bound) if b.scope is direct.scope]
        if len(same_scope) > 1:
            reason = f"{direct.bound} is bound more than once in this scope"
            found.append((direct.lineno, direct.name, reason))
    return found


def _conflict(
    file: ResolvedFile,
    module: ModuleImport,
    name: str,
    export: ReExport,
    shim_direct: set[cst.CSTNode],
) -> str | None:
    """Why ``module.name`` cannot become a bare ``name`` in this file (None: it can)."""
    import libcst as cst
    from libcst.helpers import get_full_name_for_node

    from compatlint.names.uses import bindings_of, unbound_uses

    found: list[tuple[int, str]] = []
    for binding in bindings_of(file, name):
        node = binding.node
        ok = False
        if binding.scope is module.scope and isinstance(node, cst.ImportFrom):
            if node in shim_direct:
                ok = _imports_exactly(node, name, name)
            elif not node.relative and node.module is not None:
                source = get_full_name_for_node(node.module)
                ok = source == export.module and _imports_exactly(node, export.original, name)
        if not ok:
            detail = f" (line {binding.line})" if binding.line else ""
            found.append((binding.line, f"{name} is already bound differently here{detail}"))
    for line in unbound_uses(file, name):
        found.append((line, f"{name} already names a builtin or global here (line {line})"))
    return min(found)[1] if found else None


def _imports_exactly(node: cst.ImportFrom, original: str, local: str) -> bool:
    import libcst as cst
    from libcst.helpers import get_full_name_for_node

    if isinstance(node.names, cst.ImportStar):
        return False
    for alias in node.names:
        name = get_full_name_for_node(alias.name)
        bound = alias.evaluated_alias or name
        if bound == local:
            return name == original
    return False
