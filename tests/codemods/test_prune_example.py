"""``compatlint prune`` on a copy of examples/sglang-backend, through the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from compatlint.cli import main

SHIM = "src/servo/_compat.py"
CHAT = "src/servo/handlers/chat.py"
STUBS = "tests/stub_modules.py"


@pytest.fixture
def project(tmp_path: Path, example_root: Path) -> Path:
    root = tmp_path / "sglang-backend"
    shutil.copytree(example_root, root)
    return root


def run(root: Path, *args: str):
    runner = CliRunner()
    return runner.invoke(main, ["prune", "--config", str(root / "pyproject.toml"), *args])


def read(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


def snapshot(root: Path) -> dict[str, bytes]:
    """The project's files (not compatlint's own cache, which ignores itself in git)."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".compatlint_cache" not in p.parts
    }


def test_prune_at_the_configured_floor(project: Path) -> None:
    result = run(project, "--floor", "0.5.10", "--allow-dirty")
    assert result.exit_code == 0, result.output
    shim = read(project, SHIM)
    # Gone: every fallback retired by 0.5.10, its tags, and what existed only for it.
    for gone in (
        "sglang.srt.openai_api.protocol",
        "from sglang.srt.server import Engine",
        "sglang.srt.managers.mm_utils",
        "MultimodalInputs as MultimodalDataItem",
        "sglang.srt.managers.multimodal_processors.base",
        "get_server_info",
        "from sglang.srt.utils import get_xpu_memory_capacity",
        "Remove when min supported version is 0.5.10+",
        "Remove when min supported version is 0.5.9+",
    ):
        assert gone not in shim, gone
    # Unwrapped, dedented.
    assert "\nfrom sglang.srt.entrypoints.openai.protocol import ChatCompletionRequest\n" in shim
    assert "\nfrom sglang.srt.entrypoints.engine import Engine\n" in shim
    assert "\nfrom sglang.srt.multimodal.mm_utils import MultimodalDataItem\n" in shim
    assert "\nfrom sglang.srt.utils.xpu import get_xpu_memory_capacity\n" in shim
    # Kept: live, untagged, vague and kept-on-purpose sites, byte for byte.
    original = read(Path(__file__).resolve().parents[2] / "examples" / "sglang-backend", SHIM)
    for kept in (
        "class NetworkAddress:",
        "    FastPath = None",
        "    from sglang.srt.utils.hf_transformers_utils import get_tokenizer",
        "    from sglang.srt.managers.io_struct import AbortRequest as AbortReq",
        "    # Prefer the guarded allocator API on SGLang 0.5.19, where it is opt-in.",
        "    from sglang.srt.constrained.base_backend import BaseGrammarBackend as GrammarBackend",
        "    # Fallback for older sglang. Remove when the minimum supported release contains",
        "# Kept on purpose: the internal SGLang build servo also runs on keeps",
        "    from sglang.srt.layers.attention.intel_xpu_backend import XPUAttnBackend",
        "    return engine.tokenizer_manager.model_config",
        "def stream_kwargs(",
        "def abort_request(",
        # A tagged wrapper that patches on new versions too: it and its calls stay.
        "def ensure_legacy_tokenizer_patch(",
        "\nensure_legacy_tokenizer_patch()\n",
    ):
        assert kept in original and kept in shim, kept
    assert read(project, CHAT) == read(
        Path(__file__).resolve().parents[2] / "examples" / "sglang-backend", CHAT
    )
    # The stub list gained the modules that are now imported unconditionally.
    stubs = read(project, STUBS)
    assert (
        '    "sglang.srt",\n'
        '    "sglang.srt.entrypoints",\n'
        '    "sglang.srt.entrypoints.engine",\n'
        '    "sglang.srt.entrypoints.openai",\n'
        '    "sglang.srt.entrypoints.openai.protocol",\n'
        "    # Request structs and batch types used by the shim and the handlers.\n"
    ) in stubs
    assert '    "sglang.srt.utils.hf_transformers_utils",\n    "sglang.srt.utils.xpu",\n]' in stubs


