"""Tag phrasings as real projects write them: what each means, and prose that is no tag."""

from __future__ import annotations

import pytest
from helpers import diagnostics
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version

from compatlint.model import CoverOp, Fate, Tag
from compatlint.rules.cl103_vague_tag import VagueTag
from compatlint.tags import TagGrammar
from compatlint.versions import Floors, tag_expired

GRAMMAR = TagGrammar(upstreams=["sglang", "numpy", "scipy", "dask", "pydantic"], tracks=["xpu"])

NOT_A_TAG = "not a tag"
VAGUE = "vague"

# text, then what it reads as: "removal R", "covers <op> C", VAGUE or NOT_A_TAG; upstream.
PHRASINGS = [
    # dropping support: the code serves the dropped versions, so it goes once the floor passes
    ("# remove when we drop support for Python 3.9", "covers <= 3.9", "python"),
    ("# Remove when dropping support for Python 3.9", "covers <= 3.9", "python"),
    ("# Can be removed once support for Python 3.9 is dropped.", "covers <= 3.9", "python"),
    ("# Remove once Python 3.9 support is dropped.", "covers <= 3.9", "python"),
    ("# Remove when Python 3.9 reaches end of life", "covers <= 3.9", "python"),
    ("# TODO: Once we drop Python 3.8, remove this branch.", "covers <= 3.8", "python"),
    ("# once support for 3.9 is dropped, remove this", "covers <= 3.9", None),
    ("# TODO: remove when dropping support for Pydantic < v2.12.3", "covers < 2.12.3", "pydantic"),
    ("# Drop this when we stop supporting sglang <= 0.5.9", "covers <= 0.5.9", "sglang"),
    ("# Remove when we no longer support numpy 1.26", "covers <= 1.26", "numpy"),
    ("# Remove when sglang < 0.5.10 is no longer supported", "covers < 0.5.10", "sglang"),
    (
        "# Fallback for sglang 0.5.9. Remove when we drop support for Python 3.9",
        "covers <= 3.9",
        "python",
    ),
    # modal passives and other verbs mean "remove when"
    (
        "# Can be removed once numpy 2.0 is the minimum supported version",
        "removal 2.0",
        "numpy",
    ),
    (
        "# May be removed when sglang 0.5.10 is the minimum supported version",
        "removal 0.5.10",
        "sglang",
    ),
    ("# This fallback can be removed once sglang 0.5.12 is the floor.", "removal 0.5.12", "sglang"),
    ("# Can be removed once dask 2024.12.1 is the minimum.", "removal 2024.12.1", "dask"),
    ("# delete when dask>=2024.11.0", "removal 2024.11.0", "dask"),
    ("# Drop when min supported version is 0.5.10+", "removal 0.5.10", None),
    ("# remove once numpy 2.0 is the oldest supported version", "removal 2.0", "numpy"),
    ("# Remove once NumPy 2.0 is the lowest supported version.", "removal 2.0", "numpy"),
    ("# Remove when the minimum supported Pydantic is v2.12.3", "removal 2.12.3", "pydantic"),
    # operators: >= names the removal; > drops everything up to the version
    ("# remove when numpy >= 2.0", "removal 2.0", "numpy"),
    ("# Remove when numpy > 1.26", "covers <= 1.26", "numpy"),
    # a version before the condition names the code; the one after it the release
    ("# Remove the 0.5.9 fallback when 0.5.12 is the floor", "removal 0.5.12", None),
    ("# Remove the `timeout` kwarg in 0.6.0", "removal 0.6.0", None),
    ("# Drop stale packets in 1.5 s", NOT_A_TAG, None),
    # a whole comment that is "<upstream> < <version>" claims what the arm serves
    ("# SciPy < 1.8", "covers < 1.8", "scipy"),
    ("# scipy <= 1.7", "covers <= 1.7", "scipy"),
    ("# Python < 3.10", "covers < 3.10", "python"),
    ("# Fallback for Python < 3.10", "covers < 3.10", "python"),
    # removal talk about this code that names no release
    ("# TODO: remove this when upstream fixes it", VAGUE, None),
    ("# Can be removed once upstream fixes it", VAGUE, None),
    ("# Remove this workaround when the bug is fixed", VAGUE, None),
    ("# TODO: drop the shim once everyone has migrated", VAGUE, None),
    ("# remove when we drop support for Python 3.x", VAGUE, None),
    ("# Remove this hack if sglang ever exports it", VAGUE, "sglang"),
    ("# Remove the compat branch after the next release", VAGUE, None),
    ("# It can be dropped when the XPU pin moves past the refactor", VAGUE, None),
    # prose that says remove/drop with if/when is not a tag
    ("# Drop the request when the queue is full", NOT_A_TAG, None),
    ("# remove the temp file if it exists", NOT_A_TAG, None),
    ("# we drop frames when the buffer overflows", NOT_A_TAG, None),
    ("# Delete the cache entry when it expires", NOT_A_TAG, None),
    ("# Drop the request when older than 1.5 s", NOT_A_TAG, None),
    ("# Remove it if it is already closed", NOT_A_TAG, None),
    ("# Remove leading whitespace when present", NOT_A_TAG, None),
    ("# remove the Python path entry if it was added", NOT_A_TAG, None),
    ("# the keys are dropped when the session closes", NOT_A_TAG, None),
    # an upstream's own plans and the project's plans are not this code's removal
    ("# np.foo will be removed in numpy 2.4", NOT_A_TAG, None),
    ("# TODO: drop Python 3.8 support", NOT_A_TAG, None),
    ("# Drop support for Python 3.8 in the next major release", NOT_A_TAG, None),
    # a claim only counts as a whole comment, about an upstream, with < or <=
    ("# numpy >= 1.25", NOT_A_TAG, None),
    ("# numpy > 1.25", NOT_A_TAG, None),
    ("# numpy == 1.25", NOT_A_TAG, None),
    ("# ratio < 0.5", NOT_A_TAG, None),
    ("# SciPy < 1.8 uses the old name", NOT_A_TAG, None),
    ("# if SciPy < 1.8 we fall back to the slow path", NOT_A_TAG, None),
    ("# SciPy < 1.x", NOT_A_TAG, None),
]


