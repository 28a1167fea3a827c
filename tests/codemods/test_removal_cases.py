"""Every removal's own before/after cases (``CASES`` beside each function in
``codemods/removals/``), pruned at the test config's floor, sglang 0.5.10."""

from __future__ import annotations

import pytest
from prune_helpers import SHIM, prune

from compatlint.codemods.removals import CASES, REMOVALS

CASE_PARAMS = [
    pytest.param(kind, before, after, id=f"{kind.value}-{number}")
    for kind, cases in CASES.items()
    for number, (before, after) in enumerate(cases, start=1)
]


def test_every_removal_has_cases() -> None:
    assert set(CASES) == set(REMOVALS)
    assert all(CASES[kind] for kind in CASES)


@pytest.mark.parametrize(("kind", "before", "after"), CASE_PARAMS)
def test_removal_case(kind, before: str, after: str) -> None:
    plan = prune(before)
    assert plan.new_text(SHIM, before) == after
    assert kind.value in {site.kind for site in plan.removed}


@pytest.mark.parametrize(("kind", "before", "after"), CASE_PARAMS)
def test_removal_case_is_done_in_one_go(kind, before: str, after: str) -> None:
    """Pruning the result again at the same floor changes nothing."""
    assert not prune(after).changed
