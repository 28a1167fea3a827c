"""``inline`` keeps each importer's facts (and which texts compile) by content hash: a run
on unchanged files reads them instead of parsing, and plans exactly what a fresh run
plans; a changed or damaged entry is computed again."""

from __future__ import annotations

import ast
import json
import sysconfig
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from helpers import make_config, write_committed

from compatlint import cache as cache_module
from compatlint.cache import content_hash
from compatlint.cli import main
from compatlint.codemods import edits as edits_module
from compatlint.codemods.inline import plan_inline
from compatlint.codemods.inline import planner as planner_module
from compatlint.names.importer_facts import decode_facts, encode_facts, read
from compatlint.names.importers import ImporterIndex

SHIM = "pkg/_compat.py"
FILES = {
    SHIM: (
        '"""Compat shim."""\n\nfrom sglang.srt.a import A, B\n\n\ndef helper():\n    return 1\n\n\n'
        '__all__ = ["A", "B", "helper"]\n'
    ),
    "pkg/__init__.py": "from pkg._compat import B as B\n",
    "pkg/users/__init__.py": "",
    "pkg/users/plain.py": "from pkg._compat import A, helper\n\nprint(A, helper())\n",
    "pkg/users/relative.py": "from .._compat import A\n\n\ndef f():\n    return A\n",
    "pkg/users/through.py": "from pkg import B\n\nprint(B)\n",
    "pkg/users/module.py": "import pkg._compat as c\n\nprint(c.A)\n",
    "pkg/users/star.py": "from pkg._compat import *\n\nprint(A)\n",
    "pkg/users/rebinds.py": "from pkg._compat import A\n\nA = A or 1\n",
    "pkg/users/walrus.py": "from pkg._compat import B\n\nif (x := B):\n    print(x)\n",
    "pkg/users/broken.py": "from pkg._compat import A\nthis is not python\n",
}


