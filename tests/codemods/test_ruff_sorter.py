"""Ruff as the import sorter: which settings it runs with, and the command line around it."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import git_commit_all

from compatlint import ruff_mirror, ruff_sorter
from compatlint.cli import main
from compatlint.codemods.sorting import Anchor, BlockEdit, Finding, Replacement
from compatlint.errors import CompatlintError
from compatlint.ruff_sorter import (
    RuffNotFound,
    RuffSettings,
    RuffSorter,
    find_ruff,
    findings,
    isort_overrides,
    project_settings,
)

PKG = ["pkg"]


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


# -- settings -------------------------------------------------------------------------------


def test_a_ruff_toml_wins_and_known_first_party_is_added_only_when_unset(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    write(tmp_path, {"pyproject.toml": "[tool.ruff]\nline-length = 99\n"})
    settings = project_settings(tmp_path, pyproject, PKG)
    assert settings == RuffSettings(
        pyproject, ('lint.isort.known-first-party = ["pkg"]',), "pyproject.toml [tool.ruff]"
    )
    write(tmp_path, {"ruff.toml": '[lint.isort]\nknown-first-party = ["mine"]\n'})
    assert project_settings(tmp_path, pyproject, PKG) == RuffSettings(
        tmp_path / "ruff.toml", (), "ruff.toml"
    )
    write(tmp_path, {".ruff.toml": '[isort]\nknown-first-party = ["old-style"]\n'})
    assert project_settings(tmp_path, pyproject, PKG).config_file == tmp_path / ".ruff.toml"
    assert project_settings(tmp_path, pyproject, PKG).overrides == ()


def test_without_settings_ruff_runs_isolated_with_its_defaults(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    write(tmp_path, {"pyproject.toml": "[tool.compatlint]\nupstream = 'sglang'\n"})
    settings = project_settings(tmp_path, pyproject, ["b", "a", "a"])
    assert settings.config_file is None
    assert settings.arguments() == [
        "--isolated",
        "--config",
        'lint.isort.known-first-party = ["a", "b"]',
    ]
    assert settings.source == "ruff defaults"
    assert project_settings(tmp_path, None).arguments() == ["--isolated"]
    write(tmp_path, {"pyproject.toml": "not [ toml"})
    assert project_settings(tmp_path, pyproject).config_file is None


def test_isort_settings_that_mean_the_same_in_ruff_are_passed_on(tmp_path: Path) -> None:
    assert isort_overrides(
        {
            "profile": "black",
            "known_first_party": ["app"],
            "force_single_line": True,
            "order_by_type": "yes",  # not a bool: ignored
            "multi_line_output": 3,  # no ruff equivalent: ignored
        }
    ) == [
        'lint.isort.known-first-party = ["app"]',
        "lint.isort.force-single-line = true",
        "line-length = 88",
    ]
    assert isort_overrides({}) == ["line-length = 79"]  # isort's own default
    assert isort_overrides({"line_length": 120}) == ["line-length = 120"]
    pyproject = tmp_path / "pyproject.toml"
    write(tmp_path, {"pyproject.toml": "[tool.isort]\nprofile = 'black'\n"})
    settings = project_settings(tmp_path, pyproject, PKG)
    assert settings.source == "pyproject.toml [tool.isort]"
    assert settings.arguments() == [
        "--isolated",
        *("--config", "line-length = 88"),
        *("--config", 'lint.isort.known-first-party = ["pkg"]'),
    ]


def test_findings_read_ruffs_json() -> None:
    output = json.dumps(
        [
            {"code": "F401", "location": {"row": 1}, "end_location": {"row": 1}, "fix": None},
            {
                "code": "I001",
                "location": {"row": 2, "column": 1},
                "end_location": {"row": 3, "column": 9},
                "fix": {
                    "edits": [
                        {
                            "content": "import a\nimport b\n",
                            "location": {"row": 2, "column": 1},
                            "end_location": {"row": 4, "column": 1},
                        }
                    ]
                },
            },
            {"code": "I001", "location": {"row": 7}, "end_location": {"row": 7}, "fix": None},
        ]
    )
    assert findings(output) == [
        Finding(2, 3, (Replacement(2, 1, 4, 1, "import a\nimport b\n"),)),
        Finding(7, 7),
    ]
    assert findings("") == []


# -- finding and running ruff ---------------------------------------------------------------


def test_find_ruff_falls_back_to_path_then_fails_in_one_line(monkeypatch) -> None:
    def missing() -> str:
        raise FileNotFoundError

    monkeypatch.setattr("ruff.find_ruff_bin", missing)
    monkeypatch.setattr(ruff_sorter.shutil, "which", lambda name: f"/opt/bin/{name}")
    assert find_ruff() == "/opt/bin/ruff"
    monkeypatch.setattr(ruff_sorter.shutil, "which", lambda name: None)
    with pytest.raises(RuffNotFound) as caught:
        find_ruff()
    assert str(caught.value) == (
        "ruff is needed to place imports and was not found (pip install ruff)"
    )


def test_the_sorter_uses_the_projects_settings_on_disk(tmp_path: Path) -> None:
    """ruff sees the real path: the project's line length, and its per-file-ignores."""
    write(
        tmp_path,
        {
            "pyproject.toml": """
                [tool.ruff]
                line-length = 40

                [tool.ruff.lint.per-file-ignores]
                "legacy/*" = ["I001"]
            """
        },
    )
    sorter = RuffSorter(tmp_path, project_settings(tmp_path, tmp_path / "pyproject.toml"))
    before = "import os\n\nimport pkg._compat\n\nprint(os)\n"
    after = "import os\n\nfrom sglang.srt.a import LongName, OtherName\n\nprint(os)\n"
    edit = BlockEdit("app/mod.py", before, after, (Anchor(3, 3),))
    legacy = BlockEdit("legacy/mod.py", before, after, (Anchor(3, 3),))
    assert sorter.sort([edit, legacy]) == [
        "import os\n\nfrom sglang.srt.a import (\n    LongName,\n    OtherName,\n)\n\nprint(os)\n",
        after,
    ]
    assert sorter.sort([]) == []
    assert sorter.describe() == {
        "sorter": "ruff",
        "settings": "pyproject.toml [tool.ruff]",
        "options": [],
    }


