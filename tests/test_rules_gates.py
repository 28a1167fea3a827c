"""The version-gate rules (CL112–CL114, CL105 through constants) beyond their doc cases:
python gates at the requires-python floor, every place a gate stands, shadowing,
suppressions, gates through other modules, the prefilter, the cache and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from compatlint.analysis.project import analyze_project
from compatlint.cache import decode, encode
from compatlint.checker import run_rules
from compatlint.cli import main
from compatlint.config import parse_config
from compatlint.config_file import load_config
from compatlint.engine import gather_facts
from compatlint.rules import (
    DeadVersionGate,
    StaleFlag,
    UndecidableGate,
    VersionGate,
)
from compatlint.workspace import Workspace

GATE_RULES = (DeadVersionGate, UndecidableGate, StaleFlag)
TABLE = {"upstream": ["sglang", "numpy"], "shim": [], "floor": {"sglang": "0.5.10"}}


def findings(files, *, requires_python=">=3.10", table=None, rules=GATE_RULES):
    root = Path("/project")
    config = parse_config(
        {**TABLE, **(table or {})},
        root=root,
        config_path=root / "pyproject.toml",
        requires_python=requires_python,
    )
    return run_rules(analyze_project(config, dict(files)), rules)


def lines(found, code):
    return [d.line for d in found if d.code == code]


def test_python_gate_decided_at_requires_python() -> None:
    found = findings({"pkg/util.py": "import sys\n\nif sys.version_info >= (3, 10):\n    pass\n"})
    assert [(d.code, d.line, d.column) for d in found] == [("CL112", 3, 4)]
    assert found[0].message == (
        "dead version gate (condition): `sys.version_info >= (3, 10)` is always true: "
        "python floor is 3.10"
    )
    assert found[0].fixable  # `check --fix` folds it


def test_a_gate_prune_lists_is_not_fixable() -> None:
    code = "import sys\n\nwhile sys.version_info < (3, 9):\n    pass\n"
    assert [d.fixable for d in findings({"pkg/util.py": code})] == [False]


def test_without_a_floor_nothing_is_decided() -> None:
    code = "import sys\n\nif sys.version_info >= (3, 10):\n    pass\n"
    assert findings({"pkg/util.py": code}, requires_python=None) == []


def test_newer_gates_are_legitimate() -> None:
    code = (
        "import sys\n\n"
        "if sys.version_info >= (3, 13):\n    pass\n"
        "if sys.version_info[:2] == (3, 11):\n    pass\n"
        "if sys.version_info.minor != 12:\n    pass\n"
    )
    assert findings({"pkg/util.py": code}) == []


def test_every_place_a_gate_stands() -> None:
    code = """\
import sys
import pytest

OLD = sys.version_info < (3, 9)
while sys.version_info < (3, 8):
    pass
assert sys.version_info >= (3, 10), "too old"
x = 1 if sys.version_info >= (3, 9) else 2
y = [i for i in range(3) if sys.version_info < (3, 10)]

@pytest.mark.skipif(sys.version_info < (3, 10), reason="old")
def test_a():
    pass

@pytest.mark.xfail(condition=sys.version_info >= (3, 10))
def test_b(flag=None):
    if flag and sys.version_info >= (3, 10):
        return 1 if not (sys.version_info < (3, 10)) else 2
