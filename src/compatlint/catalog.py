"""Every documented rule: ``check``'s (:mod:`compatlint.rules`), then ``verify``'s.

It stands above both registries so that neither has to import the other; ``compatlint
rule`` and the generated docs (README table, ``docs/rules.md``) read it.
"""

from __future__ import annotations

from compatlint.rules import ALL_RULES, Rule
from compatlint.verify.rules import VERIFY_RULES


def documented_rules() -> tuple[type[Rule], ...]:
    """Every rule with docs: check's, then verify's."""
    return (*ALL_RULES, *VERIFY_RULES)


def runs_under_verify(rule: type[Rule]) -> bool:
    """Whether ``rule`` runs only under ``compatlint verify`` (it needs upstream files)."""
    return rule in VERIFY_RULES


__all__ = ["documented_rules", "runs_under_verify"]
