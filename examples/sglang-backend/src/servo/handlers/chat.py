"""OpenAI-style chat completions on top of an SGLang tokenizer manager."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from sglang.srt.managers.io_struct import GenerateReqInput
from sglang.srt.managers.template_manager import TemplateManager

from servo._compat import (
    ChatCompletionRequest,
    NetworkAddress,
    ServerArgs,
    ensure_legacy_tokenizer_patch,
    filter_supported_kwargs,
    stream_kwargs,
)

if TYPE_CHECKING:
    from sglang.srt.managers.tokenizer_manager import TokenizerManager


class ChatHandler:
    """Turns chat completion requests into generate requests for one engine."""

    def __init__(self, tokenizer_manager: TokenizerManager, server_args: ServerArgs) -> None:
        ensure_legacy_tokenizer_patch()
        self.tokenizer_manager = tokenizer_manager
        self.templates = TemplateManager()
        self.address = NetworkAddress(server_args.host, server_args.port)

    @property
    def base_url(self) -> str:
        return self.address.to_url()

    def build_request(self, request: ChatCompletionRequest) -> GenerateReqInput:
        """The generate request for ``request``, with only the fields this SGLang knows."""
        prompt = self.templates.apply_chat_template(request.messages)
        sampling = {"temperature": request.temperature, "max_new_tokens": request.max_tokens}
        kwargs: dict[str, Any] = {"text": prompt, "sampling_params": sampling}
        kwargs.update(stream_kwargs(GenerateReqInput, bool(request.stream)))
        return GenerateReqInput(**filter_supported_kwargs(GenerateReqInput, kwargs))

    async def stream(self, request: ChatCompletionRequest) -> AsyncIterator[dict[str, Any]]:
        """Yield one delta per chunk the engine produces."""
        async for chunk in self.tokenizer_manager.generate_request(self.build_request(request)):
            meta = chunk.get("meta_info", {})
            yield {"text": chunk["text"], "finish_reason": meta.get("finish_reason")}
