"""docs/verify.md carries the CL3xx rule reference, generated from the rules."""

from __future__ import annotations

from pathlib import Path

from compatlint.verify.docs import rules_reference, with_reference
from compatlint.verify.rules import VERIFY_RULES

DOC = Path(__file__).parent.parent.parent / "docs" / "verify.md"


def test_rule_reference_is_current() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert rules_reference() in text
    assert with_reference(text) == text, "run: python -m compatlint.verify.docs"


def test_every_verify_rule_is_documented() -> None:
    reference = rules_reference()
    for rule in VERIFY_RULES:
        assert f"### {rule.code} {rule.name}" in reference
