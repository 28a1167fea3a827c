"""Versions compare by release; floors per upstream and track; expiry."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version

from compatlint.model import CoverOp, Fate, Tag
from compatlint.versions import (
    Floors,
    VersionError,
    parse_floor_options,
    parse_version,
    tag_expired,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0.5.10", "0.5.10"), ("v0.5.7", "0.5.7"), ("0.5.10.post1", "0.5.10"), ("1.11", "1.11")],
)
def test_parse_version_keeps_release(text: str, expected: str) -> None:
    assert parse_version(text) == Version(expected)


@pytest.mark.parametrize("text", ["", "latest", "0.5.x", "0..5", "1.2.3-beta-gamma!"])
def test_parse_version_rejects(text: str) -> None:
    with pytest.raises(VersionError):
        parse_version(text)


def _tag(removal: str | None = None, covers: str | None = None, op=CoverOp.EQ, track=None):
    return Tag(
        raw="t",
        line=1,
        end_line=1,
        removal=Version(removal) if removal else None,
        covers=Version(covers) if covers else None,
        covers_op=op,
        track=track,
    )


@pytest.mark.parametrize(
    ("tag", "floor", "expired"),
    [
        (_tag("0.5.10"), "0.5.10", True),
        (_tag("0.5.10"), "0.5.9", False),
        (_tag("0.5.10"), "0.5.10.post1", True),
        (_tag("0.5.11"), "0.5.10.post1", False),
        (_tag(covers="0.5.9"), "0.5.10", True),
        (_tag(covers="0.5.9"), "0.5.9", False),
        (_tag(covers="0.5.10", op=CoverOp.LT), "0.5.10", True),
        (_tag(covers="0.5.10", op=CoverOp.LE), "0.5.10", False),
        (_tag(), "9.9", False),
    ],
)
def test_tag_expired(tag: Tag, floor: str, expired: bool) -> None:
    assert tag_expired(tag, Version(floor)) is expired


def test_fate_uses_the_track_floor_only() -> None:
    floors = Floors(
        primary="sglang",
        upstreams={"sglang": Version("0.5.12")},
        tracks={"xpu": Version("0.5.11")},
    )
    assert floors.fate(_tag("0.5.12", track="xpu")) is Fate.KEEP
    assert floors.fate(_tag("0.5.11", track="xpu")) is Fate.EXPIRED
    assert floors.fate(_tag("0.5.11", track="gaudi")) is Fate.NO_FLOOR
    assert floors.fate(_tag("0.5.12")) is Fate.EXPIRED
    assert floors.fate(None) is Fate.UNTAGGED


def test_floor_options() -> None:
    floors = parse_floor_options(
        ["0.5.11", "xpu=0.5.19", "SciPy=1.11"], ["sglang", "scipy"], "sglang", tracks=["XPU"]
    )
    assert floors.upstreams == {"sglang": Version("0.5.11"), "scipy": Version("1.11")}
    assert floors.tracks == {"xpu": Version("0.5.19")}
    merged = Floors("sglang", {"sglang": Version("0.5.9")}, {"xpu": Version("0.5.1")}).merged(
        floors
    )
    assert merged.upstreams["sglang"] == Version("0.5.11")
    assert merged.tracks["xpu"] == Version("0.5.19")


@pytest.mark.parametrize("value", ["xpu=", "=0.5", "nope", "xpu=0.5.x"])
def test_floor_option_errors(value: str) -> None:
    with pytest.raises(VersionError, match="--floor"):
        parse_floor_options([value], ["sglang"], "sglang", tracks=["xpu"])


def test_a_floor_for_an_upstream_keeps_its_configured_spelling() -> None:
    floors = parse_floor_options(["pil=10.1", "sglang=0.5.11"], ["PIL", "sglang"], "PIL")
    assert floors.upstreams == {"PIL": Version("10.1"), "sglang": Version("0.5.11")}
    assert floors.tracks == {}


@pytest.mark.parametrize(
    ("value", "hint"),
    [
        ("xpux=0.5.19", "did you mean 'xpu'?"),
        ("sglan=0.5.19", "did you mean 'sglang'?"),
        ("numpy=2.0", "known: python, sglang, xpu"),
        ("pyhton=3.10", "did you mean 'python'?"),
        ("nmupy=1.24", "known: python, sglang, xpu"),
    ],
)
def test_an_unknown_floor_name_is_an_error_with_the_closest_name(value: str, hint: str) -> None:
    with pytest.raises(VersionError, match="is not a configured upstream") as raised:
        parse_floor_options([value], ["sglang"], "sglang", tracks=["xpu"])
    assert hint in str(raised.value)


@pytest.mark.parametrize(
    "values",
    [
        ["0.5.11", "0.5.12"],
        ["0.5.11", "sglang=0.5.12"],
        ["xpu=0.5.19", "XPU=0.5.20"],
    ],
)
def test_two_floors_for_one_name_are_an_error(values: list[str]) -> None:
    with pytest.raises(VersionError, match="conflicts with --floor"):
        parse_floor_options(values, ["sglang"], "sglang", tracks=["xpu"])


@settings(deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["", "sglang=", "SGLang=", "xpu=", "Xpu="]), st.integers(0, 3)),
        min_size=1,
        max_size=6,
    )
)
def test_the_same_floor_twice_is_fine_and_order_never_matters(given_values) -> None:
    values = [f"{prefix}0.5.{minor}" for prefix, minor in given_values]
    per_name: dict[str, set[int]] = {}
    for prefix, minor in given_values:
        per_name.setdefault("xpu" if "x" in prefix.lower() else "sglang", set()).add(minor)
    if any(len(minors) > 1 for minors in per_name.values()):
        with pytest.raises(VersionError, match="conflicts"):
            parse_floor_options(values, ["sglang"], "sglang", tracks=["xpu"])
        return
    forward = parse_floor_options(values, ["sglang"], "sglang", tracks=["xpu"])
    backward = parse_floor_options(values[::-1], ["sglang"], "sglang", tracks=["xpu"])
    assert forward == backward
    assert forward.to_json() == {
        ("track:xpu" if name == "xpu" else name): f"0.5.{minors.pop()}"
        for name, minors in per_name.items()
    }
