"""The edits that follow a removal: imports, ``__all__``, call sites and the stub list."""

from __future__ import annotations

from prune_helpers import SHIM, dedent, prune

from compatlint.codemods.imports_cleanup import cleanup

OLD = "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+"


# -- imports and __all__ ----------------------------------------------------------------------


def test_cleanup_removes_only_imports_that_lost_their_last_use() -> None:
    original = dedent(
        """
        from __future__ import annotations

        import json
        import os
        import sys  # noqa: F401  (unused before: stays)
        from typing import Any, Callable
        from collections import OrderedDict as OD

        __all__ = ["OD"]


        def old(x: Callable) -> Any:
            return json.dumps(x), os.sep


        def new() -> Any:
            return os.sep
        """
    )
    current = original.replace(
        "def old(x: Callable) -> Any:\n    return json.dumps(x), os.sep\n\n\n", ""
    )
    text, imports, exports = cleanup(original, current)
    assert text == dedent(
        """
        from __future__ import annotations

        import os
        import sys  # noqa: F401  (unused before: stays)
        from typing import Any
        from collections import OrderedDict as OD

        __all__ = ["OD"]


        def new() -> Any:
            return os.sep
        """
    )
    assert [name.split(" ")[0] for name in imports] == ["json", "Callable"]
    assert exports == []


def test_cleanup_of_a_parenthesized_import_and_imports_in_functions() -> None:
    original = dedent(
        """
        from sglang.srt.a import (
            Alpha,  # the first
            Beta,
            Gamma,
        )


        def f():
            import sglang.srt.b as b
            return Alpha, Beta, Gamma, b
        """
    )
    current = original.replace("return Alpha, Beta, Gamma, b", "return Alpha, Gamma")
    text, _, _ = cleanup(original, current)
    assert text == dedent(
        """
        from sglang.srt.a import (
            Alpha,  # the first
            Gamma,
        )


        def f():
            return Alpha, Gamma
        """
    )


def test_all_loses_names_that_no_longer_exist() -> None:
    original = dedent(
        """
        __all__ = (
            "keep",
            # wrappers
            "gone",
            "never_defined",
        )


        def keep(): ...


        def gone(): ...
        """
    )
    current = original.replace("\n\ndef gone(): ...\n", "")
    text, _, exports = cleanup(original, current)
    assert exports == ["gone"]
    assert text == dedent(
        """
        __all__ = (
            "keep",
            # wrappers
            "never_defined",
        )


        def keep(): ...
        """
    )


# -- tagged definitions at call sites -------------------------------------------------------------

SHIM_WITH_WRAPPER = dedent(
    """
    __all__ = ["ensure_patch", "other"]


    def ensure_patch() -> None:
        \"\"\"Patch the tokenizer.

        Remove this compatibility override when the minimum supported SGLang release is 0.5.10+.
        \"\"\"


    def other() -> int:
        return 1
    """
)


def test_bare_calls_and_imports_at_call_sites_go() -> None:
    handler = dedent(
        """
        import asyncio

        from pkg import _compat
        from pkg._compat import ensure_patch, other
        from ._compat import ensure_patch as patch


        class Handler:
            def __init__(self):
                ensure_patch()
                self.value = other()

            async def start(self):
                _compat.ensure_patch()
                patch()
                await asyncio.sleep(0)


        def only_call():
            ensure_patch()
        """
    )
    plan = prune({SHIM: SHIM_WITH_WRAPPER, "pkg/handler.py": handler})
    assert plan.new_text("pkg/handler.py", handler) == dedent(
        """
        import asyncio

        from pkg._compat import other


        class Handler:
            def __init__(self):
                self.value = other()

            async def start(self):
                await asyncio.sleep(0)


        def only_call():
            pass
        """
    )
    assert plan.new_text(SHIM, SHIM_WITH_WRAPPER) == dedent(
        """
        __all__ = ["other"]


        def other() -> int:
            return 1
        """
    )
    [removed] = plan.removed
    assert [(edit.line, edit.action) for edit in removed.call_sites] == [
        (4, "import removed"),
        (5, "import removed"),
        (10, "bare call removed"),
        (14, "bare call removed"),
        (15, "bare call removed"),
        (20, "bare call removed"),
    ]


