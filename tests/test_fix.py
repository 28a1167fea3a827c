"""compatlint check --fix / --diff: the safe fixes of CL102, CL108 and CL202, chained."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from compatlint.cli import main

EXAMPLE = Path(__file__).parent.parent / "examples" / "sglang-backend"
SHIM = Path("src/servo/_compat.py")
STUBS = Path("tests/stub_modules.py")


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".compatlint_cache"))
    monkeypatch.chdir(root)
    return root


def _codes(output: str) -> set[str]:
    """The codes of the diagnostic lines (``path:line:col: CODE message``)."""
    return {line.split()[1] for line in output.splitlines() if line.count(":") >= 3}


def test_diff_shows_the_fixes_and_writes_nothing(example: Path) -> None:
    before = {p: (example / p).read_text() for p in (SHIM, STUBS)}
    result = CliRunner().invoke(main, ["check", "--diff"])
    assert result.exit_code == 1
    assert "--- a/src/servo/_compat.py" in result.output
    assert '+    "sglang.srt.managers.template_manager",' in result.output
    assert {p: (example / p).read_text() for p in (SHIM, STUBS)} == before


def test_fix_applies_then_reports_what_remains(example: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--fix"])
    assert result.exit_code == 1  # unfixable findings remain
    assert "Fixed CL102, CL202 in 3 files." in result.output
    assert not {"CL102", "CL202"} & _codes(result.output)
    assert {"CL101", "CL103", "CL105", "CL106", "CL107", "CL201"} <= _codes(result.output)
    shim = (example / SHIM).read_text()
    assert "0.5.9. Remove when min supported version is 0.5.10+" not in shim
    again = runner.invoke(main, ["check", "--diff"])
    assert again.exit_code == 0 and again.output == ""


def test_fix_only_what_is_selected(example: Path) -> None:
    shim_before = (example / SHIM).read_text()
    result = CliRunner().invoke(main, ["check", "--fix", "--select", "CL202"])
    assert result.exit_code == 0, result.output
    assert (example / SHIM).read_text() == shim_before
    assert "sglang.srt.managers.template_manager" in (example / STUBS).read_text()


def test_nothing_to_fix(example: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--fix", "--select", "CL105"])
    assert result.exit_code == 1
    assert "Fixed" not in result.output
