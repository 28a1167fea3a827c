"""An importer that re-exports a tagged definition through ``__all__`` keeps it, whatever
form its ``__all__`` is written in (one reader of ``__all__`` for the whole tool)."""

from __future__ import annotations

import pytest
from prune_helpers import SHIM, dedent, prune

WRAPPER = dedent(
    """
    def ensure_patch() -> None:
        \"\"\"Patch the tokenizer.

        Remove this compatibility override when the minimum supported SGLang release is 0.5.10+.
        \"\"\"
    """
)


@pytest.mark.parametrize(
    "exports",
    [
        "__all__ = ['ensure_patch']\n",
        "__all__ = []\n__all__.append('ensure_patch')\n",
        "__all__ = []\n__all__.extend(['ensure_patch'])\n",
        "__all__ = ['x'] + ['ensure_patch']\n",
        "if True:\n    __all__ = ['ensure_patch']\n",
        "__all__ = sorted(NAMES)\n",  # computed: it may list it
    ],
)
def test_a_reexport_in_any_form_keeps_the_definition(exports: str) -> None:
    handler = "from pkg._compat import ensure_patch\n\nensure_patch()\n" + exports
    plan = prune({SHIM: WRAPPER, "pkg/handler.py": handler})
    assert plan.edits == {}, exports
    [item] = plan.follow_ups
    assert item.reason == "not pruned: pkg/handler.py re-exports it in __all__", exports


def test_an_all_that_does_not_list_it_does_not_block() -> None:
    handler = "from pkg._compat import ensure_patch\n\nensure_patch()\n__all__ = ['other']\n"
    plan = prune({SHIM: WRAPPER, "pkg/handler.py": handler})
    assert plan.new_text("pkg/handler.py", handler) == "\n__all__ = ['other']\n"
