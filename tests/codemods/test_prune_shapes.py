"""Every shape of issue 3 on small inputs, with the exact text prune leaves.

The config floor is sglang 0.5.10 (xpu track 0.5.11): a tag "Remove when min supported
version is 0.5.10+" has expired, one that says 0.5.11+ has not.
"""

from __future__ import annotations

import pytest
from prune_helpers import SHIM, dedent, prune, pruned

OLD = "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+"
LIVE = "# Fallback for sglang 0.5.10. Remove when min supported version is 0.5.11+"


# -- import fallbacks ---------------------------------------------------------------------


def test_expired_import_fallback_unwraps_the_try() -> None:
    source = f"""
        try:
            from sglang.srt.new import Thing
        except ImportError:
            {OLD}
            from sglang.srt.old import Thing
        """
    assert pruned(source) == "from sglang.srt.new import Thing\n"


def test_live_import_fallback_is_untouched() -> None:
    source = dedent(
        f"""
        try:
            from sglang.srt.new import Thing
        except ImportError:
            {LIVE}
            from sglang.srt.old import Thing
        """
    )
    plan = prune(source)
    assert not plan.changed
    assert plan.edits == {}


def test_unwrapped_body_is_dedented_with_its_comments_nested_blocks_and_continuations() -> None:
    source = f"""
        import os

        DEBUG = bool(os.environ.get("X"))

        try:
            # The new home of both names.
            from sglang.srt.new import (
                Alpha,  # the first one
                Beta,
            )

            if DEBUG:
                Gamma = Alpha
            else:
                Gamma = Beta
        except ImportError:
            {OLD}
            from sglang.srt.old import Alpha, Beta, Gamma
        x = 1
        """
    assert pruned(source) == dedent(
        """
        import os

        DEBUG = bool(os.environ.get("X"))

        # The new home of both names.
        from sglang.srt.new import (
            Alpha,  # the first one
            Beta,
        )

        if DEBUG:
            Gamma = Alpha
        else:
            Gamma = Beta
        x = 1
        """
    )


@pytest.mark.parametrize(
    "body",
    [
        "import yaml_not_installed as yaml",  # nothing of the upstream
        "from sglang.srt.new import Thing\n    import optional_dependency",
        "from sglang.srt.new import Thing\n    importlib.import_module('sglang.srt.plugin')",
        "from sglang.srt.new import Thing\n    if os.environ.get('X'):\n        pass",
    ],
)
def test_a_try_whose_import_error_may_come_from_elsewhere_is_listed(body: str) -> None:
    """The handler catches an ImportError from anything in the try body: only a body that
    imports what the tag names (and binds literals) says an older release raised it."""
    source = (
        f"import importlib\nimport os\n\ntry:\n    {body}\nexcept ImportError:\n"
        f"    {OLD}\n    Thing = yaml = None\n"
    )
    plan = prune({SHIM: source, "pkg/__init__.py": ""})
    assert plan.edits == {}
    reasons = [item.reason for item in plan.follow_ups]
    assert any("the ImportError may come from that" in r or "imports nothing" in r for r in reasons)


def test_else_body_follows_the_unwrapped_body() -> None:
    source = f"""
        try:
            from sglang.srt.new import Thing
        except ImportError:
            {OLD}
            from sglang.srt.old import Thing
        else:
            # only with the new layout
            Thing.fast = True
        """
    assert pruned(source) == dedent(
        """
        from sglang.srt.new import Thing
        # only with the new layout
        Thing.fast = True
        """
    )


def test_finally_keeps_the_try_and_only_the_handler_goes() -> None:
    source = f"""
        try:
            from sglang.srt.new import Thing
        except ImportError:
            {OLD}
            from sglang.srt.old import Thing
        finally:
            done = True
        """
    assert pruned(source) == dedent(
        """
        try:
            from sglang.srt.new import Thing
        finally:
            done = True
        """
    )


def test_finally_with_else_merges_the_else_into_the_body() -> None:
    source = f"""
        try:
            from sglang.srt.new import Thing
        except ImportError:
            {OLD}
            from sglang.srt.old import Thing
        else:
            Thing.fast = True
        finally:
            done = True
        """
    assert pruned(source) == dedent(
        """
        try:
            from sglang.srt.new import Thing
            Thing.fast = True
        finally:
            done = True
        """
    )


