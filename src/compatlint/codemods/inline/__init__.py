"""``inline``: import the shim's trivial re-exports from the upstream, then drop them.

A *trivial re-export* is a name the shim binds with an unconditional module-level
``from <upstream>.x import Name [as Alias]`` and neither uses nor binds again, which
another module imports from the shim. The planner is pure (see :func:`plan_inline`); the
command that reads and writes files is :mod:`compatlint.commands.inline`.
"""

from compatlint.codemods.inline.plan import (
    ImporterEdit,
    InlinedName,
    InlinePlan,
    KeptName,
    ManualItem,
)
from compatlint.codemods.inline.planner import first_party_roots, plan_inline

__all__ = [
    "ImporterEdit",
    "InlinePlan",
    "InlinedName",
    "KeptName",
    "ManualItem",
    "first_party_roots",
    "plan_inline",
]
