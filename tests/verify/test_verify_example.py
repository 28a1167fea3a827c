"""``verify`` on the bundled example project, against two fake SGLang releases (N-1 and N).

The fakes model what the example's shim and handlers import: some moves happened in
0.5.11 (the tags are right), some already in 0.5.10 (the tags are stale), some paths
exist in neither (typos or guesses), and ``template_manager`` disappears in 0.5.11.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from verify_fakes import with_init_files, write_tree

from compatlint.analysis.project import analyze_project
from compatlint.cli import main
from compatlint.config_file import load_config
from compatlint.verify.findings import verify_project
from compatlint.verify.sources import UpstreamTree
from compatlint.workspace import Workspace

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "sglang-backend"
SHIM = "src/servo/_compat.py"

_BOTH = {
    "sglang/srt/managers/io_struct.py": (
        "class EmbeddingReqInput: ...\nclass GenerateReqInput: ...\nclass AbortReq: ...\n"
    ),
    "sglang/srt/sampling/sampling_params.py": "class SamplingParams: ...\n",
    "sglang/srt/server_args.py": "class ServerArgs: ...\n",
    "sglang/srt/entrypoints/openai/protocol.py": "class ChatCompletionRequest: ...\n",
    "sglang/srt/entrypoints/engine.py": "class Engine: ...\n",
    "sglang/srt/multimodal/mm_utils.py": "class MultimodalDataItem: ...\n",
    "sglang/srt/managers/schedule_batch.py": "class Modality: ...\nclass MultimodalInputs: ...\n",
    "sglang/srt/utils/__init__.py": "from .common import *\n",
    "sglang/srt/utils/common.py": (
        "def get_bool_env_var(): ...\ndef get_xpu_memory_capacity(): ...\n"
    ),
    "sglang/srt/utils/hf_transformers_utils.py": "def get_tokenizer(): ...\n",
    "sglang/srt/mem_cache/memory_pool.py": "class ReqToTokenPool: ...\n",
    "sglang/srt/function_call/function_call_parser.py": "class FunctionCallParser: ...\n",
    "sglang/srt/layers/attention/xpu_backend.py": "class XPUAttnBackend: ...\n",
    "sglang/srt/lora/backend.py": "",
    "sglang/srt/multimodal/processors/base.py": "class BaseMultimodalProcessor: ...\n",
}
N_1 = {
    **_BOTH,
    "sglang/srt/entrypoints/http_server.py": "",
    "sglang/srt/server.py": "def launch_server(): ...\n",
    "sglang/srt/constrained/base_backend.py": "class BaseGrammarBackend: ...\n",
    "sglang/srt/managers/template_manager.py": "class TemplateManager: ...\n",
}
N = {
    **_BOTH,
    "sglang/srt/utils/network.py": "class NetworkAddress: ...\n",
    "sglang/srt/entrypoints/http_server.py": "def launch_server(): ...\n",
    "sglang/srt/speculative/fast_path.py": "class FastPath: ...\n",
    "sglang/srt/tokenizer.cpython-311-x86_64-linux-gnu.so": b"",
    "sglang/srt/constrained/base_grammar_backend.py": "class BaseGrammarBackend: ...\n",
}

EXPECTED = [
    ("CL301", SHIM, 64),  # ChatCompletionRequest: the new path is in both
    ("CL302", SHIM, 66),  # ... and the 0.5.9 path in neither
    ("CL301", SHIM, 88),
    ("CL302", SHIM, 89),
    ("CL301", SHIM, 104),  # the nested MultimodalDataItem chain: the outer try wins
    ("CL301", SHIM, 108),
    ("CL302", SHIM, 107),
    ("CL302", SHIM, 123),  # guarded_pool exists in neither
    ("CL301", SHIM, 134),  # the vaguely tagged FunctionCallParser fallback is dead
    ("CL302", SHIM, 136),  # (the xpu-track fallbacks at 140 and 147 are not judged)
    ("CL301", SHIM, 154),  # AbortReq is already in 0.5.10 ...
    ("CL303", SHIM, 154),  # ... which its tag says still needs the fallback
    ("CL302", SHIM, 156),
    ("CL301", SHIM, 162),
    ("CL301", SHIM, 173),
    ("CL302", SHIM, 173),
    ("CL304", "src/servo/handlers/chat.py", 9),  # template_manager is gone in 0.5.11
]


def _sorted(found: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    return sorted(found, key=lambda item: (item[1], item[2], item[0]))


@pytest.fixture(scope="module")
def result():
    config = load_config(EXAMPLE / "pyproject.toml")
    workspace = Workspace(config)
    sources = workspace.sources([*workspace.python_files(), *workspace.context_files()])
    trees = [
        UpstreamTree.from_files("0.5.10", "sglang", with_init_files(N_1)),
        UpstreamTree.from_files("0.5.11", "sglang", with_init_files(N)),
    ]
    return verify_project(analyze_project(config, sources), sources, trees)


def test_findings_on_the_example(result) -> None:
    found = [(d.code, d.path, d.line) for d in result.diagnostics]
    assert found == _sorted(EXPECTED)


def test_tags_that_the_evidence_confirms_are_quiet(result) -> None:
    quiet_sites = {70, 94, 99, 114}  # NetworkAddress, launch_server, FastPath, get_tokenizer
    assert not [d for d in result.diagnostics if d.line in quiet_sites]
    tokenizer = next(
        i for i, row in enumerate(result.evidence.rows) if row.target.endswith(":get_tokenizer")
    )
    assert [c.presence.value for c in result.matrix.cells[tokenizer]] == ["absent", "unknown"]


def test_suggestions_on_the_example(result) -> None:
    assert [(s.line, s.tag.text if s.tag else s.reason) for s in result.suggestions] == [
        (129, "Fallback for sglang <= 0.5.10. Remove when min supported version is 0.5.11+"),
        (134, "the preferred path is present in every given version"),
    ]
    assert result.suggestions[0].writable and not result.suggestions[1].writable


def test_cli_on_a_copy_of_the_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "example"
    shutil.copytree(EXAMPLE, target)
    write_tree(tmp_path / "n-1", with_init_files(N_1))
    write_tree(tmp_path / "n" / "python", with_init_files(N))
    monkeypatch.chdir(target)
    args = ["verify", "--upstream", f"0.5.10={tmp_path / 'n-1'}"]
    args += ["--upstream", f"0.5.11={tmp_path / 'n'}", "--format", "json", "--suggest-tags"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert [(d["code"], d["path"], d["line"]) for d in payload["diagnostics"]] == _sorted(EXPECTED)
    xpu = [row for row in payload["matrix"] if "xpu" in row["import"]]
    assert {row["verdict"] for row in xpu} == {"not judged (xpu track)"}
    written = CliRunner().invoke(
        main, [*args[:-3], "--write", "--allow-dirty"], catch_exceptions=False
    )
    assert written.stderr == "compatlint: --write: inserted 1 tag in src/servo/_compat.py\n"
    lines = (target / SHIM).read_text().splitlines()
    assert lines[128:131] == [
        "except ImportError:",
        "    # Fallback for sglang <= 0.5.10. Remove when min supported version is 0.5.11+",
        "    from sglang.srt.constrained.base_backend import BaseGrammarBackend as GrammarBackend",
    ]
