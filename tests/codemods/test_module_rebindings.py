"""A module that binds the shim under another name, and the shim module as a value.

``app/__init__.py`` holds ``from pkg import _compat as tools``: a file that imports
``tools`` from ``app`` (or reads ``app.tools``) uses the shim without spelling it. And a
file that passes the shim module around (``c = _compat``, ``getattr(_compat, name)``) may
read any of its names; so may a string that names it, and a call's arguments may do work
that removing the call would remove. Each case is run, before and after the codemod,
against a fake upstream: the codemod may change the texts, never what they print.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest
from helpers import make_config

from compatlint.codemods.inline import plan_inline
from compatlint.codemods.prune import plan_prune

SHIM = "pkg/_compat.py"
RENAMING = {"app/__init__.py": "from pkg import _compat as tools\n"}
UPSTREAM = {"sglang/__init__.py": "", "sglang/srt/__init__.py": ""}
UPSTREAM["sglang/srt/a.py"] = "class A:\n    pass\n\n\nclass B:\n    pass\n"

PRUNE_SHIM = """
from sglang.srt.a import A


# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
def ensure_patched():
    return None


def other():
    return 1
"""

INLINE_SHIM = '''
"""Compat shim."""

from sglang.srt.a import A, B

__all__ = ["A", "B"]
'''


def _run(tmp_path: Path, name: str, files: Mapping[str, str | None], module: str) -> str:
    """What ``python -c 'import <module>'`` prints with ``files`` and the fake upstream."""
    root = tmp_path / name
    for path, text in {**UPSTREAM, **files}.items():
        if text is not None:
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text)
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return f"{result.returncode}:{result.stdout}{result.stderr.strip().splitlines()[-1:]}"


def _same_behaviour(tmp_path: Path, before: dict[str, str], after: dict[str, str | None]):
    for module in ("app.main",):
        assert _run(tmp_path, "before", before, module) == _run(tmp_path, "after", after, module)


PRUNE_USERS = {
    "renamed, bare call": "from app import tools\n\ntools.ensure_patched()\nprint(1)\n",
    "renamed alias": "from app import tools as t\n\nt.ensure_patched()\nprint(2)\n",
    "renamed package": "import app\n\napp.tools.ensure_patched()\nprint(3)\n",
    "renamed, value": "from app import tools\n\nprint(tools.ensure_patched.__name__)\n",
    "module as value": "from pkg import _compat\n\nc = _compat\nprint(c.ensure_patched())\n",
    "getattr": "from pkg import _compat\n\nprint(getattr(_compat, 'ensure' + '_patched')())\n",
    "default": (
        "import pkg._compat as c\n\n\ndef f(m=c):\n    return m.ensure_patched()\n\n\nprint(f())\n"
    ),
    "renamed as value": (
        "from app import tools\n\nregistry = [tools]\nprint(registry[0].ensure_patched())\n"
    ),
    "module by string": (
        "import importlib\n\nprint(importlib.import_module('pkg._compat').ensure_patched())\n"
    ),
    "name by string": (
        "import importlib\n\nmodule, _, name = 'pkg._compat:ensure_patched'.partition(':')\n"
        "print(getattr(importlib.import_module(module), name)())\n"
    ),
    "call with work": "from pkg._compat import ensure_patched\n\nensure_patched(print('side'))\n",
}
#: The cases where the definition may be read by code that does not call it by name.
KEPT = {
    "renamed, value",
    "module as value",
    "getattr",
    "default",
    "renamed as value",
    "module by string",
    "name by string",
    "call with work",
}


@pytest.mark.parametrize("case", sorted(PRUNE_USERS))
def test_prune_keeps_what_a_module_binding_reads(case: str, tmp_path: Path) -> None:
    files = {
        SHIM: textwrap.dedent(PRUNE_SHIM).lstrip(),
        "pkg/__init__.py": "",
        **RENAMING,
        "app/main.py": PRUNE_USERS[case],
    }
    plan = plan_prune(make_config(), files, make_config().floors)
    after = {path: plan.new_text(path, text) for path, text in files.items()}
    _same_behaviour(tmp_path, files, after)
    if case in KEPT:
        assert "def ensure_patched" in after[SHIM]  # a person decides: listed
        assert any("not pruned" in item.reason for item in plan.follow_ups)
    else:
        assert "def ensure_patched" not in after[SHIM]
        assert "ensure_patched" not in after["app/main.py"]


INLINE_USERS = {
    "renamed": "from app import tools\n\nprint(tools.A.__name__)\n",
    "renamed alias": "from app import tools as t\n\nprint(t.B.__name__)\n",
    "renamed package": "import app\n\nprint(app.tools.A.__name__, app.tools.B.__name__)\n",
    "renamed as value": "from app import tools\n\nprint(getattr(tools, 'A').__name__)\n",
    "name by string": (
        "import importlib\n\nprint(getattr(importlib.import_module('pkg._compat'), 'A'))\n"
    ),
}


@pytest.mark.parametrize("case", sorted(INLINE_USERS))
def test_inline_rewrites_or_keeps_what_a_module_binding_reads(case: str, tmp_path: Path) -> None:
    files = {
        SHIM: textwrap.dedent(INLINE_SHIM).lstrip(),
        "pkg/__init__.py": "",
        **RENAMING,
        "app/main.py": INLINE_USERS[case],
    }
    plan = plan_inline(make_config(), files)
    after = {path: plan.new_text(path, text) for path, text in files.items()}
    _same_behaviour(tmp_path, files, after)
    if case in ("renamed as value", "name by string"):
        assert after[SHIM] is not None and "A" in after[SHIM]
    else:
        assert "tools" not in after["app/main.py"]
        assert "from sglang.srt.a import" in after["app/main.py"]