"""
    found = findings({"pkg/util.py": code})
    assert lines(found, "CL114") == [4]
    assert lines(found, "CL112") == [5, 7, 8, 9, 11, 15, 17, 18]
    messages = {d.line: d.message for d in found}
    assert "(operand)" in messages[17] and "(decorator condition)" in messages[11]
    assert "`not sys.version_info < (3, 10)` is always true" in messages[18]
    assert messages[4].startswith("stale flag: `OLD` is always False at the floors:")


def test_highest_decided_part_is_reported_once() -> None:
    code = (
        "import sys\n\nif not (sys.version_info >= (3, 8) or sys.version_info < (3, 9)):\n  pass\n"
    )
    found = findings({"pkg/util.py": code})
    assert [(d.line, d.column) for d in found] == [(3, 4)]


def test_local_shadowing_hides_the_module_name() -> None:
    code = (
        "import sys\n\n"
        "def f(sys):\n    return 1 if sys.version_info >= (3, 10) else 2\n\n"
        "def g(items):\n    return [sys for sys in items if sys.version_info < (3, 10)]\n\n"
        "def h(x):\n    if x and sys.version_info >= (3, 10):\n        pass\n"
    )
    assert lines(findings({"pkg/util.py": code}), "CL112") == [10]


def test_suppressed_in_a_file_read_only_for_gates() -> None:
    code = (
        "import sys\n\n"
        "if sys.version_info >= (3, 10):  # compatlint: ignore[CL112]\n    pass\n"
        "# compatlint: ignore[CL114]\nPY310 = sys.version_info >= (3, 10)\n"
    )
    assert findings({"pkg/util.py": code}) == []


def test_undecidable_only_inside_the_floor_series() -> None:
    code = (
        "import sys\n\n"
        "if (3, 10) <= sys.version_info < (3, 10, 1):\n    pass\n"
        "if sys.version_info >= (3, 11, 2):\n    pass\n"
        "if sys.version_info[:3] != (3, 10, 4):\n    pass\n"
    )
    found = findings({"pkg/util.py": code})
    assert [(d.code, d.line) for d in found] == [("CL113", 3), ("CL113", 7)]
    assert found[0].message == (
        "undecidable gate: `sys.version_info < (3, 10, 1)` depends on python 3.10.1, a level "
        "the floor does not fix (python floor is 3.10)"
    )
    # a floor at patch level decides the first and can reach the last by a bump
    raised = findings({"pkg/util.py": code}, requires_python=">=3.10.2")
    assert [(d.code, d.line) for d in raised] == [("CL112", 3)]


def test_flags_and_tuples_through_another_module_without_the_word_version() -> None:
    files = {
        "pkg/compat.py": "import numpy as np\n\n"
        "NP_TUPLE = tuple(map(int, np.__version__.split('.')[:2]))\n",
        "pkg/user.py": "from pkg import compat\nfrom pkg.compat import NP_TUPLE as t\n\n"
        "A = 1 if t < (1, 20) else 2\nB = 1 if compat.NP_TUPLE >= (1, 24) else 2\n",
    }
    found = findings(files, table={"floor": {"sglang": "0.5.10", "numpy": "1.24"}})
    assert [(d.path, d.line) for d in found] == [("pkg/user.py", 4), ("pkg/user.py", 5)]
    cl105 = findings(files, rules=(VersionGate,))
    assert [(d.path, d.line) for d in cl105] == [("pkg/user.py", 4), ("pkg/user.py", 5)]
    assert "`t` holds numpy's version" in cl105[0].message


def test_configured_predicates_without_the_word_version() -> None:
    table = {
        "floor": {"sglang": "0.5.10", "numpy": "1.24"},
        "predicates": {"pkg.utils.np_at_least": {"upstream": "numpy", "op": ">="}},
    }
    files = {
        "pkg/utils.py": "def np_at_least(v):\n    return True\n\nNEW = np_at_least('1.2')\n",
        "pkg/user.py": "from pkg.utils import np_at_least\n\n"
        "if np_at_least('1.20'):\n    pass\nif np_at_least('1.24.5'):\n    pass\n",
    }
    found = findings(files, table=table)
    assert [(d.path, d.code, d.line) for d in found] == [
        ("pkg/user.py", "CL112", 3),
        ("pkg/user.py", "CL113", 5),
        ("pkg/utils.py", "CL114", 4),
    ]


@settings(deadline=None, max_examples=150)
@given(
    op=st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
    literal=st.lists(st.integers(0, 14), min_size=1, max_size=2).map(lambda p: (3, *p)),
    floor_minor=st.integers(6, 12),
)
def test_python_gate_verdicts_agree_with_every_version(op, literal, floor_minor) -> None:
    """CL112 only when every supported version gives one answer; CL113 only for a bound
    in the floor's own minor series; never both."""
    code = f"import sys\n\nif sys.version_info {op} {literal!r}:\n    pass\n"
    found = findings({"pkg/util.py": code}, requires_python=f">={3}.{floor_minor}")
    codes = [d.code for d in found]
    assert len(codes) <= 1
    compare = {
        "<": tuple.__lt__,
        "<=": tuple.__le__,
        ">": tuple.__gt__,
        ">=": tuple.__ge__,
        "==": tuple.__eq__,
        "!=": tuple.__ne__,
    }[op]
    outcomes = {
        compare((3, minor, micro, "final", 0), literal)
        for minor in range(floor_minor, 20)
        for micro in range(0, 16)
    }
    if codes == ["CL112"]:
        assert len(outcomes) == 1
    elif len(outcomes) == 1:
        pytest.fail(f"a decided gate was not reported: {code}")
    if codes == ["CL113"]:
        assert literal[1] == floor_minor and len(literal) == 3 and literal[2] > 0


# -- the engine, the cache and the CLI ---------------------------------------------------

PYPROJECT = """\
[project]
name = "pkg"
requires-python = ">=3.10"

[tool.compatlint]
upstream = ["sglang", "numpy"]
shim = ["src/pkg/_compat.py"]
src = ["src"]
floor = { sglang = "0.5.10", numpy = "1.24" }
"""
FILES = {
    "pkg/__init__.py": "",
    "pkg/_compat.py": "import sys\n\nPY310 = sys.version_info >= (3, 10)\n",
    "pkg/np_compat.py": "import numpy as np\nfrom packaging.version import Version\n\n"
    "NP_VERSION = Version(np.__version__)\n",
    "pkg/models/ops.py": "from packaging.version import Version\n"
    "from pkg.np_compat import NP_VERSION as V\nimport sys\n\n"
    "def f(x):\n    if sys.version_info < (3, 10, 2) and x:\n        return V\n"
    "    return [1] if V < Version('1.22') else []\n",
    "pkg/plain.py": "def g():\n    return 1\n",
}


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    for rel, text in FILES.items():
        (tmp_path / "src" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "src" / rel).write_text(text)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_engine_reads_the_same_gates_as_the_pure_analysis(tree: Path) -> None:
    workspace = Workspace(load_config(tree / "pyproject.toml"))
    paths = workspace.python_files()
    pure = analyze_project(
        workspace.config, workspace.sources([*paths, *workspace.context_files()])
    )
    fast = gather_facts(workspace, paths, use_cache=False)
    assert fast.gates == pure.gates
    assert set(fast.gates) == {
        "src/pkg/_compat.py",
        "src/pkg/np_compat.py",
        "src/pkg/models/ops.py",
    }
    for facts in fast.gates.values():
        assert decode(json.loads(json.dumps(encode(facts)))) == facts


