"""Runtime check: the example shim, pruned, still imports against the newer upstream.

Two tiny fake ``sglang`` packages stand in for the N-1 and N layouts. The original shim
must import against both; the pruned shim must import against N, and every name in its
``__all__`` must resolve — except the one the example lists without defining it (a
deliberate CL107 breach that prune is not asked to fix).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from compatlint.commands.prune import run_prune
from compatlint.config_file import load_config
from compatlint.versions import parse_floor_options

COMMON = {
    "sglang.srt.managers.io_struct": ["EmbeddingReqInput", "GenerateReqInput", "AbortReq"],
    "sglang.srt.managers.tokenizer_manager": ["TokenizerManager"],
    "sglang.srt.sampling.sampling_params": ["SamplingParams"],
    "sglang.srt.server_args": ["ServerArgs"],
    "sglang.srt.entrypoints.openai.protocol": ["ChatCompletionRequest"],
    "sglang.srt.entrypoints.engine": ["Engine"],
    "sglang.srt.multimodal.mm_utils": ["MultimodalDataItem"],
    "sglang.srt.mem_cache.memory_pool": ["ReqToTokenPool"],
    "sglang.srt.constrained.base_grammar_backend": ["BaseGrammarBackend"],
    "sglang.srt.function_call.function_call_parser": ["FunctionCallParser"],
    "sglang.srt.layers.attention.intel_xpu_backend": ["XPUAttnBackend"],
    "sglang.srt.utils.common": ["get_bool_env_var"],
    "sglang.srt.utils.hf_transformers_utils": ["get_tokenizer"],
    "sgl_kernel": ["per_token_quant_fp8"],
}
LAYOUTS = {
    # N-1: the 0.5.10 layout, where the 0.5.10 fallbacks are needed.
    "0.5.10": {
        **COMMON,
        "sglang.srt.server": ["launch_server", "Engine"],
        "sglang.srt.utils": ["get_xpu_memory_capacity"],
    },
    # N: the 0.5.11 layout, where everything moved to its new home.
    "0.5.11": {
        **COMMON,
        "sglang.srt.utils.network": ["NetworkAddress"],
        "sglang.srt.entrypoints.http_server": ["launch_server"],
        "sglang.srt.speculative.fast_path": ["FastPath"],
        "sglang.srt.tokenizer": ["get_tokenizer"],
        "sglang.srt.utils.xpu": ["get_xpu_memory_capacity"],
        "sglang.srt.layers.attention.xpu_backend": ["XPUAttnBackend"],
    },
}
CHECK = """
import sys
sys.path[:0] = [sys.argv[1], sys.argv[2]]
import servo._compat as shim
missing = [name for name in shim.__all__ if not hasattr(shim, name)]
print(len(shim.__all__), *missing)
"""
STALE_IN_THE_EXAMPLE = "get_kv_cache_dtype"


def _fake_upstream(root: Path, version: str) -> Path:
    """A package tree with one class (or function) per name of the layout."""
    for module, names in LAYOUTS[version].items():
        parts = module.split(".")
        directory = root.joinpath(*parts)
        directory.mkdir(parents=True, exist_ok=True)
        for depth in range(1, len(parts) + 1):
            init = root.joinpath(*parts[:depth], "__init__.py")
            if not init.exists():
                init.write_text(f"__version__ = {version!r}\n" if depth == 1 else "")
        body = []
        for name in names:
            if name[0].isupper():
                body.append(f"class {name}:\n    def __init__(self, *a, **k):\n        pass\n")
            else:
                body.append(f"def {name}(*args, **kwargs):\n    return None\n")
        if name == "TokenizerManager":
            body.append("TokenizerManager.detokenize = lambda self, ids, **kwargs: ids\n")
        init = directory / "__init__.py"
        init.write_text(init.read_text() + "\n".join(body))
    return root


def _run(upstream: Path, src: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHECK, str(upstream), str(src)],
        capture_output=True,
        text=True,
        check=False,
    )


def _imports(upstream: Path, src: Path) -> str:
    result = _run(upstream, src)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize("floor", ["0.5.10", "0.5.11"])
def test_pruned_shim_imports_against_the_newer_upstream(
    tmp_path: Path, example_root: Path, floor: str
) -> None:
    project = tmp_path / "project"
    shutil.copytree(example_root, project)
    old = _fake_upstream(tmp_path / "sglang-0.5.10", "0.5.10")
    new = _fake_upstream(tmp_path / "sglang-0.5.11", "0.5.11")
    src = project / "src"
    # The fake layouts are faithful: the unpruned shim imports against both.
    assert _imports(old, src) == _imports(new, src) == f"30 {STALE_IN_THE_EXAMPLE}"

    config = load_config(project / "pyproject.toml")
    overrides = parse_floor_options([floor], config.upstreams, config.primary)
    outcome = run_prune(config.with_floors(overrides), overrides=overrides, allow_dirty=True)
    assert outcome.plan is not None and outcome.plan.removed
    # Every public name stays: the one tagged definition, ensure_legacy_tokenizer_patch,
    # patches on new versions too, so it and its call are kept (and listed).
    assert _imports(new, src) == f"30 {STALE_IN_THE_EXAMPLE}"
    if floor == "0.5.11":
        # The 0.5.10 fallbacks are gone: the pruned shim no longer supports 0.5.10.
        assert "ModuleNotFoundError" in _run(old, src).stderr
