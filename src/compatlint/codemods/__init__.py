"""Codemods: libcst rewrites planned purely (text in, new texts and a report out).

``prune`` removes expired fallbacks; :func:`add_stub_entries` is shared with ``mocks``.
"""

from compatlint.codemods.plan import (
    CallSiteEdit,
    FollowUp,
    PrunePlan,
    RemovedSite,
    StubAddition,
)

__all__ = [
    "CallSiteEdit",
    "FollowUp",
    "PrunePlan",
    "RemovedSite",
    "StubAddition",
    "add_stub_entries",
    "plan_prune",
]


def __getattr__(name: str):
    # libcst costs ~0.4 s to import: load the rewriting modules only when asked for.
    if name == "plan_prune":
        from compatlint.codemods.prune import plan_prune

        return plan_prune
    if name == "add_stub_entries":
        from compatlint.codemods.stubs import add_stub_entries

        return add_stub_entries
    raise AttributeError(name)
