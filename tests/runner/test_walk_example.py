"""The bundled example's launch scripts under ``compatlint walk`` with a fake 1-GPU machine."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from walk_helpers import assert_bystanders_alive, port_is_free, set_gpus, write_project

from compatlint.runner.command import walk

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sglang-backend"
LAUNCH = EXAMPLE / "launch"

#: The block for examples/sglang-backend/pyproject.toml (see docs/walk.md).
EXAMPLE_WALK_TOML = """\
[tool.compatlint.walk]
scripts = "launch/*.sh"
order = ["agg", "agg_embed", "disagg"]
timeout = 300
ready-timeout = 240
env = { SGLANG_DISABLE_CUDNN_CHECK = "1" }

[tool.compatlint.walk.probes."agg.sh"]
kind = "chat"
ready = "http://127.0.0.1:18000/health"
url = "http://127.0.0.1:18000/v1/chat/completions"
model = "Qwen/Qwen3-0.6B"

[tool.compatlint.walk.probes."agg_embed.sh"]
kind = "embeddings"
ready = "http://127.0.0.1:18000/health"
url = "http://127.0.0.1:18000/v1/embeddings"
model = "Qwen/Qwen3-Embedding-0.6B"
dimension = 1024

[tool.compatlint.walk.probes."disagg.sh"]
kind = "log"
ready = "http://127.0.0.1:18000/health"
url = "http://127.0.0.1:18000/v1/chat/completions"
model = "Qwen/Qwen3-0.6B"
pattern = "Selected worker:"
timeout = 30
"""


def test_example_pyproject_walk_table_matches_when_present() -> None:
    pyproject = EXAMPLE / "pyproject.toml"
    if not pyproject.is_file():
        pytest.skip("the example project has no pyproject.toml yet")
    walk_table = tomllib.loads(pyproject.read_text())["tool"].get("compatlint", {}).get("walk")
    if walk_table is None:
        pytest.skip("the example's pyproject.toml has no [tool.compatlint.walk] yet")
    assert walk_table == tomllib.loads(EXAMPLE_WALK_TOML)["tool"]["compatlint"]["walk"]


def copy_example(root: Path, port: int) -> Path:
    """The example's launch scripts and walk config in ``root``, moved from 18000 to ``port``."""
    root = write_project(root, EXAMPLE_WALK_TOML.replace("18000", str(port)), {})
    for source in LAUNCH.iterdir():
        target = root / "launch" / source.name
        target.write_text(source.read_text().replace("18000", str(port)))
        shutil.copymode(source, target)
    return root


def run_walk(root: Path, *args: str) -> Result:
    config = str(root / "pyproject.toml")
    # Generous: a passing script ends as soon as its probe answers; only a busy machine needs it.
    arguments = ["--config", config, "--format", "json", "--timeout", "240", *args]
    return CliRunner().invoke(walk, arguments, catch_exceptions=False)


@pytest.mark.integration
def test_example_scripts_pass_or_skip_on_one_gpu(
    tmp_path: Path,
    free_port: Callable[[], int],
    bystanders: list[subprocess.Popen[bytes]],
) -> None:
    port = free_port()
    root = copy_example(tmp_path / "servo", port)

    result = run_walk(root)

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["gpus"] == 1  # the fake nvidia-smi from conftest
    rows = [(r["script"], r["status"], r["notes"]) for r in data["results"]]
    assert rows == [
        ("agg.sh", "PASS", "chat completion answered (1 choice(s)); ended 1 detached process(es)"),
        ("agg_embed.sh", "PASS", "embedding has 1024 entries; ended 1 detached process(es)"),
        ("disagg.sh", "SKIPPED", "needs 2 GPUs, 1 present"),
    ]
    assert port_is_free(port)
    assert_bystanders_alive(bystanders)


@pytest.mark.integration
def test_example_disagg_passes_on_two_gpus(
    tmp_path: Path, free_port: Callable[[], int], fake_bin: Path
) -> None:
    set_gpus(fake_bin, 2)
    port = free_port()
    root = copy_example(tmp_path / "servo", port)

    result = run_walk(root, "--only", "disagg")

    assert result.exit_code == 0, result.output
    rows = [(r["script"], r["status"], r["notes"]) for r in json.loads(result.stdout)["results"]]
    assert rows == [("disagg.sh", "PASS", "log: Selected worker: 1; ended 1 detached process(es)")]
    assert port_is_free(port)