def test_warm_run_reads_gates_from_the_cache(tree: Path, monkeypatch) -> None:
    workspace = Workspace(load_config(tree / "pyproject.toml"))
    cold = gather_facts(workspace, workspace.python_files())

    def boom(*args, **kwargs):
        raise AssertionError("recomputed cached gate facts")

    monkeypatch.setattr("compatlint.engine.gate_facts_of", boom)
    workspace = Workspace(load_config(tree / "pyproject.toml"))
    assert gather_facts(workspace, workspace.python_files()).gates == cold.gates


def test_check_reports_gates_in_every_file_under_src(tree: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--no-cache"], catch_exceptions=False)
    assert result.exit_code == 1
    shown = [line for line in result.output.splitlines() if ": CL1" in line]
    assert [line.split(": ")[0] + " " + line.split(": ")[1][:5] for line in shown] == [
        "src/pkg/_compat.py:3:1 CL114",
        "src/pkg/models/ops.py:6:8 CL113",
        "src/pkg/models/ops.py:8:19 CL105",
        "src/pkg/models/ops.py:8:19 CL112",
    ]
    floor = CliRunner().invoke(main, ["check", "--no-cache", "--floor", "numpy=1.20"])
    assert "ops.py:8:19: CL112" not in floor.output and "ops.py:6:8: CL113" in floor.output


def test_a_floor_from_the_dependencies_decides_gates_in_check_and_prune(tmp_path: Path) -> None:
    """numpy's floor comes from ``[project] dependencies`` (no floor is configured for it):
    check reports the numpy gate dead and prune folds it, like a configured floor."""
    from compatlint.analysis.gate_verdicts import gate_env
    from compatlint.codemods.prune import plan_prune
    from compatlint.config_file import load_config

    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "0"\ndependencies = ["numpy>=1.24"]\n\n'
        '[tool.compatlint]\nupstream = "sglang"\nshim = ["pkg/_compat.py"]\nsrc = ["."]\n'
        'floor = "0.5.10"\n'
    )
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "_compat.py").write_text("X = 1\n")
    module = (
        "import numpy as np\nfrom packaging.version import Version\n\n"
        'if Version(np.__version__) < Version("1.22"):\n    OLD = True\nelse:\n    OLD = False\n'
    )
    config = load_config(tmp_path / "pyproject.toml")
    assert "numpy" in gate_env(config).windows
    plan = plan_prune(config, {"pkg/_compat.py": "X = 1\n", "pkg/mod.py": module}, config.floors)
    assert "pkg/mod.py" in plan.edits
    assert "OLD = False" in plan.edits["pkg/mod.py"].new_text
    assert "1.22" not in plan.edits["pkg/mod.py"].new_text


def test_check_reads_gates_where_prune_folds_them(tmp_path: Path, monkeypatch) -> None:
    """A dead ``skipif`` in the test roots (``mocks.collect``) outside ``src`` is folded by
    prune, so check reports it; a file outside both is in neither."""
    (tmp_path / "pyproject.toml").write_text(
        PYPROJECT + '\n[tool.compatlint.mocks]\nfile = "tests/conftest.py"\n'
        'name = "MOCKS"\ncollect = ["tests"]\n'
    )
    for rel, text in {
        "src/pkg/__init__.py": "",
        "src/pkg/_compat.py": "X = 1\n",
        "tests/conftest.py": "MOCKS = []\n",
        "tests/test_a.py": "import sys\n\nimport pytest\n\n\n"
        "@pytest.mark.skipif(sys.version_info < (3, 9), reason='old')\n"
        "def test_a():\n    pass\n",
        "scripts/tool.py": "import sys\n\nif sys.version_info >= (3, 9):\n    A = 1\n",
    }.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--no-cache"], catch_exceptions=False)
    shown = [line.split(": ")[0] for line in result.output.splitlines() if ": CL112" in line]
    assert shown == ["tests/test_a.py:6:21"]
    fixed = CliRunner().invoke(main, ["check", "--no-cache", "--diff"], catch_exceptions=False)
    assert "-@pytest.mark.skipif" in fixed.output and "scripts/tool.py" not in fixed.output
