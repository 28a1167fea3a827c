"""Every CL3xx rule's VERIFY_VALID and VERIFY_INVALID examples, run against fake upstreams.

The generic harness (tests/test_rules.py) cannot run these rules: their evidence is the
upstream's files, so each case carries its own fake versions (``VerifyCase.upstreams``).
"""

from __future__ import annotations

import pytest
from helpers import make_config
from verify_fakes import with_init_files

from compatlint.analysis.project import analyze_project
from compatlint.model import Diagnostic
from compatlint.verify.findings import verify_project
from compatlint.verify.judge import VerifyCase, VerifyRule
from compatlint.verify.rules import VERIFY_RULES
from compatlint.verify.sources import UpstreamTree

VALID = [
    pytest.param(rule, case, id=f"{rule.code}-valid-{i}")
    for rule in VERIFY_RULES
    for i, case in enumerate(rule.VERIFY_VALID)
]
INVALID = [
    pytest.param(rule, case, id=f"{rule.code}-invalid-{i}")
    for rule in VERIFY_RULES
    for i, case in enumerate(rule.VERIFY_INVALID)
]


def run_case(rule: type[VerifyRule], case: VerifyCase) -> list[Diagnostic]:
    files = {case.path: case.code, **case.files}
    project = analyze_project(make_config(case.config), files)
    trees = [
        UpstreamTree.from_files(version, "sglang", with_init_files(upstream))
        for version, upstream in case.upstreams.items()
    ]
    return list(verify_project(project, files, trees, rules=(rule,)).diagnostics)


@pytest.mark.parametrize(("rule", "case"), VALID)
def test_valid_case_is_not_flagged(rule: type[VerifyRule], case: VerifyCase) -> None:
    assert run_case(rule, case) == []


@pytest.mark.parametrize(("rule", "case"), INVALID)
def test_invalid_case_is_flagged(rule: type[VerifyRule], case: VerifyCase) -> None:
    found = run_case(rule, case)
    assert found, f"{rule.code} did not flag:\n{case.code}"
    assert all(d.code == rule.code for d in found)
    assert [d.line for d in found] == list(case.lines)


@pytest.mark.parametrize("rule", VERIFY_RULES, ids=lambda r: r.code)
def test_rule_has_docs_and_examples(rule: type[VerifyRule]) -> None:
    assert rule.VERIFY_VALID and rule.VERIFY_INVALID
    assert rule.code.startswith("CL3") and rule.name.replace("-", "").isalpha()
    doc = rule.doc()
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert section in doc


def test_rules_find_nothing_under_check() -> None:
    """Outside verify there is no evidence: ``check`` would get nothing from them."""
    project = analyze_project(make_config(), {"pkg/_compat.py": "import sglang\n"})
    for rule in VERIFY_RULES:
        assert list(rule().check(project)) == []


def test_codes_are_unique_and_ordered() -> None:
    codes = [rule.code for rule in VERIFY_RULES]
    assert codes == sorted(set(codes)) == ["CL301", "CL302", "CL303", "CL304"]
