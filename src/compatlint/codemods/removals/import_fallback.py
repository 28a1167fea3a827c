"""Import fallback: ``try: <new> except ImportError: <old>`` loses its handler."""

from __future__ import annotations

import libcst as cst

from compatlint.codemods.removals.context import (
    EXCEPT_STAR,
    Action,
    RemovalContext,
    Unhandled,
)
from compatlint.model import Site, SiteKind

KIND = SiteKind.IMPORT_FALLBACK

#: (shim before, shim after) when pruned at sglang 0.5.10.
CASES = (
    (
        """\
try:
    from sglang.srt.new import Thing
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    from sglang.srt.old import Thing
""",
        "from sglang.srt.new import Thing\n",
    ),
    (
        """\
try:
    from sglang.srt.new import Thing
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    from sglang.srt.old import Thing
else:
    # only with the new layout
    Thing.fast = True
""",
        """\
from sglang.srt.new import Thing
# only with the new layout
Thing.fast = True
""",
    ),
)


def remove(ctx: RemovalContext, site: Site) -> Action:
    """The handler goes; a try left without handlers (and without ``finally``) becomes
    its body, then its ``else`` body."""
    if site.undecided:
        raise Unhandled(site.undecided)
    handler = ctx.find(site, cst.ExceptHandler, cst.ExceptStarHandler)
    if isinstance(handler, cst.ExceptStarHandler):
        raise Unhandled(EXCEPT_STAR)
    node = ctx.index.parent(handler)
    if not isinstance(node, cst.Try):
        raise Unhandled("the except clause is not part of a plain try")
    ctx.actions.remove_handlers.add(handler)
    ctx.removed_handler_lines.add(site.line)
    ctx.drop_leading(handler.leading_lines, site, paragraph=True)
    ctx.note_try(node, site)

    def describe() -> str:
        if ctx.unwrapped(node):
            return "except branch removed, try unwrapped"
        if node.finalbody is not None and not any(
            h not in ctx.actions.remove_handlers for h in node.handlers
        ):
            return "except branch removed, try kept for its finally"
        return "except branch removed"

    return describe
