"""EditPlan: the byte-order mark comes back, deletions stay deletions, nothing that does
not compile leaves a planner, and the diff reads like git's."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compatlint.codemods.edits import BOM, EditPlan, check_parses, diff_edits
from compatlint.errors import SourceError
from compatlint.model import Edit

texts = st.text(alphabet="ab =\n#", max_size=30)


@settings(deadline=None, max_examples=60)
@given(old=texts, new=texts, bom=st.booleans())
def test_an_edit_carries_the_files_mark_on_both_sides(old: str, new: str, bom: bool) -> None:
    mark = BOM if bom else ""
    files = EditPlan({"notes.txt": mark + old})
    assert files.sources["notes.txt"] == old
    files.texts["notes.txt"] = new
    edits = files.edits("prune")
    if new == old:
        assert edits == {}
    else:
        assert edits["notes.txt"].old_text == mark + old
        assert edits["notes.txt"].new_text == mark + new


def test_unchanged_and_unread_files_make_no_edit_and_a_deletion_is_none() -> None:
    files = EditPlan({"a.py": "x = 1\n", "b.py": "y = 2\n"})
    files.texts["b.py"] = None
    files.texts["new.py"] = "z = 3\n"  # not read: not the planner's to write
    edits = files.edits("inline")
    assert list(edits) == ["b.py"]
    assert edits["b.py"].new_text is None and edits["b.py"].old_text == "y = 2\n"
    assert files.live() == {"a.py": "x = 1\n", "new.py": "z = 3\n"}


def test_python_that_does_not_compile_never_leaves_the_plan() -> None:
    files = EditPlan({"pkg/user.py": "x = 1\n", "notes.txt": "a\n"})
    files.texts["notes.txt"] = "def (\n"  # not Python: not checked
    files.texts["pkg/user.py"] = "def (\n"
    with pytest.raises(SourceError, match="prune produced invalid code") as caught:
        files.edits("prune")
    assert "pkg/user.py" in str(caught.value)


def test_check_parses_names_the_codemod() -> None:
    check_parses("a.py", "x = 1\n", "inline")
    with pytest.raises(SourceError, match="inline produced invalid code"):
        check_parses("a.py", "x = (\n", "inline")


def test_diff_strips_the_mark_and_says_when_a_newline_is_missing() -> None:
    files = EditPlan({"a.py": BOM + "x = 1\n", "b.py": "y = 2"})
    files.texts["a.py"] = "x = 2\n"
    files.texts["b.py"] = None
    assert diff_edits(files.edits("prune")) == (
        "--- a/a.py\n+++ b/a.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n"
        "--- a/b.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-y = 2\n\\ No newline at end of file\n"
    )


def test_a_kept_diff_is_the_diff_and_a_changed_text_is_diffed_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from compatlint.codemods import edits as edits_module

    kept: dict[str, tuple[str, object]] = {}

    class Kept:
        def get(self, key: str, digest: str) -> object | None:
            entry = kept.get(key)
            return entry[1] if entry is not None and entry[0] == digest else None

        def put(self, key: str, digest: str, value: object) -> None:
            kept[key] = (digest, value)

    diffed: list[str] = []
    real = edits_module._file_diff

    def counted(path: str, edit: Edit) -> str:
        diffed.append(path)
        return real(path, edit)

    monkeypatch.setattr(edits_module, "_file_diff", counted)
    edits = {
        "a.py": Edit("a.py", "x = 2\n", "x = 1\n"),
        "b.py": Edit("b.py", None, "gone = 1\n"),
        "c.txt": Edit("c.txt", "no newline", "no newline either"),
    }
    fresh = diff_edits(edits)
    assert diff_edits(edits, Kept(), str.upper) == fresh
    diffed.clear()
    assert diff_edits(edits, Kept(), str.upper) == fresh
    assert diffed == []
    changed = {**edits, "a.py": Edit("a.py", "x = 3\n", "x = 1\n")}
    assert diff_edits(changed, Kept(), str.upper) == diff_edits(changed)
    assert diffed[0] == "a.py" and "+x = 3" in diff_edits(changed, Kept(), str.upper)
