"""Compatibility shim between servo and the SGLang runtime.

servo supports two SGLang releases at a time: the current one (N) and the one
before it (N-1). Every upstream API move is absorbed in this module; the rest of
the package imports SGLang names from here, not from SGLang.

Conventions (docs/compat-policy.md): import the current location first and the
previous one in the ``except ImportError`` branch, tag that branch with the
release it covers and the minimum version that retires it, and probe signatures
and attributes instead of comparing ``sglang.__version__``.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import logging
from collections.abc import Callable, Mapping
from typing import Any

from sgl_kernel import per_token_quant_fp8
from sglang.srt.managers.io_struct import EmbeddingReqInput, GenerateReqInput
from sglang.srt.sampling.sampling_params import SamplingParams
from sglang.srt.server_args import ServerArgs

logger = logging.getLogger(__name__)

__all__ = [
    "AbortReq",
    "ChatCompletionRequest",
    "EmbeddingReqInput",
    "Engine",
    "FastPath",
    "FunctionCallParser",
    "GenerateReqInput",
    "GrammarBackend",
    "MultimodalDataItem",
    "NetworkAddress",
    "SamplingParams",
    "ServerArgs",
    "TokenPool",
    "XPUAttnBackend",
    "abort_request",
    "ensure_legacy_tokenizer_patch",
    "fast_path_enabled",
    "filter_supported_kwargs",
    "fp8_weight_scale",
    "get_bool_env_var",
    "get_kv_cache_dtype",
    "get_model_config",
    "get_scheduler_info",
    "get_tokenizer",
    "get_xpu_memory_capacity",
    "launch_server",
    "load_processor_base",
    "make_fast_path",
    "quantize_activations",
    "stream_kwargs",
]

try:
    from sglang.srt.entrypoints.openai.protocol import ChatCompletionRequest
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    from sglang.srt.openai_api.protocol import ChatCompletionRequest

try:
    from sglang.srt.utils.network import NetworkAddress
except ImportError:
    # Fallback for sglang <= 0.5.10. Remove when min supported
    # version is 0.5.11+
    class NetworkAddress:
        """Minimal stand-in for ``sglang.srt.utils.network.NetworkAddress``."""

        def __init__(self, host: str, port: int) -> None:
            self.host = host
            self.port = port

        def to_url(self, scheme: str = "http") -> str:
            host = f"[{self.host}]" if ":" in self.host else self.host
            return f"{scheme}://{host}:{self.port}"


# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
try:
    from sglang.srt.entrypoints.engine import Engine
except ImportError:
    from sglang.srt.server import Engine

try:
    from sglang.srt.entrypoints.http_server import launch_server
# Fallback for sglang <= 0.5.10. Remove when min supported version is 0.5.11+
except ImportError:
    from sglang.srt.server import launch_server

try:
    from sglang.srt.speculative.fast_path import FastPath
except ImportError:  # Fallback for sglang 0.5.10. Remove when min supported version is 0.5.11+
    FastPath = None

try:
    from sglang.srt.multimodal.mm_utils import MultimodalDataItem
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    try:
        from sglang.srt.managers.mm_utils import MultimodalDataItem
    except ImportError:
        # Fallback for sglang 0.5.8. Remove when min supported version is 0.5.9+
        from sglang.srt.managers.schedule_batch import MultimodalInputs as MultimodalDataItem

try:
    from sglang.srt.tokenizer import get_tokenizer
except ModuleNotFoundError as exc:
    # Fallback for sglang 0.5.10. Remove when min supported version is 0.5.11+
    if exc.name != "sglang.srt.tokenizer":
        raise
    from sglang.srt.utils.hf_transformers_utils import get_tokenizer

try:
    # Prefer the guarded allocator API on SGLang 0.5.19, where it is opt-in.
    # Remove when the minimum supported version is 0.5.20+.
    from sglang.srt.mem_cache.guarded_pool import GuardedTokenPool as TokenPool
except ImportError:
    from sglang.srt.mem_cache.memory_pool import ReqToTokenPool as TokenPool

try:
    from sglang.srt.constrained.base_grammar_backend import BaseGrammarBackend as GrammarBackend
except ImportError:
    from sglang.srt.constrained.base_backend import BaseGrammarBackend as GrammarBackend

try:
    from sglang.srt.function_call.function_call_parser import FunctionCallParser
except ImportError:
    # Fallback for older sglang. Remove when the minimum supported release contains that move.
    from sglang.srt.function_call_parser import FunctionCallParser

try:
    from sglang.srt.layers.attention.xpu_backend import XPUAttnBackend
except ImportError:
    # Fallback for the separately pinned XPU SGLang 0.5.11.
    # Remove when the XPU pin is upgraded to 0.5.19+.
    from sglang.srt.layers.attention.intel_xpu_backend import XPUAttnBackend

try:
    from sglang.srt.utils.xpu import get_xpu_memory_capacity
except ImportError:
    # XPU compatibility for SGLang 0.5.10. Remove when the XPU SGLang pin is
    # upgraded to 0.5.11+.
    from sglang.srt.utils import get_xpu_memory_capacity

try:
    from sglang.srt.managers.io_struct import AbortReq
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.11+
    from sglang.srt.managers.io_struct import AbortRequest as AbortReq

# Kept on purpose: the internal SGLang build servo also runs on keeps
# get_bool_env_var in the flat utils module, whatever upstream does.
try:
    from sglang.srt.utils.common import get_bool_env_var
except ImportError:  # compatlint: ignore[CL101]
    from sglang.srt.utils import get_bool_env_var

try:
    import sglang.srt.lora.backend  # noqa: F401  (registers the LoRA backends)
except ImportError:
    pass  # LoRA serving is optional.

_PROCESSOR_MODULES = (
    "sglang.srt.multimodal.processors.base",
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    "sglang.srt.managers.multimodal_processors.base",
)


def load_processor_base() -> type:
    """The base class SGLang's multimodal processors derive from."""
    for name in _PROCESSOR_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            logger.debug("no multimodal processor module at %s", name)
            continue
        return module.BaseMultimodalProcessor
    raise ImportError(f"none of {_PROCESSOR_MODULES} provides BaseMultimodalProcessor")


