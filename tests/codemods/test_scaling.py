"""Codemods cost O(importers): counted work, not wall-clock time.

A shim imported by N files and by 2N files: every codemod must do at most ~2.2× the
work on the second (libcst parses and the bytes they read, metadata resolutions, parent
maps, ``ast`` parses, whole-tree text searches and the bytes they read), and parse each
importer with libcst at most once per command. A quadratic path — metadata resolved per
edit, an importer re-parsed per name, every file searched for each importer's module —
fails here on small trees, long before it costs minutes on big ones.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import libcst
import pytest
from helpers import make_config
from libcst.metadata import MetadataWrapper

from compatlint.analysis.project import analyze_project
from compatlint.codemods.callsites import CallSiteScanner
from compatlint.codemods.fix import plan_fixes
from compatlint.codemods.inline import plan_inline
from compatlint.codemods.mocks import plan_mocks
from compatlint.codemods.prune import plan_prune
from compatlint.names import parents
from compatlint.names.importers import ImporterIndex

SHIM = "pkg/_compat.py"
SHIM_TEXT = '''"""Compat shim."""

import logging

from sglang.srt.a import A, B

logger = logging.getLogger(__name__)


def ensure_patch() -> None:
    """Patch the tokenizer.

    Remove this compatibility override when the minimum supported SGLang release is 0.5.10+.
    """


def helper():
    return 1


__all__ = ["A", "B", "ensure_patch", "helper"]
'''

BODY = "".join(
    f"\n\ndef work_{i}(values):\n    logger = [v * {i} for v in values]\n    return logger\n"
    for i in range(20)
)


def importer(index: int) -> str:
    return (
        f'"""Importer {index}."""\n\nimport logging\n\n'
        "from pkg._compat import A, ensure_patch, helper\n"
        f"import sglang.srt.mod{index}\n\nlogger = logging.getLogger(__name__)\n"
        "\n\ndef setup():\n    ensure_patch()\n    return A, helper()\n" + BODY
    )


def unrelated(index: int) -> str:
    return f'"""Module {index}."""\n\nimport logging\n\nlogger = logging.getLogger()\n' + BODY


def project(importers: int) -> dict[str, str]:
    files = {SHIM: SHIM_TEXT, "pkg/__init__.py": "", "tests/stubs.py": "STUBS = []\n"}
    for index in range(importers):
        files[f"pkg/users/mod{index}.py"] = importer(index)
        files[f"pkg/other/mod{index}.py"] = unrelated(index)
    return files


@contextmanager
def counting(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Counter[str], Counter[str]]]:
    """Count the expensive steps; and, per text, how often libcst parsed it."""
    work: Counter[str] = Counter()
    parsed: Counter[str] = Counter()
    real_parse, real_ast = libcst.parse_module, ast.parse
    real_resolve, real_many = MetadataWrapper.resolve, MetadataWrapper.resolve_many
    real_parents = parents.parent_map
    real_containing = ImporterIndex._containing

    def parse_module(source, *args, **kwargs):  # type: ignore[no-untyped-def]
        work["libcst parses"] += 1
        work["libcst bytes"] += len(source)
        parsed[source] += 1
        return real_parse(source, *args, **kwargs)

    def ast_parse(source, *args, **kwargs):  # type: ignore[no-untyped-def]
        work["ast parses"] += 1
        return real_ast(source, *args, **kwargs)

    def resolve(self, provider):  # type: ignore[no-untyped-def]
        work["resolutions"] += 1
        return real_resolve(self, provider)

    def resolve_many(self, providers):  # type: ignore[no-untyped-def]
        work["resolutions"] += 1
        return real_many(self, providers)

    def parent_map(module):  # type: ignore[no-untyped-def]
        work["parent maps"] += 1
        return real_parents(module)

    def containing(self, needle):  # type: ignore[no-untyped-def]
        if needle not in self._mentions:
            work["tree searches"] += 1
            work["bytes searched"] += sum(len(self.sources[path]) for path in self._module_of)
        return real_containing(self, needle)

    monkeypatch.setattr(ImporterIndex, "_containing", containing)
    monkeypatch.setattr(libcst, "parse_module", parse_module)
    monkeypatch.setattr(ast, "parse", ast_parse)
    monkeypatch.setattr(MetadataWrapper, "resolve", resolve)
    monkeypatch.setattr(MetadataWrapper, "resolve_many", resolve_many)
    for module in ("compatlint.names.uses", "compatlint.codemods.locate"):
        monkeypatch.setattr(f"{module}.parent_map", parent_map)
    yield work, parsed


def _prune(files: dict[str, str]) -> object:
    config = make_config({"mocks": {"file": "tests/stubs.py", "name": "STUBS"}})
    return plan_prune(config, files, config.floors)


def _inline(files: dict[str, str]) -> object:
    return plan_inline(make_config(), files)


def _mocks(files: dict[str, str]) -> object:
    config = make_config({"mocks": {"file": "tests/stubs.py", "name": "STUBS", "collect": ["pkg"]}})
    return plan_mocks(analyze_project(config, files), files["tests/stubs.py"])


def _fix(files: dict[str, str]) -> object:
    """``check --fix`` / ``check --diff``: prune, inline and mocks chained."""
    config = make_config({"mocks": {"file": "tests/stubs.py", "name": "STUBS", "collect": ["pkg"]}})
    return plan_fixes(config, files, {"CL102", "CL108", "CL202"})


COMMANDS: dict[str, Callable[[dict[str, str]], object]] = {
    "prune": _prune,
    "inline": _inline,
    "mocks": _mocks,
    "check --fix": _fix,
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_doubling_the_importers_at_most_doubles_the_work(
    command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = COMMANDS[command]
    counts = []
    for size in (6, 12):
        files = project(size)
        with counting(monkeypatch) as (work, parsed):
            run(files)
        importers = [text for path, text in files.items() if "/users/" in path]
        assert all(parsed[text] <= 1 for text in importers), "an importer parsed twice"
        counts.append(work)
        monkeypatch.undo()
    small, big = counts
    assert small["ast parses"] > 0  # the counters see the command's work
    for step, amount in big.items():
        assert amount <= 2.2 * small[step], (step, small[step], amount)


def test_inline_resolves_no_metadata_for_an_importer_it_can_read_from_ast(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each importer's from-import is the only binding of its name: ``ast`` says so, and
    no importer gets scopes, positions or a parent map, however many there are."""
    counts = []
    for size in (6, 12):
        with counting(monkeypatch) as (work, _):
            plan = plan_inline(make_config(), project(size))
        assert len(plan.edits) == size + 1  # every importer and the shim are edited
        counts.append(work)
        monkeypatch.undo()
    small, big = counts
    assert big["resolutions"] == small["resolutions"]
    assert big["parent maps"] == small["parent maps"]
    # Each of the shim's names and module parts is searched in the whole tree at most once,
    # however many importers there are; the importers' own module parts are read in the
    # files that spell a name.
    assert big["tree searches"] == small["tree searches"]


