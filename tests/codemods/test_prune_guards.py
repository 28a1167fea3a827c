"""Prune folds a guard by what its condition says, never by where a comment sits.

The numbered tests are the four cases of the issue; each failed before guards were read.
"""

from __future__ import annotations

from helpers import analyze
from hypothesis import given, settings
from hypothesis import strategies as st
from prune_helpers import SHIM, dedent, prune, pruned

T9 = "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+"


def _misplaced(shim: str) -> list[str]:
    model = analyze({SHIM: dedent(shim)}).shims[SHIM]
    return [item.reason for item in model.misplaced]


# -- the four cases of the issue ------------------------------------------------------------


def test_1_a_tag_above_a_version_if_keeps_the_arm_the_version_takes() -> None:
    shim = f"""
        import sglang
        from packaging.version import Version

        {T9}
        if Version(sglang.__version__) < Version("0.5.10"):
            def frame(x):
                return ("old", x)
        else:
            def frame(x):
                return ("new", x)
        """
    # The arm 0.5.10 and up take stays, dedented; the imports only the test used go.
    assert pruned(shim) == dedent(
        """
        def frame(x):
            return ("new", x)
        """
    )


def test_2_a_tag_in_the_new_arm_is_a_contradiction_and_nothing_goes() -> None:
    shim = f"""
        def call(engine):
            if hasattr(engine, "new_api"):
                {T9}
                return engine.new_api()
            else:
                return engine.old_api()
        """
    plan = prune(dedent(shim))
    assert plan.new_text(SHIM, dedent(shim)) == dedent(shim)
    assert ["contradiction" in reason for reason in _misplaced(shim)] == [True]
    assert [(item.line, item.kind) for item in plan.follow_ups] == [(3, "tag")]


def test_3_a_tagged_wrapper_that_does_work_keeps_its_calls() -> None:
    shim = f"""
        import sys

        {T9}
        def extract_all(tar, path):
            if sys.version_info >= (3, 12):
                tar.extractall(path, filter="data")
            else:
                tar.extractall(path)


        def unpack(fp, target):
            extract_all(fp, path=target)
        """
    plan = prune(dedent(shim))
    assert plan.new_text(SHIM, dedent(shim)) == dedent(shim)
    reasons = [item.reason for item in plan.follow_ups]
    assert any("does work on new versions" in reason for reason in reasons), reasons


def test_4_a_tag_after_a_gate_does_not_remove_the_next_statement() -> None:
    shim = f"""
        def call(engine, x):
            if not hasattr(engine, "new_api"):
                return ("old", x)
            {T9}

            try:
                return ("new", int(x))
            except TypeError:
                return ("new", None)
        """
    assert pruned(shim) == dedent(shim)
    assert len(_misplaced(shim)) == 1


# -- placements and claims ------------------------------------------------------------------


def test_a_tag_above_an_early_return_gate_folds_it_to_its_body() -> None:
    shim = f"""
        def call(engine, x):
            {T9}
            if getattr(engine, "fn", None) is not None:
                return engine.fn(x)
            return ("old", x)
        """
    assert pruned(shim) == dedent(
        """
        def call(engine, x):
            return engine.fn(x)
        """
    )


def test_a_tag_above_an_elif_claims_its_else() -> None:
    shim = f"""
        def call(engine, x):
            if x == 0:
                return "zero"
            {T9}
            elif hasattr(engine, "fn"):
                return engine.fn(x)
            else:
                return ("old", x)
        """
    assert pruned(shim) == dedent(
        """
        def call(engine, x):
            if x == 0:
                return "zero"
            else:
                return engine.fn(x)
        """
    )


def test_a_tag_in_the_else_of_a_probe_drops_only_the_else() -> None:
    shim = f"""
        def call(engine):
            if hasattr(engine, "fn"):
                return engine.fn()
            else:
                {T9}
                return engine.old()
        """
    assert pruned(shim) == dedent(
        """
        def call(engine):
            return engine.fn()
        """
    )


def test_a_tag_trailing_the_new_arm_header_is_a_contradiction() -> None:
    shim = f"""
        def call(engine):
            if hasattr(engine, "fn"):  {T9}
                return engine.fn()
            return engine.old()
        """
    assert pruned(shim) == dedent(shim)
    assert ["contradiction" in reason for reason in _misplaced(shim)] == [True]


def test_a_tag_below_an_early_return_on_the_old_side_is_a_contradiction() -> None:
    shim = f"""
        def call(engine):
            if not hasattr(engine, "fn"):
                return engine.old()
            {T9}
            return engine.fn()
        """
    assert pruned(shim) == dedent(shim)
    assert ["contradiction" in reason for reason in _misplaced(shim)] == [True]


def test_a_tag_on_a_test_about_no_upstream_is_misplaced() -> None:
    shim = f"""
        def classify(flag):
            if flag == 2:
                {T9}
                return "two"
            return "other"
        """
    assert pruned(shim) == dedent(shim)
    assert ["tests no upstream API" in reason for reason in _misplaced(shim)] == [True]


