"""``verify`` on API probes against the real sglang 0.5.9 and 0.5.10 wheels.

The wheels come from the package index (``pip download sglang==X --no-deps``) into a cache
outside the repository (``COMPATLINT_WHEEL_CACHE``, default ``~/.cache/compatlint-test-
wheels``), once; offline, the test is skipped. The facts asserted were read from the
wheels: ``ServerArgs.incremental_streaming_output`` arrived in 0.5.10, ``Engine`` has
``get_server_info`` in both and no ``abort_request``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from verify_fakes import write_tree

from compatlint.cli import main

pytestmark = pytest.mark.integration

VERSIONS = ("0.5.9", "0.5.10")
PYPROJECT = """\
[tool.compatlint]
upstream = "sglang"
shim = ["pkg/_compat.py"]
floor = "0.5.9"

[tool.compatlint.verify.types]
server_args = "sglang.srt.server_args.ServerArgs"
engine = "sglang.srt.entrypoints.engine.Engine"
"""
SHIM = """\
from typing import Any

import sglang as sgl


def probes(server_args: Any, engine: Any):
    if hasattr(server_args, "incremental_streaming_output"):
        return 1
    if not hasattr(sgl, "Engine"):
        return 2
    if callable(getattr(engine, "get_server_info", None)):
        return 3
    if hasattr(engine, "abort_request"):
        return 4
    return 0
"""


def wheel(version: str) -> Path:
    cache = Path(
        os.environ.get("COMPATLINT_WHEEL_CACHE")
        or Path.home() / ".cache" / "compatlint-test-wheels"
    )
    found = sorted(cache.glob(f"sglang-{version}-*.whl"))
    if found:
        return found[0]
    command = [sys.executable, "-m", "pip", "download", f"sglang=={version}", "--no-deps"]
    try:
        cache.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [*command, "-d", str(cache), "-q"], capture_output=True, timeout=180, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        pytest.skip("pip download failed (offline?)")
    found = sorted(cache.glob(f"sglang-{version}-*.whl"))
    if done.returncode != 0 or not found:
        pytest.skip(f"cannot download sglang {version} (offline?)")
    return found[0]


@pytest.mark.parametrize(
    ("floor", "dead"),
    [("0.5.9", ["9", "11", "13"]), ("0.5.10", ["7", "9", "11", "13"])],
)
def test_dead_probes_in_the_real_wheels(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, floor: str, dead: list[str]
) -> None:
    upstreams = [arg for v in VERSIONS for arg in ("--upstream", f"{v}={wheel(v)}")]
    root = write_tree(
        tmp_path / "project",
        {"pyproject.toml": PYPROJECT, "pkg/__init__.py": "", "pkg/_compat.py": SHIM},
    )
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, ["verify", *upstreams, "--floor", floor])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stdout.splitlines() if " CL301 " in line]
    assert [line.split(":")[1] for line in lines] == dead
