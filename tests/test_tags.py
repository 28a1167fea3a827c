"""The tag grammar: every supported form, vague forms, and text that is not a tag."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.version import Version

from compatlint.model import CoverOp
from compatlint.tags import TagGrammar

GRAMMAR = TagGrammar(upstreams=["sglang", "scipy"], tracks=["xpu"])
BARE = TagGrammar(upstreams=["sglang"])

# text, removal, covers, covers_op, track, upstream
FORMS = [
    (
        "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+",
        "0.5.10",
        "0.5.9",
        CoverOp.EQ,
        None,
        "sglang",
    ),
    (
        "# Fallback for sglang <= 0.5.12. Remove when min supported version is 0.5.14+",
        "0.5.14",
        "0.5.12",
        CoverOp.LE,
        None,
        "sglang",
    ),
    (
        "# Fallback for sglang <= 0.5.12. Remove when min supported version\n# is 0.5.14+",
        "0.5.14",
        "0.5.12",
        CoverOp.LE,
        None,
        "sglang",
    ),
    (
        "Remove when minimum supported SGLang is 0.5.18+.",
        "0.5.18",
        None,
        CoverOp.EQ,
        None,
        "sglang",
    ),
    (
        "# Fallback for the separately pinned XPU SGLang 0.5.11.\n"
        "# Remove when the XPU pin is upgraded to 0.5.19+.",
        "0.5.19",
        "0.5.11",
        CoverOp.EQ,
        "xpu",
        "sglang",
    ),
    (
        "# XPU compatibility for SGLang 0.5.11. Remove when the XPU SGLang pin is\n"
        "# upgraded to 0.5.16+.",
        "0.5.16",
        "0.5.11",
        CoverOp.EQ,
        "xpu",
        "sglang",
    ),
    (
        "Patch the tokenizer.\n\n    Remove this compatibility override when the minimum\n"
        "    supported SGLang release is 0.5.20+.\n    ",
        "0.5.20",
        None,
        CoverOp.EQ,
        None,
        "sglang",
    ),
    (
        "# Old flag name. Remove when min supported SGLang (0.5.18+)",
        "0.5.18",
        None,
        CoverOp.EQ,
        None,
        "sglang",
    ),
    (
        "# TODO: Remove when SciPy 1.11 is the minimum supported version",
        "1.11",
        None,
        CoverOp.EQ,
        None,
        "scipy",
    ),
    (
        "# Fallback for sglang <0.5.10. Remove when min supported version is v0.5.10+",
        "0.5.10",
        "0.5.10",
        CoverOp.LT,
        None,
        "sglang",
    ),
    ("# Fallback for sglang 0.5.9.", None, "0.5.9", CoverOp.EQ, None, "sglang"),
    (
        "# Prefer the guarded API on 0.5.19, where it is opt-in.\n"
        "# Remove when the minimum supported version is 0.5.20+.",
        "0.5.20",
        None,
        CoverOp.EQ,
        None,
        None,
    ),
]


@pytest.mark.parametrize(("text", "removal", "covers", "op", "track", "upstream"), FORMS)
def test_tag_forms_parse(text, removal, covers, op, track, upstream) -> None:
    tag = GRAMMAR.parse(text, line=7, end_line=8)
    assert tag is not None
    assert not tag.is_vague
    assert tag.removal == (Version(removal) if removal else None)
    assert tag.covers == (Version(covers) if covers else None)
    assert tag.covers_op is op
    assert tag.track == track
    assert tag.upstream == upstream
    assert (tag.line, tag.end_line) == (7, 8)
    assert tag.raw == text.strip()


def test_track_is_recognised_without_configuration() -> None:
    tag = BARE.parse(
        "# Fallback for the separately pinned XPU SGLang 0.5.11.\n"
        "# Remove when the XPU pin is upgraded to 0.5.19+."
    )
    assert tag is not None and tag.track == "xpu"
    tag = BARE.parse("# Remove when the Gaudi sglang pin is upgraded to 0.5.19+.")
    assert tag is not None and tag.track == "gaudi"


def test_default_track_pin_is_not_a_track() -> None:
    tag = BARE.parse("# Remove when the sglang pin is upgraded to 0.5.19+.")
    assert tag is not None and tag.track is None and tag.removal == Version("0.5.19")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("# Remove when the minimum supported release contains that move", "condition"),
        ("# Fallback for older sglang. Remove when upstream ships (sgl #36972).", "PR"),
        ("# Remove once sgl #36972 is in a release", "PR"),
        ("# Remove when all supported pins accept --x", "condition"),
        ("# Fallback for sglang 0.5.x", "wildcard"),
        ("# Remove when min supported version is 0.5.x", "wildcard"),
        ("# Fallback for the old tokenizer path.", "no version"),
    ],
)
def test_vague_tags(text: str, reason: str) -> None:
    tag = GRAMMAR.parse(text)
    assert tag is not None
    assert tag.is_vague
    assert reason in (tag.vague_reason or "")
    assert tag.removal is None


@pytest.mark.parametrize(
    "text",
    [
        "# from sglang >= 0.5.11 the kwarg exists. Pass through",
        "# removed in numpy 2.4",
        "# This keyword is intended for removal in pytest 9.0",
        "# drop-in replacement for the upstream class",
        "# Use the new API (0.5.11+)",
        "# TODO: handle the 0.5.12 streaming change",
        "",
        "#",
    ],
)
def test_not_tags(text: str) -> None:
    assert GRAMMAR.parse(text) is None


def test_release_segment_only() -> None:
    tag = GRAMMAR.parse("# Remove when min supported version is 0.5.10.post1+")
    assert tag is not None and tag.removal == Version("0.5.10")


def test_plus_version_wins_in_removal_sentence() -> None:
    tag = GRAMMAR.parse("# Remove when sglang 0.5.9 is gone and 0.5.11+ is the floor")
    assert tag is not None and tag.removal == Version("0.5.11")


def test_version_inside_pr_reference_is_not_a_version() -> None:
    tag = GRAMMAR.parse("# Remove when sgl #0.5 merges")
    assert tag is not None and tag.is_vague


@given(st.text())
def test_parser_never_raises(text: str) -> None:
    GRAMMAR.parse(text)
    BARE.parse(text)


@given(
    st.lists(
        st.sampled_from(
            [
                "Fallback",
                "for",
                "sglang",
                "Remove",
                "when",
                "min",
                "supported",
                "version",
                "is",
                "0.5.10+",
                "<=",
                "0.5.x",
                "#123",
                "XPU",
                "pin",
                ".",
                "(0.5.18+)",
                "\n#",
                "v1.2",
            ]
        ),
        max_size=30,
    )
)
def test_parser_never_raises_on_tag_like_text(words: list[str]) -> None:
    tag = GRAMMAR.parse(" ".join(words))
    if tag is not None and tag.is_vague:
        assert tag.removal is None and tag.covers is None
