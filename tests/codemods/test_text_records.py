"""What the importer index read in each text, kept for the next run by the file's stat
signature: a warm run plans what a fresh one plans, searches no unchanged text for what it
knows, and reads a changed file again."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping

import pytest
from helpers import make_config
from test_inline_cache import FILES, MemoryCache, digest

from compatlint.codemods.inline import plan_inline
from compatlint.names.importers import ImporterIndex, Learnt
from compatlint.text_records import TextRecords


class CountedTexts(Mapping[str, str]):
    """The texts, counting whose text was asked for."""

    def __init__(self, texts: dict[str, str]) -> None:
        self.texts = texts
        self.asked: list[str] = []

    def __getitem__(self, path: str) -> str:
        self.asked.append(path)
        return self.texts[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self.texts)

    def __len__(self) -> int:
        return len(self.texts)


def _files(count: int) -> dict[str, str]:
    files = dict(FILES)
    for number in range(count):
        files[f"pkg/other/m{number}.py"] = f"import os\n\nVALUE_{number} = os.sep\n"
    return files


def _plan(files: dict[str, str], records: TextRecords | None) -> tuple[object, ...]:
    found = plan_inline(make_config(), files, known=records)
    edits = {path: (edit.old_text, edit.new_text) for path, edit in found.edits.items()}
    return edits, found.manual, found.kept, found.to_json()


def _signatures(files: Mapping[str, str]):
    """A stat signature that changes with the text (as a write changes the times)."""
    return lambda path: digest(files[path]) if path in files else None


def test_a_warm_run_plans_the_same_and_reads_no_unchanged_text_for_a_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = _files(30)
    store = MemoryCache()
    read: list[str] = []
    real_init = ImporterIndex.__init__

    def counting(self: ImporterIndex, sources: dict[str, str], *args: object) -> None:
        counted = CountedTexts(dict(sources))
        read_by_this = counted.asked
        real_init(self, counted, *args)
        read.append(read_by_this)  # type: ignore[arg-type]

    monkeypatch.setattr(ImporterIndex, "__init__", counting)
    fresh = _plan(files, None)
    cold = _plan(files, TextRecords(store, _signatures(files), files))
    assert cold == fresh
    assert any(path.startswith("pkg/other/") for path in read[-1])  # searched, the first time
    warm = _plan(files, TextRecords(store, _signatures(files), files))
    assert warm == fresh
    # The files that mention nothing of the shim are known not to: each text is fetched
    # once, to see that it is the one read from the file, and searched for nothing.
    others = Counter(path for path in read[-1] if path.startswith("pkg/other/"))
    assert others and set(others.values()) == {1}


def test_a_changed_file_is_read_again() -> None:
    files = _files(3)
    store = MemoryCache()
    _plan(files, TextRecords(store, _signatures(files), files))
    changed = {**files, "pkg/other/m0.py": "from pkg._compat import A\n\nprint(A)\n"}
    warm = _plan(changed, TextRecords(store, _signatures(changed), changed))
    assert warm == _plan(changed, None)
    assert "pkg/other/m0.py" in warm[0]  # the new importer is found and rewritten


def test_a_file_without_a_signature_is_neither_trusted_nor_kept() -> None:
    files = _files(2)
    store = MemoryCache()
    _plan(files, TextRecords(store, lambda path: None, files))
    assert not any(key.startswith("text:") for key in store.entries)


@pytest.mark.parametrize(
    "damaged",
    ['"not a record"', "[1, 2, 3, 4]", '[["a"], [], "yes", null]', "[[], [], null, [true, []]]"],
)
def test_a_damaged_record_is_no_answer(damaged: str) -> None:
    store = MemoryCache()
    store.entries["text:a.py"] = ("s", damaged)
    records = TextRecords(store, lambda path: "s", {})
    assert records.spells("a.py", "a") is None
    assert records.relative("a.py") is None and records.stars("a.py") is None


def test_records_keep_what_was_learnt_and_write_only_news() -> None:
    store = MemoryCache()
    records = TextRecords(store, lambda path: "s", {})
    records.keep({"a.py": Learnt({"pkg": True, "X": False}, False, (1, ["os"]))})
    again = TextRecords(store, lambda path: "s", {})
    assert again.spells("a.py", "pkg") is True and again.spells("a.py", "X") is False
    assert again.spells("a.py", "Y") is None
    assert again.relative("a.py") is False and again.stars("a.py") == (1, ["os"])
    writes = dict(store.entries)
    again.keep({"a.py": Learnt({"pkg": True})})
    assert store.entries == writes  # nothing new: nothing written
    again.keep({"a.py": Learnt({"Y": True})})
    assert TextRecords(store, lambda path: "s", {}).spells("a.py", "Y") is True
    assert TextRecords(store, lambda path: "t", {}).spells("a.py", "pkg") is None  # changed file


def test_a_text_edited_in_the_run_is_neither_answered_nor_kept() -> None:
    """The answers are about the texts as read: an index over a text a codemod edited
    (another shim's inline, prune's pass) searches it, and learns nothing of it."""
    store = MemoryCache()
    read = {"a.py": "from pkg._compat import A\n", "b.py": "import os\n"}
    records = TextRecords(store, lambda path: "s", read)
    records.keep({"a.py": Learnt({"pkg": True}), "b.py": Learnt({"pkg": False})})
    edited = {"a.py": "from upstream import A\n", "b.py": read["b.py"]}
    index = ImporterIndex(edited, ["."], known=TextRecords(store, lambda path: "s", read))
    assert index.containing("pkg") == frozenset()  # a.py no longer spells it: searched
    assert set(index.learnt) == {"b.py"}
    assert TextRecords(store, lambda path: "s", read).reads("a.py", read["a.py"])
