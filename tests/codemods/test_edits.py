"""EditPlan: the byte-order mark comes back, deletions stay deletions, nothing that does
not compile leaves a planner, and the diff reads like git's."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compatlint.codemods.edits import (
    BOM,
    BatchCompiler,
    EditPlan,
    check_parses,
    compile_error,
    diff_edits,
)
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


# -- an edit of a head that keeps the tail ---------------------------------------------------

TAIL = "\n\ndef f():\n    return 1\n"


def _tail_kept(base: str, cut: int, new: str) -> EditPlan:
    """An EditPlan of ``pkg/user.py`` edited from ``base`` to ``new``, keeping the tail
    after ``cut``."""
    files = EditPlan({"pkg/user.py": base})
    files.keeps_tail("pkg/user.py", base, cut)
    files.texts["pkg/user.py"] = new
    return files


def _noting(asked: list[str]) -> BatchCompiler:
    """A compiler that notes in ``asked`` the texts it is asked about."""

    def compiler(items: list[tuple[str, str]]) -> list[str | None]:
        asked.extend(text for _, text in items)
        return [compile_error(item) for item in items]

    return compiler


def test_a_kept_tail_is_guarded_by_the_text_it_was_made_from() -> None:
    """The compiler is asked about the base text (which it may have compiled ahead), not
    the edited one; the head is compiled alone."""
    base = "from pkg._compat import A\nx = 1\n" + TAIL
    new = "from sglang.a import A\nx = 1\n" + TAIL
    asked: list[str] = []
    files = _tail_kept(base, base.index(TAIL), new)
    edits = files.edits("inline", compiler=_noting(asked))
    assert asked == [base]
    assert edits["pkg/user.py"].new_text == new


def test_a_broken_tail_is_the_files_own_error_named_with_its_line() -> None:
    base = "from pkg._compat import A\nx = 1\n\n\ndef f():\n    return 1 1\n"
    new = base.replace("pkg._compat", "sglang.a")
    files = _tail_kept(base, base.index("\n\ndef"), new)
    with pytest.raises(SourceError) as info:
        files.edits("inline")
    assert (info.value.line, info.value.message[:13]) == (6, "cannot parse:")


def test_a_broken_head_is_the_codemods_error() -> None:
    base = "from pkg._compat import A\nx = 1\n" + TAIL
    files = _tail_kept(base, base.index(TAIL), "from sglang.a import (A\nx = 1\n" + TAIL)
    with pytest.raises(SourceError, match="inline produced invalid code"):
        files.edits("inline")


@pytest.mark.parametrize(
    ("base", "new"),
    [
        # A binding the head adds, declared global at module level after it.
        ("x = 1\n\n", "x = 1\ny = 2\n\n"),
        # A __future__ import the head adds, which changes how the tail compiles.
        ("x = 1\n\n", "from __future__ import annotations\nx = 1\n\n"),
    ],
)
def test_a_head_that_can_change_how_the_tail_compiles_is_compiled_whole(
    base: str, new: str
) -> None:
    """Each edited head compiles alone and each base compiles, yet the edited text does
    not: the guard compiles it whole and refuses it."""
    tail = "global y\n" if "y = 2" in new else "def g(a: (b := 1)):\n    pass\n"
    files = _tail_kept(base + tail, len(base), new + tail)
    with pytest.raises(SourceError, match="inline produced invalid code"):
        files.edits("inline")


def test_an_edit_that_changed_the_tail_is_compiled_whole() -> None:
    base = "import a\nx = 1\n" + TAIL
    new = "import b\nx = 1\n" + TAIL.replace("return 1", "return (")
    asked: list[str] = []
    files = _tail_kept(base, base.index(TAIL), new)
    with pytest.raises(SourceError, match="inline produced invalid code"):
        files.edits("inline", compiler=_noting(asked))
    assert asked == [new]


def test_a_head_that_runs_into_the_tail_is_compiled_whole() -> None:
    """``import b`` compiles alone, but without its line end it joins the tail's first
    line."""
    base = "import a\nx = 1\n" + TAIL
    files = _tail_kept(base, len("import a\n"), "import b" + base[len("import a\n") :])
    with pytest.raises(SourceError, match="inline produced invalid code"):
        files.edits("inline")