def test_other_handlers_stay() -> None:
    source = f"""
        try:
            from sglang.srt.new import Thing
        except ImportError:
            {OLD}
            from sglang.srt.old import Thing
        except AttributeError:
            {LIVE}
            Thing = None
        """
    assert pruned(source) == dedent(
        f"""
        try:
            from sglang.srt.new import Thing
        except AttributeError:
            {LIVE}
            Thing = None
        """
    )


def test_module_not_found_guard_goes_with_its_handler() -> None:
    source = f"""
        try:
            from sglang.srt.tokenizer import get_tokenizer
        except ModuleNotFoundError as exc:
            {OLD}
            if exc.name != "sglang.srt.tokenizer":
                raise
            from sglang.srt.utils import get_tokenizer
        """
    assert pruned(source) == "from sglang.srt.tokenizer import get_tokenizer\n"


def test_nested_tries_collapse_one_level_at_a_time() -> None:
    source = """
        try:
            from sglang.srt.a import Item
        except ImportError:
            # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
            try:
                from sglang.srt.b import Item
            except ImportError:
                # Fallback for sglang 0.5.8. Remove when min supported version is 0.5.9+
                from sglang.srt.c import Item
        """
    assert pruned(source, "0.5.9") == dedent(
        """
        try:
            from sglang.srt.a import Item
        except ImportError:
            # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
            from sglang.srt.b import Item
        """
    )
    assert pruned(source, "0.5.10") == "from sglang.srt.a import Item\n"


def test_nested_try_inside_a_function_keeps_the_function_indentation() -> None:
    source = f"""
        def load():
            try:
                from sglang.srt.new import Thing
            except ImportError:
                {OLD}
                from sglang.srt.old import Thing
            return Thing
        """
    assert pruned(source) == dedent(
        """
        def load():
            from sglang.srt.new import Thing
            return Thing
        """
    )


def test_handler_tag_on_the_except_line_and_above_it() -> None:
    source = f"""
        try:
            from sglang.srt.new import a
        except ImportError:  {OLD}
            from sglang.srt.old import a

        try:
            from sglang.srt.new import b
        {OLD}
        except ImportError:
            from sglang.srt.old import b
        """
    assert pruned(source) == dedent(
        """
        from sglang.srt.new import a

        from sglang.srt.new import b
        """
    )


def test_tag_above_the_try_goes_with_the_unwrapped_try() -> None:
    source = """
        x = 1


        # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
        try:
            from sglang.srt.new import Engine
        except ImportError:
            from sglang.srt.old import Engine
        """
    # Unwrapped, the import moves up above ``x = 1``, which cannot tell the difference.
    assert pruned(source) == dedent(
        """
        from sglang.srt.new import Engine

        x = 1
        """
    )


# -- temporary try bodies -----------------------------------------------------------------


def test_temporary_try_body_goes_and_the_handler_body_is_promoted() -> None:
    source = """
        try:
            # Prefer the guarded API on SGLang 0.5.9, where it is opt-in.
            # Remove when the minimum supported version is 0.5.10+.
            from sglang.srt.guarded import Pool
        except ImportError:
            from sglang.srt.pool import Pool
        """
    assert pruned(source) == "from sglang.srt.pool import Pool\n"


def test_temporary_try_promotes_a_nested_try() -> None:
    source = f"""
        try:
            # Prefer the guarded API on SGLang 0.5.9. Remove when min supported version is 0.5.10+
            from sglang.srt.guarded import Pool
        except ImportError:
            try:
                from sglang.srt.pool import Pool
            except ImportError:
                {LIVE}
                from sglang.srt.old_pool import Pool
        """
    assert pruned(source) == dedent(
        f"""
        try:
            from sglang.srt.pool import Pool
        except ImportError:
            {LIVE}
            from sglang.srt.old_pool import Pool
        """
    )


def test_temporary_try_with_a_guard_drops_the_guard() -> None:
    source = """
        try:
            # Prefer the new module on 0.5.9. Remove when min supported version is 0.5.10+
            from sglang.srt.fresh import tool
        except ModuleNotFoundError as exc:
            if exc.name != "sglang.srt.fresh":
                raise
            from sglang.srt.stable import tool
        """
    assert pruned(source) == "from sglang.srt.stable import tool\n"