def test_any_value_use_keeps_the_definition_everywhere() -> None:
    for use in (
        "callback = ensure_patch\n",
        "result = ensure_patch()\n",
        "print(ensure_patch())\n",
        "__all__ = ['ensure_patch']\n",
    ):
        handler = "from pkg._compat import ensure_patch\n\nensure_patch()\n" + use
        plan = prune({SHIM: SHIM_WITH_WRAPPER, "pkg/handler.py": handler})
        assert plan.edits == {}, use
        [item] = plan.follow_ups
        assert item.kind == "tagged-definition"
        assert item.reason.startswith("not pruned: "), item.reason


def test_value_use_in_the_shim_keeps_the_definition() -> None:
    shim = SHIM_WITH_WRAPPER + "\n\nHOOKS = [ensure_patch]\n"
    plan = prune(shim)
    assert plan.edits == {}
    assert "value is used in the shim (line 15)" in plan.follow_ups[0].reason


def test_nested_tagged_definition_is_left_for_a_person() -> None:
    shim = dedent(
        """
        class Engine:
            def patch(self) -> None:
                \"\"\"Patch the engine.

                Remove this compatibility override when the minimum supported SGLang
                release is 0.5.10+.
                \"\"\"
        """
    )
    plan = prune(shim)
    assert plan.edits == {}
    assert plan.follow_ups[0].reason == "not pruned: only module-level definitions are removed"


# -- the stub list ------------------------------------------------------------------------------

MOCKS = {"mocks": {"file": "tests/stubs.py", "name": "STUBS", "collect": ["pkg"]}}


def test_modules_made_unconditional_join_the_stub_list() -> None:
    shim = dedent(
        f"""
        from sglang.srt.known import K

        try:
            from sglang.srt.fresh.place import Thing
        except ImportError:
            {OLD}
            from sglang.srt.stale import Thing


        def lazy():
            try:
                from sglang.srt.lazy import L
            except ImportError:
                {OLD}
                from sglang.srt.older import L
            return L
        """
    )
    stubs = 'STUBS = [\n    "sglang",\n    "sglang.srt",\n    "sglang.srt.known",\n]\n'
    plan = prune({SHIM: shim, "tests/stubs.py": stubs}, overrides=MOCKS)
    assert [stub.module for stub in plan.stubs] == ["sglang.srt.fresh", "sglang.srt.fresh.place"]
    assert plan.new_text("tests/stubs.py", stubs) == (
        'STUBS = [\n    "sglang",\n    "sglang.srt",\n    "sglang.srt.fresh",\n'
        '    "sglang.srt.fresh.place",\n    "sglang.srt.known",\n]\n'
    )


def test_unwrapped_imports_after_other_statements_are_a_follow_up() -> None:
    shim = dedent(
        """
        import logging

        logging.basicConfig()

        try:
            from sglang.srt.new import X
        except ImportError:
            # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
            from sglang.srt.old import X

        import json  # already after other statements: not prune's doing
        """
    )
    plan = prune(shim, "0.5.10")
    late = [f for f in plan.follow_ups if f.kind == "import"]
    assert [(f.path, f.line) for f in late] == [(SHIM, 5)]
    assert "E402" in late[0].reason
    assert "line 3 may depend on the order" in late[0].reason


def test_unwrapped_imports_move_up_past_a_logger() -> None:
    shim = dedent(
        """
        import logging

        logger = logging.getLogger(__name__)

        try:
            from sglang.srt.new import X
        except ImportError:
            # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
            from sglang.srt.old import X

        import json  # already after other statements: not prune's doing
        """
    )
    plan = prune(shim, "0.5.10")
    assert not [f for f in plan.follow_ups if f.kind == "import"]
    assert plan.new_text(SHIM, shim) == dedent(
        """
        import logging
        from sglang.srt.new import X

        logger = logging.getLogger(__name__)

        import json  # already after other statements: not prune's doing
        """
    )


def test_unwrapped_imports_at_the_top_need_no_follow_up() -> None:
    shim = dedent(
        """
        import logging

        try:
            from sglang.srt.new import X
        except ImportError:
            # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
            from sglang.srt.old import X

        logger = logging.getLogger(__name__)
        """
    )
    assert not [f for f in prune(shim, "0.5.10").follow_ups if f.kind == "import"]
