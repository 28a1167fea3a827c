"""prune folds version gates decided at the floors, in any module under src: a table of
before/after for every shape, the shapes it lists instead, and properties that run the
module before and after on every interpreter release of the window."""

from __future__ import annotations

import ast
import dataclasses
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import examples, make_config
from hypothesis import given, settings
from hypothesis import strategies as st
from oracle.interpreter import run_as
from packaging.version import Version

from compatlint.analysis.gate_windows import Window
from compatlint.analysis.version_gates import GateEnv
from compatlint.cli import main
from compatlint.codemods.gate_folds import fold_gates
from compatlint.codemods.prune import plan_prune

ENV = GateEnv({"python": Window("python", Version("3.10"))})
PATH = "pkg/mod.py"
#: Releases of the window (floor 3.10, no top) the behaviour properties run on.
RELEASES = ((3, 10, 0), (3, 10, 7), (3, 11, 2), (3, 12, 0), (3, 13, 1), (3, 30, 0), (4, 0, 0))


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def fold(text: str) -> str:
    return fold_gates(PATH, dedent(text), ENV, "pkg.mod").text


FOLDED = [
    pytest.param(
        """
        import sys

        # a comment outside the arms stays
        if sys.version_info >= (3, 10):
            A = 1  # new
        else:
            # old spelling
            A = 2
        B = A
        """,
        """
        import sys

        # a comment outside the arms stays
        A = 1  # new
        B = A
        """,
        id="if-true-keeps-body",
    ),
    pytest.param(
        """
        import sys

        if sys.version_info < (3, 9):
            A = 2
        else:
            A = 1
        """,
        """
        import sys

        A = 1
        """,
        id="if-false-keeps-else",
    ),
    pytest.param(
        """
        import sys

        if sys.version_info < (3, 8):
            A = 1
        elif sys.version_info < (3, 9):
            A = 2
        elif sys.platform == "win32":
            A = 3
        else:
            A = 4
        """,
        """
        import sys

        if sys.platform == "win32":
            A = 3
        else:
            A = 4
        """,
        id="false-arms-go-chain-stays-readable",
    ),
    pytest.param(
        """
        import sys

        if sys.platform == "win32":
            A = 1
        elif sys.version_info >= (3, 10):
            A = 2
        else:
            A = 3
        """,
        """
        import sys

        if sys.platform == "win32":
            A = 1
        else:
            A = 2
        """,
        id="elif-true-becomes-else",
    ),
    pytest.param(
        """
        import sys


        def f(x):
            if sys.version_info >= (3, 10):
                return x
            return -x
        """,
        """
        import sys


        def f(x):
            return x
        """,
        id="early-return-ends-block",
    ),
    pytest.param(
        """
        import sys


        def f(x):
            if sys.version_info[:2] < (3, 8):
                x = x + 1
        """,
        """
        import sys


        def f(x):
            pass
        """,
        id="empty-block-gets-pass",
    ),
    pytest.param(
        """
        import sys

        def f(match_args, x):
            if sys.version_info >= (3, 10) and match_args and x:
                return 1
            if x or sys.version_info < (3, 9):
                return 2
            if not sys.version_info < (3, 9) and x:
                return 3
        """,
        """
        import sys

        def f(match_args, x):
            if match_args and x:
                return 1
            if x:
                return 2
            if x:
                return 3
        """,
        id="and-or-not-operands",
    ),
    pytest.param(
        """
        import sys

        A = "new" if sys.version_info >= (3, 10) else "old"
        B = ("new"
             if sys.version_info < (3, 9) and sys.version_info.major == 3
             else "old")
        """,
        """
        import sys

        A = "new"
        B = "old"
        """,
        id="ternaries",
    ),
    pytest.param(
        """
        import sys

        assert sys.version_info >= (3, 8), "too old"
        assert sys.version_info >= (3, 9) and sys.platform, "x"
        """,
        """
        import sys

        assert sys.platform, "x"
        """,
        id="assert-true",
    ),
    pytest.param(
        """
        import platform
        import sys as _sys
        from sys import version_info

        if version_info >= (3, 10, 0):
            A = 1
        if _sys.version_info[0] == 2:
            B = 2
        if platform.python_version_tuple() and _sys.version_info[:2] >= (3, 6):
            C = 3
        """,
        """
        import platform
        import sys as _sys
        from sys import version_info

        A = 1
        if platform.python_version_tuple():
            C = 3
        """,
        id="spellings",
    ),
]


@pytest.mark.parametrize(("before", "after"), FOLDED)
def test_decided_gates_fold(before: str, after: str) -> None:
    assert fold(before) == dedent(after)
    assert fold(after) == dedent(after)