def test_temporary_try_that_uses_the_exception_is_left_for_a_person() -> None:
    source = dedent(
        """
        try:
            # Prefer the new module on 0.5.9. Remove when min supported version is 0.5.10+
            from sglang.srt.fresh import tool
        except ImportError as exc:
            print(exc)
            from sglang.srt.stable import tool
        """
    )
    plan = prune(source)
    assert not plan.changed
    assert [item.kind for item in plan.follow_ups] == ["temporary-try"]
    assert "uses the exception" in plan.follow_ups[0].reason


# -- polyfills and sentinels ----------------------------------------------------------------


def test_polyfill_goes_with_its_branch_and_so_do_its_only_imports() -> None:
    source = f"""
        import logging
        import os

        try:
            from sglang.srt.network import NetworkAddress
        except ImportError:
            {OLD}
            logging.getLogger(__name__).debug("polyfilling NetworkAddress")

            class NetworkAddress:
                def __init__(self, host: str) -> None:
                    self.host = host

        HOME = os.environ.get("HOME")
        """
    plan = prune(dedent(source))
    assert plan.new_text(SHIM, "") == dedent(
        """
        import os

        from sglang.srt.network import NetworkAddress

        HOME = os.environ.get("HOME")
        """
    )
    assert [site.kind for site in plan.removed] == ["import-fallback", "polyfill"]


def test_sentinel_tests_fold() -> None:
    source = f"""
        try:
            from sglang.srt.fast import FastPath
        except ImportError:
            {OLD}
            FastPath = None


        def make(runner):
            if FastPath is not None:
                return FastPath(runner)
            return None


        def enabled(args):
            return FastPath is not None and bool(args.fast)


        def missing(args):
            if FastPath is None:
                return "slow"
            else:
                return "fast"


        def warn():
            if FastPath is None:
                print("no fast path")
            print("done")


        def chain(args):
            if args.a:
                return 1
            elif FastPath is None:
                return 2
            elif args.b:
                return 3
            return 4


        def ternary(runner):
            return FastPath(runner) if FastPath is not None else None
        """
    assert pruned(source) == dedent(
        """
        from sglang.srt.fast import FastPath


        def make(runner):
            return FastPath(runner)


        def enabled(args):
            return bool(args.fast)


        def missing(args):
            return "fast"


        def warn():
            print("done")


        def chain(args):
            if args.a:
                return 1
            elif args.b:
                return 3
            return 4


        def ternary(runner):
            return FastPath(runner)
        """
    )


def test_sentinel_assigned_elsewhere_is_not_folded() -> None:
    source = dedent(
        f"""
        try:
            from sglang.srt.fast import FastPath
        except ImportError:
            {OLD}
            FastPath = None

        FastPath = None if False else FastPath


        def make(runner):
            if FastPath is not None:
                return FastPath(runner)
        """
    )
    plan = prune(source)
    text = plan.new_text(SHIM, source)
    assert "if FastPath is not None:" in text
    assert "except ImportError" not in text
    assert [item.reason for item in plan.follow_ups if item.kind == "sentinel"] == [
        "tests of FastPath against None not folded: it is also assigned elsewhere"
    ]


# -- probe branches -------------------------------------------------------------------------


def test_probe_if_whose_body_starts_with_the_tag_goes() -> None:
    source = """
        def info(engine):
            \"\"\"State of the engine.\"\"\"
            if not callable(getattr(engine, "get_internal_state", None)):
                # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
                return dict(engine.get_server_info())
            return dict(engine.get_internal_state())
        """
    assert pruned(source) == dedent(
        """
        def info(engine):
            \"\"\"State of the engine.\"\"\"
            return dict(engine.get_internal_state())
        """
    )


def test_probe_if_losing_its_first_branch_promotes_elif_and_else() -> None:
    source = f"""
        def pick(engine):
            if hasattr(engine, "old"):
                {OLD}
                return engine.old()
            elif hasattr(engine, "new"):
                return engine.new()
            else:
                return None


        def other(engine):
            if hasattr(engine, "old"):  {OLD}
                return engine.old()
            else:
                # the current API
                return engine.new()
        """
    assert pruned(source) == dedent(
        """
        def pick(engine):
            if hasattr(engine, "new"):
                return engine.new()
            else:
                return None


        def other(engine):
            # the current API
            return engine.new()
        """
    )


