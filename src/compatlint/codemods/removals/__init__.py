"""One removal function per site kind, each in its own module with its before/after cases.

Each kind's module holds ``KIND``, its ``remove(ctx, site)`` function and ``CASES``: shim
texts before and after a prune at sglang 0.5.10, which a test runs. This package lists
the modules and builds the registry; the context the functions share lives in
:mod:`~compatlint.codemods.removals.context` (a module of its own, so that the kind
modules import it without importing this package's registry, and the other way round).
The transformer in :mod:`compatlint.codemods.prune_transform` applies the recorded
actions of one pass in one walk.
"""

from __future__ import annotations

from compatlint.codemods.removals import (
    import_fallback,
    polyfill,
    probe_branch,
    probe_path,
    sentinel,
    tagged_definition,
    temporary_try,
)
from compatlint.codemods.removals.context import (
    Action,
    DefinitionDecision,
    Promotion,
    PruneActions,
    Removal,
    RemovalContext,
    Unhandled,
)
from compatlint.model import SiteKind
from compatlint.sitekinds import REMOVAL_ORDER

_KIND_MODULES = (
    import_fallback,
    temporary_try,
    polyfill,
    sentinel,
    probe_branch,
    probe_path,
    tagged_definition,
)

REMOVALS: dict[SiteKind, Removal] = {module.KIND: module.remove for module in _KIND_MODULES}

#: Each kind's (shim before, shim after) examples, pruned at sglang 0.5.10.
CASES: dict[SiteKind, tuple[tuple[str, str], ...]] = {
    module.KIND: module.CASES for module in _KIND_MODULES
}

#: The order sites are handled in: a branch before what lives inside it.
ORDER = REMOVAL_ORDER

__all__ = [
    "CASES",
    "ORDER",
    "REMOVALS",
    "Action",
    "DefinitionDecision",
    "Promotion",
    "PruneActions",
    "Removal",
    "RemovalContext",
    "Unhandled",
]
