"""Sentinel: ``X = None`` in an expired except branch; X is now always bound, so tests of X
against None fold."""

from __future__ import annotations

import libcst as cst
from libcst.metadata import GlobalScope

from compatlint.codemods.locate import NodeIndex
from compatlint.codemods.removals.context import Action, RemovalContext, Unhandled
from compatlint.model import Site, SiteKind

KIND = SiteKind.SENTINEL

#: (shim before, shim after) when pruned at sglang 0.5.10.
CASES = (
    (
        """\
try:
    from sglang.srt.fast import FastPath
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    FastPath = None


def make(runner):
    if FastPath is not None:
        return FastPath(runner)
    return None


def missing(args):
    if FastPath is None:
        return "slow"
    else:
        return "fast"


def ternary(runner):
    return FastPath(runner) if FastPath is not None else None
""",
        """\
from sglang.srt.fast import FastPath


def make(runner):
    return FastPath(runner)


def missing(args):
    return "fast"


def ternary(runner):
    return FastPath(runner)
""",
    ),
)


def remove(ctx: RemovalContext, site: Site) -> Action:
    """Goes with its branch; the module-level reads of its names are marked for folding,
    unless a name is also assigned outside the try."""
    if site.parent_line not in ctx.removed_handler_lines:
        raise Unhandled("its except branch stays")
    names = ", ".join(site.names)
    assign = ctx.find(site, cst.Assign)
    scope = ctx.scopes().get(assign)
    try_node = _enclosing_try(ctx.index, assign)
    if not isinstance(scope, GlobalScope) or try_node is None:
        ctx.notes.append((site, f"tests of {names} against None not folded (not module level)"))
        return "removed with its except branch"
    span = ctx.index.positions[try_node]
    accesses: list[cst.CSTNode] = []
    for name in site.names:
        outside = ctx.stored_outside.get(name) or ctx.stored_outside.get("*")
        if outside is not None:  # a test may set it to None: its tests stay
            ctx.notes.append((site, f"tests of {name} against None not folded: {outside}"))
            return "removed with its except branch"
        assignments = list(scope.assignments[name])
        for assignment in assignments:
            where = ctx.index.positions.get(assignment.node)
            if where is None or not (span.start.line <= where.start.line <= span.end.line):
                reason = f"tests of {name} against None not folded: it is also assigned elsewhere"
                ctx.notes.append((site, reason))
                return "removed with its except branch"
        accesses += [access.node for a in assignments for access in a.references]
    ctx.actions.sentinel_names.update(accesses)
    return f"removed with its except branch; tests of {names} against None folded"


def _enclosing_try(index: NodeIndex, node: cst.CSTNode) -> cst.Try | None:
    current = index.parent(node)
    while current is not None and not isinstance(current, cst.Try):
        current = index.parent(current)
    return current
