"""CL107 reads ``__all__`` the way every other part of compatlint does: in every form and
branch (regression: the shim analysis ignored ``.extend``, ``.append`` and ``+=`` in branches)."""

from __future__ import annotations

import ast
from textwrap import dedent

import pytest
from helpers import analyze, diagnostics

from compatlint.codemods.imports_cleanup import cleanup
from compatlint.names.bindings import read_bindings
from compatlint.rules.cl107_stale_all import StaleAll

SHIM = "pkg/_compat.py"
HEAD = """\
try:
    from sglang.srt.a import X
except ImportError:
    # Fallback for sglang 0.5.10. Remove when min supported version is 0.5.11+
    X = None

__all__ = ["X"]
"""


def stale(code: str) -> list[tuple[int, str]]:
    found = diagnostics({SHIM: dedent(code)}, rules=(StaleAll,))
    return [(d.line, d.message.split("'")[1]) for d in found]


@pytest.mark.parametrize(
    ("tail", "expected"),
    [
        ('__all__.extend(["gone", "X"])\n', [(8, "gone")]),
        ('__all__.append("gone")\n', [(8, "gone")]),
        ('__all__ += ["gone"]\n', [(8, "gone")]),
        ('if hasattr(X, "y"):\n    __all__ += ["gone"]\n', [(9, "gone")]),
        (
            'try:\n    import torch\nexcept ImportError:\n    __all__.append("gone")\n',
            [(11, "gone")],
        ),
    ],
)
def test_stale_entries_in_every_written_form(tail: str, expected: list[tuple[int, str]]) -> None:
    assert stale(HEAD + tail) == expected


def test_extended_names_that_exist_are_not_stale() -> None:
    assert stale(HEAD + 'Y = 1\n__all__.extend(["Y"])\n__all__.append("X")\n') == []


def test_the_shim_model_lists_what_the_bindings_reader_lists() -> None:
    code = HEAD + 'if X:\n    __all__ += ["Y"]\n__all__.extend(("Z",))\nY = Z = 1\n'
    model = analyze({SHIM: code}).shims[SHIM]
    assert model.all_entries == read_bindings(ast.parse(code)).all_entries
    assert [entry.name for entry in model.all_entries or ()] == ["X", "Y", "Z"]


def test_prune_cleanup_drops_stale_entries_in_every_written_form() -> None:
    original = dedent(
        """\
        __all__ = ["keep"]
        __all__ += ["gone"]
        __all__.extend(["keep", "gone"])
        if hasattr(object, "x"):
            __all__.append("gone")
        __all__.append("keep")


        def keep(): ...


        def gone(): ...
        """
    )
    current = original.replace("\n\ndef gone(): ...\n", "")
    text, _, exports = cleanup(original, current)
    assert exports == ["gone", "gone", "gone"]
    assert text == dedent(
        """\
        __all__ = ["keep"]
        __all__ += []
        __all__.extend(["keep"])
        if hasattr(object, "x"):
            pass
        __all__.append("keep")


        def keep(): ...
        """
    )
