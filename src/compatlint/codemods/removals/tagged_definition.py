"""Tagged definition: a def or class whose tag says *it* goes, with its bare calls."""

from __future__ import annotations

import libcst as cst

from compatlint.codemods.removals.context import Action, RemovalContext, Unhandled
from compatlint.model import Site, SiteKind

KIND = SiteKind.TAGGED_DEFINITION

#: (shim before, shim after) when pruned at sglang 0.5.10.
CASES = (
    (
        """\
import functools

__all__ = [
    "ensure_patch",
    "keep",
]


def keep():
    return 1


def ensure_patch() -> None:
    \"\"\"Patch the tokenizer.

    Remove this compatibility override when the minimum supported SGLang release is 0.5.10+.
    \"\"\"
    if not hasattr(functools, "cache"):
        functools.reduce(max, [1])


ensure_patch()
""",
        """\
__all__ = [
    "keep",
]


def keep():
    return 1
""",
    ),
    (
        """\
# Wrapper for the renamed flag. Remove this wrapper when min supported SGLang is 0.5.10+.
def stream_kwargs(stream):
    return {"stream": stream}


def other():
    return 2
""",
        """\
def other():
    return 2
""",
    ),
)


def remove(ctx: RemovalContext, site: Site) -> Action:
    """Removed with its bare calls in the shim, when every use is such a call (decided by
    the planner); its ``__all__`` entry and the calls at call sites go in later steps."""
    node = ctx.find(site, cst.FunctionDef, cst.ClassDef)
    if not isinstance(ctx.index.parent(node), cst.Module):
        raise Unhandled("only module-level definitions are removed")
    name = site.names[0]
    decision = ctx.definitions.get(name)
    if decision is None:
        raise Unhandled("its uses were not analysed")
    if decision.blocked:
        raise Unhandled(decision.blocked)
    ctx.actions.remove.add(node)
    ctx.drop_leading(node.leading_lines, site, paragraph=True)
    for call in decision.bare_calls:
        ctx.actions.remove.add(call)
    calls = len(decision.bare_calls)
    shim_note = (
        f"; {calls} bare call{'s' if calls != 1 else ''} in the shim removed" if calls else ""
    )
    return f"definition removed{shim_note}{decision.call_site_note}"
