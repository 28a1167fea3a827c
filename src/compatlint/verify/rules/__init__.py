"""The ``verify`` rules (CL3xx), one module each; :data:`VERIFY_RULES` is their registry.

They live under ``verify`` because they judge upstream files, which ``check`` never reads.
"""

from __future__ import annotations

from compatlint.verify.judge import VerifyRule
from compatlint.verify.rules.cl301_dead_fallback import DeadFallback
from compatlint.verify.rules.cl302_broken_path import BrokenPath
from compatlint.verify.rules.cl303_tag_vs_evidence import TagVsEvidence
from compatlint.verify.rules.cl304_unguarded_import import UnguardedImport

VERIFY_RULES: tuple[type[VerifyRule], ...] = (
    DeadFallback,
    BrokenPath,
    TagVsEvidence,
    UnguardedImport,
)

__all__ = ["VERIFY_RULES"]
