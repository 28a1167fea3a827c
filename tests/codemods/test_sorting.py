"""The pure half of import sorting: which of a sorter's fixes apply, and applying them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from compatlint.codemods.sorting import (
    Anchor,
    BlockEdit,
    Finding,
    Replacement,
    apply_replacements,
    line_starts,
    resort,
)


def test_line_starts_know_the_three_line_endings_and_nothing_else() -> None:
    assert line_starts("a\nb\r\nc\rd") == [0, 2, 5, 7]
    # A form feed or a vertical tab ends a line for str.splitlines, not for ruff.
    assert line_starts("a\x0cb\x0bc\n") == [0, 6]
    assert line_starts("") == [0]


@settings(deadline=None)
@given(st.lists(st.sampled_from(["x", "é", " ", "\n", "\r\n", "\r", "\x0c"]), max_size=30))
def test_line_starts_split_the_text_into_lines_with_one_ending_each(parts: list[str]) -> None:
    text = "".join(parts)
    starts = line_starts(text)
    lines = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    assert "".join(lines) == text
    for line in lines[:-1]:
        body = line.removesuffix("\r\n").removesuffix("\n").removesuffix("\r")
        assert len(line) - len(body) in (1, 2)
        assert "\n" not in body and "\r" not in body


def _starts_char_by_char(text: str) -> list[int]:
    """The definition, one character at a time."""
    starts, index = [0], 0
    while index < len(text):
        char = text[index]
        index += 1
        if char == "\r" and text[index : index + 1] == "\n":
            index += 1
        if char in "\r\n":
            starts.append(index)
    return starts


@given(st.lists(st.sampled_from(["x", "\n", "\r\n", "\r", "\r\r", "\n\r", "\x85"]), max_size=30))
def test_line_starts_are_those_of_a_character_scan(parts: list[str]) -> None:
    text = "".join(parts)
    assert line_starts(text) == _starts_char_by_char(text)


@given(
    st.lists(st.sampled_from(["x", "\n", "\r\n", "\r", "\r\r"]), max_size=30),
    st.integers(0, 40),
)
def test_the_starts_of_the_first_rows_are_those_of_the_whole_text(
    parts: list[str], rows: int
) -> None:
    text = "".join(parts)
    assert line_starts(text, rows) == line_starts(text)[: max(rows, 1)]


def test_replacements_use_one_based_character_columns() -> None:
    text = 'x = "é"; import b\nimport a\r\nrest\n'
    replaced = apply_replacements(
        text,
        [Replacement(1, 10, 2, 1, "import c\n"), Replacement(3, 1, 3, 5, "REST")],
    )
    assert replaced == 'x = "é"; import c\nimport a\r\nREST\n'
    assert apply_replacements("a\n", [Replacement(9, 1, 9, 1, "b\n")]) == "a\nb\n"


BEFORE = "import b\nimport a\n\nx = 1\n\nimport d\nimport c\n"
AFTER = "import b\nimport a\nimport e\n\nx = 1\n\nimport d\nimport c\nimport f\n"
SORTED_FIRST = Finding(1, 3, (Replacement(1, 1, 4, 1, "import a\nimport b\nimport e\n"),))
SORTED_SECOND = Finding(7, 9, (Replacement(7, 1, 10, 1, "import c\nimport d\nimport f\n"),))


def test_only_blocks_that_were_sorted_before_are_sorted_again() -> None:
    edit = BlockEdit("m.py", BEFORE, AFTER, (Anchor(2, 3), Anchor(7, 9)))
    # The first block was unsorted before the edit: it stays as the edit left it.
    assert resort(edit, [Finding(1, 2)], [SORTED_FIRST, SORTED_SECOND]) == (
        "import b\nimport a\nimport e\n\nx = 1\n\nimport c\nimport d\nimport f\n"
    )
    assert resort(edit, [], [SORTED_FIRST, SORTED_SECOND]) == (
        "import a\nimport b\nimport e\n\nx = 1\n\nimport c\nimport d\nimport f\n"
    )
    assert resort(edit, [Finding(1, 2), Finding(6, 7)], [SORTED_FIRST, SORTED_SECOND]) == AFTER


def test_a_block_the_edit_did_not_touch_is_left_alone() -> None:
    edit = BlockEdit("m.py", BEFORE, AFTER, (Anchor(7, 9),))
    assert resort(edit, [], [SORTED_FIRST]) == AFTER
    # A finding without a fix (an import after a ``;``) changes nothing either.
    assert resort(edit, [], [Finding(7, 9)]) == AFTER
