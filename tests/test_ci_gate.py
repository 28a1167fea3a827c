"""CI gate: --changed-since with git, GitHub annotations ordered and capped."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from compatlint.cli import main
from compatlint.model import Diagnostic
from compatlint.report import CheckResult, render

EXAMPLE = Path(__file__).parent.parent / "examples" / "sglang-backend"


def _diagnostic(path: str, line: int) -> Diagnostic:
    return Diagnostic("CL101", "untagged-fallback", path, line, 1, line, 2, f"finding {line}")


def test_github_puts_changed_files_first_and_caps() -> None:
    diagnostics = (
        *(_diagnostic(f"a{i}.py", i) for i in range(5)),
        _diagnostic("z.py", 1),
        _diagnostic("z.py", 2),
    )
    result = CheckResult(diagnostics, files=6, floors={}, rules=(), changed=("z.py",))
    lines = render(result, "github", max_annotations=3).splitlines()
    assert [line.split(",")[0] for line in lines[:3]] == [
        "::error file=z.py",
        "::error file=z.py",
        "::error file=a0.py",
    ]
    assert lines[3].startswith("::notice title=compatlint::4 more findings not annotated (limit 3)")
    assert lines[4] == "Found 7 findings in 6 files."
    uncapped = render(result, "github").splitlines()
    assert len(uncapped) == 8


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".compatlint_cache"))
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "init")
    monkeypatch.chdir(root)
    return root


def test_changed_since_checks_only_changed_files(repo: Path) -> None:
    runner = CliRunner()
    clean = runner.invoke(main, ["check", "--changed-since", "HEAD"])
    assert clean.exit_code == 0, clean.output
    assert "(0 files)" in clean.output
    embed = repo / "src" / "servo" / "handlers" / "embed.py"
    embed.write_text(embed.read_text() + "\n")
    (repo / "src" / "servo" / "new_handler.py").write_text(
        "try:\n    from sglang.srt.a import X\nexcept ImportError:\n    X = None\n"
    )
    result = runner.invoke(main, ["check", "--changed-since", "HEAD", "--format", "github"])
    assert result.exit_code == 1
    annotated = {line.split(",")[0] for line in result.output.splitlines() if "::error" in line}
    assert annotated == {
        "::error file=src/servo/handlers/embed.py",
        "::error file=src/servo/new_handler.py",
    }


def test_changed_since_errors(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(main, ["check", "--changed-since", "no-such-ref"])
    assert result.exit_code == 2
    assert "unknown git revision 'no-such-ref'" in result.output
    outside = tmp_path / "plain"
    shutil.copytree(EXAMPLE, outside, ignore=shutil.ignore_patterns(".compatlint_cache"))
    monkeypatch.chdir(outside)
    result = CliRunner().invoke(main, ["check", "--changed-since", "HEAD"])
    assert result.exit_code == 2
    assert "not inside a git repository" in result.output
