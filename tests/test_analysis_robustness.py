"""The analysis never crashes on a shim that parses, whatever shape it is in."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import diagnostics, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLE_SHIM = (
    Path(__file__).parent.parent / "examples" / "sglang-backend" / "src" / "servo" / "_compat.py"
).read_text()
LINES = EXAMPLE_SHIM.splitlines(keepends=True)


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


@settings(
    max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.filter_too_much]
)
@given(st.sets(st.integers(min_value=0, max_value=len(LINES) - 1), max_size=25))
def test_any_parsable_cut_of_the_example_shim_is_analysed(dropped: set[int]) -> None:
    text = "".join(line for i, line in enumerate(LINES) if i not in dropped)
    if not _parses(text):
        return
    found = diagnostics({"pkg/_compat.py": text})
    assert all(d.path == "pkg/_compat.py" and d.line >= 1 for d in found)


@settings(max_examples=examples(100), deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+\n",
                "# Remove when the minimum supported release contains that move.\n",
                "try:\n    from sglang.srt.a import X\nexcept ImportError:\n    X = None\n",
                "def f():\n    if hasattr(X, 'y'):\n        return 1\n    return 2\n",
                "P = (\n    'sglang.srt.a',\n    # Remove when min supported version is 0.5.11+\n"
                "    'sglang.srt.b',\n)\n",
                "__all__ = ['X', 'gone']\n",
                "\n",
                "class C:\n    '''Remove this override when min supported SGLang is 0.5.12+.'''\n",
            ]
        ),
        max_size=12,
    )
)
def test_generated_shims_are_analysed(parts: list[str]) -> None:
    text = "".join(parts)
    if _parses(text):
        diagnostics({"pkg/_compat.py": text})
