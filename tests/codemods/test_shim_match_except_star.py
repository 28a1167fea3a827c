"""The shim walker and the per-file facts look inside ``match`` cases and ``except*``
handlers like any other block (regression: fallbacks there were never reported)."""

from __future__ import annotations

import sys
from textwrap import indent

import pytest
from helpers import diagnostics
from prune_helpers import prune

from compatlint.rules.cl101_untagged_fallback import UntaggedFallback
from compatlint.rules.cl102_expired_fallback import ExpiredFallback
from compatlint.rules.cl201_inline_fallback import InlineFallback

needs_except_star = pytest.mark.skipif(
    sys.version_info < (3, 11), reason="except* is Python 3.11+ syntax"
)

SHIM = "pkg/_compat.py"
TAG = "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+"
FALLBACK = (
    "try:\n    from sglang.srt.a import X\nexcept ImportError:\n    from sglang.srt.b import X\n"
)
TAGGED = FALLBACK.replace("except ImportError:\n", f"except ImportError:\n    {TAG}\n")

# Each wrapper puts the snippet at the same line (3) and indentation (8).
WRAPPERS = {
    "if": "if flag:\n    if other:\n{body}",
    "match": "match flag:\n    case 1:\n{body}",
    "guarded case": "match flag:\n    case [x] if x:\n{body}",
}
if sys.version_info >= (3, 11):
    WRAPPERS["except*"] = "try:\n    run()\nexcept* ValueError:\n    if other:\n{body}"


def wrapped(kind: str, snippet: str) -> str:
    body = indent(snippet, " " * 8)
    return WRAPPERS[kind].format(body=body)


def relative(code: str, rule: type) -> list[tuple[int, int, str]]:
    """Findings with lines counted from the snippet's ``try``."""
    start = code.index(" " * 8 + "try:")
    offset = code.count("\n", 0, start)
    return [
        (d.line - offset, d.column, d.message) for d in diagnostics({SHIM: code}, rules=(rule,))
    ]


@pytest.mark.parametrize("kind", [kind for kind in WRAPPERS if kind != "if"])
def test_untagged_fallback_is_reported_as_under_if(kind: str) -> None:
    expected = relative(wrapped("if", FALLBACK), UntaggedFallback)
    assert expected == [(3, 9, expected[0][2])] and "fallback for X" in expected[0][2]
    assert relative(wrapped(kind, FALLBACK), UntaggedFallback) == expected


@pytest.mark.parametrize("kind", [kind for kind in WRAPPERS if kind != "if"])
def test_expired_fallback_is_reported_as_under_if(kind: str) -> None:
    expected = relative(wrapped("if", TAGGED), ExpiredFallback)
    assert len(expected) == 1
    assert relative(wrapped(kind, TAGGED), ExpiredFallback) == expected


def test_untagged_probe_in_a_case_body_is_reported() -> None:
    code = "match flag:\n    case 1:\n        if hasattr(engine, 'info'):\n            pass\n"
    assert [d.line for d in diagnostics({SHIM: code}, rules=(UntaggedFallback,))] == [3]


@pytest.mark.parametrize("kind", [kind for kind in WRAPPERS if kind != "if"])
def test_prune_removes_an_expired_fallback_in_the_block(kind: str) -> None:
    code = wrapped(kind, TAGGED)
    plan = prune(code, "0.5.10")
    expected = wrapped(kind, "from sglang.srt.a import X\n")
    assert plan.new_text(SHIM, code) == expected
    assert plan.follow_ups == []


# -- try / except* ImportError is itself a fallback site ---------------------------------

STAR_FALLBACK = "try:\n    from sglang.srt.a import X\nexcept* ImportError:\n    X = None\n"


@needs_except_star
def test_except_star_import_error_is_a_fallback_site() -> None:
    # An ImportError raised in the body reaches `except* ImportError` (wrapped in a group):
    # the handler runs exactly when the import fails, like `except ImportError`.
    [finding] = diagnostics({SHIM: STAR_FALLBACK}, rules=(UntaggedFallback,))
    assert (finding.line, finding.column) == (3, 1)
    assert "fallback for X" in finding.message


@needs_except_star
def test_expired_except_star_fallback_is_listed_for_a_person_not_skipped() -> None:
    code = STAR_FALLBACK.replace("except* ImportError:\n", f"except* ImportError:\n    {TAG}\n")
    [expired] = diagnostics({SHIM: code}, rules=(ExpiredFallback,))
    assert expired.line == 3
    plan = prune(code, "0.5.10")
    assert plan.edits == {}
    fallback, sentinel = plan.follow_ups
    assert (fallback.line, fallback.kind) == (3, "import-fallback")
    assert fallback.reason == "not pruned: prune does not rewrite try/except* (an except* clause)"
    assert (sentinel.line, sentinel.kind) == (5, "sentinel")


@needs_except_star
def test_temporary_try_body_with_except_star_is_listed_for_a_person() -> None:
    code = f"try:\n    {TAG}\n    from sglang.srt.b import X\nexcept* ImportError:\n    X = None\n"
    plan = prune(code, "0.5.10")
    assert plan.edits == {}
    [item] = plan.follow_ups
    assert (item.line, item.kind) == (1, "temporary-try")
    assert item.reason == "not pruned: prune does not rewrite try/except* (an except* clause)"


# -- per-file facts (CL201) ----------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "match mode:\n    case 1:\n" + indent(FALLBACK, " " * 8),
        # the upstream import is in a case body inside the try
        "try:\n    match mode:\n        case 1:\n            from sglang.srt.a import X\n"
        "except ImportError:\n    X = None\n",
        # the fallback binds its name in a case body
        "try:\n    from sglang.srt.a import X\nexcept ImportError:\n    match mode:\n"
        "        case _:\n            X = None\n",
    ],
)
def test_inline_fallback_in_a_case_is_reported_outside_the_shim(code: str) -> None:
    assert len(diagnostics({"pkg/handler.py": code}, rules=(InlineFallback,))) == 1


@needs_except_star
@pytest.mark.parametrize(
    "code",
    [
        "try:\n    run()\nexcept* ValueError:\n" + indent(FALLBACK, " " * 4),
        "try:\n    try:\n        from sglang.srt.a import X\n    except* ValueError:\n"
        "        pass\nexcept ImportError:\n    X = None\n",
        STAR_FALLBACK,
    ],
)
def test_inline_fallback_with_except_star_is_reported_outside_the_shim(code: str) -> None:
    assert len(diagnostics({"pkg/handler.py": code}, rules=(InlineFallback,))) == 1
