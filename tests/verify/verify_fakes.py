"""Fake upstream versions of ``sglang`` and a small project whose shim exercises every finding.

Three versions, each on disk in a different layout: 0.5.9 as a wheel (a zip written
with ``zipfile``), 0.5.10 as an unpacked wheel directory, 0.5.11 as a source checkout
(``python/sglang/...``). Between them: a moved module (``old_place`` → ``new_place``),
a renamed class (``AbortRequest`` → ``AbortReq``), a function moved to a submodule
(``utils.get_ip`` → ``utils.network.get_ip``), star-import re-exports without and with
``__all__``, a module ``__getattr__`` and a compiled-extension stand-in (empty bytes).
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path

FileMap = Mapping[str, str | bytes]

COMPILED = "sglang/srt/_native.cpython-311-x86_64-linux-gnu.so"

_COMMON = {
    "sglang/__init__.py": '__version__ = "0"\n',
    "sglang/srt/__init__.py": "",
    "sglang/srt/lazy.py": "def __getattr__(name):\n    raise AttributeError(name)\n",
    COMPILED: b"",
}

V0_5_9: dict[str, str | bytes] = {
    **_COMMON,
    "sglang/srt/old_place.py": "class Mover:\n    pass\n",
    "sglang/srt/io_struct.py": "class AbortRequest:\n    pass\n",
    "sglang/srt/utils/__init__.py": "from .common import *\n\n\ndef get_ip():\n    return ''\n",
    "sglang/srt/utils/common.py": "def helper():\n    pass\n\n_private = 1\n",
}
V0_5_10: dict[str, str | bytes] = {
    **_COMMON,
    "sglang/srt/new_place.py": "class Mover:\n    pass\n",
    "sglang/srt/io_struct.py": "class AbortReq:\n    pass\n\n\nAbortRequest = AbortReq\n",
    "sglang/srt/utils/__init__.py": (
        "from sglang.srt.utils.common import *\n\n\ndef get_ip():\n    return ''\n"
    ),
    "sglang/srt/utils/common.py": (
        '__all__ = ["helper"]\n\n\ndef helper():\n    pass\n\n\ndef hidden():\n    pass\n'
    ),
}
V0_5_11: dict[str, str | bytes] = {
    **_COMMON,
    "sglang/srt/new_place.py": "class Mover:\n    pass\n",
    "sglang/srt/io_struct.py": "class AbortReq:\n    pass\n",
    "sglang/srt/utils/__init__.py": "from sglang.srt.utils.common import *\n",
    "sglang/srt/utils/common.py": V0_5_10["sglang/srt/utils/common.py"],
    "sglang/srt/utils/network.py": "def get_ip():\n    return ''\n",
}
VERSIONS = {"0.5.9": V0_5_9, "0.5.10": V0_5_10, "0.5.11": V0_5_11}

PYPROJECT = """\
[tool.compatlint]
upstream = "sglang"
shim = ["pkg/_compat.py"]
floor = "0.5.9"
"""

# Line numbers matter: the tests name them.
SHIM = '''\
"""Shim."""

import importlib

from sglang.srt.utils import get_ip
from sglang.srt.utils import helper

try:
    from sglang.srt.new_place import Mover
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    from sglang.srt.old_place import Mover

try:
    from sglang.srt.io_struct import AbortReq
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.11+
    from sglang.srt.io_struct import AbortRequest as AbortReq

try:
    from sglang.srt.utils.network import get_ip as network_get_ip
except ImportError:
    from sglang.srt.utils import get_ip as network_get_ip

try:
    from sglang.srt.utils import helper as _helper
except ImportError:
    # Fallback for sglang 0.5.8. Remove when min supported version is 0.5.9+
    _helper = None

try:
    from sglang.srt.utils import hidden
except ImportError:
    hidden = None

try:
    from sglang.srt.lazy import anything
    from sglang.srt._native import fast
except ImportError:
    anything = fast = None

_PATHS = (
    "sglang.srt.new_place",
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    "sglang.srt.old_place",
)


def load():
    return importlib.import_module("sglang.srt.nowhere")
'''

SERVER = """\
from sglang.srt.utils import get_ip

from pkg._compat import Mover
"""


def write_wheel(path: Path, files: FileMap) -> Path:
    """A wheel (zip) holding ``files`` plus a dist-info directory."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        archive.writestr("sglang-0.5.9.dist-info/METADATA", "Name: sglang\nVersion: 0.5.9\n")
    return path


def write_tree(root: Path, files: FileMap) -> Path:
    for name, content in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return root


def with_init_files(files: Mapping[str, str | bytes]) -> dict[str, str | bytes]:
    """``files`` plus an empty ``__init__.py`` in every directory that lacks one."""
    full: dict[str, str | bytes] = {"sglang/__init__.py": ""}
    for name in files:
        parts = name.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            full.setdefault("/".join([*parts[:depth], "__init__.py"]), "")
    full.update(files)
    return full
