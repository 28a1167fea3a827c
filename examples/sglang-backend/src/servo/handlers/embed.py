"""Embedding requests."""

from __future__ import annotations

from typing import Any

import sglang
import sglang.srt.utils.hf_transformers_utils as hf_utils
from packaging.version import Version
from sglang.srt.managers.io_struct import EmbeddingReqInput

from servo import _compat


class EmbedHandler:
    """Batches texts into embedding requests sized to the model's context."""

    def __init__(self, engine: Any, model_path: str) -> None:
        self.engine = engine
        self.tokenizer = _compat.get_tokenizer(model_path)
        self.context_length = hf_utils.get_context_length(_compat.get_model_config(engine))
        info = _compat.get_scheduler_info(engine)
        self.max_batch = int(info.get("max_running_requests", 64))

    def _clip(self, text: str) -> str:
        ids = self.tokenizer.encode(text)[: self.context_length]
        return self.tokenizer.decode(ids)

    def build_requests(self, texts: list[str]) -> list[EmbeddingReqInput]:
        """One request per batch of at most ``max_batch`` texts."""
        if Version(sglang.__version__) < Version("0.5.11"):
            texts = [self._clip(text) for text in texts]
        step = self.max_batch
        return [EmbeddingReqInput(text=texts[i : i + step]) for i in range(0, len(texts), step)]