def _reads_as(tag: Tag | None) -> str:
    if tag is None:
        return NOT_A_TAG
    if tag.is_vague:
        return VAGUE
    if tag.removal is not None:
        return f"removal {tag.removal}"
    return f"covers {tag.covers_text()}"


def test_the_table_is_large_and_mixed() -> None:
    readings = [reading for _, reading, _ in PHRASINGS]
    assert len(PHRASINGS) >= 40
    assert readings.count(NOT_A_TAG) >= 10 and readings.count(VAGUE) >= 5


@pytest.mark.parametrize(("text", "reading", "upstream"), PHRASINGS)
def test_real_phrasings(text: str, reading: str, upstream: str | None) -> None:
    tag = GRAMMAR.parse(text)
    assert _reads_as(tag) == reading
    if tag is not None:
        assert tag.upstream == upstream


def test_drop_support_expires_only_once_the_floor_passes_the_version() -> None:
    tag = GRAMMAR.parse("# remove when we drop support for Python 3.9")
    assert tag is not None and tag.covers_op is CoverOp.LE
    assert not tag_expired(tag, Version("3.9"))
    assert tag_expired(tag, Version("3.10"))


def test_drop_support_below_a_version_expires_at_that_version() -> None:
    tag = GRAMMAR.parse("# TODO: remove when dropping support for Pydantic < v2.12.3")
    assert tag is not None
    assert not tag_expired(tag, Version("2.12.2"))
    assert tag_expired(tag, Version("2.12.3"))