def test_fall_through_after_an_early_return_goes() -> None:
    source = f"""
        def config(engine):
            accessor = getattr(engine, "get_model_config", None)
            if accessor is not None:
                return accessor()
            {OLD}
            return engine.tokenizer_manager.model_config
        """
    assert pruned(source) == dedent(
        """
        def config(engine):
            accessor = getattr(engine, "get_model_config", None)
            if accessor is not None:
                return accessor()
        """
    )


def test_tagged_elif_branch_goes() -> None:
    source = f"""
        def pick(engine):
            if hasattr(engine, "new"):
                return engine.new()
            elif hasattr(engine, "old"):
                {OLD}
                return engine.old()
            return None
        """
    assert pruned(source) == dedent(
        """
        def pick(engine):
            if hasattr(engine, "new"):
                return engine.new()
            return None
        """
    )


def test_untagged_probe_is_never_touched_and_is_listed() -> None:
    source = dedent(
        """
        def abort(engine, rid):
            if hasattr(engine, "abort_request"):
                engine.abort_request(rid)
            else:
                engine.tokenizer_manager.abort_request(rid)
        """
    )
    plan = prune(source)
    assert not plan.changed
    assert [(item.kind, item.reason.split(":")[0]) for item in plan.follow_ups] == [
        ("probe-branch", "untagged")
    ]


# -- probe paths ------------------------------------------------------------------------------


def test_probe_path_element_goes_with_its_tag_line() -> None:
    source = f"""
        MODULES = (
            "sglang.srt.multimodal.processors.base",
            {OLD}
            "sglang.srt.managers.multimodal_processors.base",
        )
        PATHS = [
            {OLD}
            "sglang.srt.legacy.one",  # the old home
            "sglang.srt.current.one",  # the new home
            "sglang.srt.legacy.two",  {OLD}
        ]
        """
    assert pruned(source) == dedent(
        """
        MODULES = (
            "sglang.srt.multimodal.processors.base",
        )
        PATHS = [
            "sglang.srt.current.one",  # the new home
        ]
        """
    )


# -- tagged definitions -------------------------------------------------------------------------


def test_tagged_definition_goes_with_all_entry_bare_calls_and_unused_imports() -> None:
    source = """
        import functools

        __all__ = [
            "ensure_patch",
            "keep",
        ]


        def keep():
            return 1


        def ensure_patch() -> None:
            \"\"\"Patch the tokenizer.

            Remove this compatibility override when the minimum supported SGLang release is 0.5.10+.
            \"\"\"
            if not hasattr(functools, "cache"):
                functools.reduce(max, [1])


        ensure_patch()
        """
    assert pruned(source) == dedent(
        """
        __all__ = [
            "keep",
        ]


        def keep():
            return 1
        """
    )


def test_tagged_definition_by_leading_comment() -> None:
    source = """
        # Wrapper for the renamed flag. Remove this wrapper when min supported SGLang is 0.5.10+.
        def stream_kwargs(stream):
            return {"stream": stream}


        def other():
            return 2
        """
    assert pruned(source) == dedent(
        """
        def other():
            return 2
        """
    )


def test_value_used_definition_is_kept_and_listed() -> None:
    source = dedent(
        """
        # Wrapper for the renamed flag. Remove this wrapper when min supported SGLang is 0.5.10+.
        def stream_kwargs(stream):
            return {"stream": stream}
        """
    )
    handler = "from pkg._compat import stream_kwargs\n\nKWARGS = stream_kwargs(True)\n"
    plan = prune({SHIM: source, "pkg/handler.py": handler})
    assert not plan.changed
    assert len(plan.follow_ups) == 1
    assert "value is used at pkg/handler.py:3" in plan.follow_ups[0].reason


# -- tracks, vague, untagged --------------------------------------------------------------------


def test_tags_on_a_track_are_judged_against_the_track_floor() -> None:
    source = """
        try:
            from sglang.srt.xpu import capacity
        except ImportError:
            # XPU compatibility for SGLang 0.5.10. Remove when the XPU SGLang pin is
            # upgraded to 0.5.12+.
            from sglang.srt.utils import capacity
        """
    assert pruned(source, "0.5.20") == dedent(source)
    assert pruned(source, "0.5.10", "xpu=0.5.12") == "from sglang.srt.xpu import capacity\n"


