"""Polyfill: a class or def in an expired except branch goes with the branch."""

from __future__ import annotations

from compatlint.codemods.removals.context import Action, RemovalContext, Unhandled
from compatlint.model import Site, SiteKind

KIND = SiteKind.POLYFILL

#: (shim before, shim after) when pruned at sglang 0.5.10.
CASES = (
    (
        """\
import logging
import os

try:
    from sglang.srt.network import NetworkAddress
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    logging.getLogger(__name__).debug("polyfilling NetworkAddress")

    class NetworkAddress:
        def __init__(self, host: str) -> None:
            self.host = host

HOME = os.environ.get("HOME")
""",
        """\
import os

from sglang.srt.network import NetworkAddress

HOME = os.environ.get("HOME")
""",
    ),
)


def remove(ctx: RemovalContext, site: Site) -> Action:
    """Nothing of its own to do: the handler's removal takes the definition along."""
    if site.parent_line not in ctx.removed_handler_lines:
        raise Unhandled("its except branch stays")
    return "removed with its except branch"