def get_scheduler_info(engine: Any) -> dict[str, Any]:
    """Scheduler and memory-pool state of a running engine."""
    if not callable(getattr(engine, "get_internal_state", None)):
        # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
        return dict(engine.get_server_info())
    return dict(engine.get_internal_state())


def get_model_config(engine: Any) -> Any:
    """The model config of a running engine."""
    accessor = getattr(engine, "get_model_config", None)
    if accessor is not None:
        return accessor()
    # Fallback for sglang 0.5.10. Remove when min supported version is 0.5.11+
    return engine.tokenizer_manager.model_config


def abort_request(engine: Any, rid: str) -> None:
    """Abort the in-flight request ``rid``."""
    if hasattr(engine, "abort_request"):
        engine.abort_request(rid)
    else:
        engine.tokenizer_manager.abort_request(rid)


def _accepts_any_keyword(fn: Callable[..., Any]) -> bool:
    params = inspect.signature(fn, follow_wrapped=False).parameters.values()
    return any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params)


def filter_supported_kwargs(fn: Callable[..., Any], kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The subset of ``kwargs`` that ``fn`` accepts (all of them if it takes ``**kwargs``)."""
    if _accepts_any_keyword(fn):
        return dict(kwargs)
    params = inspect.signature(fn).parameters
    return {key: value for key, value in kwargs.items() if key in params}


def make_fast_path(model_runner: Any) -> Any | None:
    """A speculative fast path for ``model_runner``, or None if this SGLang has none."""
    if FastPath is not None:
        return FastPath(model_runner)
    return None


def fast_path_enabled(server_args: ServerArgs) -> bool:
    """Whether the speculative fast path exists and the server turned it on."""
    return FastPath is not None and bool(server_args.enable_fast_path)


def quantize_activations(x: Any, group_size: int = 128) -> Any:
    """Per-token FP8 quantisation of activations with the fused CUDA kernel."""
    return per_token_quant_fp8(x, group_size)


def fp8_weight_scale(weight: Any) -> Any:
    """Per-channel FP8 scale of ``weight``; loads the quantization stack on first use."""
    from sglang.srt.layers.quantization import fp8_utils

    return fp8_utils.per_channel_scale(weight)


def ensure_legacy_tokenizer_patch() -> None:
    """Let ``TokenizerManager.detokenize`` accept the keywords servo passes.

    SGLang 0.5.9 rejects unknown keywords there. Safe to call more than once.
    Remove this compatibility override when the minimum supported SGLang release is 0.5.10+.
    """
    from sglang.srt.managers.tokenizer_manager import TokenizerManager

    original = TokenizerManager.detokenize
    if _accepts_any_keyword(original):
        return

    @functools.wraps(original)
    def detokenize(self: Any, ids: Any, **kwargs: Any) -> Any:
        return original(self, ids, **filter_supported_kwargs(original, kwargs))

    TokenizerManager.detokenize = detokenize


# Wrapper for the renamed streaming flag. Remove this wrapper when min supported SGLang is 0.5.12+.
def stream_kwargs(fn: Callable[..., Any], stream: bool) -> dict[str, Any]:
    """Keyword arguments that switch streaming on or off for ``fn``."""
    name = "stream" if "stream" in inspect.signature(fn).parameters else "streaming"
    return {name: stream}


ensure_legacy_tokenizer_patch()