def test_a_track_without_a_floor_is_kept_and_reported() -> None:
    source = dedent(
        """
        try:
            from sglang.srt.npu import capacity
        except ImportError:
            # Fallback for the separately pinned NPU SGLang 0.5.9.
            # Remove when the NPU pin is upgraded to 0.5.10+.
            from sglang.srt.utils import capacity
        """
    )
    plan = prune(source, "0.5.30")
    assert not plan.changed
    assert [item.reason for item in plan.follow_ups] == ["no floor for the npu track; kept"]


def test_vague_and_untagged_fallbacks_are_listed_not_touched() -> None:
    source = dedent(
        """
        try:
            from sglang.srt.a import A
        except ImportError:
            # Fallback for older sglang. Remove when the minimum supported release has it.
            from sglang.srt.b import A

        try:
            from sglang.srt.c import C
        except ImportError:
            from sglang.srt.d import C

        try:
            from sglang.srt.e import E
        except ImportError:  # compatlint: ignore[CL101]
            from sglang.srt.f import E
        """
    )
    plan = prune(source, "0.5.30")
    assert not plan.changed
    assert [(item.line, item.reason.split(":")[0]) for item in plan.follow_ups] == [
        (3, "vague tag"),
        (9, "untagged"),
    ]


def test_a_floor_that_expires_nothing_leaves_every_file_byte_identical() -> None:
    source = dedent(
        f"""
        try:
            from sglang.srt.new import Thing
        except ImportError:
            {LIVE}
            from sglang.srt.old import Thing
        """
    )
    plan = prune({SHIM: source, "pkg/other.py": "import sglang\n"}, "0.5.9")
    assert plan.edits == {}
    assert plan.removed == []


# -- odd but legal layouts ------------------------------------------------------------------------


def test_tabs_class_bodies_and_one_line_clauses() -> None:
    tabs = (
        "if True:\n\ttry:\n\t\tfrom sglang.srt.a import A\n\texcept ImportError:\n"
        f"\t\t{OLD}\n\t\tfrom sglang.srt.b import A\n\tx = A\n"
    )
    assert prune(tabs).new_text(SHIM, tabs) == "if True:\n\tfrom sglang.srt.a import A\n\tx = A\n"
    in_class = dedent(
        f"""
        class K:
            try:
                from sglang.srt.a import A
            except ImportError:
                {OLD}
                from sglang.srt.b import A
        """
    )
    assert prune(in_class).new_text(SHIM, in_class) == "class K:\n    from sglang.srt.a import A\n"
    one_line = (
        f"try: from sglang.srt.a import A\nexcept ImportError:  {OLD}\n"
        "  from sglang.srt.b import A\nx = 1\n"
    )
    assert prune(one_line).new_text(SHIM, one_line) == "from sglang.srt.a import A\nx = 1\n"


def test_decorated_async_and_class_definitions() -> None:
    source = """
        import functools


        @functools.lru_cache
        def ensure_x():
            \"\"\"Remove this compatibility override when min supported SGLang is 0.5.10+.\"\"\"


        async def ensure_y():
            \"\"\"Remove this compatibility override when min supported SGLang is 0.5.10+.\"\"\"


        # Remove this class when min supported SGLang is 0.5.10+.
        class Shim:
            pass


        async def main():
            ensure_x()
            await ensure_y()
            return 1
        """
    assert pruned(source) == dedent(
        """
        async def main():
            return 1
        """
    )


def test_sentinel_folds_in_asserts_loops_and_one_line_suites() -> None:
    source = f"""
        try:
            from sglang.srt.a import A
        except ImportError:
            {OLD}
            A = None

        def f():
            if A is None: return 0
            return A()

        assert A is not None
        B = A if A is not None else 3
        while A is None:
            pass
        """
    assert pruned(source) == dedent(
        """
        from sglang.srt.a import A

        def f():
            return A()

        B = A
        """
    )


def test_a_retry_on_type_error_is_listed_not_pruned() -> None:
    """``f(x, sampling)`` may raise TypeError on every version (bad data inside ``f``), and
    the retry ran ``f(x)`` then: removing the handler changes what that input does."""
    source = (
        "from sglang.srt.entrypoints.engine import Engine\n\n\n"
        "def generate(engine, x, sampling):\n"
        "    try:\n"
        "        return engine.generate(x, sampling)\n"
        "    except TypeError:\n"
        f"        {OLD}\n"
        "        return engine.generate(x)\n"
    )
    plan = prune({SHIM: source, "pkg/__init__.py": ""})
    assert plan.edits == {}
    assert any("probe the signature instead" in item.reason for item in plan.follow_ups)
