"""``inline`` reads many importers' facts, and compiles many edited texts, on a process
pool: the plan is the plan of a run without one, and an importer the parser gives up on
is still an error naming it."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from helpers import make_config
from test_inline_cache import FILES, SHIM, MemoryCache, digest

from compatlint import pool as pool_module
from compatlint.codemods.edits import EditPlan, compile_error
from compatlint.codemods.inline import plan_inline
from compatlint.deepstack import TOO_DEEP, run_deep
from compatlint.errors import SourceError
from compatlint.names.importer_facts import encoded_facts_of
from compatlint.pool import RunPool, batch_on
from tests.badinput.test_deep_nesting import elif_chain


def _size(item: tuple[str, ...]) -> int:
    return len(item[1])


def _plan(files: dict[str, str], pool: RunPool | None) -> tuple[object, ...]:
    batches = {}
    if pool is not None:
        batches = {
            "batch": batch_on(pool, encoded_facts_of, _size),
            "compiler": batch_on(pool, compile_error, _size),
        }
    found = plan_inline(make_config(), files, **batches)
    edits = {path: (edit.old_text, edit.new_text) for path, edit in found.edits.items()}
    return edits, found.manual, found.kept, found.to_json()


@pytest.fixture
def always_pooled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool_module, "POOL_MIN_ITEMS", 1)
    monkeypatch.setattr(pool_module, "POOL_MIN_BYTES", 0)
    monkeypatch.setattr(pool_module.os, "cpu_count", lambda: 2)


def _many_importers(count: int) -> dict[str, str]:
    files = dict(FILES)
    for number in range(count):
        files[f"pkg/many/m{number}.py"] = (
            f"from pkg._compat import A\n\n\ndef f{number}():\n    return A\n"
        )
    return files


def test_the_plan_on_a_pool_is_the_plan_without_one(always_pooled: None) -> None:
    files = _many_importers(12)
    with RunPool() as pool:
        pooled = _plan(files, pool)
        assert pool.started
    assert pooled == _plan(files, None)
    assert pooled[0]  # the importers were edited: the pool's facts were used for something


def test_a_small_batch_is_worked_here_without_starting_the_pool() -> None:
    with RunPool() as pool:
        assert _plan(dict(FILES), pool) == _plan(dict(FILES), None)
        assert not pool.started


def test_an_importer_too_deep_for_the_parser_is_an_error_naming_it(always_pooled: None) -> None:
    deep = "from pkg._compat import A\n\n\n" + elif_chain(10_000)
    files = {**_many_importers(3), "pkg/users/deep.py": deep}
    with RunPool() as pool, pytest.raises(SourceError) as info:
        run_deep(_plan, files, pool)
    assert (info.value.path, info.value.message) == ("pkg/users/deep.py", TOO_DEEP)


def test_the_compile_guard_names_the_first_text_that_does_not_compile() -> None:
    files = EditPlan({"a.py": "x = 1\n", "b.py": "y = 2\n", "c.py": "z = 3\n", "n.txt": "("})
    files.texts.update({"a.py": "x = 2\n", "b.py": "y = (\n", "c.py": "z = (\n", "n.txt": ")"})
    asked: list[list[tuple[str, str]]] = []

    def compiler(items: list[tuple[str, str]]) -> list[str | None]:
        asked.append(items)
        return [compile_error(item) for item in items]

    with pytest.raises(SourceError) as info:
        files.edits("inline", compiler=compiler)
    assert info.value.path == "b.py"
    assert "inline produced invalid code" in info.value.message
    assert [path for path, _ in asked[0]] == ["a.py", "b.py", "c.py"]  # Python files only


def test_the_compile_guard_asks_only_for_texts_not_known_to_compile() -> None:
    known: dict[str, object] = {}

    class Known:
        def get(self, key: str, digest: str) -> object | None:
            return known.get(f"{key}@{digest}")

        def put(self, key: str, digest: str, value: object) -> None:
            known[f"{key}@{digest}"] = value

    asked: list[str] = []

    def compiler(items: list[tuple[str, str]]) -> list[str | None]:
        asked.extend(path for path, _ in items)
        return [compile_error(item) for item in items]

    for _ in range(2):
        files = EditPlan({"a.py": "x = 1\n", "b.py": "y = 2\n"})
        files.texts.update({"a.py": "x = 2\n", "b.py": "y = 3\n"})
        files.edits("inline", Known(), lambda text: text, compiler)
    assert asked == ["a.py", "b.py"]


def _noted(item: tuple[str, int]) -> int:
    """The item's number; each call leaves a mark in the item's file."""
    with open(item[0], "a") as marks:
        marks.write("x")
    return item[1]


def _marked_items(tmp_path: Path, count: int) -> list[tuple[str, int]]:
    return [(str(tmp_path / f"{number}.marks"), number) for number in range(count)]


def _marks(tmp_path: Path) -> dict[str, str]:
    """The marks :func:`_noted` left, by file name."""
    return {path.name: path.read_text() for path in tmp_path.iterdir()}


def test_items_sent_ahead_are_worked_once_and_answered_in_the_order_asked(
    always_pooled: None, tmp_path: Path
) -> None:
    items = _marked_items(tmp_path, 6)
    with RunPool() as pool:
        batch = batch_on(pool, _noted, lambda item: 1)
        batch.ahead(items[:4])
        assert pool.started  # sent at once, not when asked
        assert batch([items[5], items[0], items[4], items[2]]) == [5, 0, 4, 2]
        assert batch([items[2]]) == [2]
    assert _marks(tmp_path) == {f"{number}.marks": "x" for number in range(6)}


def test_a_batch_too_small_for_the_pool_is_not_sent_ahead(tmp_path: Path) -> None:
    items = [(str(tmp_path / "0.marks"), 0)]
    with RunPool() as pool:
        batch = batch_on(pool, _noted, lambda item: 1)
        batch.ahead(items)
        assert not pool.started
        assert batch(items) == [0]
    assert (tmp_path / "0.marks").read_text() == "x"


def _wait_for(done: Callable[[], bool]) -> None:
    deadline = time.monotonic() + 60
    while not done():
        assert time.monotonic() < deadline, "the spare processes never got to the items"
        time.sleep(0.01)


def test_guessed_items_are_worked_on_spare_processes_and_answered_in_the_order_asked(
    always_pooled: None, tmp_path: Path
) -> None:
    items = _marked_items(tmp_path, 6)
    with RunPool() as pool:
        batch = batch_on(pool, _noted, lambda item: 1)
        batch.guess(items[:4])
        assert not pool.started  # the spare processes are not the pool
        _wait_for(lambda: all(Path(path).exists() for path, _ in items[:4]))
        assert batch([items[5], items[0], items[4], items[2]]) == [5, 0, 4, 2]
        assert batch([items[3]]) == [3]
    assert _marks(tmp_path) == {f"{number}.marks": "x" for number in range(6)}


def test_items_guessed_are_not_sent_ahead_again(always_pooled: None, tmp_path: Path) -> None:
    items = _marked_items(tmp_path, 3)
    with RunPool() as pool:
        batch = batch_on(pool, _noted, lambda item: 1)
        batch.guess(items)
        batch.ahead(items)
        assert not pool.started


def _held_on_spare(item: tuple[str, int]) -> int:
    """The item's number; on a spare process (lowest priority) a minute later, after
    noting the process id in the item's pid file, and negated."""
    path, number = item
    if os.nice(0) == 19:
        Path(path + ".pid").write_text(str(os.getpid()))
        time.sleep(60)
        return -number
    return number


