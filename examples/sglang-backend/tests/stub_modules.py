"""SGLang modules replaced by stubs so the test suite collects without SGLang.

Keep ``STUB_MODULES`` in step with the unconditional module-level ``sglang``
imports under ``src/servo``. Parent packages are listed too: importing
``a.b.c`` needs ``a`` and ``a.b`` first.
"""

from __future__ import annotations

import functools
import sys
import types
from unittest import mock

STUB_MODULES = [
    "sglang",
    "sglang.srt",
    # Request structs and batch types used by the shim and the handlers.
    "sglang.srt.managers",
    "sglang.srt.managers.io_struct",
    "sglang.srt.managers.schedule_batch",
    "sglang.srt.sampling",
    "sglang.srt.sampling.sampling_params",
    "sglang.srt.server_args",
    # Tokenizer helpers used by the embedding handler.
    "sglang.srt.utils",
    "sglang.srt.utils.hf_transformers_utils",
]


def _stub_attribute(module_name: str, attr: str) -> mock.MagicMock:
    return mock.MagicMock(name=f"{module_name}.{attr}")


def install_stubs() -> None:
    """Put a stub for each of ``STUB_MODULES`` into ``sys.modules``, parents first."""
    for name in STUB_MODULES:
        if name in sys.modules:
            continue
        module = types.ModuleType(name)
        module.__path__ = []
        module.__getattr__ = functools.partial(_stub_attribute, name)
        sys.modules[name] = module
        parent, _, child = name.rpartition(".")
        if parent in sys.modules:
            setattr(sys.modules[parent], child, module)
