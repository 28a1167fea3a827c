"""prune folds the gate shapes that are not `if` tests: pytest's skipif/xfail marks (on a
def, a class, in `pytestmark`), comprehension filters, call keywords and parameter
defaults, and optional predicates whose version test always holds. A table of
before/after per shape, the shapes a person decides, and a property that runs generated
modules before and after on every release of the window and compares what they do and
which tests pytest would skip or expect to fail."""

from __future__ import annotations

import ast
import dataclasses
import textwrap

import pytest
from helpers import examples, make_config
from hypothesis import example, given, settings
from hypothesis import strategies as st
from oracle.interpreter import run_as
from packaging.version import Version

from compatlint.analysis.gate_windows import Window
from compatlint.analysis.version_gates import GateEnv
from compatlint.codemods.gate_folds import fold_gates
from compatlint.codemods.prune import plan_prune
from compatlint.predicates import Predicate

AVAILABLE = Predicate(
    "pkg.utils.module_available",
    upstream_arg=0,
    op=">=",
    version_arg=(1, "minversion"),
    optional=True,
)
ENV = GateEnv(
    {
        "python": Window("python", Version("3.10")),
        "dask": Window("dask", Version("2025.1.0")),
    },
    {AVAILABLE.name: AVAILABLE},
)
PATH = "tests/test_mod.py"
RELEASES = ((3, 10, 0), (3, 10, 7), (3, 11, 2), (3, 12, 0), (3, 13, 1), (4, 0, 0))


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def fold(text: str) -> str:
    return fold_gates(PATH, dedent(text), ENV, "tests.test_mod").text


FOLDED = [
    pytest.param(
        """
        import sys

        import pytest


        # leads the test
        @pytest.mark.skipif(sys.version_info < (3, 9), reason="old")  # its own line goes
        # between the marks
        @pytest.mark.slow
        def test_a():
            pass
        """,
        """
        import sys

        import pytest


        # leads the test
        # between the marks
        @pytest.mark.slow
        def test_a():
            pass
        """,
        id="skipif-false-goes-comments-stay",
    ),
    pytest.param(
        """
        import sys as _sys

        from pytest import mark as m


        @m.xfail(condition=_sys.version_info < (3, 8), strict=True, raises=ValueError)
        @m.skipif(
            _sys.version_info[:2] < (3, 9),
            not _sys.version_info >= (3, 6),
            reason="old",
        )
        # after the marks
        def test_b():
            pass
        """,
        """
        import sys as _sys

        from pytest import mark as m


        # after the marks
        def test_b():
            pass
        """,
        id="aliases-xfail-condition-keyword-several-conditions",
    ),
    pytest.param(
        """
        import sys

        import pytest


        class TestC:
            @pytest.mark.xfail(sys.version_info < (3, 9), reason=f"{sys.platform} old")
            def test_d(self):
                pass
        """,
        """
        import sys

        import pytest


        class TestC:
            def test_d(self):
                pass
        """,
        id="method-mark",
    ),
    pytest.param(
        """
        import sys

        import pytest

        pytestmark = [
            pytest.mark.slow,
            # why it skipped
            pytest.mark.skipif(sys.version_info < (3, 9), reason="old"),  # goes
        ]
        """,
        """
        import sys

        import pytest

        pytestmark = [
            pytest.mark.slow,
            # why it skipped
        ]
        """,
        id="pytestmark-element",
    ),
    pytest.param(
        """
        import sys

        import pytest

        # module marks
        pytestmark = pytest.mark.skipif(sys.version_info < (3, 9), reason="old")
        A = 1
        """,
        """
        import sys

        import pytest

        # module marks
        A = 1
        """,
        id="pytestmark-only-mark-goes",
    ),
    pytest.param(
        """
        import sys

        import pytest

        pytestmark = (pytest.mark.skipif(sys.version_info < (3, 9), reason="old"),)
        pytestmark += (pytest.mark.slow,)
        """,
        """
        import sys

        import pytest

        pytestmark = []
        pytestmark += (pytest.mark.slow,)
        """,
        id="pytestmark-read-again-stays-empty",
    ),
    pytest.param(
        """
        import sys

        xs = [1, 2]
        a = [x for x in xs if sys.version_info >= (3, 9)]
        b = {x: x for x in xs if x > 1 if sys.version_info >= (3, 8) and x}
        c = list(
            x
            for x in xs
            if sys.version_info >= (3, 9)  # filter
        )
        """,
        """
        import sys

        xs = [1, 2]
        a = [x for x in xs]
        b = {x: x for x in xs if x > 1 if x}
        c = list(
            x
            for x in xs  # filter
        )
        """,
        id="filters-a-trailing-comment-stays-on-the-line-before",
    ),
    pytest.param(
        """
        import sys


        def f(x, strict=sys.version_info >= (3, 10), *, old=(sys.version_info < (3, 9))):
            return g(x, new=not sys.version_info < (3, 9), both=sys.version_info >= (3, 8)
                     and sys.version_info >= (3, 7))
        """,
        """
        import sys


        def f(x, strict=True, *, old=False):
            return g(x, new=True, both=True)
        """,
        id="keywords-and-defaults",
    ),
    pytest.param(
        """
        from pkg.utils import module_available as available

        if available("dask", "2024.11.0") and not available("dask", minversion="2024.1"):
            A = 1
        B = [
            x
            for x in "ab"
            if available(
                "dask",
                "2024.11.0",  # the old floor
            )
        ]
        """,
        """
        from pkg.utils import module_available as available

        if available("dask") and not available("dask"):
            A = 1
        B = [
            x
            for x in "ab"
            if available(
                "dask",
            )
        ]
        """,
        id="presence-rewrites",
    ),
]


