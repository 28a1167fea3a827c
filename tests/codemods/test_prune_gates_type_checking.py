"""``typing.TYPE_CHECKING`` in a gate: False at run time and pure (reading it does
nothing), True for a type checker. prune drops it where its value cannot change the test
(``TYPE_CHECKING or <True>``, ``TYPE_CHECKING and <False>``) and keeps it where it does
(``if TYPE_CHECKING or <False>:`` stays ``if TYPE_CHECKING:``, the imports type checkers
need)."""

from __future__ import annotations

import ast
import textwrap

import pytest
from helpers import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle.interpreter import run_as
from packaging.version import Version

from compatlint.analysis.gate_windows import Window
from compatlint.analysis.version_gates import GateEnv
from compatlint.codemods.gate_folds import fold_gates

ENV = GateEnv({"python": Window("python", Version("3.10"))})
PATH = "pkg/mod.py"
RELEASES = ((3, 10, 0), (3, 11, 2), (3, 13, 1), (4, 0, 0))


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            """
            import sys
            import typing

            if typing.TYPE_CHECKING or sys.version_info >= (3, 8):
                out.append(1)
            """,
            """
            import sys
            import typing

            out.append(1)
            """,
            id="or-true-folds-to-the-body",
        ),
        pytest.param(
            """
            import sys
            from typing import TYPE_CHECKING

            if TYPE_CHECKING and sys.version_info < (3, 8):
                out.append(1)
            out.append(2)
            """,
            """
            import sys
            from typing import TYPE_CHECKING

            out.append(2)
            """,
            id="and-false-folds-away",
        ),
        pytest.param(
            """
            import sys
            from typing import TYPE_CHECKING as TC

            x = 1 if not TC or sys.version_info >= (3, 9) else 2
            """,
            """
            import sys
            from typing import TYPE_CHECKING as TC

            x = 1
            """,
            id="not-alias-or-true",
        ),
        pytest.param(
            """
            import sys
            from typing import TYPE_CHECKING

            if TYPE_CHECKING or sys.version_info < (3, 8):
                from pkg.types import T
            """,
            """
            import sys
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from pkg.types import T
            """,
            id="or-false-keeps-the-type-checking-block",
        ),
        pytest.param(
            """
            import sys
            from typing import TYPE_CHECKING

            if TYPE_CHECKING and sys.version_info >= (3, 8):
                from pkg.types import T
            """,
            """
            import sys
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from pkg.types import T
            """,
            id="and-true-keeps-the-type-checking-block",
        ),
    ],
)
def test_type_checking_is_a_pure_operand(before: str, after: str) -> None:
    """(The imports a fold leaves unread are prune's clean-up, not ``fold_gates``'.)"""
    before, after = dedent(before), dedent(after)
    assert fold_gates(PATH, before, ENV, "pkg.mod").text == after


@pytest.mark.parametrize(
    "prelude",
    [
        "TYPE_CHECKING = True\n",  # the project's own name, not typing's
        "from pkg.flags import TYPE_CHECKING\n",
        "from typing import TYPE_CHECKING\nTYPE_CHECKING = True\n",  # rebound
    ],
)
def test_a_type_checking_that_is_not_typings_is_not_dropped(prelude: str) -> None:
    text = f"import sys\n{prelude}\nif TYPE_CHECKING or sys.version_info >= (3, 8):\n    x = 1\n"
    result = fold_gates(PATH, text, ENV, "pkg.mod")
    assert result.text == text
    assert [item.reason for item in result.listed] != []


_IMPORT = "from typing import TYPE_CHECKING\n"


@st.composite
def modules(draw: st.DrawFn) -> str:
    operand = st.sampled_from(
        [
            "TYPE_CHECKING",
            "not TYPE_CHECKING",
            "sys.version_info >= (3, 8)",
            "sys.version_info < (3, 8)",
            "sys.version_info >= (3, 12)",
            "flag",
        ]
    )
    body = []
    for index in range(draw(st.integers(1, 4))):
        parts = draw(st.lists(operand, min_size=2, max_size=3))
        test = f" {draw(st.sampled_from(['and', 'or']))} ".join(parts)
        if draw(st.booleans()):
            body.append(f"if {test}:\n    out.append({index})\nelse:\n    out.append(-{index})\n")
        else:
            body.append(f"out.append({index} if {test} else -{index})\n")
    return f"import sys\n{_IMPORT}\nflag = len(out) == 0\n\n" + "".join(body)


@settings(max_examples=examples(60), deadline=None)
@given(modules())
def test_folding_keeps_the_run_time_and_the_type_checker_view(text: str) -> None:
    """What the module does on every release, and with ``TYPE_CHECKING`` true (what a type
    checker sees), is the same after the fold."""
    folded = fold_gates(PATH, text, ENV, "pkg.mod").text
    ast.parse(folded)
    for release in RELEASES:
        assert run_as(folded, release) == run_as(text, release), (release, text, folded)
        as_checker = [t.replace(_IMPORT, "TYPE_CHECKING = True\n") for t in (text, folded)]
        assert _IMPORT in folded or "TYPE_CHECKING" not in folded
        assert run_as(as_checker[1], release) == run_as(as_checker[0], release), (text, folded)
