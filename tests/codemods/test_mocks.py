"""compatlint mocks: add what the stub list misses, in its style; report stale entries."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import analyze

from compatlint.cli import main
from compatlint.codemods.mocks import plan_mocks
from compatlint.codemods.stubs import add_stub_entries
from compatlint.errors import ConfigError

MOCKS = {"mocks": {"file": "tests/stubs.py", "name": "STUBS", "collect": ["pkg"]}}


def plan(handler: str, stubs: str):
    files = {
        "pkg/_compat.py": "X = 1\n",
        "pkg/handler.py": handler,
        "tests/stubs.py": stubs,
        "tests/test_handler.py": "import pkg.handler\n",
    }
    return plan_mocks(analyze(files, MOCKS), stubs)


def test_adds_module_and_parents_in_the_lists_style() -> None:
    stubs = (
        '"""Stubs."""\n\n'
        "STUBS = (\n"
        "    'sglang',\n"
        "    # the serving runtime\n"
        "    'sglang.srt',\n"
        "    'sglang.srt.utils',\n"
        ")\n\n\ndef install():\n    pass\n"
    )
    result = plan("from sglang.srt.managers.io_struct import Req\n", stubs)
    assert result.added == ("sglang.srt.managers", "sglang.srt.managers.io_struct")
    assert result.edits["tests/stubs.py"].new_text == (
        '"""Stubs."""\n\n'
        "STUBS = (\n"
        "    'sglang',\n"
        "    # the serving runtime\n"
        "    'sglang.srt',\n"
        "    'sglang.srt.managers',\n"
        "    'sglang.srt.managers.io_struct',\n"
        "    'sglang.srt.utils',\n"
        ")\n\n\ndef install():\n    pass\n"
    )


@pytest.mark.parametrize(
    "stubs",
    [
        'STUBS = ["sglang", "sglang.srt"]\n',
        'STUBS = {"sglang", "sglang.srt"}\n',
        'STUBS: tuple[str, ...] = ("sglang", "sglang.srt")\n',
    ],
)
def test_list_tuple_and_set_literals(stubs: str) -> None:
    result = plan("import sglang.srt.a\n", stubs)
    new_text = result.edits["tests/stubs.py"].new_text
    assert '"sglang.srt", "sglang.srt.a"' in new_text


def test_nothing_to_add_means_no_edit_and_no_duplicate() -> None:
    result = plan("from sglang.srt import a\n", "STUBS = ['sglang', 'sglang.srt']\n")
    assert result.edits == {} and result.added == ()


@pytest.mark.parametrize(
    "stubs",
    [
        "STUBS = []\n",
        'STUBS = ["sglang", "sglang.srt"]\n',
        "STUBS = {'sglang', 'sglang.srt',}\n",
        'STUBS = "sglang", "sglang.srt"\n',
        'STUBS = (["sglang", "sglang.srt"])\n',
        'OTHER = STUBS = ("sglang",\n    # runtime\n    "sglang.srt")\n',
        'X = 1; STUBS = ["sglang", "sglang.srt"]  # listed\n',
        'STUBS: list[str]\nSTUBS: list[str] = ["sglang", "sglang.srt"]\n',
    ],
)
def test_nothing_to_add_skips_the_list_edit_which_would_change_nothing(stubs: str) -> None:
    """With nothing missing, plan_mocks does not run the libcst edit: on every list the
    analysis reads, that edit would have given the text back unchanged."""
    assert add_stub_entries(stubs, "STUBS", []) == stubs
    handler = "import os\n" if stubs == "STUBS = []\n" else "from sglang.srt import a\n"
    result = plan(handler, stubs)
    assert result.edits == {} and result.added == ()


def test_conditional_imports_need_no_stub_but_keep_entries_fresh() -> None:
    handler = (
        "try:\n    from sglang.srt.fast import F\nexcept ImportError:\n    F = None\n\n"
        "def f():\n    from sglang.srt.lazy import L\n    return L\n"
    )
    stubs = "STUBS = ['sglang', 'sglang.srt', 'sglang.srt.fast', 'sglang.srt.gone']\n"
    result = plan(handler, stubs)
    assert result.edits == {}
    assert [entry.module for entry in result.stale] == ["sglang.srt.gone"]


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "example"
    shutil.copytree(
        Path(__file__).resolve().parents[2] / "examples" / "sglang-backend",
        root,
        ignore=shutil.ignore_patterns(".compatlint_cache"),
    )
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "init"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
            cwd=root,
            check=True,
        )
    monkeypatch.chdir(root)
    return root


def test_cli_diff_check_write_and_idempotence(example: Path) -> None:
    runner = CliRunner()
    stub_file = example / "tests" / "stub_modules.py"
    before = stub_file.read_text()
    diff = runner.invoke(main, ["mocks", "--diff"])
    assert diff.exit_code == 1
    assert '+    "sglang.srt.managers.template_manager",' in diff.output
    assert runner.invoke(main, ["mocks", "--check"]).exit_code == 1
    assert stub_file.read_text() == before
    written = runner.invoke(main, ["mocks"])
    assert written.exit_code == 0, written.output
    assert "sglang.srt.managers.template_manager" in stub_file.read_text()
    assert runner.invoke(main, ["mocks", "--check"]).exit_code == 0
    check = runner.invoke(main, ["check", "--select", "CL202"])
    assert check.exit_code == 0, check.output


def test_cli_refuses_a_dirty_stub_file(example: Path) -> None:
    stub_file = example / "tests" / "stub_modules.py"
    stub_file.write_text(stub_file.read_text() + "\n# local edit\n")
    result = CliRunner().invoke(main, ["mocks"])
    assert result.exit_code == 2
    assert "tests/stub_modules.py" in result.output
    assert CliRunner().invoke(main, ["mocks", "--allow-dirty"]).exit_code == 0


def test_cli_stale_and_json(example: Path) -> None:
    stub_file = example / "tests" / "stub_modules.py"
    stub_file.write_text(stub_file.read_text().replace('"sglang",', '"sglang",\n    "sglang.old",'))
    result = CliRunner().invoke(main, ["mocks", "--check", "--stale"])
    assert result.exit_code == 1
    assert "sglang.old is listed in STUB_MODULES but no collected file imports it" in result.output
    payload = json.loads(
        CliRunner().invoke(main, ["mocks", "--check", "--stale", "--format", "json"]).output
    )
    assert payload["added"] == ["sglang.srt.managers.template_manager"]
    assert [entry["module"] for entry in payload["stale"]] == ["sglang.old"]


def test_cli_without_mocks_table(example: Path) -> None:
    pyproject = example / "pyproject.toml"
    text = pyproject.read_text()
    start = text.index("[tool.compatlint.mocks]")
    end = text.index("[tool.compatlint.walk]")
    pyproject.write_text(text[:start] + text[end:])
    result = CliRunner().invoke(main, ["mocks"])
    assert result.exit_code == 2
    assert "no [tool.compatlint.mocks] table" in result.output


def test_the_list_in_effect_is_the_last_assignment() -> None:
    """An earlier assignment is overwritten: entries added to it would never count."""
    stubs = "STUBS = ['sglang']\nSTUBS = ['sglang', 'sglang.srt']\n"
    result = plan("from sglang.srt.utils import f\n", stubs)
    assert result.edits["tests/stubs.py"].new_text == (
        "STUBS = ['sglang']\nSTUBS = ['sglang', 'sglang.srt', 'sglang.srt.utils']\n"
    )


@pytest.mark.parametrize(
    "more",
    [
        "STUBS += ['sglang.srt.utils']\n",
        "STUBS.extend(['sglang.srt.utils'])\n",
        "STUBS.append('sglang.srt.utils')\n",
    ],
)
def test_entries_added_after_the_list_count(more: str) -> None:
    """``STUBS += [...]`` and its method forms add entries: they are not added twice."""
    stubs = "STUBS = ['sglang', 'sglang.srt']\n" + more
    result = plan("from sglang.srt.utils import f\n", stubs)
    assert result.edits == {}


def test_a_list_overwritten_by_something_else_is_refused() -> None:
    """``STUBS = [...]`` then ``STUBS = 3``: the list in effect is no list; editing the
    first would change nothing at run time."""
    stubs = '"""Stubs."""\nfrom x import y\n\nSTUBS = ["sglang", "sglang.srt"]\nSTUBS = 3\n'
    with pytest.raises(ConfigError, match="STUBS must be a list") as caught:
        plan("from sglang.srt import a\n", stubs)
    assert caught.value.line == 5
