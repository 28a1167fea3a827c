"""Ruff's answers kept between runs: asked again for any text, path, setting, binary or
module layout it has not answered, never for one it has."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers import write_committed

from compatlint import ruff_mirror
from compatlint.cache import content_hash
from compatlint.cli import main
from compatlint.ruff_answers import RuffAnswers, fingerprint
from compatlint.ruff_sorter import RuffSettings


class Store:
    def __init__(self) -> None:
        self.entries: dict[str, tuple[str, str]] = {}

    def get(self, key: str, digest: str) -> Any | None:
        entry = self.entries.get(key)
        return json.loads(entry[1]) if entry is not None and entry[0] == digest else None

    def put(self, key: str, digest: str, value: Any) -> None:
        self.entries[key] = (digest, json.dumps(value))


def digest(text: str) -> str:
    return content_hash(text.encode("utf-8"))


def _ask(asked: list[dict[str, str]]):
    def ask(texts: dict[str, str]) -> dict[str, str]:
        asked.append(dict(texts))
        return {path: text.upper() for path, text in texts.items()}

    return ask


def test_only_texts_without_a_kept_answer_are_asked() -> None:
    store, asked = Store(), []
    answers = RuffAnswers(store, "f1", digest)
    texts = {"a.py": "x = 1\n", "b.py": "y = 2\n"}
    assert answers.memoized("format", texts, _ask(asked), str, str) == {
        "a.py": "X = 1\n",
        "b.py": "Y = 2\n",
    }
    changed = {"a.py": "x = 1\n", "b.py": "y = 3\n"}
    assert answers.memoized("format", changed, _ask(asked), str, str)["b.py"] == "Y = 3\n"
    assert answers.memoized("format", changed, _ask(asked), str, str)["a.py"] == "X = 1\n"
    assert asked == [texts, {"b.py": "y = 3\n"}]
    other = RuffAnswers(store, "f2", digest)  # another binary, setting or layout
    other.memoized("format", changed, _ask(asked), str, str)
    assert asked[-1] == changed
    other.memoized("isort", changed, _ask(asked), str, str)  # another question
    assert asked[-1] == changed


def test_a_damaged_answer_is_asked_again() -> None:
    store, asked = Store(), []
    answers = RuffAnswers(store, "f", digest)
    answers.memoized("format", {"a.py": "x\n"}, _ask(asked), str, str)
    key = next(iter(store.entries))
    store.entries[key] = (store.entries[key][0], "[1, 2]")

    def strict(value: Any) -> str:
        if not isinstance(value, str):
            raise TypeError("not a text")
        return value

    assert answers.memoized("format", {"a.py": "x\n"}, _ask(asked), str, strict) == {"a.py": "X\n"}
    assert len(asked) == 2


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    (tmp_path / "src" / "app").mkdir(parents=True)
    (tmp_path / "ruff.toml").write_text('src = ["lib"]\nline-length = 99\n')
    (tmp_path / "lib").mkdir()
    (tmp_path / "ruff").write_text("binary")
    return tmp_path


def _print(root: Path, files: list[str], arguments: tuple[str, ...] = ("--x",)) -> str:
    config = root / "ruff.toml"
    sources = RuffSettings(config_file=config).source_dirs()
    return fingerprint(root, str(root / "ruff"), arguments, config, files, sources)


def test_the_fingerprint_changes_with_what_ruff_reads_besides_the_text(layout: Path) -> None:
    files = ["src/app/a.py"]
    first = _print(layout, files)
    assert _print(layout, files) == first
    changes = []
    changes.append(_print(layout, [*files, "src/app/b.py"]))  # a module appears
    changes.append(_print(layout, files, ("--y",)))  # other settings
    (layout / "lib" / "util.py").write_text("")  # a module where ruff's src looks
    changes.append(_print(layout, files))
    (layout / "src" / "other").mkdir()  # a package in the default src
    changes.append(_print(layout, files))
    (layout / "ruff.toml").write_text('src = ["lib"]\nline-length = 100\n')
    changes.append(_print(layout, files))
    (layout / "ruff").write_text("another binary")
    os.utime(layout / "ruff", ns=(1, 1))
    changes.append(_print(layout, files))
    assert len({first, *changes}) == len(changes) + 1


def test_a_src_pattern_keeps_nothing(layout: Path) -> None:
    (layout / "ruff.toml").write_text('[tool.ruff]\nsrc = ["libs/*"]\n')
    assert RuffSettings(config_file=layout / "ruff.toml").source_dirs() == ["libs/*"]
    assert _print(layout, []) != _print(layout, [])


def _project(root: Path) -> None:
    files = {
        "pyproject.toml": """
            [tool.compatlint]
            upstream = "sglang"
            shim = ["src/app/_compat.py"]
            src = ["src"]

            [tool.ruff]
            line-length = 99
        """,
        "src/app/__init__.py": "",
        "src/app/_compat.py": "from sglang.srt.a import A, B\n",
        **{
            f"src/app/run{n}.py": "import os\n\nfrom app._compat import A\n\nprint(os, A)\n"
            for n in range(3)
        },
    }
    write_committed(root, files)


def test_a_second_inline_asks_ruff_nothing_and_shows_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(tmp_path)
    runs: list[list[str]] = []
    real = ruff_mirror.run

    def counted(command: list[str], *args: Any) -> Any:
        runs.append(command)
        return real(command, *args)

    monkeypatch.setattr(ruff_mirror, "run", counted)
    arguments = ["inline", "--diff", "--config", str(tmp_path / "pyproject.toml")]
    uncached = CliRunner().invoke(main, [*arguments, "--no-cache"])
    first = CliRunner().invoke(main, arguments)
    asked = len(runs)
    second = CliRunner().invoke(main, arguments)
    assert uncached.exit_code == first.exit_code == second.exit_code == 1, uncached.output
    assert first.output == second.output == uncached.output
    assert "+from sglang.srt.a import A" in first.output
    assert asked > 0 and len(runs) == asked
    (tmp_path / "ruff.toml").write_text("line-length = 99\n")  # ruff's settings move
    third = CliRunner().invoke(main, arguments)
    assert third.output == first.output and len(runs) > asked
