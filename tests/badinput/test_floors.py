"""``--floor`` names only what the project knows, and says one floor per name.

A misspelt track used to become a new track that judged nothing, an upstream the project
does not list was accepted, and of two different floors for one name the last won.
"""

from __future__ import annotations

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
