"""Version notes in prose as compat code writes them: which arm each says serves which
releases, and prose that is no fact about an arm (history, contracts, policy, tags)."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version

from compatlint.analysis.prose_facts import read_prose_facts
from compatlint.analysis.source import read_comments
from compatlint.analysis.version_spans import span_of
from compatlint.tags import TagGrammar

GRAMMAR = TagGrammar(upstreams=("sglang",), tracks=("xpu",))


def facts(code: str) -> list[tuple[str, str]]:
    """(arm, versions) of every fact; arm "" for a fact linked to no arm."""
    found = read_prose_facts(ast.parse(code), read_comments(code), GRAMMAR, ("sglang",))
    return [(fact.arm, fact.span.text()) for fact in found]


def in_arm(comment: str) -> str:
    """``comment`` leading the except arm of an import fallback."""
    return (
        "try:\n    from sglang.srt.new import X\nexcept ImportError:\n"
        f"    {comment}\n    from sglang.srt.old import X\n"
    )


def trailing(comment: str) -> str:
    """``comment`` trailing the ``except`` header of a signature probe."""
    return (
        "def call(f, a):\n    try:\n        return f(a, b=1)\n"
        f"    except TypeError:  {comment}\n        return f(a)\n"
    )


def header(*lines: str) -> str:
    """A section header above two import fallbacks of one module move."""
    return (
        "\n".join(lines) + "\ntry:\n    from sglang.srt.utils.network import A\n"
        "except ImportError:\n    from sglang.srt.utils import A\n\n"
        "try:\n    from sglang.srt.utils.network import B\n"
        "except ImportError:\n    from sglang.srt.utils import B\n"
    )


def docstring(doc: str, probe: str = "try") -> str:
    """A wrapper with ``doc`` around one guarded choice."""
    if probe == "try":
        body = "    try:\n        return tm.start(ProfileReq(**kw))\n    except TypeError:\n"
        body += "        return tm.start(**kw)\n"
    else:
        body = '    if hasattr(tm, "profile_req"):\n        return tm.start(ProfileReq(**kw))\n'
        body += "    return tm.start(**kw)\n"
    return f'def start(tm, **kw):\n    """{doc}"""\n{body}'


OLD = "except ImportError"
TYPE = "except TypeError"

# (code, expected facts)
ROWS: list[tuple[str, list[tuple[str, str]]]] = [
    # -- a note in the arm: that arm -------------------------------------------------------
    (in_arm("# sglang 0.5.9: _encode(mm_items) -> (grid_dim, embedding)"), [(OLD, "0.5.9")]),
    (in_arm("# SGLang <= 0.5.12: the field is called foo"), [(OLD, "<= 0.5.12")]),
    (in_arm("# sglang 0.5.9 and older: no network module"), [(OLD, "<= 0.5.9")]),
    (in_arm("# older sglang (< 0.5.10): utils"), [(OLD, "< 0.5.10")]),
    (in_arm("# Path for sglang <= 0.5.12."), [(OLD, "<= 0.5.12")]),
    (in_arm("# On SGLang 0.5.9 the class lives in utils."), [(OLD, "0.5.9")]),
    (in_arm("# sglang 0.5.13 through 0.5.15: returns a tuple"), [(OLD, "0.5.13 through 0.5.15")]),
    (in_arm("# SGLang 0.5.13-0.5.15: a tuple"), [(OLD, "0.5.13 through 0.5.15")]),
    (in_arm("# SGLang 0.5.10 to 0.5.12: the old field"), [(OLD, "0.5.10 through 0.5.12")]),
    (in_arm("# sglang before 0.5.15: keyword arguments"), [(OLD, "< 0.5.15")]),
    (in_arm("# For sglang versions up to 0.5.12"), [(OLD, "<= 0.5.12")]),
    (in_arm("# for SGLang < 0.5.10"), [(OLD, "< 0.5.10")]),
    (in_arm("# SGLang 0.5.9 takes mm_items only"), [(OLD, "0.5.9")]),
    (in_arm("# sglang 0.5.9 returns (grid_dim, embedding)"), [(OLD, "0.5.9")]),
    (in_arm("# sglang 0.5.9 still expects a list"), [(OLD, "0.5.9")]),
    (in_arm("# sglang 0.5.9 lacks the keyword"), [(OLD, "0.5.9")]),
    (in_arm("# Older SGLang versions before 0.5.10 expose it on utils"), [(OLD, "< 0.5.10")]),
    (in_arm("# v0.5.9: utils"), [(OLD, "0.5.9")]),
    (in_arm("# sglang 0.5.9.post1: utils"), [(OLD, "0.5.9")]),
    (in_arm("# sglang <0.5.10: pass mm_items positionally"), [(OLD, "< 0.5.10")]),
    (in_arm("# 0.5.9 and earlier: utils"), [(OLD, "<= 0.5.9")]),
    (in_arm("# sglang 0.5.9"), [(OLD, "0.5.9")]),
    (in_arm("# Python 3.9: no zip(strict=...)"), [(OLD, "3.9")]),
    (trailing("# sglang 0.5.9: f(a) only"), [(TYPE, "0.5.9")]),
    (trailing("# sglang 0.5.9"), [(TYPE, "0.5.9")]),
    (
        'def f(e):\n    if hasattr(e, "new"):\n        return e.new()\n    else:\n'
        "        # sglang 0.5.9: old name\n        return e.old()\n",
        [("else", "0.5.9")],
    ),
    # -- a section header: the arm importing the module a label names ------------------------
    (
        header("# 0.5.10+: sglang.srt.utils.network (canonical)", "# 0.5.9: sglang.srt.utils"),
        [("try", "0.5.10+"), (OLD, "0.5.9"), ("try", "0.5.10+"), (OLD, "0.5.9")],
    ),
    (
        header("# sglang >= 0.5.10: sglang.srt.utils.network", "# older: sglang.srt.utils"),
        [("try", "0.5.10+"), (OLD, "< 0.5.10"), ("try", "0.5.10+"), (OLD, "< 0.5.10")],
    ),
    (
        header("# legacy: sglang.srt.utils", "# 0.5.10+: sglang.srt.utils.network"),
        [(OLD, "< 0.5.10"), ("try", "0.5.10+"), (OLD, "< 0.5.10"), ("try", "0.5.10+")],
    ),
    # -- a wrapper's docstring: the older behaviour goes with the arm for the old API --------
    (
        docstring(
            "SGLang 0.5.14 accepts profiling fields as keyword arguments. SGLang 0.5.15 "
            "accepts one ``ProfileReq`` object instead."
        ),
        [(TYPE, "0.5.14"), ("", "0.5.15")],
    ),
    (
        docstring(
            "SGLang 0.5.14 accepts keyword arguments. SGLang 0.5.15 accepts a ProfileReq.",
            probe="if",
        ),
        [("code after the if", "0.5.14"), ("", "0.5.15")],
    ),
    (
        docstring(
            "SGLang before 0.5.15 takes keyword arguments. SGLang 0.5.15 and later take one "
            "ProfileReq."
        ),
        [("", "0.5.15+"), (TYPE, "< 0.5.15")],
    ),
    (
        docstring("SGLang 0.5.9 returns (grid_dim, embedding); SGLang 0.5.10 returns a result."),
        [(TYPE, "0.5.9"), ("", "0.5.10")],
    ),
    (docstring("Only SGLang 0.5.15 accepts a ProfileReq."), [("", "0.5.15")]),
    # -- a range no site takes: kept for the pin check --------------------------------------
    (
        'def patch(tm):\n    """SGLang 0.5.13 through 0.5.15 assume the manager has a lock."""\n',
        [("", "0.5.13 through 0.5.15")],
    ),
    (
        "# SGLang 0.5.13 through 0.5.15 assume a lock.\nLOCK = None\n",
        [("", "0.5.13 through 0.5.15")],
    ),
    # -- not facts: history, contracts, policy, removal talk, tags, other packages -----------
    (in_arm("# removed in numpy 2.4"), []),
    (in_arm("# Added in sglang 0.5.10."), []),
    (in_arm("# sglang 0.5.10 moved NetworkAddress to utils.network"), []),
    (in_arm("# Deprecated since sglang 0.5.12"), []),
    (in_arm("# TODO(sglang 0.5.12): switch to the new API"), []),
    (in_arm("# See sgl-project/sglang#1234 (0.5.9)"), []),
    (in_arm("# A timeout of 0.5 seconds matches the server"), []),
    (in_arm("# Requires sglang>=0.5.9 at import time"), []),
    (in_arm("# The payload is {'grid_dim': int} for every sglang release"), []),
    (in_arm("# sglang 0.5.10 will rename this"), []),
    (in_arm("# This was broken in sglang 0.5.9"), []),
    (in_arm("# sglang 0.5.10 fixed the leak"), []),
    (in_arm("# numpy 1.26 returns a copy"), []),
    (in_arm("# numpy 1.26: returns a copy"), []),
    (in_arm("# version 2 of the wire protocol"), []),
    (in_arm("# older sglang"), []),
    (in_arm("# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+"), []),
    (in_arm("# SGLang <= 0.5.12"), []),  # a tag's claim: CL102 judges it
    (in_arm("# Remove once sglang 0.5.10 is the floor"), []),
    (
        in_arm("# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+")
        + "\n# sglang 0.5.9: also here\n",
        [],
    ),
    ('"""Compat shim. SGLang 0.5.9 accepts keyword arguments."""\nX = 1\n', []),
    (header("# 0.5.9: see the release notes"), []),
    (header("# Network helpers (sglang 0.5.10 moved them)"), []),
    (docstring("Start profiling; see the SGLang docs for the fields."), []),
    (
        docstring(
            "SGLang 0.5.9 takes keyword arguments. SGLang 0.5.10 takes a ProfileReq."
        ).replace(
            "    except TypeError:\n",
            "    except TypeError:\n        # Fallback for sglang 0.5.9. Remove when min supported"
            " version is 0.5.10+\n",
        ),
        [("", "0.5.9"), ("", "0.5.10")],  # the tag governs the arm: the docstring links none
    ),
    (docstring("Calls tokenizer_manager.start_profile, renamed in SGLang 0.5.15."), []),
]


@pytest.mark.parametrize(("code", "expected"), ROWS, ids=[str(i) for i in range(len(ROWS))])
def test_phrasing(code: str, expected: list[tuple[str, str]]) -> None:
    assert sorted(facts(code)) == sorted(expected)


def test_the_table_is_big_enough() -> None:
    assert len(ROWS) >= 40
    assert sum(1 for _, expected in ROWS if not expected) >= 15


def test_facts_record_where_the_prose_and_the_arm_are() -> None:
    code = header("# 0.5.10+: sglang.srt.utils.network", "# 0.5.9: sglang.srt.utils")
    found = read_prose_facts(ast.parse(code), read_comments(code), GRAMMAR, ("sglang",))
    old = [f for f in found if f.arm == OLD]
    assert [(f.line, f.end_line, f.arm_line) for f in old] == [(1, 2, 5), (1, 2, 10)]
    assert {f.upstream for f in found} == {"sglang"}


def test_a_track_named_in_the_note_is_recorded() -> None:
    code = in_arm("# XPU sglang 0.5.9: old name")
    (fact,) = read_prose_facts(ast.parse(code), read_comments(code), GRAMMAR, ("sglang",))
    assert (fact.track, fact.upstream, fact.span.text()) == ("xpu", "sglang", "0.5.9")


RELEASES = st.tuples(*(st.integers(0, 30) for _ in range(3))).map(
    lambda parts: Version(".".join(map(str, parts)))
)


@settings(deadline=None)
@given(RELEASES, RELEASES, st.sampled_from(["through", "to", "-", "–"]))
def test_a_two_ended_range_reads_as_its_bounds(a: Version, b: Version, word: str) -> None:
    low, high = sorted((a, b))
    span = span_of(f"sglang {low} {word} {high} assume")
    assert span is not None
    assert (span.low, span.high, span.two_ended) == (low, high, True)
    assert span.all_below(high) is False
    assert span.all_below(Version(f"{high}.1")) is True


@settings(deadline=None)
@given(st.text(max_size=80))
def test_any_text_reads_without_error(text: str) -> None:
    span_of(text)
    comment = "# " + text.replace("\n", " ").replace("\r", " ")
    code = in_arm(comment)
    try:
        ast.parse(code)
    except SyntaxError:
        return
    facts(code)
