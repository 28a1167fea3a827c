"""Temporary try: the tag leads the try body, which goes; the handler's body takes its place."""

from __future__ import annotations

import libcst as cst

from compatlint.codemods.cst_find import find_all
from compatlint.codemods.removals.context import (
    EXCEPT_STAR,
    Action,
    Promotion,
    RemovalContext,
    Unhandled,
)
from compatlint.model import Site, SiteKind

KIND = SiteKind.TEMPORARY_TRY

#: (shim before, shim after) when pruned at sglang 0.5.10.
CASES = (
    (
        """\
try:
    # Prefer the guarded API on SGLang 0.5.9, where it is opt-in.
    # Remove when the minimum supported version is 0.5.10+.
    from sglang.srt.guarded import Pool
except ImportError:
    from sglang.srt.pool import Pool
""",
        "from sglang.srt.pool import Pool\n",
    ),
    (
        """\
try:
    # Prefer the new module on 0.5.9. Remove when min supported version is 0.5.10+
    from sglang.srt.fresh import tool
except ModuleNotFoundError as exc:
    if exc.name != "sglang.srt.fresh":
        raise
    from sglang.srt.stable import tool
""",
        "from sglang.srt.stable import tool\n",
    ),
)


def _is_guard(statement: cst.CSTNode) -> bool:
    """``if <exc>.name != ...: raise`` (``!=``, ``not in`` or ``is not``), without else."""
    if not isinstance(statement, cst.If) or statement.orelse is not None:
        return False
    test = statement.test
    if not (
        isinstance(test, cst.Comparison)
        and isinstance(test.left, cst.Attribute)
        and isinstance(test.left.attr, cst.Name)
        and test.left.attr.value == "name"
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].operator, (cst.NotEqual, cst.NotIn, cst.IsNot))
    ):
        return False
    body = statement.body
    if isinstance(body, cst.IndentedBlock):
        if len(body.body) != 1 or not isinstance(body.body[0], cst.SimpleStatementLine):
            return False
        simple = body.body[0].body
    else:
        simple = body.body
    return len(simple) == 1 and isinstance(simple[0], cst.Raise) and simple[0].exc is None


def remove(ctx: RemovalContext, site: Site) -> Action:
    """The handler's body (without its ``exc.name`` guard) replaces the try."""
    node = ctx.find(site, cst.Try, cst.TryStar)
    if isinstance(node, cst.TryStar):
        raise Unhandled(EXCEPT_STAR)
    assert isinstance(node, cst.Try)
    if len(node.handlers) != 1:
        raise Unhandled(f"a temporary try with {len(node.handlers)} except clauses")
    handler = node.handlers[0]
    handler_pos = ctx.index.positions[handler].start
    if (handler_pos.line, handler_pos.column + 1) in ctx.expired_handlers:
        raise Unhandled("both the try body and its except branch are tagged as expired")
    if node.orelse is not None:
        raise Unhandled("a temporary try with an else clause")
    body = handler.body
    statements = list(body.body) if isinstance(body, cst.IndentedBlock) else [body]
    skip = 0
    name = handler.name.name if handler.name is not None else None
    if isinstance(name, cst.Name):
        while skip < len(statements) and _is_guard(statements[skip]):
            skip += 1
        rest = statements[skip:]
        exception = name.value
        if any(find_all(s, cst.Name, lambda n: n.value == exception) for s in rest):
            raise Unhandled(f"the except body uses the exception {name.value!r}")
    if skip == len(statements):
        raise Unhandled("the except body holds nothing but its guard")
    ctx.actions.promote[node] = Promotion(handler, skip)
    if isinstance(node.body, cst.IndentedBlock):
        ctx.drop_tag_comments([node.body.header], site)
    ctx.drop_leading(node.leading_lines, site, paragraph=True)
    ctx.drop_leading(handler.leading_lines, site, paragraph=True)
    return "try body removed; except body promoted in its place"
