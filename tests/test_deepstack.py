"""Room to recurse: the thread that runs the analysis, and the errors that name the file."""

from __future__ import annotations

import pickle
import sys
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compatlint import engine
from compatlint.analysis.source import nesting_guard, parse_python
from compatlint.config_file import load_config
from compatlint.deepstack import RECURSION_LIMIT, TOO_DEEP, run_deep
from compatlint.errors import SourceError
from tests.badinput.harness import write_project


def _depth(levels: int) -> int:
    """Recurse ``levels`` deep, through C (``map``) on every level as visitors do."""
    return 0 if levels == 0 else 1 + sum(map(_depth, [levels - 1]))


def test_run_deep_recurses_far_past_the_default_limit() -> None:
    depth = 10 * sys.getrecursionlimit()
    with pytest.raises(RecursionError):
        _depth(depth)
    assert run_deep(_depth, depth) == depth


def test_run_deep_restores_the_limit_and_the_stack_size() -> None:
    limit, size = sys.getrecursionlimit(), threading.stack_size()
    seen = run_deep(sys.getrecursionlimit)
    assert seen >= RECURSION_LIMIT
    assert (sys.getrecursionlimit(), threading.stack_size()) == (limit, size)


@pytest.mark.parametrize("error", [SystemExit(1), SourceError("bad", "a.py"), KeyError("k")])
def test_run_deep_raises_what_the_function_raised(error: BaseException) -> None:
    def fail() -> None:
        raise error

    with pytest.raises(type(error)) as raised:
        run_deep(fail)
    assert raised.value is error


def test_run_deep_inside_run_deep_is_a_plain_call() -> None:
    def outer() -> tuple[str, str]:
        return threading.current_thread().name, run_deep(lambda: threading.current_thread().name)

    first, second = run_deep(outer)
    assert first == second != threading.main_thread().name


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(), max_size=5), st.text(max_size=5))
def test_run_deep_returns_what_the_function_returns(items: list[int], text: str) -> None:
    assert run_deep(lambda a, b: (a, b), items, text) == (items, text)


def test_the_nesting_guard_names_the_file() -> None:
    with pytest.raises(SourceError) as raised, nesting_guard("pkg/deep.py"):
        _depth(10 * sys.getrecursionlimit())
    assert str(raised.value) == f"pkg/deep.py: {TOO_DEEP}"


def test_a_file_the_parser_gives_up_on_is_an_error_naming_it() -> None:
    # Nested deeper than the stack of any supported Python's parser.
    with pytest.raises(SourceError) as raised:
        parse_python("X = " + "-" * 40_000 + "1\n", "pkg/deep.py")
    assert (raised.value.path, raised.value.message) == ("pkg/deep.py", TOO_DEEP)


def test_a_pool_worker_has_room_to_recurse(tmp_path: Path) -> None:
    """A pool worker process runs the job on its main thread, with the default limit."""
    config = load_config(write_project(tmp_path) / "pyproject.toml")
    # 900 branches: Python compiles them; the statement walk needs more than 1,000 frames.
    chain = "".join(f"    elif x == {n}:\n        y = {n}\n" for n in range(1, 900))
    text = "try:\n    import sglang\nexcept ImportError:\n    sglang = None\n\n"
    text += "def pick(x):\n    if x == 0:\n        y = 0\n" + chain
    worker = pickle.loads(pickle.dumps(engine._Worker(config)))
    with pytest.raises(SourceError):  # what a worker would do without the room
        worker.facts_of(("pkg/deep.py", text))
    [facts] = worker([("pkg/deep.py", text)])
    assert facts.path == "pkg/deep.py"
    assert facts.parsed