class MemoryCache:
    """A :class:`~compatlint.cache.FactCache` without the file: values go through the same
    JSON codec."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[str, str]] = {}

    def get(self, key: str, digest: str) -> Any | None:
        entry = self.entries.get(key)
        if entry is None or entry[0] != digest:
            return None
        try:
            return cache_module.decode(json.loads(entry[1]))
        except (KeyError, TypeError, ValueError):
            return None

    def plain(self, key: str, digest: str) -> Any | None:
        entry = self.entries.get(key)
        if entry is None or entry[0] != digest:
            return None
        try:
            return json.loads(entry[1])
        except ValueError:
            return None

    def put(self, key: str, digest: str, value: Any) -> None:
        self.entries[key] = (digest, json.dumps(cache_module.encode(value)))


def digest(text: str) -> str:
    return content_hash(text.encode("utf-8"))


def plan(files: dict[str, str], store: MemoryCache | None) -> tuple[object, ...]:
    found = plan_inline(make_config(), files, facts_cache=store, digest=digest)
    return (
        {path: (e.old_text, e.new_text) for path, e in found.edits.items()},
        found.manual,
        found.kept,
        found.to_json(),
    )


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    counts = {"parses": 0, "compiles": 0, "shims": 0}
    # The shim's own bindings are read from its tree (it is one file, not an importer).
    real_parse, real_compile = ImporterIndex._parse, edits_module.compile_error

    def parse(self: ImporterIndex, path: str, *, skim: bool = False) -> object:
        counts["parses"] += path != SHIM
        return real_parse(self, path, skim=skim)

    def compile_error(item: tuple[str, str]) -> str | None:
        counts["compiles"] += 1
        return real_compile(item)

    real_shim_facts = planner_module.shim_facts

    def shim_facts(*args: Any) -> object:
        counts["shims"] += 1
        return real_shim_facts(*args)

    monkeypatch.setattr(ImporterIndex, "_parse", parse)
    monkeypatch.setattr(planner_module, "shim_facts", shim_facts)
    monkeypatch.setattr(edits_module, "compile_error", compile_error)
    return counts


def test_a_warm_run_plans_what_a_fresh_one_does_without_parsing_or_compiling(
    counted: dict[str, int],
) -> None:
    fresh = plan(FILES, None)
    store = MemoryCache()
    assert plan(FILES, store) == fresh
    assert counted["parses"] > 0 and counted["compiles"] > 0 and counted["shims"] > 0
    counted.update(parses=0, compiles=0, shims=0)
    assert plan(FILES, store) == fresh
    assert counted == {"parses": 0, "compiles": 0, "shims": 0}
    assert fresh[0], "the project has something to inline"


def test_a_changed_file_is_read_again(counted: dict[str, int]) -> None:
    store = MemoryCache()
    plan(FILES, store)
    changed = {**FILES, "pkg/users/plain.py": "from pkg._compat import B\n\nprint(B)\n"}
    counted.update(parses=0)
    assert plan(changed, store) == plan(changed, None)
    assert counted["parses"] >= 1


def test_a_damaged_entry_is_computed_again() -> None:
    store = MemoryCache()
    fresh = plan(FILES, store)
    for key, (entry_digest, _) in list(store.entries.items()):
        store.entries[key] = (entry_digest, '[["not", "facts"]]')
    assert plan(FILES, store) == fresh
    store.entries = {key: (d, "{not json") for key, (d, _) in store.entries.items()}
    assert plan(FILES, store) == fresh


def test_facts_survive_the_cache_codec_on_the_standard_library() -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    checked = 0
    for path in sorted(stdlib.glob("*.py"))[:150]:
        try:
            text = path.read_text(encoding="utf-8")
            tree = ast.parse(text)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            continue
        for module, is_package in ((path.stem, False), (f"pkg.{path.stem}", True)):
            facts = read(tree, text, module, is_package=is_package)
            stored = json.loads(json.dumps(cache_module.encode(encode_facts(facts))))
            assert decode_facts(cache_module.decode(stored)) == facts
        checked += 1
    assert checked > 100


# -- the command --------------------------------------------------------------------------


def _project(root: Path) -> None:
    files = {
        "pyproject.toml": """
            [tool.compatlint]
            upstream = "sglang"
            shim = ["src/app/_compat.py"]
            src = ["src"]
        """,
        "src/app/__init__.py": "",
        "src/app/_compat.py": "from sglang.srt.a import A, B\n",
        "src/app/run.py": "from app._compat import A\nfrom app._compat import B\n\nprint(A, B)\n",
    }
    write_committed(root, files)


def test_inline_diff_twice_shows_the_same_and_no_cache_writes_none(tmp_path: Path) -> None:
    _project(tmp_path)
    arguments = ["inline", "--diff", "--config", str(tmp_path / "pyproject.toml")]
    uncached = CliRunner().invoke(main, [*arguments, "--no-cache"])
    assert uncached.exit_code == 1, uncached.output
    assert not (tmp_path / ".compatlint_cache").exists()
    first = CliRunner().invoke(main, arguments)
    second = CliRunner().invoke(main, arguments)
    assert first.output == second.output == uncached.output
    assert first.exit_code == second.exit_code == 1
    assert list((tmp_path / ".compatlint_cache").glob("*importers.jsonl"))


def test_the_shim_is_read_again_when_the_config_changes_what_its_tags_may_name(
    counted: dict[str, int],
) -> None:
    store = MemoryCache()
    plan(FILES, store)
    config = make_config({"upstream": ["sglang", "vllm"]})
    counted.update(shims=0)
    warm = plan_inline(config, FILES, facts_cache=store, digest=digest)
    assert counted["shims"] == 1
    assert warm.to_json() == plan_inline(config, FILES).to_json()


def test_a_module_asked_only_for_its_bindings_is_not_parsed_again(
    counted: dict[str, int],
) -> None:
    files = {
        "pkg/__init__.py": "from pkg import sub\n",
        "pkg/sub/__init__.py": "from .inner import thing\n\nOTHER = 1\n",
        "pkg/sub/inner.py": "thing = 1\n",
    }
    store = MemoryCache()
    fresh = ImporterIndex(files, ["."]).bindings_of_module("pkg.sub")
    counted.update(parses=0)
    first = ImporterIndex(files, ["."], store, digest).bindings_of_module("pkg.sub")
    assert counted["parses"] == 1
    again = ImporterIndex(files, ["."], store, digest).bindings_of_module("pkg.sub")
    assert fresh == first == again
    assert counted["parses"] == 1
    changed = {**files, "pkg/sub/__init__.py": "OTHER = 2\n"}
    now = ImporterIndex(changed, ["."], store, digest).bindings_of_module("pkg.sub")
    assert now is not None and "thing" not in now.names and counted["parses"] == 2
