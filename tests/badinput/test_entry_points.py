"""``python -m compatlint`` is the command line, errors and all."""

from __future__ import annotations

from pathlib import Path

from tests.badinput.harness import assert_refused, run_process, snapshot, write_project


def test_python_m_compatlint_runs_the_command_line(tmp_path: Path) -> None:
    ran = run_process(write_project(tmp_path), ["check"])
    assert ran.exit_code == 1
    assert "CL" in ran.stdout


def test_python_m_compatlint_refuses_a_missing_config_in_one_line(tmp_path: Path) -> None:
    before = snapshot(tmp_path)
    ran = run_process(tmp_path, ["check"])
    assert_refused(ran, names="pyproject.toml")
    assert snapshot(tmp_path) == before
