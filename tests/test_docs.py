"""The README rule table and docs/rules.md are generated from the rules and must not drift."""

from __future__ import annotations

from pathlib import Path

from compatlint.docs import rules_reference, rules_table, with_table
from compatlint.rules import ALL_RULES

ROOT = Path(__file__).parent.parent


def test_readme_rule_table_is_current() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert rules_table() in readme
    assert with_table(readme) == readme, "run: python -m compatlint.docs"


def test_rules_reference_is_current() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_reference()


def test_every_rule_is_documented() -> None:
    reference = rules_reference()
    for rule in ALL_RULES:
        assert f"## {rule.code} {rule.name}" in reference


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    assert "make demo" in first_block and "make test" in first_block
