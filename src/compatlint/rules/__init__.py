"""The lint rules, one module each; :data:`ALL_RULES` is the registry in code order."""

from __future__ import annotations

from compatlint.rules.base import Case, Rule
from compatlint.rules.cl101_untagged_fallback import UntaggedFallback
from compatlint.rules.cl102_expired_fallback import ExpiredFallback
from compatlint.rules.cl103_vague_tag import VagueTag
from compatlint.rules.cl104_inconsistent_tags import InconsistentTags
from compatlint.rules.cl105_version_gate import VersionGate
from compatlint.rules.cl106_eager_heavy_import import EagerHeavyImport
from compatlint.rules.cl107_stale_all import StaleAll
from compatlint.rules.cl108_trivial_shim import TrivialShim
from compatlint.rules.cl201_inline_fallback import InlineFallback
from compatlint.rules.cl202_unmocked_import import UnmockedImport
from compatlint.rules.cl203_stale_policy_doc import StalePolicyDoc

ALL_RULES: tuple[type[Rule], ...] = (
    UntaggedFallback,
    ExpiredFallback,
    VagueTag,
    InconsistentTags,
    VersionGate,
    EagerHeavyImport,
    StaleAll,
    TrivialShim,
    InlineFallback,
    UnmockedImport,
    StalePolicyDoc,
)
RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}


def verify_rules() -> tuple[type[Rule], ...]:
    """The rules ``compatlint verify`` runs against upstream files (CL3xx).

    Imported on demand: they bring the upstream readers, which ``check`` never needs.
    """
    from compatlint.verify.findings import VERIFY_RULES

    return tuple(VERIFY_RULES)


def documented_rules() -> tuple[type[Rule], ...]:
    """Every rule with docs: check's, then verify's."""
    return (*ALL_RULES, *verify_rules())


__all__ = ["ALL_RULES", "RULES_BY_CODE", "Case", "Rule", "documented_rules", "verify_rules"]
