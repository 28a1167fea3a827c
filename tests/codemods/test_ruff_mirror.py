"""One ruff process for many edited files (a mirror tree) answers as one process per file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compatlint import ruff_mirror
from compatlint.codemods.formatting import FormatEdit
from compatlint.codemods.sorting import Anchor, BlockEdit
from compatlint.errors import CompatlintError
from compatlint.formatters import RuffFormatter
from compatlint.ruff_sorter import RuffSettings, RuffSorter, project_settings

# A project whose sorting depends on where each file is: first-party packages found on
# disk under ``src``, a file whose I001 is ignored by ``per-file-ignores``, a package and a
# plain directory of scripts, and a line length that the formatter must wrap at.
PROJECT = {
    "pyproject.toml": (
        "[tool.ruff]\n"
        'src = ["src"]\n'
        "line-length = 60\n"
        "[tool.ruff.lint.per-file-ignores]\n"
        '"src/pkg/ignored.py" = ["I001"]\n'
    ),
    "src/pkg/__init__.py": "",
    "src/pkg/sub/__init__.py": "",
    "src/other/__init__.py": "",
    "src/pkg/a.py": "import os\n",
    "src/pkg/sub/b.py": "import os\n",
    "src/pkg/ignored.py": "import os\n",
    "scripts/tool.py": "import os\n",
}
FILES = ["src/pkg/a.py", "src/pkg/sub/b.py", "src/pkg/ignored.py", "scripts/tool.py"]
IMPORTS = [
    "import os",
    "import zlib",
    "import attr",
    "import pkg",
    "import other",
    "import sub",
    "from pkg.sub import b",
    "from . import sibling",
    "from sglang.srt import entrypoints",
    "from sglang.srt.managers.io_struct import GenerateReqInput, TokenizedGenerateReqInput",
]
BODIES = [
    "print(os)\n",
    "x = 1\n",
    "x=[1,2,3]\n",
    "value = some_function(first_argument, second_argument, third_argument)\n",
    "def f(a,b):\n    return a+b\n",
]


def _write_project(root: Path) -> None:
    for rel, text in PROJECT.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def project() -> Path:
    with tempfile.TemporaryDirectory(prefix="compatlint-mirror-test-") as directory:
        root = Path(directory)
        _write_project(root)
        yield root


def _settings(root: Path) -> RuffSettings:
    return project_settings(root, root / "pyproject.toml")


def _per_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ruff_mirror, "MIN_BATCH", 10**9)


texts = st.lists(st.sampled_from(IMPORTS), min_size=1, max_size=4)


@st.composite
def block_edits(draw: st.DrawFn) -> list[BlockEdit]:
    paths = draw(st.lists(st.sampled_from(FILES), min_size=2, max_size=4, unique=True))
    edits = []
    for path in paths:
        lines = draw(texts)
        body = draw(st.sampled_from(BODIES))
        row = draw(st.integers(0, len(lines) - 1))
        changed = [*lines]
        changed[row] = draw(st.sampled_from(IMPORTS))
        before = "\n".join(lines) + "\n\n" + body
        after = "\n".join(changed) + "\n\n" + body
        edits.append(BlockEdit(path, before, after, (Anchor(row + 1, row + 1),)))
    return edits


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=block_edits())
def test_one_process_sorts_as_one_process_per_file(project: Path, edits: list[BlockEdit]) -> None:
    sorter = RuffSorter(project, _settings(project))
    once = sorter.sort(edits)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _per_file(monkeypatch)
        assert sorter.sort(edits) == once


@st.composite
def format_edits(draw: st.DrawFn) -> list[FormatEdit]:
    paths = draw(st.lists(st.sampled_from(FILES), min_size=2, max_size=4, unique=True))
    edits = []
    for path in paths:
        body = draw(st.lists(st.sampled_from(BODIES), min_size=2, max_size=4))
        row = draw(st.integers(0, len(body) - 1))
        changed = [*body]
        changed[row] = draw(st.sampled_from(BODIES))
        before = "import os\n\n" + "".join(body)
        after = "import os\n\n" + "".join(changed)
        edits.append(FormatEdit(path, before, after))
    return edits


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=format_edits())
def test_one_process_formats_as_one_process_per_file(
    project: Path, edits: list[FormatEdit]
) -> None:
    formatter = RuffFormatter(project, _settings(project))
    once = formatter.format(edits)
    with pytest.MonkeyPatch.context() as monkeypatch:
        _per_file(monkeypatch)
        assert formatter.format(edits) == once


def test_the_project_is_never_written_and_the_mirror_is_removed(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ruff_mirror, "_temporary_parent", lambda: str(tmp_path))
    before = _snapshot(project)
    edits = [
        BlockEdit(path, "import os\n", "import zlib\nimport os\n", (Anchor(1, 1),))
        for path in FILES
    ]
    sorted_texts = RuffSorter(project, _settings(project)).sort(edits)
    # per-file-ignores holds in the mirror: the ignored file is left unsorted
    assert sorted_texts == [
        "import os\nimport zlib\n",
        "import os\nimport zlib\n",
        "import zlib\nimport os\n",
        "import os\nimport zlib\n",
    ]
    format_edit = FormatEdit("src/pkg/a.py", "x = 1\n", "x=[1,2]\n")
    formatted = RuffFormatter(project, _settings(project)).format([format_edit, format_edit])
    assert formatted == ["x = [1, 2]\n", "x = [1, 2]\n"]
    assert _snapshot(project) == before
    assert list(tmp_path.iterdir()) == []


def test_the_mirror_links_what_it_does_not_hold(project: Path) -> None:
    texts = {"src/pkg/a.py": "import zlib\n"}
    with ruff_mirror.mirror(project, texts, project / "pyproject.toml") as mirror:
        assert (mirror / "src/pkg/a.py").read_text(encoding="utf-8") == "import zlib\n"
        assert not (mirror / "src/pkg/a.py").is_symlink()
        assert not (mirror / "pyproject.toml").is_symlink()
        assert (mirror / "pyproject.toml").read_bytes() == (project / "pyproject.toml").read_bytes()
        assert (mirror / "src/pkg/__init__.py").is_symlink()
        assert (mirror / "src/other").is_symlink()
        assert (mirror / "scripts").is_symlink()
        assert not (mirror / "src/pkg").is_symlink()
    assert not mirror.exists()


def test_where_links_cannot_be_made_each_file_takes_its_own_process(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edits = [
        BlockEdit(path, "import os\n", "import zlib\nimport os\n", (Anchor(1, 1),))
        for path in FILES[:2]
    ]
    sorter = RuffSorter(project, _settings(project))
    expected = sorter.sort(edits)

    def no_links(*args: object) -> None:
        raise OSError("symbolic links are not allowed here")

    monkeypatch.setattr(os, "symlink", no_links)
    assert sorter.sort(edits) == expected


def test_a_configuration_outside_the_root_or_extending_another_is_not_mirrored(
    tmp_path: Path,
) -> None:
    root = tmp_path / "project"
    root.mkdir()
    outside = tmp_path / "ruff.toml"
    outside.write_text("line-length = 70\n", encoding="utf-8")
    assert RuffSettings(None, ()).mirrorable(root)
    assert not RuffSettings(outside).mirrorable(root)
    inside = root / "ruff.toml"
    inside.write_text("line-length = 70\n", encoding="utf-8")
    assert RuffSettings(inside).mirrorable(root)
    inside.write_text('extend = "../ruff.toml"\n', encoding="utf-8")
    assert not RuffSettings(inside).mirrorable(root)
    pyproject = root / "pyproject.toml"
    pyproject.write_text('[tool.ruff]\nextend = "../ruff.toml"\n', encoding="utf-8")
    assert not RuffSettings(pyproject).mirrorable(root)


def test_ruff_failing_on_many_files_is_one_error_naming_the_projects_paths(tmp_path: Path) -> None:
    """The mirror is an implementation detail: an error speaks of the project's files."""
    (tmp_path / "ruff.toml").write_text("[lint.isort]\nno-such-setting = 1\n", encoding="utf-8")
    sorter = RuffSorter(tmp_path, RuffSettings(tmp_path / "ruff.toml"))
    edits = [BlockEdit(path, "import a\n", "import a\n", ()) for path in ("a.py", "b.py")]
    with pytest.raises(CompatlintError) as caught:
        sorter.sort(edits)
    message = str(caught.value)
    assert message.startswith("ruff failed while sorting imports: "), message
    assert "\n" not in message
    assert "compatlint-ruff-" not in message
    assert str(tmp_path.resolve() / "ruff.toml") in message


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sorts=st.lists(block_edits(), min_size=1, max_size=3), formats=format_edits())
def test_a_mirror_reused_by_the_next_question_answers_as_a_new_one(
    project: Path, sorts: list[list[BlockEdit]], formats: list[FormatEdit]
) -> None:
    """Questions about other files, then the same ones again, in one kept mirror: the
    answers of new mirrors, the project never written, the mirror gone after the block."""
    sorter, formatter = (
        RuffSorter(project, _settings(project)),
        RuffFormatter(project, _settings(project)),
    )
    fresh = [sorter.sort(edits) for edits in sorts], formatter.format(formats)
    before = _snapshot(project)
    with tempfile.TemporaryDirectory() as parent, pytest.MonkeyPatch.context() as patch:
        patch.setattr(ruff_mirror, "_temporary_parent", lambda: parent)
        with ruff_mirror.reused():
            kept = [sorter.sort(edits) for edits in sorts], formatter.format(formats)
        assert os.listdir(parent) == []
    assert kept == fresh
    assert _snapshot(project) == before


def test_a_refilled_mirror_links_again_what_it_no_longer_holds(project: Path) -> None:
    with ruff_mirror.reused():
        with ruff_mirror.mirror(project, {"src/pkg/a.py": "import zlib\n"}, None) as mirror:
            assert (mirror / "src/pkg/a.py").read_text(encoding="utf-8") == "import zlib\n"
        texts = {"src/pkg/ignored.py": "import zlib\n"}
        with ruff_mirror.mirror(project, texts, None) as again:
            assert again == mirror
            assert (mirror / "src/pkg/a.py").is_symlink()
            assert (mirror / "src/pkg/a.py").read_text(encoding="utf-8") == "import os\n"
            assert (mirror / "src/pkg/ignored.py").read_text(encoding="utf-8") == "import zlib\n"
        assert (project / "src/pkg/ignored.py").read_text(encoding="utf-8") == "import os\n"
        with ruff_mirror.mirror(project, {"scripts/tool.py": "x = 1\n"}, None) as other:
            assert other != mirror  # scripts/ is a link in the first: a mirror of its own
    assert not mirror.exists() and not other.exists()
