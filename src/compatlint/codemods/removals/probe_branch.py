"""Probe branch: a tagged statement, ``if`` branch or ``elif`` branch goes."""

from __future__ import annotations

import libcst as cst

from compatlint.codemods.removals.context import Action, RemovalContext
from compatlint.model import Site, SiteKind

KIND = SiteKind.PROBE_BRANCH

#: (shim before, shim after) when pruned at sglang 0.5.10.
CASES = (
    (
        """\
def info(engine):
    \"\"\"State of the engine.\"\"\"
    if callable(getattr(engine, "get_server_info", None)):
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
    """A tagged statement goes; an ``if`` whose first branch carries the tag loses that
    branch (its ``elif`` / ``else`` takes over); a tagged ``elif`` branch goes."""
    node = ctx.find(site, cst.BaseCompoundStatement, cst.BaseSmallStatement)
    tag = site.tag
    inside = tag is not None and tag.line >= ctx.index.line_of(node)
    parent = ctx.index.parent(node)
    is_elif = isinstance(node, cst.If) and isinstance(parent, cst.If) and parent.orelse is node
    if isinstance(node, cst.If) and (inside or is_elif):
        ctx.actions.drop_branch.add(node)
        ctx.drop_leading(node.leading_lines, site, paragraph=is_elif)
        if is_elif:
            return "elif branch removed"
        if node.orelse is None:
            return "if statement removed"
        kind = "elif" if isinstance(node.orelse, cst.If) else "else"
        return f"first branch removed; its {kind} promoted"
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
