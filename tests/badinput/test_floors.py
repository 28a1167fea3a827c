"""``--floor`` names only what the project knows, and says one floor per name.

A misspelt track used to become a new track that judged nothing, an upstream the project
does not list was accepted, and of two different floors for one name the last won.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.badinput.harness import (
    PYPROJECT,
    SHIM,
    assert_refused,
    run_in_process,
    snapshot,
    write_project,
)

WITH_TRACK = PYPROJECT + '\n[tool.compatlint.tracks]\nxpu = "0.5.11"\n'

XPU_SHIM = (
    SHIM
    + """
try:
    from sglang.srt.xpu import Backend
except ImportError:
    # Fallback for the separately pinned Gaudi SGLang 0.5.11.
    # Remove when min supported version is 0.5.12+
    from sglang.srt.gaudi import Backend
"""
)

COMMANDS = [
    ["check"],
    ["report"],
    ["prune", "--diff"],
]

FLOORS = [
    pytest.param(["xpux=0.5.19"], "did you mean 'xpu'?", id="misspelt-track"),
    pytest.param(["sglnag=0.5.19"], "did you mean 'sglang'?", id="misspelt-upstream"),
    pytest.param(["numpy=2.0"], "'numpy' is not a configured upstream", id="unknown-upstream"),
    pytest.param(["0.5.11", "0.5.12"], "conflicts with --floor '0.5.11'", id="primary-twice"),
    pytest.param(["0.5.11", "sglang=0.5.12"], "two floors for sglang", id="bare-and-named"),
    pytest.param(["xpu=0.5.19", "XPU=0.5.20"], "two floors for xpu", id="track-twice"),
    pytest.param(["xpu=latest"], "not a version", id="track-not-a-version"),
    pytest.param(["=0.5.12"], "empty track name", id="empty-name"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize(("floors", "says"), FLOORS)
def test_a_bad_floor_is_refused_in_one_line(
    tmp_path: Path, command: list[str], floors: list[str], says: str
) -> None:
    write_project(tmp_path, pyproject=WITH_TRACK)
    before = snapshot(tmp_path)
    args = [*command, *(arg for floor in floors for arg in ("--floor", floor))]
    assert_refused(run_in_process(tmp_path, args), names="--floor", says=says)
    assert snapshot(tmp_path) == before


def test_the_same_floor_twice_is_accepted(tmp_path: Path) -> None:
    write_project(tmp_path, pyproject=WITH_TRACK)
    ran = run_in_process(
        tmp_path, ["report", "--format", "json", "--floor", "xpu=0.5.19", "--floor", "XPU=0.5.19"]
    )
    assert ran.exit_code == 0, ran.stderr
    assert '"track:xpu": "0.5.19"' in ran.stdout


def test_a_track_the_tags_name_takes_a_floor_without_configuration(tmp_path: Path) -> None:
    write_project(tmp_path, {"pkg/_compat.py": XPU_SHIM})
    before = snapshot(tmp_path)
    kept = run_in_process(tmp_path, ["prune", "--diff", "--floor", "0.5.10"])
    assert "sglang.srt.gaudi" not in kept.stdout
    ran = run_in_process(
        tmp_path, ["prune", "--diff", "--floor", "0.5.10", "--floor", "gaudi=0.5.12"]
    )
    assert ran.exit_code == 1, ran.stderr
    assert "-    from sglang.srt.gaudi import Backend" in ran.stdout
    assert snapshot(tmp_path) == before


def test_a_track_no_tag_names_is_refused_with_the_known_names(tmp_path: Path) -> None:
    write_project(tmp_path, {"pkg/_compat.py": XPU_SHIM})
    ran = run_in_process(tmp_path, ["check", "--floor", "gaudy=0.5.12"])
    assert_refused(ran, names="--floor 'gaudy=0.5.12'", says="did you mean 'gaudi'?")


def test_an_upstream_in_another_case_sets_that_upstreams_floor(tmp_path: Path) -> None:
    write_project(tmp_path)
    ran = run_in_process(tmp_path, ["report", "--format", "json", "--floor", "SGLang=0.5.12"])
    assert ran.exit_code == 0, ran.stderr
    assert '"sglang": "0.5.12"' in ran.stdout
    assert "track:" not in ran.stdout


# -- python and the project's dependencies take floors; other names are still refused --

WITH_DEPENDENCIES = (
    '[project]\nname = "pkg"\nrequires-python = ">=3.9"\n'
    'dependencies = ["numpy>=1.22,<3", "Foo_Bar>=2"]\n\n'
    '[project.optional-dependencies]\ndocs = ["sphinx>=7"]\n\n' + WITH_TRACK
)

DEPENDENCY_FLOORS = [
    pytest.param(["nunpy=1.24"], "did you mean 'numpy'?", id="misspelt-dependency"),
    pytest.param(["pyton=3.10"], "did you mean 'python'?", id="misspelt-python"),
    pytest.param(["sphinx=7.2"], "'sphinx' is not a configured upstream", id="only-an-extra"),
    pytest.param(["scipy=1.11"], "'scipy' is not a configured upstream", id="nowhere"),
    pytest.param(["python=3.10", "Python=3.11"], "two floors for python", id="python-twice"),
    pytest.param(["foo-bar=2", "foo_bar=3"], "two floors for foo-bar", id="dependency-twice"),
    pytest.param(["python=3.x"], "not a version", id="python-not-a-version"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize(("floors", "says"), DEPENDENCY_FLOORS)
def test_a_bad_floor_is_refused_with_dependencies_too(
    tmp_path: Path, command: list[str], floors: list[str], says: str
) -> None:
    write_project(tmp_path, pyproject=WITH_DEPENDENCIES)
    before = snapshot(tmp_path)
    args = [*command, *(arg for floor in floors for arg in ("--floor", floor))]
    assert_refused(run_in_process(tmp_path, args), names="--floor", says=says)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("command", [["check"], ["prune", "--diff"], ["report"]], ids=str)
def test_python_and_a_dependency_take_floors(tmp_path: Path, command: list[str]) -> None:
    write_project(tmp_path, pyproject=WITH_DEPENDENCIES)
    args = [*command, "--floor", "python=3.10", "--floor", "numpy=1.24", "--floor", "FOO.bar=2"]
    ran = run_in_process(tmp_path, args)
    assert "--floor" not in ran.stderr, ran.stderr
    assert ran.exit_code in (0, 1), ran.stderr


def test_the_report_says_where_each_floor_came_from(tmp_path: Path) -> None:
    write_project(tmp_path, pyproject=WITH_DEPENDENCIES)
    ran = run_in_process(tmp_path, ["report", "--floor", "python=3.10", "--floor", "numpy=1.24"])
    assert ran.exit_code == 0, ran.stderr
    assert ran.stdout.split("\n\n")[0].splitlines() == [
        "Floors",
        "  sglang     >=0.5.10   config",
        "  python     >=3.10     command line",
        "  numpy      >=1.24,<3  command line",
        "  foo-bar    >=2        dependencies: Foo_Bar>=2",
        "  xpu track  >=0.5.11   config",
    ]
    payload = json.loads(run_in_process(tmp_path, ["report", "--format", "json"]).stdout)
    assert payload["floors"] == {"sglang": "0.5.10", "track:xpu": "0.5.11"}
    assert payload["floor_sources"]["python"] == {
        "version": "3.9",
        "source": "requires-python: >=3.9",
        "top": None,
        "note": None,
    }
    assert payload["floor_sources"]["numpy"]["source"] == "dependencies: numpy>=1.22,<3"
    assert payload["floor_sources"]["numpy"]["top"] == "<3"


PYTHON_SHIM = """\
try:
    from tomllib import loads
except ImportError:
    # Fallback for Python 3.10. Remove when min supported Python is 3.11+
    from tomli import loads

__all__ = ["loads"]
"""


def test_a_python_floor_judges_the_tags_that_name_python(tmp_path: Path) -> None:
    write_project(tmp_path, {"pkg/_compat.py": PYTHON_SHIM}, pyproject=WITH_DEPENDENCIES)
    before = snapshot(tmp_path)
    kept = run_in_process(tmp_path, ["prune", "--diff", "--floor", "python=3.10"])
    assert kept.exit_code == 0, kept.stderr
    ran = run_in_process(tmp_path, ["prune", "--diff", "--floor", "python=3.11"])
    assert ran.exit_code == 1, ran.stderr
    assert "+from tomllib import loads" in ran.stdout
    assert snapshot(tmp_path) == before