def test_a_guess_not_ready_is_worked_by_the_call_and_not_waited_for(
    always_pooled: None, tmp_path: Path
) -> None:
    if os.nice(0) >= 19:
        pytest.skip("the tests already run at the lowest priority")
    items = [(str(tmp_path / f"{number}"), number) for number in range(2)]
    with RunPool() as pool:
        batch = batch_on(pool, _held_on_spare, lambda item: 1)
        batch.guess(items)
        _wait_for(lambda: any(Path(path + ".pid").exists() for path, _ in items))
        assert batch(items) == [0, 1]  # worked here: the guesses are held
        pids = [int(p.read_text()) for p in tmp_path.glob("*.pid")]
    for pid in pids:  # the held spare processes were stopped, not waited for
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


class _Recording:
    """A compiler that notes what it is sent ahead, guessed and asked."""

    def __init__(self) -> None:
        self.guessed: list[str] = []
        self.ahead_sent: list[str] = []

    def guess(self, items: Sequence[tuple[str, str]]) -> None:
        self.guessed += [path for path, _ in items]

    def ahead(self, items: Sequence[tuple[str, str]]) -> None:
        self.ahead_sent += [path for path, _ in items]

    def __call__(self, items: list[tuple[str, str]]) -> list[str | None]:
        return [compile_error(item) for item in items]


