"""The handlers import and construct without SGLang: the stubs stand in for it."""

from __future__ import annotations

from servo.handlers import chat, embed, multimodal


def test_every_handler_module_imports() -> None:
    assert chat.ChatHandler is not None
    assert embed.__name__ == "servo.handlers.embed"
    assert multimodal.__name__ == "servo.handlers.multimodal"
