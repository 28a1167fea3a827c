"""``[tool.compatlint] keep``: a list of qualified flag names, refused in one line otherwise."""

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

BAD_KEEP = [
    pytest.param('keep = "pkg.mod.FLAG"', "'keep' must be a list of strings", id="not-a-list"),
    pytest.param("keep = [1]", "'keep' must be a list of strings", id="not-strings"),
    pytest.param('keep = ["FLAG"]', "qualified names like 'pkg.mod.FLAG'", id="not-qualified"),
    pytest.param('keeps = ["pkg.mod.FLAG"]', "unknown key 'keeps'", id="misspelt"),
]


@pytest.mark.parametrize(("line", "says"), BAD_KEEP)
@pytest.mark.parametrize(
    "command", [["check"], ["prune", "--diff", "--floor", "0.5.10"]], ids=lambda c: c[0]
)
def test_a_bad_keep_is_refused_naming_pyproject_and_line(
    tmp_path: Path, command: list[str], line: str, says: str
) -> None:
    write_project(tmp_path, pyproject=PYPROJECT + line + "\n")
    before = snapshot(tmp_path)
    assert_refused(run_in_process(tmp_path, command), names="pyproject.toml", line=6, says=says)
    assert snapshot(tmp_path) == before


def test_a_kept_name_that_matches_nothing_is_a_warning(tmp_path: Path) -> None:
    write_project(tmp_path, pyproject=PYPROJECT + 'keep = ["pkg.mod.FLAG"]\n')
    ran = run_in_process(tmp_path, ["prune", "--allow-dirty", "--floor", "python=3.10"])
    assert (
        "keep entry 'pkg.mod.FLAG' names no flag decided at the floors" in ran.stdout + ran.stderr
    )
