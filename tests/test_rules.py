"""Every rule's VALID and INVALID examples, run as tests (the examples are its docs)."""

from __future__ import annotations

import pytest
from helpers import diagnostics

from compatlint.rules import ALL_RULES, Case, Rule

VALID = [
    pytest.param(rule, case, id=f"{rule.code}-valid-{i}")
    for rule in ALL_RULES
    for i, case in enumerate(rule.VALID)
]
INVALID = [
    pytest.param(rule, case, id=f"{rule.code}-invalid-{i}")
    for rule in ALL_RULES
    for i, case in enumerate(rule.INVALID)
]


def _run(rule: type[Rule], case: Case):
    files = {case.path: case.code, **case.files}
    return diagnostics(files, case.config, rules=(rule,))


@pytest.mark.parametrize(("rule", "case"), VALID)
def test_valid_case_is_not_flagged(rule: type[Rule], case: Case) -> None:
    assert _run(rule, case) == []


@pytest.mark.parametrize(("rule", "case"), INVALID)
def test_invalid_case_is_flagged(rule: type[Rule], case: Case) -> None:
    found = _run(rule, case)
    assert found, f"{rule.code} did not flag:\n{case.code}"
    assert all(d.code == rule.code for d in found)
    if case.lines:
        assert [d.line for d in found] == list(case.lines)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_rule_has_docs_and_examples(rule: type[Rule]) -> None:
    assert rule.VALID and rule.INVALID
    doc = rule.doc()
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert section in doc
    assert rule.name.replace("-", "").isalpha()


def test_codes_are_unique_and_ordered() -> None:
    codes = [rule.code for rule in ALL_RULES]
    assert codes == sorted(set(codes))