def test_a_python_tag_gets_no_floor_from_another_upstream() -> None:
    """A CalVer upstream's floor (2024.1) is above any Python version: judging a Python
    tag by it would prune the fallback for an interpreter the project still supports."""
    grammar = TagGrammar(upstreams=["dask"])
    floors = Floors(primary="dask", upstreams={"dask": Version("2024.1")})
    for text in ("# Fallback for Python < 3.10", "# Python < 3.10"):
        tag = grammar.parse(text)
        assert tag is not None and tag.upstream == "python"
        assert floors.fate(tag, site_upstream="dask") is Fate.NO_FLOOR


def test_python_named_at_the_version_wins_over_an_upstream_named_elsewhere() -> None:
    floors = Floors(primary="sglang", upstreams={"sglang": Version("0.5.12")})
    tag = GRAMMAR.parse("# Fallback for sglang 0.5.9. Remove when we drop support for Python 3.9")
    assert tag is not None
    assert floors.fate(tag, site_upstream="sglang") is Fate.NO_FLOOR


def test_an_unlisted_upstream_next_to_an_operator_is_named() -> None:
    tag = TagGrammar(upstreams=["sglang"]).parse("# delete when dask>=2024.11.0")
    assert tag is not None
    assert (tag.removal, tag.upstream) == (Version("2024.11.0"), "dask")


def test_a_claim_names_a_configured_upstream() -> None:
    assert TagGrammar(upstreams=["numpy"]).parse("# SciPy < 1.8") is None


def test_cl103_flags_removal_talk_about_the_code_only() -> None:
    shim = (
        "def f(queue):\n"
        "    if hasattr(queue, 'full'):  # Drop the request when the queue is full\n"
        "        return None\n"
        "    # TODO: remove this when upstream fixes it\n"
        "    if hasattr(queue, 'put_nowait'):\n"
        "        return 1\n"
    )
    found = diagnostics({"pkg/_compat.py": shim}, rules=(VagueTag,))
    assert [d.line for d in found] == [4]


_PHRASES = [
    "Remove",
    "remove",
    "Drop",
    "we drop",
    "can be removed",
    "when",
    "once",
    "dropping",
    "support for",
    "is dropped",
    "Python",
    "SciPy",
    "sglang",
    "Pydantic",
    "<",
    "<=",
    ">=",
    ">",
    "3.9",
    "v2.12.3",
    "0.5.x",
    "2024.11.0",
    "1.8+",
    "this",
    "the request",
    "fallback for",
    "TODO:",
    ".",
    ",",
    "\n#",
    "(",
    ")",
]


@settings(deadline=None, max_examples=300)
@given(st.lists(st.sampled_from(_PHRASES), max_size=14), st.text(max_size=20))
def test_parsing_never_raises_and_is_deterministic(words: list[str], noise: str) -> None:
    text = " ".join(words) + noise
    first = GRAMMAR.parse(text)
    again = TagGrammar(
        upstreams=["sglang", "numpy", "scipy", "dask", "pydantic"], tracks=["xpu"]
    ).parse(text)
    assert first == again
    if first is not None and first.is_vague:
        assert first.removal is None and first.covers is None


_RELEASES = st.lists(st.integers(min_value=0, max_value=40), min_size=2, max_size=3)


@settings(deadline=None)
@given(_RELEASES, st.sampled_from(["Python", "sglang", "Pydantic", ""]))
def test_dropping_support_for_a_version_keeps_it_at_that_floor(
    release: list[int], name: str
) -> None:
    version = Version(".".join(map(str, release)))
    following = Version(".".join(map(str, [*release[:-1], release[-1] + 1])))
    for text in (
        f"# Remove when we drop support for {name} {version}",
        f"# Can be removed once support for {name} {version} is dropped.",
    ):
        tag = GRAMMAR.parse(text)
        assert tag is not None and not tag.is_vague
        assert not tag_expired(tag, version)
        assert tag_expired(tag, following)
