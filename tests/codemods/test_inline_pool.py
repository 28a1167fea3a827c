"""``inline`` reads many importers' facts, and compiles many edited texts, on a process
pool: the plan is the plan of a run without one, and an importer the parser gives up on
is still an error naming it."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import make_config
from test_inline_cache import FILES

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


def test_items_sent_ahead_are_worked_once_and_answered_in_the_order_asked(
    always_pooled: None, tmp_path: Path
) -> None:
    items = [(str(tmp_path / f"{number}.marks"), number) for number in range(6)]
    with RunPool() as pool:
        batch = batch_on(pool, _noted, lambda item: 1)
        batch.ahead(items[:4])
        assert pool.started  # sent at once, not when asked
        assert batch([items[5], items[0], items[4], items[2]]) == [5, 0, 4, 2]
        assert batch([items[2]]) == [2]
    marks = {path.name: path.read_text() for path in tmp_path.iterdir()}
    assert marks == {f"{number}.marks": "x" for number in range(6)}


def test_a_batch_too_small_for_the_pool_is_not_sent_ahead(tmp_path: Path) -> None:
    items = [(str(tmp_path / "0.marks"), 0)]
    with RunPool() as pool:
        batch = batch_on(pool, _noted, lambda item: 1)
        batch.ahead(items)
        assert not pool.started
        assert batch(items) == [0]
    assert (tmp_path / "0.marks").read_text() == "x"
