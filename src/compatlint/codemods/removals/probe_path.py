"""Probe path: a tagged module path in a tuple, list or set of paths goes, with its tag."""

from __future__ import annotations

import libcst as cst

from compatlint.codemods.cst_find import find_all
from compatlint.codemods.removals.context import Action, RemovalContext, Unhandled
from compatlint.model import Site, SiteKind

KIND = SiteKind.PROBE_PATH

#: (shim before, shim after) when pruned at sglang 0.5.10.
CASES = (
    (
        """\
MODULES = (
    "sglang.srt.multimodal.processors.base",
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    "sglang.srt.managers.multimodal_processors.base",
)
PATHS = [
    "sglang.srt.current.one",  # the new home
    "sglang.srt.old",  # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
]
""",
        """\
MODULES = (
    "sglang.srt.multimodal.processors.base",
)
PATHS = [
    "sglang.srt.current.one",  # the new home
]
""",
    ),
)


def remove(ctx: RemovalContext, site: Site) -> Action:
    """The element goes; its tag goes from the lines of the literal (or of the statement,
    for a one-line literal)."""
    value = ctx.find(site, cst.SimpleString, cst.ConcatenatedString)
    element = ctx.index.parent(value)
    if not isinstance(element, cst.Element):
        raise Unhandled("the path is not an element of a literal")
    container = ctx.index.parent(element)
    ctx.actions.remove_elements.add(element)
    if container is not None:
        lines = find_all(container, (cst.EmptyLine, cst.TrailingWhitespace))
        ctx.drop_tag_comments(lines, site)
        statement = ctx.index.line_statement_of(container)
        if statement is not None:  # a one-line literal: the tag trails the statement
            ctx.drop_tag_comments([statement.trailing_whitespace], site)
    return "module path removed"
