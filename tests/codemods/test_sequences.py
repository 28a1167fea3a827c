"""Removing items of one-line sequences leaves them in their own style."""

from __future__ import annotations

import libcst as cst
import pytest

from compatlint.codemods.sequences import remove_items


def _without(source: str, index: int) -> str:
    node = remove_items(cst.parse_expression(source), [index])
    return cst.Module([]).code_for_node(node)


@pytest.mark.parametrize(
    ("source", "index", "expected"),
    [
        ('["A", "B"]', 1, '["A"]'),
        ('["A", "B"]', 0, '["B"]'),
        ('{"A", "B"}', 1, '{"A"}'),
        ('("A", "B")', 1, '("A",)'),
        ('["A", "B", ]', 1, '["A", ]'),
        ('["A", "B", "C"]', 2, '["A", "B"]'),
    ],
)
def test_remove_from_one_line_sequences(source: str, index: int, expected: str) -> None:
    assert _without(source, index) == expected