@pytest.mark.parametrize("mirrored", [True, False], ids=["one-process", "per-file"])
def test_the_text_before_is_checked_only_where_an_edited_block_is_unsorted_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mirrored: bool
) -> None:
    checked: list[str] = []
    if mirrored:
        real_all = RuffSorter._check_mirrored

        def spy_all(self: RuffSorter, binary: str, texts: dict[str, str], side: str) -> object:
            checked.extend(texts.values())
            return real_all(self, binary, texts, side)

        monkeypatch.setattr(RuffSorter, "_check_mirrored", spy_all)
    else:
        monkeypatch.setattr(ruff_mirror, "MIN_BATCH", 10**9)
        real = RuffSorter._check

        def spy(self: RuffSorter, binary: str, path: str, text: str) -> list[Finding]:
            checked.append(text)
            return real(self, binary, path, text)

        monkeypatch.setattr(RuffSorter, "_check", spy)
    sorter = RuffSorter(tmp_path, RuffSettings(None, ()))
    before = "import os\n\nimport pkg._compat\n\nprint(os)\n"
    sorted_after = "import os\n\nimport sglang.srt.a\n\nprint(os)\n"
    unsorted_after = "import sglang.srt.a\nimport os\n\nprint(os)\n"
    keeps_sorted = BlockEdit("a.py", before, sorted_after, (Anchor(3, 3),))
    unsorts = BlockEdit("b.py", before, unsorted_after, (Anchor(3, 1),))
    assert sorter.sort([keeps_sorted, unsorts]) == [
        sorted_after,
        "import os\n\nimport sglang.srt.a\n\nprint(os)\n",
    ]
    assert sorted(checked) == sorted([sorted_after, unsorted_after, before])


def test_ruff_failing_is_one_error(tmp_path: Path) -> None:
    sorter = RuffSorter(tmp_path, RuffSettings(None, ("lint.isort.no-such-setting = 1",)))
    with pytest.raises(CompatlintError) as caught:
        sorter.sort([BlockEdit("m.py", "import a\n", "import a\n", ())])
    assert str(caught.value).startswith("m.py: ruff failed while sorting imports: ")
    assert "\n" not in str(caught.value)


# -- the command line -----------------------------------------------------------------------

ISORT_PROJECT = {
    "pyproject.toml": """
        [tool.compatlint]
        upstream = "sglang"
        shim = ["src/app/_compat.py"]
        src = ["src"]

        [tool.isort]
        profile = "black"
        force_single_line = true
    """,
    "src/app/__init__.py": "",
    "src/app/_compat.py": "from sglang.srt.a import A, B\n",
    "src/app/run.py": """
        import os

        from sglang.srt.a import Zed

        from app._compat import A
        from app._compat import B

        print(os, A, B, Zed)
    """,
}


def test_an_isort_project_is_sorted_by_ruff_with_its_isort_settings(tmp_path: Path) -> None:
    write(tmp_path, ISORT_PROJECT)
    git_commit_all(tmp_path)
    result = CliRunner().invoke(main, ["inline", "--config", str(tmp_path / "pyproject.toml")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "src/app/run.py").read_text(encoding="utf-8") == (
        "import os\n\nfrom sglang.srt.a import A\nfrom sglang.srt.a import B\n"
        "from sglang.srt.a import Zed\n\nprint(os, A, B, Zed)\n"
    )


def test_no_ruff_is_exit_2_with_one_line(tmp_path: Path, monkeypatch) -> None:
    write(tmp_path, ISORT_PROJECT)
    git_commit_all(tmp_path)

    def missing() -> str:
        raise FileNotFoundError

    monkeypatch.setattr("ruff.find_ruff_bin", missing)
    monkeypatch.setattr(ruff_sorter.shutil, "which", lambda name: None)
    result = CliRunner().invoke(
        main, ["inline", "--diff", "--config", str(tmp_path / "pyproject.toml")]
    )
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "compatlint: error: ruff is needed to place imports and was not found (pip install ruff)"
    ]
