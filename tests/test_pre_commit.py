"""The pre-commit hooks, run for real with `pre-commit try-repo` in a temporary repository.

Slow (pre-commit builds an environment with compatlint in it), so marked integration;
`make test` runs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "sglang-backend"
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"

pytestmark = pytest.mark.integration


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One pre-commit cache for the module: the hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".compatlint_cache"))
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "init")
    return root


def _try_repo(project: Path, home: Path, hook: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(ROOT), hook, "--all-files", "--verbose"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_check_hook_reports_findings(project: Path, pre_commit_home: Path) -> None:
    result = _try_repo(project, pre_commit_home, "compatlint")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "src/servo/_compat.py:64:1: CL102" in output
    assert "src/servo/handlers/chat.py:9:1: CL202" in output
    _git(project, "diff", "--exit-code")  # the check hook never writes


def test_fix_hook_prunes_and_updates_the_stub_list(project: Path, pre_commit_home: Path) -> None:
    result = _try_repo(project, pre_commit_home, "compatlint-fix")
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "files were modified by this hook" in output
    shim = (project / "src" / "servo" / "_compat.py").read_text()
    assert "0.5.9. Remove when min supported version is 0.5.10+" not in shim
    stubs = (project / "tests" / "stub_modules.py").read_text()
    assert "sglang.srt.managers.template_manager" in stubs