@pytest.mark.parametrize(("before", "after"), FOLDED)
def test_decided_shapes_fold(before: str, after: str) -> None:
    assert fold(before) == dedent(after)
    assert fold(after) == dedent(after)


LISTED = [
    pytest.param(
        """
        import sys

        import pytest


        @pytest.mark.skipif(sys.version_info >= (3, 9), reason="new")
        def test_a():
            pass
        """,
        "skipif condition always true: the test never runs",
        id="skipif-true",
    ),
    pytest.param(
        """
        import sys

        import pytest

        pytestmark = [pytest.mark.xfail(sys.version_info >= (3, 9), reason="new")]
        """,
        "xfail condition always true",
        id="xfail-true-pytestmark",
    ),
    pytest.param(
        """
        import sys

        import pytest


        @pytest.mark.skipif(sys.version_info < (3, 9), reason=why())
        def test_a():
            pass
        """,
        "runs code when the module is imported",
        id="mark-argument-with-a-call",
    ),
    pytest.param(
        """
        import sys

        import pytest


        @pytest.mark.skipif(check() and sys.version_info < (3, 9), reason="x")
        def test_a():
            pass
        """,
        "other operands must still run",
        id="mark-condition-with-a-call-first",
    ),
    pytest.param(
        """
        import sys

        import pytest


        @pytest.mark.skipif(sys.version_info.minor == 11, reason="x")
        def test_a():
            pass
        """,
        "undecided version gate",
        id="mark-undecided",
    ),
    pytest.param(
        """
        import sys

        A = [tick(x) for x in range(3) if sys.version_info < (3, 9)]
        """,
        "the result is empty, but the iterable still runs",
        id="filter-always-false",
    ),
    pytest.param(
        """
        import sys

        g(strict=x or sys.version_info >= (3, 9))
        """,
        "returns an operand, not a bool",
        id="keyword-not-a-bool",
    ),
    pytest.param(
        """
        import sys


        def f(xs, sys):
            return [x for x in xs if sys.version_info >= (3, 9)]
        """,
        "is rebound in the enclosing scope",
        id="filter-reads-a-parameter",
    ),
    pytest.param(
        """
        from pkg.utils import module_available

        if module_available("dask", "2024.11.0", "extra"):
            A = 1
        """,
        "its version is not the last argument",
        id="presence-version-not-last",
    ),
]