def upstream_star(index: int) -> str:
    return f'"""Plugin {index}."""\n\nfrom sglang.srt.mod{index} import *  # noqa: F403\n' + BODY


@pytest.mark.parametrize("command", ["prune", "check --fix"])
def test_a_star_import_of_the_upstream_is_never_parsed(
    command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the upstream is imported everywhere, a star import of it is common; it gives
    no project name, so the codemods decide from the text that such a file is not theirs."""
    files = project(4)
    stars = {f"pkg/plugins/mod{i}.py": upstream_star(i) for i in range(6)}
    files.update(stars)
    seen: Counter[str] = Counter()
    real_ast = ast.parse

    def ast_parse(source, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen[source] += 1
        return real_ast(source, *args, **kwargs)

    monkeypatch.setattr(ast, "parse", ast_parse)
    with counting(monkeypatch) as (_, parsed):  # its counters wrap ours
        COMMANDS[command](files)
    assert not any(parsed[text] for text in stars.values()), "libcst parsed an upstream star"
    if command == "prune":  # check's own facts parse handlers with ast; prune must not
        assert not any(seen[text] for text in stars.values()), "ast parsed an upstream star"


TWO_PASS_SHIM = '''"""Compat shim."""

import logging

try:
    from sglang.srt.new import C
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    from sglang.srt.old import C

logger = logging.getLogger(__name__)


def ensure_patch() -> None:
    """Patch the tokenizer.

    Remove this compatibility override when the minimum supported SGLang release is 0.5.10+.
    """


PATCH = ensure_patch
'''


def test_prune_parses_each_shim_text_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first pass removes the fallback; the second meets the definition it must keep
    (its value is used) and changes nothing; the clean-up compares the first text with the
    second. Two texts, two libcst parses: every step reuses the tree of its text."""
    files = {SHIM: TWO_PASS_SHIM, "pkg/__init__.py": "", "tests/stubs.py": "STUBS = []\n"}
    with counting(monkeypatch) as (_, parsed):
        plan = _prune(files)
    assert [item.reason for item in plan.follow_ups] == [
        "not pruned: its value is used in the shim (line 21)"
    ]
    pruned = plan.edits[SHIM].new_text
    shim_parses = {text: count for text, count in parsed.items() if "Compat shim" in text}
    assert shim_parses == {TWO_PASS_SHIM: 1, pruned: 1}


def test_inline_parses_no_more_of_an_importer_than_its_head(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An importer whose edit is its from-import of the shim is parsed by libcst up to a
    little after that import: making every importer's body twice as long parses nothing
    more."""
    counts = []
    for copies in (1, 2):
        files = project(6)
        for path in [path for path in files if "/users/" in path]:
            files[path] += BODY * (copies - 1)
        with counting(monkeypatch) as (work, _):
            _inline(files)
        counts.append(work["libcst bytes"])
        monkeypatch.undo()
    assert counts[0] == counts[1]


def test_prune_searches_the_project_once_per_definition(monkeypatch: pytest.MonkeyPatch) -> None:
    """A definition an importer uses as a value is kept; the second pass meets it again and
    asks the project's files for its uses again: the first answer stands (the files do not
    change between passes), so the project is searched for it once."""
    shim = TWO_PASS_SHIM.replace("\n\nPATCH = ensure_patch\n", "\n")
    user = "from pkg._compat import ensure_patch\n\nHOOK = ensure_patch\n"
    files = {
        SHIM: shim,
        "pkg/__init__.py": "",
        "pkg/user.py": user,
        "tests/stubs.py": "STUBS = []\n",
    }
    asked: Counter[str] = Counter()
    real_uses = CallSiteScanner.uses

    def uses(self: CallSiteScanner, name: str):  # type: ignore[no-untyped-def]
        asked[name] += 1
        return real_uses(self, name)

    monkeypatch.setattr(CallSiteScanner, "uses", uses)
    plan = _prune(files)
    assert plan.passes == 1  # type: ignore[attr-defined]
    assert [item.reason for item in plan.follow_ups] == [  # type: ignore[attr-defined]
        "not pruned: its value is used at pkg/user.py:3"
    ]
    assert asked == {"ensure_patch": 1}
