"""The command line: check, report, rule; formats, exit codes, one-line errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from compatlint.catalog import documented_rules
from compatlint.cli import main

EXAMPLE = Path(__file__).parent.parent / "examples" / "sglang-backend"

PYPROJECT = """\
[tool.compatlint]
upstream = "sglang"
shim = ["pkg/_compat.py"]
floor = "0.5.10"
"""
SHIM = """\
try:
    from sglang.srt.a import X
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    from sglang.srt.b import X

__all__ = ["X"]
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "_compat.py").write_text(SHIM)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return tmp_path


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "example"
    shutil.copytree(EXAMPLE, target)
    monkeypatch.chdir(target)
    return target


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_check_reports_and_exits_1(project: Path) -> None:
    result = run("check")
    assert result.exit_code == 1
    assert "pkg/_compat.py:3:1: CL102 [*] expired import-fallback" in result.output
    assert result.output.strip().endswith(
        "Found 1 finding in 2 files. (1 fixable with `compatlint check --fix`)"
    )


def test_check_clean_exits_0_with_lower_floor(project: Path) -> None:
    result = run("check", "--floor", "0.5.9")
    assert result.exit_code == 0, result.output
    assert "All checks passed!" in result.output


def test_check_json_shape(project: Path) -> None:
    result = run("check", "--format", "json")
    payload = json.loads(result.output)
    assert payload["version"] == 1
    assert payload["floors"] == {"sglang": "0.5.10"}
    (diagnostic,) = payload["diagnostics"]
    assert set(diagnostic) == {
        "code",
        "name",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "fixable",
        "tag",
    }
    assert (diagnostic["path"], diagnostic["line"], diagnostic["code"]) == (
        "pkg/_compat.py",
        3,
        "CL102",
    )
    assert diagnostic["tag"]["removal"] == "0.5.10"
    assert diagnostic["tag"]["covers"] == "0.5.9"
    assert payload["summary"] == {"files": 2, "diagnostics": 1, "by_code": {"CL102": 1}}


def test_check_github_and_sarif(project: Path) -> None:
    github = run("check", "--format", "github").output
    assert github.startswith("::error file=pkg/_compat.py,line=3,")
    sarif = json.loads(run("check", "--format", "sarif").output)
    assert sarif["version"] == "2.1.0"
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "pkg/_compat.py"


def test_select_and_ignore(project: Path) -> None:
    assert run("check", "--ignore", "CL102").exit_code == 0
    assert run("check", "--select", "CL1").exit_code == 1
    assert run("check", "--select", "CL101,CL107").exit_code == 0
    result = CliRunner().invoke(main, ["check", "--select", "CL999"])
    assert result.exit_code == 2
    assert "unknown rule code or prefix 'CL999'" in result.output


def test_suppression_comment(project: Path) -> None:
    shim = project / "pkg" / "_compat.py"
    shim.write_text(
        SHIM.replace("except ImportError:", "except ImportError:  # compatlint: ignore[CL102]")
    )
    assert run("check").exit_code == 0
    shim.write_text(
        SHIM.replace("except ImportError:", "except ImportError:  # compatlint: ignore[CL101]")
    )
    assert run("check").exit_code == 1
    shim.write_text("# compatlint: ignore\n" + SHIM.replace("try:", "try:  # x", 1))
    text = shim.read_text().replace("# compatlint: ignore\ntry:", "try:")
    shim.write_text(
        text.replace("except ImportError:", "# compatlint: ignore\nexcept ImportError:")
    )
    assert run("check").exit_code == 0


def test_paths_limit_the_findings(project: Path) -> None:
    (project / "pkg" / "handler.py").write_text(
        "import sglang\n\nOLD = sglang.__version__ < '0.5'\n"
    )
    result = run("check", "pkg/handler.py")
    assert result.exit_code == 1
    assert "CL105" in result.output and "CL102" not in result.output
    assert "in 1 file." in result.output


def test_statistics(project: Path) -> None:
    result = run("check", "--statistics")
    assert "1  CL102  expired-fallback" in result.output


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (
            lambda p: (p / "pkg" / "_compat.py").write_text("def broken(:\n"),
            "pkg/_compat.py:1: cannot parse",
        ),
        (
            lambda p: (p / "pkg" / "_compat.py").write_bytes(b"x = '\xff'\n"),
            "pkg/_compat.py:1: not valid UTF-8",
        ),
        (
            lambda p: (p / "pkg" / "_compat.py").unlink(),
            "'shim' names 'pkg/_compat.py', which does not exist",
        ),
        (
            lambda p: (p / "pyproject.toml").write_text(PYPROJECT + "bogus = 1\n"),
            "pyproject.toml:5: [tool.compatlint] unknown key 'bogus'",
        ),
        (
            lambda p: (p / "pkg" / "h.py").write_text("import sglang\ntry:\nif x\n"),
            "pkg/h.py:3: cannot parse",
        ),
    ],
)
def test_user_errors_are_one_line_exit_2(project: Path, setup, message: str) -> None:
    setup(project)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_missing_path_argument(project: Path) -> None:
    result = CliRunner().invoke(main, ["check", "pkg/nope.py"])
    assert result.exit_code == 2
    assert "pkg/nope.py: no such file or directory" in result.output


def test_bad_floor_option(project: Path) -> None:
    result = CliRunner().invoke(main, ["check", "--floor", "soon"])
    assert result.exit_code == 2
    assert "--floor 'soon'" in result.output


def test_no_config_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 2
    assert "no pyproject.toml with [tool.compatlint]" in result.output


def test_config_option(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert run("check", "--config", str(project / "pyproject.toml")).exit_code == 1


def test_real_entry_point_prints_no_traceback(project: Path) -> None:
    (project / "pkg" / "_compat.py").write_text("def broken(:\n")
    completed = subprocess.run(
        [sys.executable, "-m", "compatlint.cli", "check"],
        capture_output=True,
        text=True,
        cwd=project,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.startswith("compatlint: error: pkg/_compat.py:1: cannot parse")
    assert "Traceback" not in completed.stderr


def test_report_text_json_markdown(example: Path) -> None:
    text = run("report").output
    assert "src/servo/_compat.py:64   import-fallback" in text
    assert "sites at floors sglang 0.5.10, xpu track 0.5.11" in text
    payload = json.loads(run("report", "--format", "json").output)
    fates = {(s["path"], s["line"]): s["fate"] for s in payload["sites"]}
    assert fates[("src/servo/_compat.py", 70)] == "keep"
    later = json.loads(run("report", "--floor", "0.5.11", "--format", "json").output)
    assert {(s["path"], s["line"]): s["fate"] for s in later["sites"]}[
        ("src/servo/_compat.py", 70)
    ] == "expired"
    markdown = run("report", "--format", "markdown").output
    assert markdown.startswith("| location | kind | names | covers | removal | track | fate |")


def test_report_track_without_floor_is_kept(example: Path) -> None:
    pyproject = example / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('xpu = "0.5.11"', ""))
    payload = json.loads(run("report", "--format", "json").output)
    xpu = [s for s in payload["sites"] if s["track"] == "xpu"]
    assert xpu and all(s["fate"] == "no-floor" for s in xpu)


def test_rule_command() -> None:
    table = run("rule").output
    assert table.count("\n") == len(documented_rules())
    assert "CL202" in table
    doc = run("rule", "cl101").output
    assert doc.startswith("# CL101 untagged-fallback")
    assert "## Why is this bad?" in doc
    result = CliRunner().invoke(main, ["rule", "CL999"])
    assert result.exit_code == 2


def test_version() -> None:
    from compatlint import __version__

    assert __version__ in run("--version").output