@pytest.mark.parametrize(("before", "reason"), LISTED)
def test_shapes_a_person_decides(before: str, reason: str) -> None:
    result = fold_gates(PATH, dedent(before), ENV, "tests.test_mod")
    assert result.text == dedent(before)
    assert not result.folded
    assert any(reason in item.reason for item in result.listed), result.listed


@pytest.mark.parametrize(
    "text",
    [
        "import pytest\n\n@pytest.mark.skipif('sys.version_info < (3, 9)', reason='x')\n"
        "def test_a():\n    pass\n",
        "import sys\n\nfrom other import mark\n\n@mark.skipif(sys.version_info < (3, 9))\n"
        "def test_a():\n    pass\n",
        "import sys\n\nPY39 = sys.version_info >= (3, 9)\nX = sys.version_info >= (3, 9)\n",
        "import sys\n\nimport pytest\n\n@pytest.mark.skipif(reason='always')\n"
        "def test_a():\n    pass\n",
    ],
    ids=[
        "string-condition",
        "not-pytest-mark",
        "module-assignments",
        "unconditional",
    ],
)
def test_shapes_left_alone(text: str) -> None:
    result = fold_gates(PATH, text, ENV, "tests.test_mod")
    assert (result.text, result.folded) == (text, [])


def test_a_parameter_shadows_in_the_body_not_in_the_defaults() -> None:
    text = (
        "import sys\n\n\ndef f(sys, x=[y for y in (1,) if sys.version_info >= (3, 9)]):\n"
        "    return g(strict=sys.version_info >= (3, 9))\n"
    )
    result = fold_gates(PATH, text, ENV, "tests.test_mod")
    assert result.text == text.replace(" if sys.version_info >= (3, 9)]", "]")
    assert [item.line for item in result.listed] == [5]
    assert "`sys` is rebound" in result.listed[0].reason


def test_the_report_names_each_shape() -> None:
    text = dedent(FOLDED[0].values[0])
    (site,) = fold_gates(PATH, text, ENV, "tests.test_mod").folded
    assert (site.line, site.kind, site.track) == (7, "version-gate", "python")
    assert site.action == "conditional mark removed: its condition is always false"


# -- the property ---------------------------------------------------------------------------

_GATES = st.sampled_from(
    [
        "sys.version_info >= (3, {n})",
        "sys.version_info < (3, {n})",
        "sys.version_info[:2] != (3, {n})",
        "sys.version_info.minor >= {n}",
        "not sys.version_info < (3, {n})",
    ]
)


@st.composite
def gates(draw: st.DrawFn) -> str:
    return draw(_GATES).format(n=draw(st.integers(7, 12)))


@st.composite
def conditions(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(gates(), st.sampled_from(["tick()", "flag"])), max_size=2))
    parts.append(draw(gates()))
    return f" {draw(st.sampled_from(['and', 'or']))} ".join(draw(st.permutations(parts)))


@st.composite
def shape(draw: st.DrawFn, index: int) -> str:
    kind = draw(st.sampled_from(["marks", "filter", "keyword", "default"]))
    a, b = draw(conditions()), draw(conditions())
    if kind == "marks":
        keyword = draw(st.sampled_from(["", "condition="]))
        return (
            f"# marks of test_{index}\n"
            f'@pytest.mark.skipif({a}, reason="r{index}")\n'
            f"@pytest.mark.xfail({keyword}{b}, strict=True)\n"
            f"@pytest.mark.filterwarnings('ignore')\ndef test_{index}():\n    pass\n"
        )
    if kind == "filter":
        return f"out.append([x for x in spin({index}) if {a}])\n"
    if kind == "keyword":
        return f"out.append(keywords(strict={draw(gates())}, other={a}))\n"
    return f"def h{index}(x={draw(gates())}):\n    return x\n\n\nout.append(h{index}())\n"


