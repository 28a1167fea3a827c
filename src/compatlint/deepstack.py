"""Room to recurse: run the analysis in a thread with a big stack and a raised recursion limit.

Valid Python nests deeper than CPython's default recursion limit (1,000) lets a tree walker
follow: a 400-branch ``elif`` chain is 400 nested ``If`` nodes, ``1+1+...+1`` with 400
terms 400 nested ``BinOp`` nodes, and libcst's visitors and metadata providers take three
to five frames per level. Python compiles such files; compatlint must read them too.

Raising the limit alone is not safe: deep recursion through C code would overflow the
main thread's stack (8 MiB on Linux) and crash the process. So the analysis runs in a
thread whose stack is big enough for the raised limit — 20,000 frames fit in a quarter of
the stack measured to hold them — and only where a parser itself gives up (or a file nests
deeper still) does the analysis stop, with a :class:`~compatlint.errors.SourceError`
naming the file (see :func:`compatlint.analysis.source.nesting_guard`).

The stack is reserved, not committed: a run that never recurses touches a few pages of it.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TypeVar

STACK_BYTES = 256 * 1024 * 1024
RECURSION_LIMIT = 20_000
# The message when a parser or a walk runs out of room on a file, whoever catches it.
TOO_DEEP = "too deeply nested to analyse"

T = TypeVar("T")

_inside = threading.local()


def run_deep(function: Callable[..., T], *args: object) -> T:
    """``function(*args)`` with room to recurse; its result, or its exception re-raised here.

    Re-entrant: called from inside a deep run, it calls ``function`` directly. Where the
    platform refuses a thread with a big stack, it runs ``function`` here, with the
    default limit (a RecursionError then still names its file; it is never a crash).
    """
    if getattr(_inside, "active", False):
        return function(*args)
    outcome: list[tuple[bool, object]] = []

    def body() -> None:
        _inside.active = True
        try:
            outcome.append((True, function(*args)))
        except BaseException as exc:  # re-raised in the caller: SystemExit, click's Exit ...
            outcome.append((False, exc))

    previous_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous_limit, RECURSION_LIMIT))
    try:
        thread = _start(body)
        if thread is None:  # the platform refuses the stack: run here, at the default limit
            sys.setrecursionlimit(previous_limit)
            return function(*args)
        thread.join()
    finally:
        sys.setrecursionlimit(previous_limit)
    succeeded, value = outcome[0]
    if succeeded:
        return value  # type: ignore[return-value]
    assert isinstance(value, BaseException)
    raise value


def _start(body: Callable[[], None]) -> threading.Thread | None:
    """A started daemon thread (Ctrl-C in the waiting main thread still ends the process)
    with a :data:`STACK_BYTES` stack, or None where the platform refuses one."""
    try:
        previous_size = threading.stack_size(STACK_BYTES)
    except (ValueError, RuntimeError):
        return None
    try:
        thread = threading.Thread(target=body, name="compatlint-analysis", daemon=True)
        thread.start()
    except RuntimeError:  # the stack cannot be reserved
        return None
    finally:
        threading.stack_size(previous_size)
    return thread
