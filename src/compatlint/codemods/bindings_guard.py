"""Prune never takes away a name another module imports (pure, stdlib ``ast``).

Two checks share the importer index' answer to "which names of the shim does the project
import": before a pass is applied, a removal that would drop such a binding (the expired
arm is the only place that binds it) is held back and listed with the importer; after the
whole prune, a final comparison of the shim's bindings catches anything that still went
without its importers being rewritten — a follow-up, never a silent ``ImportError``.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Mapping

import libcst as cst

from compatlint.codemods.locate import NodeIndex
from compatlint.codemods.plan import FollowUp
from compatlint.model import Site, SiteKind
from compatlint.names.bindings import read_bindings
from compatlint.names.importers import ImportOf


def module_names(text: str) -> set[str]:
    """The module-level names ``text`` binds (empty if it does not parse)."""
    try:
        return set(read_bindings(ast.parse(text)).names)
    except SyntaxError:  # pragma: no cover - prune only produces code that parses
        return set()


def lost_imports(
    before: str, after: str, imported: Mapping[str, ImportOf], rewritten: Collection[str]
) -> dict[str, ImportOf]:
    """Names ``before`` binds and ``after`` does not that some importer still needs:
    imported from the module, and not a removed definition whose importers prune edits."""
    lost = module_names(before) - module_names(after)
    return {
        name: imported[name] for name in sorted(lost) if name in imported and name not in rewritten
    }


def names_bound_between(tree: ast.Module, first: int, last: int) -> set[str]:
    """The module-level names bound by the statements that lie within lines
    ``first``..``last`` (a removed handler, branch or statement)."""
    inside: list[ast.stmt] = []

    def visit(statements: list[ast.stmt]) -> None:
        for statement in statements:
            end = statement.end_lineno or statement.lineno
            if first <= statement.lineno and end <= last:
                inside.append(statement)
            elif statement.lineno <= last and end >= first:
                if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    continue
                for name in ("body", "orelse", "finalbody"):
                    inner = getattr(statement, name, None)
                    if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                        visit(inner)
                for handler in getattr(statement, "handlers", None) or []:
                    visit(handler.body)
                for case in getattr(statement, "cases", None) or []:
                    visit(case.body)

    visit(tree.body)
    return set(read_bindings(ast.Module(body=inside, type_ignores=[])).names)


def kept_reason(name: str, importer: ImportOf) -> str:
    return f"kept: {importer.path}:{importer.line} imports {name}"


def sites_dropping(
    index: NodeIndex, tree: ast.Module, sites: list[Site], lost: Mapping[str, ImportOf]
) -> list[tuple[Site, str]]:
    """The sites (removed in a planned pass over ``tree``) whose code binds one of the
    ``lost`` names, each with the reason it must stay: the importer that needs the name.
    A tagged definition is not one: its importers are edited with it."""
    found: list[tuple[Site, str]] = []
    if not lost:
        return found
    for site in sites:
        node = index.at(site.line, site.column, cst.CSTNode)
        if node is None or site.kind is SiteKind.TAGGED_DEFINITION:
            continue
        span = index.positions[node]
        needed = sorted(names_bound_between(tree, span.start.line, span.end.line) & lost.keys())
        if needed:
            found.append((site, kept_reason(needed[0], lost[needed[0]])))
    return found


def safety_net(
    shim: str,
    before: str,
    after: str,
    imported: Mapping[str, ImportOf],
    rewritten: Collection[str],
) -> list[FollowUp]:
    """A follow-up per importer of a name prune removed from ``shim`` without rewriting
    that importer. Empty unless a removal slipped past the per-site guard."""
    return [
        FollowUp(
            importer.path,
            importer.line,
            "import",
            f"imports {name} from {shim}, which prune removed: fix this import",
        )
        for name, importer in lost_imports(before, after, imported, rewritten).items()
    ]
