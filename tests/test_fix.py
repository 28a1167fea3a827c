"""compatlint check --fix / --diff: the safe fixes of CL102, CL108 and CL202, chained."""

from __future__ import annotations

import json
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


def _lines_of(code: str, output: str) -> list[str]:
    """``path:line`` of each diagnostic of ``code``."""
    return [
        ":".join(line.split(":")[:2])
        for line in output.splitlines()
        if line.count(":") >= 3 and line.split()[1] == code
    ]


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
    assert "Fixed CL102, CL202 in 2 files." in result.output
    assert "CL202" not in _codes(result.output)
    # The one CL102 left is the tagged wrapper that patches on new versions too: listed.
    assert [line.split(":")[0] for line in _lines_of("CL102", result.output)] == [str(SHIM)]
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


def test_fix_inlines_a_trivial_shim_and_deletes_it(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "small"
    files = {
        "pyproject.toml": (
            '[tool.compatlint]\nupstream = "sglang"\nshim = ["src/app/_compat.py"]\nsrc = ["src"]\n'
        ),
        "src/app/__init__.py": '"""App."""\n',
        "src/app/_compat.py": '"""Compat."""\n\nfrom sglang.srt.a import A\n\n__all__ = ["A"]\n',
        "src/app/run.py": "from app._compat import A\n\nprint(A)\n",
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["check", "--fix"])
    assert result.exit_code == 0, result.output
    assert "Fixed CL108 in 3 files." in result.output
    assert not (root / "src/app/_compat.py").exists()
    assert (root / "src/app/run.py").read_text() == "from sglang.srt.a import A\n\nprint(A)\n"
    assert "shim = []\n" in (root / "pyproject.toml").read_text()


def test_deprecation_pass_on_the_example(example: Path) -> None:
    """check → prune → inline → mocks: afterwards only the designed CL202 gap was left
    for mocks to fill, and then mocks --check is clean."""
    import subprocess

    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "init"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
            cwd=example,
            check=True,
        )
    runner = CliRunner()
    assert runner.invoke(main, ["prune", "--floor", "0.5.11"]).exit_code == 0
    assert runner.invoke(main, ["inline", "--allow-dirty"]).exit_code == 0
    pending = runner.invoke(main, ["mocks", "--check", "--format", "json"])
    assert json.loads(pending.output)["added"] == ["sglang.srt.managers.template_manager"]
    assert runner.invoke(main, ["mocks", "--allow-dirty"]).exit_code == 0
    assert runner.invoke(main, ["mocks", "--check"]).exit_code == 0
    assert runner.invoke(main, ["inline", "--check"]).exit_code == 0
    assert runner.invoke(main, ["prune", "--floor", "0.5.11", "--check"]).exit_code == 0
    remaining = runner.invoke(main, ["check", "--floor", "0.5.11"])
    assert not {"CL108", "CL202"} & _codes(remaining.output)
    assert len(_lines_of("CL102", remaining.output)) == 1  # the wrapper that does work
