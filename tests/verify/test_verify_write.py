"""Inserting suggested tags: the pure text edit (the write itself is tested through the CLI)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from compatlint.verify.write import TagInsertion, insert_tags, split_lines

TAG = "# Fallback for sglang <= 0.5.10. Remove when min supported version is 0.5.11+"
SHIM = """\
try:
    from sglang.srt.new import X
except ImportError:
    from sglang.srt.old import X
"""
EXPECTED = f"""\
try:
    from sglang.srt.new import X
except ImportError:
    {TAG}
    from sglang.srt.old import X
"""


def insert(text: str, header: int = 3, body: int = 4) -> str:
    return insert_tags(text, [TagInsertion(header, body, TAG)])


def test_inserts_with_the_body_indentation_and_is_idempotent() -> None:
    assert insert(SHIM) == EXPECTED
    assert insert(EXPECTED, body=5) == EXPECTED


def test_keeps_crlf_and_bom() -> None:
    crlf = "\ufeff" + SHIM.replace("\n", "\r\n")
    assert insert(crlf) == "\ufeff" + EXPECTED.replace("\n", "\r\n")


def test_tabs_and_a_leading_comment_block() -> None:
    text = "try:\n\timport sglang.a\nexcept ImportError:\n\n\t# the old home\n\timport sglang.b\n"
    assert insert(text, body=6) == (
        f"try:\n\timport sglang.a\nexcept ImportError:\n\n\t{TAG}\n\t# the old home\n"
        "\timport sglang.b\n"
    )


def test_several_insertions_in_one_file_keep_their_places() -> None:
    text = SHIM + SHIM
    both = insert_tags(text, [TagInsertion(3, 4, TAG), TagInsertion(7, 8, TAG)])
    assert both == EXPECTED + EXPECTED


def test_impossible_insertions_are_skipped() -> None:
    one_liner = "try:\n    import sglang.a\nexcept ImportError: import sglang.b\n"
    assert insert(one_liner, header=3, body=3) == one_liner
    assert insert(SHIM, header=3, body=99) == SHIM


@given(st.text(alphabet=st.sampled_from(["a", " ", "\n", "\r", "\t", "#"])))
def test_split_lines_round_trips(text: str) -> None:
    lines = split_lines(text)
    assert "".join(lines) == text
    assert all(line for line in lines)
