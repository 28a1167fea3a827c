"""The lines an edit touched: difflib's answer, found faster on big files.

:class:`~compatlint.codemods.formatting.LineMatcher` samples the longest match where two
ranges share a long head or tail; its opcodes (and so :func:`touched_lines`) must be
difflib's own, on sequences with many repeated items, where ties and misaligned matches
are common.
"""

from __future__ import annotations

import difflib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compatlint.codemods import formatting
from compatlint.codemods.formatting import LineMatcher, touched_lines

items = st.lists(st.sampled_from("aab\n"), max_size=40)


def _difflib_touched_lines(before: str, after: str) -> tuple[int, int] | None:
    """:func:`touched_lines` with difflib's matcher."""
    return touched_lines(before, after, matcher_class=difflib.SequenceMatcher)


@settings(max_examples=400, deadline=None)
@given(st.data(), items, items, items, items, st.sampled_from([1, 2, 3, 16]))
def test_the_opcodes_are_difflibs(
    data: st.DataObject,
    head: list[str],
    middle_a: list[str],
    middle_b: list[str],
    tail: list[str],
    sampled: int,
) -> None:
    """An edit in the middle of shared text, or any two sequences."""
    if data.draw(st.booleans()):
        a, b = head + middle_a + tail, head + middle_b + tail
    else:
        a, b = middle_a + head, middle_b + tail
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(formatting, "SAMPLED", sampled)
        ours = LineMatcher(None, a, b, autojunk=False).get_opcodes()
    assert ours == difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


lines = st.lists(st.sampled_from(["", "x = 1", "import a", "    pass", "def f():"]), max_size=60)


@settings(max_examples=200, deadline=None)
@given(lines, lines, lines, lines)
def test_touched_lines_are_difflibs(
    head: list[str], middle_a: list[str], middle_b: list[str], tail: list[str]
) -> None:
    before = "\n".join(head + middle_a + tail) + "\n"
    after = "\n".join(head + middle_b + tail) + "\n"
    assert touched_lines(before, after) == _difflib_touched_lines(before, after)


def test_the_counterexample_to_trimming_is_difflibs() -> None:
    """Trimming the common head and tail before difflib is not difflib: here it would say
    line 1-2 where difflib says line 1."""
    before, after = "a\nx\na\na\n", "a\na\n"
    assert touched_lines(before, after) == _difflib_touched_lines(before, after) == (1, 1)
