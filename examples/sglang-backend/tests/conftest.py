"""Test configuration: stand in for SGLang when it is not installed."""

from __future__ import annotations

import importlib.util

from stub_modules import install_stubs

if importlib.util.find_spec("sglang") is None:
    install_stubs()