_PRELUDE = """import sys

import pytest

flag = len(out) == 0


def tick():
    out.append("tick")
    return True


def spin(n):
    out.append(("spin", n))
    return range(n)


def keywords(**values):
    return sorted(values.items())


"""
_EPILOGUE = """

def _effect(marks):
    found = []
    for mark in marks if isinstance(marks, (list, tuple)) else [marks]:
        conditions = (
            (mark.kwargs["condition"],) if "condition" in mark.kwargs else mark.args
        )
        if mark.name in ("skipif", "xfail") and any(conditions):
            found.append(mark.name)
    return found


# the namespace, not through `globals()`: a module that calls it may rebind any name,
# and no gate in it is decided
_namespace = _effect.__globals__
out.append(
    sorted(
        (name, _effect(getattr(test, "pytestmark", [])))
        for name, test in list(_namespace.items())
        if name.startswith("test_")
    )
)
out.append(_effect(_namespace.get("pytestmark", [])))
"""


@st.composite
def modules(draw: st.DrawFn) -> str:
    body = [draw(shape(i)) for i in range(draw(st.integers(1, 4)))]
    if draw(st.booleans()):
        body.append(
            f"pytestmark = [\n    pytest.mark.filterwarnings('ignore'),\n"
            f"    pytest.mark.skipif({draw(conditions())}, reason='m'),\n]\n"
        )
    return _PRELUDE + "\n\n".join(body) + _EPILOGUE


def _subsequence(lines: list[str], of: list[str]) -> bool:
    remaining = iter(of)
    return all(line in remaining for line in lines)


_MUST_STILL_RUN = (
    _PRELUDE
    + "@pytest.mark.skipif(tick() and sys.version_info < (3, 8), reason='r')\n"
    + "def test_1():\n    pass\n"
    + _EPILOGUE
)


@settings(max_examples=examples(30), deadline=None)
@given(modules())
@example(_MUST_STILL_RUN)
def test_folding_keeps_what_runs_and_what_pytest_skips(text: str) -> None:
    result = fold_gates(PATH, text, ENV, "tests.test_mod")
    folded = result.text
    ast.parse(folded)
    assert fold_gates(PATH, folded, ENV, "tests.test_mod").text == folded
    untouched = [line for line in text.splitlines() if "version_info" not in line]
    assert _subsequence(untouched, folded.splitlines())
    for release in RELEASES:
        assert run_as(folded, release) == run_as(text, release), (release, text, folded)


# -- what check does not report, prune does not fold -----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "import sys\n\nif sys.version_info >= (3, 9):  # compatlint: ignore[CL112]\n    A = 1\n",
        "import sys\n\nimport pytest\n\n\n# compatlint: ignore[CL112]\n"
        "@pytest.mark.skipif(sys.version_info < (3, 9), reason='x')\ndef test_a():\n    pass\n",
        "import sys\n\nB = [x for x in 'ab' if sys.version_info > (3, 9)]  # compatlint: ignore\n",
    ],
    ids=["if", "decorator", "filter-all-codes"],
)
def test_a_gate_whose_line_suppresses_cl112_is_kept(text: str) -> None:
    result = fold_gates(PATH, text, ENV, "tests.test_mod")
    assert (result.text, result.folded) == (text, [])
    assert ["suppressed" in item.reason for item in result.listed] == [True]


# -- where prune looks ------------------------------------------------------------------------


def test_prune_folds_marks_in_the_test_roots_too() -> None:
    config = make_config(
        {
            "src": ["src"],
            "shim": ["src/pkg/_compat.py"],
            "mocks": {"file": "tests/conftest.py", "name": "MOCKS", "collect": ["tests"]},
        }
    )
    config = dataclasses.replace(config, python_floor=Version("3.10"))
    test = (
        "import sys\n\nimport pytest\n\n\n"
        "@pytest.mark.skipif(sys.version_info < (3, 9), reason='old')\n"
        "def test_a():\n    pass\n"
    )
    elsewhere = "import sys\n\nif sys.version_info >= (3, 9):\n    A = 1\n"
    plan = plan_prune(config, {"tests/test_a.py": test, "scripts/tool.py": elsewhere})
    # the imports only the mark read go with it
    assert plan.new_text("tests/test_a.py", test) == "\ndef test_a():\n    pass\n"
    assert "scripts/tool.py" not in plan.edits
