"""Which floor governs a tag is answered in one place (``Floors.governing``); every reader
of floors — fate, CL102, CL203, the sites report, prune — must agree with it."""

from __future__ import annotations

import pytest
from helpers import analyze, diagnostics, examples
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version
from prune_helpers import dedent, prune

from compatlint.model import Fate, Tag
from compatlint.report.sites import site_fate
from compatlint.rules.cl102_expired_fallback import ExpiredFallback
from compatlint.rules.cl203_stale_policy_doc import StalePolicyDoc
from compatlint.versions import Floors

SHIM = "pkg/_compat.py"
DOC = "docs/policy.md"
# sglang has a floor, scipy is listed without one, numpy is not listed at all.
CONFIG = {
    "upstream": ["sglang", "scipy"],
    "floor": {"sglang": "0.5.10"},
    "tracks": {"xpu": "0.5.11"},
    "policy-docs": [DOC],
}

CASES = [
    ("Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+", Fate.EXPIRED),
    ("Fallback for 0.5.8. Remove when min supported version is 0.5.9+", Fate.EXPIRED),
    ("Fallback for 0.5.11. Remove when min supported version is 0.5.12+", Fate.KEEP),
    (
        "Needed until SciPy 1.11. Remove when SciPy 1.11 is the minimum supported version",
        Fate.NO_FLOOR,
    ),
    (
        "Needed until NumPy 0.5.9. Remove when NumPy 0.5.9 is the minimum supported version",
        Fate.NO_FLOOR,
    ),
    (
        "XPU compatibility for SGLang 0.5.10. Remove when the XPU pin is upgraded to 0.5.11+",
        Fate.EXPIRED,
    ),
    (
        "Fallback for the separately pinned NPU SGLang 0.5.1. Remove when the NPU pin is 0.5.2+",
        Fate.NO_FLOOR,
    ),
]


def _shim(tag_text: str) -> str:
    return (
        "try:\n    from sglang.srt.new import Thing\nexcept ImportError:\n"
        f"    # {tag_text}\n    from sglang.srt.old import Thing\n"
    )


@pytest.mark.parametrize(("tag_text", "expected"), CASES)
def test_every_reader_of_floors_agrees_with_governing(tag_text: str, expected: Fate) -> None:
    files = {SHIM: _shim(tag_text), DOC: f"# Policy\n\n# {tag_text}\n"}
    project = analyze(files, CONFIG)
    config = project.config
    (site,) = [s for s in project.shims[SHIM].sites if s.kind.value == "import-fallback"]
    assert site.tag is not None
    governing = config.floors.governing(site.tag, site.upstream, config.primary)
    fate = site_fate(site, config.floors, config.primary)
    assert fate is expected
    expired = governing is not None and fate is Fate.EXPIRED
    assert (fate is Fate.NO_FLOOR) is (governing is None)

    found = diagnostics(files, CONFIG, (ExpiredFallback,))
    assert bool(found) is expired
    if found:
        assert found[0].message.endswith(f"floor is {governing}")

    (doc_tag,) = project.doc_tags[DOC] or (None,)
    stale = diagnostics(files, CONFIG, (StalePolicyDoc,))
    if doc_tag is not None and doc_tag.removal is not None:
        doc_floor = config.floors.governing(doc_tag, None, config.primary)
        assert bool(stale) is (doc_floor is not None and doc_tag.removal <= doc_floor)

    plan = prune({SHIM: dedent(_shim(tag_text))}, "0.5.10", overrides=CONFIG)
    assert plan.changed is expired


def test_prune_names_the_upstream_a_floorless_tag_names() -> None:
    """The follow-up once named the site's upstream (which had a floor), not the tag's."""
    source = _shim(CASES[3][0])
    plan = prune(source, "0.5.30")
    assert not plan.changed
    assert [item.reason for item in plan.follow_ups] == ["no floor for scipy; kept"]


_NAMES = st.sampled_from([None, "sglang", "scipy", "numpy"])
_TRACKS = st.sampled_from([None, "xpu", "npu"])


@settings(deadline=None, max_examples=examples(200))
@given(tag_upstream=_NAMES, track=_TRACKS, site_upstream=_NAMES, primary=_NAMES)
def test_governing_follows_the_precedence(
    tag_upstream: str | None, track: str | None, site_upstream: str | None, primary: str | None
) -> None:
    floors = Floors(
        primary="sglang",
        upstreams={"sglang": Version("0.5.10"), "scipy": Version("1.11")},
        tracks={"xpu": Version("0.5.11")},
    )
    tag = Tag(raw="t", line=1, end_line=1, removal=Version("1"), track=track, upstream=tag_upstream)
    expected_upstream = tag_upstream or site_upstream or primary or "sglang"
    expected = floors.tracks.get(track) if track else floors.upstreams.get(expected_upstream)
    assert floors.governing(tag, site_upstream, primary) == expected
    assert floors.governing_upstream(tag, site_upstream, primary) == expected_upstream
    assert (floors.fate(tag, site_upstream, primary) is Fate.NO_FLOOR) is (expected is None)
    words = floors.governing_words(tag, site_upstream, primary)
    assert words == (f"the {track} track" if track else expected_upstream)
