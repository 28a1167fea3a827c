"""The ``check`` rules, one module each; :data:`ALL_RULES` is the registry in code order.

``verify``'s rules live in :mod:`compatlint.verify.rules`; :mod:`compatlint.catalog` has both.
"""

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
from compatlint.rules.cl110_misplaced_tag import MisplacedTag
from compatlint.rules.cl111_stale_version_note import StaleVersionNote
from compatlint.rules.cl112_dead_version_gate import DeadVersionGate
from compatlint.rules.cl113_undecidable_gate import UndecidableGate
from compatlint.rules.cl114_stale_flag import StaleFlag
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
    MisplacedTag,
    StaleVersionNote,
    DeadVersionGate,
    UndecidableGate,
    StaleFlag,
    InlineFallback,
    UnmockedImport,
    StalePolicyDoc,
)
RULES_BY_CODE: dict[str, type[Rule]] = {rule.code: rule for rule in ALL_RULES}


__all__ = ["ALL_RULES", "RULES_BY_CODE", "Case", "Rule"]