LISTED = [
    pytest.param(
        """
        import sys

        if (3, 10) <= sys.version_info < (3, 10, 1):
            A = 1
        """,
        "undecided version gate",
        id="patch-level-undecided",
    ),
    pytest.param(
        """
        import sys

        assert sys.version_info < (3, 9), "needs an old python"
        """,
        "assert of a gate that always fails",
        id="assert-false",
    ),
    pytest.param(
        """
        import sys


        def f(check):
            if check() and sys.version_info < (3, 9):
                return 1
        """,
        "must still run",
        id="side-effect-before-false",
    ),
    pytest.param(
        """
        import sys


        def f():
            if sys.version_info < (3, 9):
                value = 1
            return value
        """,
        "`value` is bound only in the code that goes",
        id="binding-used-later",
    ),
    pytest.param(
        """
        import sys

        if sys.version_info < (3, 9):
            def removeprefix(s, p):
                return s[len(p):] if s.startswith(p) else s

        def strip(s):
            return removeprefix(s, "x")
        """,
        "`removeprefix` is bound only in the code that goes",
        id="module-binding-used-later",
    ),
    pytest.param(
        """
        import sys


        def f():
            if sys.version_info < (3, 9):
                yield 1
            return 2
        """,
        "makes the function a generator",
        id="yield-in-dead-arm",
    ),
    pytest.param(
        """
        import sys


        def f(sys):
            if sys.version_info < (3, 9):
                return 1
        """,
        "`sys` is rebound in the enclosing scope",
        id="shadowed-module",
    ),
    pytest.param(
        """
        import sys

        if (n := 3) and sys.version_info < (3, 9):
            A = n
        """,
        "must still run",
        id="walrus-before-false",
    ),
]


@pytest.mark.parametrize(("before", "reason"), LISTED)
def test_gates_that_are_listed_not_edited(before: str, reason: str) -> None:
    result = fold_gates(PATH, dedent(before), ENV, "pkg.mod")
    assert result.text == dedent(before)
    assert not result.folded
    assert [item.kind for item in result.listed] == ["version-gate"]
    assert reason in result.listed[0].reason


def test_while_is_never_folded() -> None:
    text = dedent(
        """
        import sys

        while sys.version_info < (3, 9):
            break
        """
    )
    assert fold_gates(PATH, text, ENV, "pkg.mod").text == text


def test_a_gate_without_a_floor_is_left_alone_and_not_listed() -> None:
    text = "import numpy as np\n\nif np.__version__ >= '1.24':\n    A = 1\n"
    result = fold_gates(PATH, text, ENV, "pkg.mod")
    assert (result.text, result.folded, result.listed) == (text, [], [])


def test_a_flag_definition_stays() -> None:
    text = (
        "import sys\n\nPY310 = sys.version_info >= (3, 10)\nX = not (sys.version_info < (3, 9))\n"
    )
    assert fold_gates(PATH, text, ENV, "pkg.mod").text == text


def test_the_report_names_each_fold() -> None:
    text = dedent(FOLDED[0].values[0])
    (site,) = fold_gates(PATH, text, ENV, "pkg.mod").folded
    assert (site.path, site.line, site.kind, site.track) == (PATH, 4, "version-gate", "python")
    assert site.names == ("sys.version_info >= (3, 10)",)
    assert "always true" in site.tag


# -- prune's wiring ------------------------------------------------------------------------


def test_prune_folds_gates_outside_the_shim_at_the_requires_python_floor() -> None:
    config = dataclasses.replace(make_config(), python_floor=Version("3.10"))
    module = "import sys\n\nif sys.version_info >= (3, 10):\n    A = 1\nelse:\n    A = 2\n"
    untouched = "import sys\n\nA = sys.version_info\n"
    plan = plan_prune(config, {"pkg/mod.py": module, "pkg/other.py": untouched})
    assert plan.new_text("pkg/mod.py", module) == "A = 1\n"
    assert "pkg/other.py" not in plan.edits
    assert [(s.path, s.kind) for s in plan.removed] == [("pkg/mod.py", "version-gate")]


def test_prune_without_a_python_floor_leaves_interpreter_gates() -> None:
    module = "import sys\n\nif sys.version_info >= (3, 10):\n    A = 1\n"
    assert not plan_prune(make_config(), {"pkg/mod.py": module}).changed


def test_cli_prune_folds_with_the_floor_from_requires_python(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nrequires-python = ">=3.10"\n\n'
        '[tool.compatlint]\nupstream = "sglang"\nshim = ["pkg/_compat.py"]\n'
    )
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "_compat.py").write_text("")
    module = tmp_path / "pkg" / "util.py"
    module.write_text(
        "import sys\n\nif sys.version_info >= (3, 10):\n    A = 1\nelse:\n    B = 2\n"
    )
    monkeypatch.chdir(tmp_path)
    worklog = tmp_path / "worklog.md"
    runner = CliRunner()
    checked = runner.invoke(main, ["prune", "--floor", "0.5.10", "--check"])
    assert checked.exit_code == 1, checked.output
    result = runner.invoke(
        main, ["prune", "--floor", "0.5.10", "--allow-dirty", "--worklog", str(worklog)]
    )
    assert result.exit_code == 0, result.output
    assert module.read_text() == "A = 1\n"
    assert "version-gate" in result.output
    assert "version-gate" in worklog.read_text()