def test_a_tag_above_a_flag_or_a_ternary_is_misplaced() -> None:
    shim = f"""
        import sglang.api

        {T9}
        HAS_FN = callable(getattr(sglang.api, "fn", None))


        def call(x):
            {T9}
            return ("old", x) if getattr(sglang.api, "fn", None) is None else sglang.api.fn(x)
        """
    assert pruned(shim) == dedent(shim)
    assert len(_misplaced(shim)) == 2


def test_a_version_gate_the_tag_does_not_decide_is_listed() -> None:
    shim = f"""
        import sglang
        from packaging.version import Version


        def call(x):
            if Version(sglang.__version__) >= Version("0.5.11"):
                return ("new", x)
            else:
                {T9}
                return ("old", x)
        """
    plan = prune(dedent(shim))
    assert plan.new_text(SHIM, dedent(shim)) == dedent(shim)
    assert any("does not decide" in item.reason for item in plan.follow_ups)


def test_a_tag_in_the_try_arm_before_except_marks_a_temporary_try() -> None:
    shim = f"""
        try:
            from sglang.legacy.feat import make
            {T9}
        except ImportError:
            from sglang.srt.feat import make
        """
    assert pruned(shim) == dedent(
        """
        from sglang.srt.feat import make
        """
    )


def test_a_tag_after_one_fallback_does_not_expire_the_next() -> None:
    shim = f"""
        import sglang.api

        try:
            from sglang.srt.feat1 import make1
        except ModuleNotFoundError:
            from sglang.legacy.feat1 import make1
            {T9}


        try:
            make0 = sglang.api.fn0
        except AttributeError:
            def make0(x):
                return ("polyfill", x)
        """
    assert pruned(shim) == dedent(shim)


# -- never every arm ------------------------------------------------------------------------

_TESTS = ('hasattr(e, "new")', 'not hasattr(e, "new")', "e.flag == 0", 'getattr(e, "new", None)')


@st.composite
def _chains(draw: st.DrawFn) -> tuple[str, int]:
    """``def call(e)`` with an if/elif/else chain, each arm returning its own name, and a
    tag in one position: above an arm's header, first in an arm, or trailing a header."""
    tests = draw(st.lists(st.sampled_from(_TESTS), min_size=1, max_size=3))
    has_else = draw(st.booleans())
    arms = len(tests) + has_else
    where = draw(st.sampled_from(("above", "inside", "trailing")))
    arm = draw(st.integers(0, arms - 1))
    lines = ["def call(e):"]
    for index in range(arms):
        header = (
            f"if {tests[index]}:"
            if index == 0
            else (f"elif {tests[index]}:" if index < len(tests) else "else:")
        )
        if where == "above" and index == arm:
            lines.append(f"    {T9}")
        trailing = f"  {T9}" if where == "trailing" and index == arm else ""
        lines.append(f"    {header}{trailing}")
        if where == "inside" and index == arm:
            lines.append(f"        {T9}")
        lines.append(f'        return "arm{index}"')
    lines.append('    return "after"')
    return "\n".join(lines) + "\n", arms


class _New:
    """An upstream object of a supported version: the new API is there."""

    def __init__(self, flag: int) -> None:
        self.flag = flag
        self.new = lambda: None


def _run(text: str, flag: int) -> str:
    namespace: dict[str, object] = {}
    exec(compile(text, SHIM, "exec"), namespace)
    return namespace["call"](_New(flag))  # type: ignore[operator]


@settings(max_examples=150, deadline=None)
@given(chain=_chains())
def test_prune_never_removes_every_arm_nor_changes_what_new_versions_run(
    chain: tuple[str, int],
) -> None:
    text, _ = chain
    after = prune(text).new_text(SHIM, text)
    assert "def call(e):" in after
    assert "return" in after.split("def call(e):", 1)[1]
    for flag in (0, 1):
        assert _run(after, flag) == _run(text, flag), after


# -- a probe's name never decides which side is new ------------------------------------------


def test_a_tag_above_a_probe_on_a_possibly_old_name_is_listed_not_folded() -> None:
    """`hasattr(engine, "legacy_run")` may be the old API or the new one: the name cannot
    say, so a tag above the `if` claims no arm and prune lists the site."""
    shim = f"""
        def run(engine):
            {T9}
            if hasattr(engine, "legacy_run"):
                return engine.legacy_run()
            else:
                return engine.run()
        """
    plan = prune(dedent(shim))
    assert not plan.changed
    assert any("which side of the probe is new" in item.reason for item in plan.follow_ups)


def test_a_tag_in_the_arm_of_such_a_probe_decides_by_its_claim_alone() -> None:
    shim = f"""
        def run(engine):
            if hasattr(engine, "legacy_run"):
                {T9}
                return engine.legacy_run()
            return engine.run()
        """
    assert pruned(shim) == dedent(
        """
        def run(engine):
            return engine.run()
        """
    )