def test_prune_at_the_next_floor(project: Path) -> None:
    result = run(project, "--floor", "0.5.11", "--allow-dirty", "--format", "json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["written"] is True
    kinds = [site["kind"] for site in payload["removed"]]
    assert kinds.count("import-fallback") == 10
    assert {"polyfill", "sentinel", "probe-path", "probe-branch"} <= set(kinds)
    assert "tagged-definition" not in kinds  # its wrapper does work on new versions
    shim = read(project, SHIM)
    assert "class NetworkAddress" not in shim
    assert "FastPath = None" not in shim
    assert "    return FastPath(model_runner)\n\n\ndef fast_path_enabled" in shim
    assert "return bool(server_args.enable_fast_path)" in shim
    assert "exc.name" not in shim
    assert "return engine.tokenizer_manager.model_config" not in shim
    # The xpu track floor (0.5.11 in the config) keeps the XPU 0.5.19+ fallback.
    assert "intel_xpu_backend" in shim
    sites = [item for item in payload["follow_ups"] if item["kind"] != "import"]
    assert [item["line"] for item in sites] == [129, 134, 208, 251]
    # Every unwrapped import moved up into the import block: nothing between depends on
    # the order (a logger, __all__, other import fallbacks), so none is left for a person.
    assert [item for item in payload["follow_ups"] if item["kind"] == "import"] == []
    top = shim[: shim.index("logger = logging.getLogger")]
    assert "from sglang.srt.utils.xpu import get_xpu_memory_capacity\n" in top
    assert "from sglang.srt.managers.io_struct import AbortReq" in top
    assert payload["call_sites"] == []
    assert "sglang.srt.speculative.fast_path" in [stub["module"] for stub in payload["stubs"]]


def test_track_floor_on_the_command_line(project: Path) -> None:
    result = run(project, "--floor", "0.5.11", "--floor", "xpu=0.5.19", "--allow-dirty")
    assert result.exit_code == 0, result.output
    shim = read(project, SHIM)
    assert "intel_xpu_backend" not in shim
    assert "\nfrom sglang.srt.layers.attention.xpu_backend import XPUAttnBackend\n" in shim


@pytest.mark.parametrize("floor", ["0.5.10", "0.5.11"])
def test_second_run_changes_nothing(project: Path, floor: str) -> None:
    assert run(project, "--floor", floor, "--allow-dirty").exit_code == 0
    before = snapshot(project)
    again = run(project, "--floor", floor, "--check")
    assert again.exit_code == 0, again.output
    assert run(project, "--floor", floor, "--allow-dirty").exit_code == 0
    assert snapshot(project) == before


def test_diff_and_check_write_nothing(project: Path) -> None:
    before = snapshot(project)
    diff = run(project, "--floor", "0.5.10", "--diff")
    assert diff.exit_code == 1
    assert diff.stdout.startswith("--- a/src/servo/_compat.py\n+++ b/src/servo/_compat.py\n")
    assert "-    from sglang.srt.openai_api.protocol import ChatCompletionRequest\n" in diff.stdout
    assert "+++ b/tests/stub_modules.py" in diff.stdout
    assert "7 sites would be removed" in diff.stderr
    check = run(project, "--floor", "0.5.10", "--check")
    assert check.exit_code == 1
    assert "Pruned at sglang 0.5.10" in check.stdout
    assert snapshot(project) == before


def test_nothing_to_prune_exits_zero_everywhere(project: Path) -> None:
    before = snapshot(project)
    for extra in (["--diff"], ["--check"], ["--allow-dirty"]):
        result = run(project, "--floor", "0.5.8", "--floor", "xpu=0.5.10", *extra)
        assert result.exit_code == 0, (extra, result.output)
    assert run(project, "--floor", "0.5.8", "--floor", "xpu=0.5.10", "--diff").stdout == ""
    assert snapshot(project) == before


def test_the_diff_applies_with_git(project: Path, tmp_path: Path) -> None:
    import subprocess

    diff = run(project, "--floor", "0.5.11", "--diff").stdout
    expected = tmp_path / "expected"
    shutil.copytree(project, expected)
    assert run(expected, "--floor", "0.5.11", "--allow-dirty").exit_code == 0
    patch = tmp_path / "prune.diff"
    patch.write_text(diff, encoding="utf-8")
    subprocess.run(["git", "apply", str(patch)], cwd=project, check=True)
    assert snapshot(project) == snapshot(expected)


def test_worklog(project: Path, tmp_path: Path) -> None:
    worklog = tmp_path / "memory" / "bump.md"
    result = run(project, "--floor", "0.5.10", "--check", "--worklog", str(worklog))
    assert result.exit_code == 1
    text = worklog.read_text(encoding="utf-8")
    assert text.startswith("## Compat deprecation at sglang 0.5.10, xpu track 0.5.11\n")
    assert (
        "| 1 | `src/servo/_compat.py:64` | fallback branch | ChatCompletionRequest | 0.5.9 | — "
        "| Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+ "
        "| except branch removed, try unwrapped | — |"
    ) in text
    assert (
        "| `src/servo/_compat.py:251` | tagged-definition | not pruned: it does work on new "
        "versions too"
    ) in text
    assert "| `src/servo/_compat.py:134` | import-fallback | vague tag:" in text
    assert "- `sglang.srt.entrypoints.openai.protocol`" in text


def test_floor_is_required_and_flags_exclude_each_other(project: Path) -> None:
    assert run(project).exit_code == 2
    assert "--floor is required" in run(project).output
    assert run(project, "--floor", "0.5.10", "--diff", "--check").exit_code == 2
    assert run(project, "--floor", "0.5.10", "--diff", "--commit").exit_code == 2
    assert run(project, "--floor", "not-a-version").exit_code == 2


def test_paths_select_shims(project: Path) -> None:
    result = run(project, "--floor", "0.5.10", "--check", str(project / "src" / "servo"))
    assert result.exit_code == 1
    missing = run(project, "--floor", "0.5.10", "--check", str(project / "docs"))
    assert missing.exit_code == 2
    assert "is not a configured shim" in missing.output


def test_outside_git_prune_needs_allow_dirty(project: Path) -> None:
    before = snapshot(project)
    result = run(project, "--floor", "0.5.10")
    assert result.exit_code == 2
    assert "not inside a git repository" in result.output
    assert "--allow-dirty" in result.output
    assert snapshot(project) == before


def test_json_diff_carries_the_diff_and_the_report(project: Path) -> None:
    result = run(project, "--floor", "0.5.10", "--diff", "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["mode"] == "diff"
    assert payload["written"] is False
    assert payload["changed"] is True
    assert payload["files"] == [SHIM, STUBS]
    assert payload["diff"].startswith("--- a/src/servo/_compat.py\n")
    assert payload["floors"] == {"sglang": "0.5.10", "track:xpu": "0.5.11"}