# -- properties ----------------------------------------------------------------------------

_VERSION_TESTS = st.sampled_from(
    [
        "sys.version_info >= (3, {n})",
        "sys.version_info < (3, {n})",
        "sys.version_info[:2] == (3, {n})",
        "sys.version_info[:2] != (3, {n})",
        "sys.version_info.minor >= {n}",
        "sys.version_info > (3, {n}, 1)",
        "(3, {n}) <= sys.version_info < (3, {m})",
        "sys.version_info[0] == 3",
    ]
)


@st.composite
def gates(draw: st.DrawFn) -> str:
    template = draw(_VERSION_TESTS)
    n = draw(st.integers(6, 13))
    text = template.format(n=n, m=n + draw(st.integers(1, 3)))
    return f"not ({text})" if draw(st.booleans()) else f"({text})"


@st.composite
def conditions(draw: st.DrawFn) -> str:
    parts = draw(
        st.lists(st.one_of(gates(), st.sampled_from(["flag", "tick()"])), min_size=1, max_size=3)
    )
    return f" {draw(st.sampled_from(['and', 'or']))} ".join(parts)


@st.composite
def statements(draw: st.DrawFn, index: int) -> str:
    shape = draw(st.sampled_from(["if", "chain", "ternary", "assert", "function", "local"]))
    a, b = draw(conditions()), draw(conditions())
    if shape == "if":
        return f"if {a}:\n    out.append({index})\n"
    if shape == "chain":
        return (
            f"if {a}:\n    out.append({index})\nelif {b}:\n    # arm\n    out.append(-{index})\n"
            f"else:\n    out.append(0)\n"
        )
    if shape == "ternary":
        return f"out.append({index} if {a} else -{index})\n"
    if shape == "assert":
        return f"assert {a} or True, 'never'\n"
    if shape == "local":  # a binding only a dead arm makes: local, or the global `v`?
        return (
            f"def f{index}():\n    if {a}:\n        v = {index}\n    try:\n        return v\n"
            f"    except NameError as e:\n        return type(e).__name__\n\n\n"
            f"out.append(f{index}())\n"
        )
    return (
        f"def f{index}():\n    if {a}:\n        return {index}\n    out.append('body')\n"
        f"    return -{index}\n\n\nout.append(f{index}())\n"
    )


@st.composite
def modules(draw: st.DrawFn) -> str:
    count = draw(st.integers(1, 4))
    body = [draw(statements(i + 1)) + f"out.append('mark {i}')\n" for i in range(count)]
    prelude = (
        "import sys\n\nflag = len(out) == 0\nv = 'global'\n\n\n"
        "def tick():\n    out.append('tick')\n    return True\n\n\n"
    )
    return prelude + "\n".join(body)


@settings(max_examples=examples(60), deadline=None)
@given(modules())
def test_folding_keeps_what_the_module_does_on_every_release(text: str) -> None:
    result = fold_gates(PATH, text, ENV, "pkg.mod")
    folded = result.text
    ast.parse(folded)
    assert fold_gates(PATH, folded, ENV, "pkg.mod").text == folded
    marks = [line for line in text.splitlines() if line.startswith("out.append('mark")]
    assert [line for line in folded.splitlines() if line in marks] == marks
    for release in RELEASES:
        assert run_as(folded, release) == run_as(text, release), (release, text, folded)


@settings(max_examples=examples(30), deadline=None)
@given(modules())
def test_a_module_without_decided_gates_is_byte_identical(text: str) -> None:
    env = GateEnv({"numpy": Window("numpy", Version("1.24"))})
    assert fold_gates(PATH, text, env, "pkg.mod").text == text


def test_imports_only_a_folded_gate_read_go_unless_imported_elsewhere() -> None:
    config = dataclasses.replace(make_config(), python_floor=Version("3.10"))
    module = (
        "import os\nimport sys\nfrom sys import version_info\n\n"
        "if sys.version_info >= (3, 10) and version_info >= (3, 9):\n    A = 1\n"
    )
    other = "from pkg.mod import sys\n"
    plan = plan_prune(config, {"pkg/mod.py": module, "pkg/other.py": other})
    # `os` was unused before; `sys` is imported from here elsewhere; `version_info` goes
    assert plan.new_text("pkg/mod.py", module) == "import os\nimport sys\n\nA = 1\n"
    alone = plan_prune(config, {"pkg/mod.py": module})
    assert alone.new_text("pkg/mod.py", module) == "import os\n\nA = 1\n"
