"""The behaviour oracle with a fake interpreter version: run a module's text in this
process as if ``sys.version_info`` were another release.

The module's ``import sys`` (any spelling: ``import sys as _sys``, ``from sys import
version_info``) gets a stand-in module whose ``version_info`` is the given release and
whose other attributes are the real ones; nothing else is faked, so a gate folded wrongly
shows as a different result. The module reports what it does through a list ``out`` it
appends to; an exception ends the run and is part of the result.
"""

from __future__ import annotations

import builtins
import sys
import types
from typing import Any


class FakeVersionInfo(tuple):
    """``sys.version_info`` of another release: a 5-tuple with its named fields."""

    major = property(lambda self: self[0])
    minor = property(lambda self: self[1])
    micro = property(lambda self: self[2])
    releaselevel = property(lambda self: self[3])
    serial = property(lambda self: self[4])


def fake_sys(release: tuple[int, int, int]) -> types.ModuleType:
    module = types.ModuleType("sys")
    module.__dict__.update(sys.__dict__)
    module.version_info = FakeVersionInfo((*release, "final", 0))  # type: ignore[attr-defined]
    module.version = ".".join(map(str, release)) + " (fake)"  # type: ignore[attr-defined]
    return module


def run_as(text: str, release: tuple[int, int, int]) -> tuple[Any, ...]:
    """What ``text`` appends to ``out`` when run on ``release``, and how it ends."""
    stand_in = fake_sys(release)
    real_import = builtins.__import__

    def importer(name, globals=None, locals=None, fromlist=(), level=0):  # type: ignore[no-untyped-def]
        if name == "sys" and level == 0:
            return stand_in
        return real_import(name, globals, locals, fromlist, level)

    fake_builtins = dict(builtins.__dict__, __import__=importer)
    namespace: dict[str, Any] = {"__builtins__": fake_builtins, "__name__": "gated"}
    out: list[Any] = []
    namespace["out"] = out
    try:
        exec(compile(text, "<gated>", "exec"), namespace)
    except Exception as exc:  # the way it fails is part of what it does
        return (*out, f"raised {type(exc).__name__}")
    return tuple(out)
