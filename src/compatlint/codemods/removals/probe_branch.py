"""Probe branch: a guarded ``if`` folds to the arm its tag's claim leaves; the tagged
fallback statement after an early-return gate goes."""

from __future__ import annotations

import libcst as cst

from compatlint.codemods.removals.context import Action, RemovalContext, Unhandled
from compatlint.model import Site, SiteKind

KIND = SiteKind.PROBE_BRANCH

#: (shim before, shim after) when pruned at sglang 0.5.10.
CASES = (
    (
        """\
def info(engine):
    \"\"\"State of the engine.\"\"\"
    if not callable(getattr(engine, "get_internal_state", None)):
        # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
        return dict(engine.get_server_info())
    return dict(engine.get_internal_state())
""",
        """\
def info(engine):
    \"\"\"State of the engine.\"\"\"
    return dict(engine.get_internal_state())
""",
    ),
    (
        """\
def pick(engine):
    if hasattr(engine, "old"):
        # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
        return engine.old()
    elif hasattr(engine, "new"):
        return engine.new()
    else:
        return None


def choose(engine):
    if hasattr(engine, "new"):
        return engine.new()
    elif hasattr(engine, "old"):
        # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
        return engine.old()
    return None
""",
        """\
def pick(engine):
    if hasattr(engine, "new"):
        return engine.new()
    else:
        return None


def choose(engine):
    if hasattr(engine, "new"):
        return engine.new()
    return None
""",
    ),
)


def remove(ctx: RemovalContext, site: Site) -> Action:
    """Fold the site's guard to the value its tag's claim gives (``site.outcome``): the arm
    that can no longer run goes and the arm that always runs stays, dedented in place. A
    tagged statement after an early-return gate (the gate's fallback arm) goes alone."""
    if site.undecided:
        raise Unhandled(site.undecided)
    node = ctx.find(site, cst.BaseCompoundStatement, cst.BaseSmallStatement)
    if isinstance(node, cst.If):
        return _fold(ctx, site, node)
    if isinstance(node, cst.BaseSmallStatement):
        line = ctx.index.line_statement(node)
        ctx.actions.remove.add(node)
        if isinstance(line, cst.SimpleStatementLine):
            ctx.drop_leading(line.leading_lines, site, paragraph=True)
            ctx.drop_tag_comments([line.trailing_whitespace], site)
        return "statement removed"
    ctx.actions.remove.add(node)
    ctx.drop_leading(node.leading_lines, site, paragraph=True)
    return "statement removed"


def _fold(ctx: RemovalContext, site: Site, node: cst.If) -> Action:
    if site.outcome is None:
        raise Unhandled("which arm its guard takes is not known")
    parent = ctx.index.parent(node)
    is_elif = isinstance(parent, cst.If) and parent.orelse is node
    ctx.drop_leading(node.leading_lines, site, paragraph=is_elif or site.outcome)
    if site.outcome:
        ctx.actions.keep_branch.add(node)
        if node.orelse is None:
            return "guard folded: its body stays"
        return "guard folded: its body stays, the other arms go"
    ctx.actions.drop_branch.add(node)
    if is_elif:
        return "elif branch removed"
    if node.orelse is None:
        return "if statement removed"
    kind = "elif" if isinstance(node.orelse, cst.If) else "else"
    return f"first branch removed; its {kind} promoted"
