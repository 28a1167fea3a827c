"""``pin`` / ``--pin`` name only what the project knows, one pin per name, as ``--floor``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.badinput.harness import (
    PYPROJECT,
    assert_refused,
    run_in_process,
    snapshot,
    write_project,
)

WITH_TRACK = PYPROJECT + '\n[tool.compatlint.tracks]\nxpu = "0.5.11"\n'

PINS = [
    pytest.param(["xpux=0.5.19"], "did you mean 'xpu'?", id="misspelt-track"),
    pytest.param(["sglnag=0.5.19"], "did you mean 'sglang'?", id="misspelt-upstream"),
    pytest.param(["numpy=2.0"], "'numpy' is not a configured upstream", id="unknown-upstream"),
    pytest.param(["0.5.16", "0.5.17"], "conflicts with --pin '0.5.16'", id="primary-twice"),
    pytest.param(["0.5.16", "sglang=0.5.17"], "two pins for sglang", id="bare-and-named"),
    pytest.param(["latest"], "not a version", id="not-a-version"),
    pytest.param(["=0.5.16"], "empty track name", id="empty-name"),
]


@pytest.mark.parametrize(("pins", "says"), PINS)
def test_a_bad_pin_option_is_refused_in_one_line(
    tmp_path: Path, pins: list[str], says: str
) -> None:
    write_project(tmp_path, pyproject=WITH_TRACK)
    before = snapshot(tmp_path)
    args = ["check", *(arg for pin in pins for arg in ("--pin", pin))]
    assert_refused(run_in_process(tmp_path, args), names="--pin", says=says)
    assert snapshot(tmp_path) == before


CONFIG_PINS = [
    pytest.param('pin = "latest"', "'latest' is not a version", id="not-a-version"),
    pytest.param("pin = 16", "version must be a string", id="not-a-string"),
    pytest.param('pin = {sglnag = "0.5.16"}', "did you mean 'sglang'?", id="misspelt"),
    pytest.param('pin = {xpux = "0.5.19"}', "did you mean 'xpu'?", id="misspelt-track"),
    pytest.param('pins = "0.5.16"', "did you mean 'pin'?", id="misspelt-key"),
]


@pytest.mark.parametrize(("line", "says"), CONFIG_PINS)
def test_a_bad_pin_in_the_config_is_refused_in_one_line(
    tmp_path: Path, line: str, says: str
) -> None:
    write_project(
        tmp_path, pyproject=WITH_TRACK.replace('floor = "0.5.10"\n', f'floor = "0.5.10"\n{line}\n')
    )
    before = snapshot(tmp_path)
    assert_refused(run_in_process(tmp_path, ["check"]), names="pyproject.toml", says=says)
    assert snapshot(tmp_path) == before


def test_a_pin_for_a_track_and_for_an_extra_is_accepted(tmp_path: Path) -> None:
    extra = '[project]\nname = "p"\n[project.optional-dependencies]\nx = ["torch==2.4.0"]\n\n'
    write_project(tmp_path, pyproject=extra + WITH_TRACK)
    ran = run_in_process(tmp_path, ["check", "--pin", "xpu=0.5.19", "--pin", "torch=2.5"])
    assert "Traceback" not in ran.stderr
    assert ran.exit_code in (0, 1), ran.stderr
