"""The README's install from a built wheel: build it, install it into a fresh environment,
run the installed command.

The wheel is installed without its dependencies, which the fresh environment borrows from
this one through a ``.pth`` file: the point is what the wheel itself carries (the package,
the console script, the version), and resolving the dependencies again would only measure
the package index. Marked integration (a build takes seconds).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "sglang-backend"

pytestmark = pytest.mark.integration


def _run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_the_built_wheel_installs_and_runs(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(".venv", ".git", "*_cache", ".hypothesis", "__pycache__"),
    )
    built = _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", "dist", ".", cwd=source
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (source / "dist").glob("compatlint-*-py3-none-any.whl")

    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    installed = _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "-q",
        "--no-deps",
        "--no-index",
        wheel,
    )
    assert installed.returncode == 0, installed.stderr
    site = Path(
        _run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").stdout.strip()
    )
    (site / "borrowed_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")

    where = _run(python, "-c", "import compatlint, json; print(json.dumps(compatlint.__file__))")
    assert json.loads(where.stdout).startswith(str(site)), where.stdout + where.stderr
    from compatlint import __version__

    version = _run(env_dir / "bin" / "compatlint", "--version")
    assert version.stdout.strip() == f"compatlint, version {__version__}", version.stderr
    project = tmp_path / "project"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns(".compatlint_cache"))
    checked = _run(env_dir / "bin" / "compatlint", "check", "--no-cache", cwd=project)
    assert checked.returncode == 1, checked.stderr
    assert "src/servo/_compat.py:64:1: CL102" in checked.stdout
    ruled = _run(python, "-m", "compatlint", "rule", "CL203", cwd=project)
    assert ruled.returncode == 0 and "stale-policy-doc" in ruled.stdout, ruled.stderr
