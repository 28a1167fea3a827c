"""The pre-commit hooks, run for real with `pre-commit try-repo` in a temporary repository,
and the README's snippet for them, as printed.

Slow (pre-commit builds an environment with compatlint in it), so marked integration;
`make test` runs it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from identify.identify import tags_from_path

from compatlint.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "sglang-backend"
PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
README_REPO = "https://github.com/compatlint/compatlint"

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
    assert "docs/compat-policy.md:30:1: CL203" in output  # the hook passes the policy doc
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


def _manifest() -> list[dict]:
    return yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())


def _readme_snippet() -> list[dict]:
    """The README's pre-commit block, as printed."""
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL)
    snippets = [yaml.safe_load(block) for block in blocks if "hooks:" in block]
    assert len(snippets) == 1, blocks
    return snippets[0]


def test_the_readme_snippet_names_hooks_the_manifest_has() -> None:
    (repo,) = _readme_snippet()
    assert repo["repo"] == README_REPO
    ids = {hook["id"] for hook in _manifest()}
    assert {hook["id"] for hook in repo["hooks"]} <= ids
    assert "compatlint-fix" in ids  # the commented-out alternative


def test_the_readme_snippets_rev_is_pinned_by_autoupdate_as_it_says(tmp_path: Path) -> None:
    """`rev: main` is accepted, and `pre-commit autoupdate --repo URL` (run here on a clone
    standing in for the URL) turns it into a tag or the latest commit's sha that exists."""
    upstream = tmp_path / "compatlint"
    subprocess.run(
        ["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(upstream)],
        check=True,
        capture_output=True,
    )
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=upstream, check=True, capture_output=True, text=True
    ).stdout.strip()
    project = tmp_path / "project"
    project.mkdir()
    _git(project, "init", "-q")
    (repo,) = _readme_snippet()
    assert repo["rev"] == "main"
    config = project / ".pre-commit-config.yaml"
    config.write_text(yaml.safe_dump({"repos": [{**repo, "repo": str(upstream)}]}))
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "home"), "PRE_COMMIT_COLOR": "never"}

    def pre_commit(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PRE_COMMIT), *args], cwd=project, env=env, capture_output=True, text=True
        )

    assert pre_commit("validate-config", str(config)).returncode == 0
    updated = pre_commit("autoupdate", "--repo", str(upstream))
    assert updated.returncode == 0, updated.stdout + updated.stderr
    (pinned,) = yaml.safe_load(config.read_text())["repos"]
    assert pinned["rev"] != "main"
    resolved = subprocess.run(
        ["git", "rev-parse", f"{pinned['rev']}^{{commit}}"],
        cwd=upstream,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert resolved == head
    assert pinned["hooks"] == repo["hooks"]
    again = pre_commit("validate-config", str(config))
    assert again.returncode == 0 and "mutable reference" not in again.stdout + again.stderr


@pytest.mark.parametrize("path", ["docs/compat-policy.md", "src/servo/_compat.py"])
def test_the_hooks_file_types_include_the_policy_doc_and_python(path: str) -> None:
    tags = tags_from_path(str(EXAMPLE / path))
    for hook in _manifest():
        assert tags & set(hook["types_or"]), (hook["id"], tags)


def test_check_given_a_policy_docs_path_reports_it(project: Path) -> None:
    def check(*paths: str):
        previous = Path.cwd()
        os.chdir(project)
        try:
            return CliRunner().invoke(main, ["check", "--no-cache", *paths])
        finally:
            os.chdir(previous)

    doc = check("docs/compat-policy.md")
    assert doc.exit_code == 1, doc.output
    assert "docs/compat-policy.md:30:1: CL203" in doc.stdout
    assert "Found 1 finding in 1 file." in doc.stdout
    mixed = check("README.md", "pyproject.toml", "docs/compat-policy.md", "src/servo/_compat.py")
    assert mixed.exit_code == 1, mixed.output
    assert "docs/compat-policy.md:30:1: CL203" in mixed.stdout
    assert "src/servo/_compat.py:64:1: CL102" in mixed.stdout
    other = check("README.md", "pyproject.toml")
    assert other.exit_code == 0, other.output
    assert "CL203" not in other.stdout