def test_inline_guesses_the_files_with_an_import_line_spelling_the_shim_module() -> None:
    files = {
        **_many_importers(2),
        "pkg/users/said.py": "# see pkg._compat\nTEXT = 'pkg._compat'\n",
        "pkg/users/other.py": "from pkg.compat2 import A\n",
    }
    files.pop("pkg/users/broken.py")
    compiler = _Recording()
    found = plan_inline(make_config(), files, compiler=compiler)
    assert compiler.guessed == [
        "pkg/__init__.py",
        "pkg/many/m0.py",
        "pkg/many/m1.py",
        "pkg/users/module.py",
        "pkg/users/plain.py",
        "pkg/users/rebinds.py",
        "pkg/users/relative.py",
        "pkg/users/star.py",
        "pkg/users/walrus.py",
    ]
    assert set(found.edits) - {SHIM} <= set(compiler.guessed)
    assert _plan(files, None)[0] == {
        path: (edit.old_text, edit.new_text) for path, edit in found.edits.items()
    }


class _SlowToSend(str):
    """A text that takes half a second to pickle."""

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        time.sleep(0.5)
        return str, (str(self),)


def _slowly(item: tuple[str, str]) -> int:
    time.sleep(2)
    return len(item[1])


def test_a_run_that_ends_while_a_big_guess_is_being_sent_does_not_wait_for_it(
    always_pooled: None,
) -> None:
    """Regression: the guessed items went to the spare processes through a pipe. A run that
    ended while the spare processes were busy and an item bigger than the pipe was being
    sent hung for ever: the sender wrote into a pipe that no process read any more. Now
    the spare processes are forked with the items, and only indices are sent."""
    items = [("a.py", "a"), ("b.py", "b"), ("c.py", _SlowToSend("c" * 200_000))]
    finished = threading.Event()

    def run() -> None:
        with RunPool() as pool:
            batch_on(pool, _slowly, lambda item: 1).guess(items)
            time.sleep(0.2)  # the spare processes are busy with a and b, c is being sent
        finished.set()

    threading.Thread(target=run, daemon=True).start()
    assert finished.wait(20), "the run waited for its guesses"


def test_inline_guesses_no_text_whose_edit_passed_the_guard_in_an_earlier_run() -> None:
    files = _many_importers(2)
    files.pop("pkg/users/broken.py")
    store = MemoryCache()
    guessed = []
    for run in range(3):
        if run == 2:
            files["pkg/many/m1.py"] += "\nCHANGED = 1\n"
        compiler = _Recording()
        plan_inline(make_config(), files, facts_cache=store, digest=digest, compiler=compiler)
        guessed.append(compiler.guessed)
    assert "pkg/many/m1.py" in guessed[0]
    assert guessed[1:] == [[], ["pkg/many/m1.py"]]
