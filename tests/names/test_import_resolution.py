"""How the importer index resolves ``from X import Y`` to the module it binds (if any).

``bound_module_of`` asks ``submodule(X, Y)``: the module ``X``'s own binding of ``Y``
when it has exactly one import of it (followed through re-exporting packages), else the
submodule file ``X/Y.py``. These answers decide which files import the shim, so they are
pinned here on a small project where every step matters: a package re-exporting the shim
module under another name, chains through two packages, relative imports, a name bound
by a class (not the submodule file of the same name) and names bound twice.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from helpers import make_config

from compatlint import pool as pool_module
from compatlint.codemods.inline import plan_inline
from compatlint.deepstack import TOO_DEEP, run_deep
from compatlint.errors import SourceError
from compatlint.names.importer_facts import encoded_bindings_of, encoded_facts_of
from compatlint.names.importers import ImporterIndex
from compatlint.pool import RunPool, batch_on
from tests.badinput.test_deep_nesting import elif_chain, negations

SHIM = "pkg/_compat.py"
MODULE = "pkg._compat"

PROJECT = {
    SHIM: "from sglang.srt.utils import helper\n\n\ndef ensure_patched():\n    pass\n",
    # The package re-exports the shim module under another name.
    "pkg/__init__.py": "from . import _compat as compat\n",
    "pkg/users/__init__.py": "",
    "pkg/users/relative.py": "from .. import compat\n\ncompat.ensure_patched()\n",
    "pkg/users/parent.py": "from ..users import relative\n",
    # Chains through two packages: app.tools is lib.shims is pkg.compat is pkg._compat.
    "lib/__init__.py": "from pkg import compat as shims\n",
    "app/__init__.py": "from lib import shims as tools\n",
    "app/chained.py": "from app import tools\n\ntools.ensure_patched()\n",
    "app/middle.py": "from lib import shims\n\nprint(shims.helper)\n",
    # A class binds the name: the submodule file of the same name is not what it gives.
    "other/__init__.py": "class compat:\n    ensure_patched = None\n",
    "other/compat.py": "from pkg._compat import ensure_patched\n",
    "other/user.py": "from other import compat\n\ncompat.ensure_patched()\n",
    # Nothing binds the name: the submodule file is what it gives.
    "plain/__init__.py": "",
    "plain/_compat.py": "x = 1\n",
    "plain/user.py": "from plain import _compat\n\nprint(_compat.x)\n",
    # Bound twice (either may run): not known to be a module.
    "twice/__init__.py": (
        "try:\n"
        "    from pkg import compat\n"
        "except ImportError:\n"
        "    from lib import shims as compat\n"
    ),
    "twice/user.py": "from twice import compat\n\ncompat.ensure_patched()\n",
    # Bound by an import statement, renamed and not.
    "mods/__init__.py": "import pkg._compat as cm\nimport pkg\n",
    "mods/renamed.py": "from mods import cm\n\ncm.ensure_patched()\n",
    "mods/head.py": "from mods import pkg as p\n\np.compat.ensure_patched()\n",
    # Direct forms.
    "direct.py": "from pkg._compat import ensure_patched\n\nensure_patched()\n",
    "module.py": "from pkg import _compat as c\n\nc.helper()\n",
    "attribute.py": "import pkg\n\npkg.compat.ensure_patched()\n",
    "unrelated.py": "from os import path\nfrom lib import nothing\n",
}


def resolution_answers(index: ImporterIndex) -> dict[str, Any]:
    """Every answer of ``index`` that import resolution decides, as plain data."""

    def records(found: dict[str, list[Any]]) -> dict[str, list[tuple[Any, ...]]]:
        return {
            path: [(item.line, item.local, item.module, item.name, item.star) for item in items]
            for path, items in sorted(found.items())
        }

    return {
        "importers": records(index.importers(MODULE, "ensure_patched")),
        "importers_helper": records(index.importers(MODULE, "helper")),
        "module_importers": records(index.module_importers(MODULE)),
        "imported_names": {
            name: (item.path, item.line, item.local, item.module, item.name, item.star)
            for name, item in sorted(index.imported_names(MODULE, exclude=SHIM).items())
        },
        "bound": {
            path: [
                (raw.line, raw.local, index.bound_module_of(raw)) for raw in index.raw_imports(path)
            ]
            for path in sorted(index.sources)
        },
    }


def test_from_imports_resolve_through_re_exports_classes_and_double_bindings() -> None:
    bound = resolution_answers(ImporterIndex(PROJECT, ["."]))["bound"]
    assert bound == {
        SHIM: [(1, "helper", None)],
        "pkg/__init__.py": [(1, "compat", MODULE)],
        "pkg/users/__init__.py": [],
        "pkg/users/relative.py": [(1, "compat", MODULE)],
        "pkg/users/parent.py": [(1, "relative", "pkg.users.relative")],
        "lib/__init__.py": [(1, "shims", MODULE)],
        "app/__init__.py": [(1, "tools", MODULE)],
        "app/chained.py": [(1, "tools", MODULE)],
        "app/middle.py": [(1, "shims", MODULE)],
        "other/__init__.py": [],
        "other/compat.py": [(1, "ensure_patched", None)],
        "other/user.py": [(1, "compat", None)],  # the class, not other/compat.py
        "plain/__init__.py": [],
        "plain/_compat.py": [],
        "plain/user.py": [(1, "_compat", "plain._compat")],
        "twice/__init__.py": [(2, "compat", MODULE), (4, "compat", MODULE)],
        "twice/user.py": [(1, "compat", None)],  # two bindings: not known to be a module
        "mods/__init__.py": [(1, "cm", MODULE), (2, "pkg", "pkg")],
        "mods/renamed.py": [(1, "cm", MODULE)],
        "mods/head.py": [(1, "p", "pkg")],
        "direct.py": [(1, "ensure_patched", None)],
        "module.py": [(1, "c", MODULE)],
        "attribute.py": [(1, "pkg", "pkg")],
        "unrelated.py": [(1, "path", None), (2, "nothing", None)],
    }


def test_the_importers_found_through_those_resolutions() -> None:
    answers = resolution_answers(ImporterIndex(PROJECT, ["."]))
    module_reached = {
        "app/__init__.py": [(1, "tools", MODULE, None, False)],
        "app/chained.py": [(1, "tools", MODULE, None, False)],
        "app/middle.py": [(1, "shims", MODULE, None, False)],
        "attribute.py": [(1, "pkg", "pkg", None, False)],
        "lib/__init__.py": [(1, "shims", MODULE, None, False)],
        "mods/__init__.py": [(1, "cm", MODULE, None, False), (2, "pkg", "pkg", None, False)],
        "mods/head.py": [(1, "p", "pkg", None, False)],
        "mods/renamed.py": [(1, "cm", MODULE, None, False)],
        "module.py": [(1, "c", MODULE, None, False)],
        "pkg/__init__.py": [(1, "compat", MODULE, None, False)],
        "pkg/users/relative.py": [(1, "compat", MODULE, None, False)],
        "twice/__init__.py": [
            (2, "compat", MODULE, None, False),
            (4, "compat", MODULE, None, False),
        ],
    }
    assert answers["module_importers"] == module_reached
    # By name, and by module where the file spells the name and a part of the shim module,
    # a name another module binds it to (app/chained.py, mods/renamed.py: ``tools``,
    # ``cm``), or holds a relative import.
    assert answers["importers"] == {
        "app/chained.py": [(1, "tools", MODULE, None, False)],
        "attribute.py": [(1, "pkg", "pkg", None, False)],
        "direct.py": [(1, "ensure_patched", MODULE, "ensure_patched", False)],
        "mods/renamed.py": [(1, "cm", MODULE, None, False)],
        "mods/head.py": [(1, "p", "pkg", None, False)],
        "other/compat.py": [(1, "ensure_patched", MODULE, "ensure_patched", False)],
        "pkg/users/relative.py": [(1, "compat", MODULE, None, False)],
    }
    assert answers["importers_helper"] == {
        "app/middle.py": [(1, "shims", MODULE, None, False)],
        "module.py": [(1, "c", MODULE, None, False)],
    }
    assert answers["imported_names"] == {
        "ensure_patched": ("pkg/users/relative.py", 1, "compat", MODULE, None, False),
        "helper": ("app/middle.py", 1, "shims", MODULE, None, False),
    }


# -- the same answers, the bindings read in batches ------------------------------------------


class Reads:
    """Batch readers run here, recording what each batch asked for."""

    def __init__(self) -> None:
        self.bindings: list[list[str]] = []

    def facts(self, items: list[tuple[str, str, str | None, bool]]) -> list[Any]:
        return [encoded_facts_of(item) for item in items]

    def bindings_batch(self, items: list[tuple[str, str, str | None, bool]]) -> list[Any]:
        self.bindings.append([path for path, *_ in items])
        return [encoded_bindings_of(item) for item in items]


def batched(files: dict[str, str], reads: Reads, **options: Any) -> ImporterIndex:
    return ImporterIndex(
        files, ["."], batch=reads.facts, bindings_batch=reads.bindings_batch, **options
    )


def one_by_one_reads(index: ImporterIndex, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths whose bindings ``index`` will read one by one (not in a batch)."""
    found: list[str] = []
    real = ImporterIndex._bindings_of

    def bindings_of(self: ImporterIndex, path: str) -> Any:
        if self is index:
            found.append(path)
        return real(self, path)

    monkeypatch.setattr(ImporterIndex, "_bindings_of", bindings_of)
    return found


def test_the_batch_reads_give_the_one_by_one_answers() -> None:
    reads = Reads()
    assert resolution_answers(batched(PROJECT, reads)) == resolution_answers(
        ImporterIndex(PROJECT, ["."])
    )
    assert reads.bindings, "the resolution read its bindings in batches"


def test_the_resolution_of_importers_reads_no_module_one_by_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reads = Reads()
    index = batched(PROJECT, reads)
    one_by_one = one_by_one_reads(index, monkeypatch)
    index.importers(MODULE, "ensure_patched")
    index.module_importers(MODULE)
    assert one_by_one == []
    # One batch per step of the longest chain (app.tools -> lib.shims -> pkg.compat ->
    # pkg._compat), not one per module: a module is read once.
    assert len(reads.bindings) <= 4
    every = [path for batch in reads.bindings for path in batch]
    assert len(every) == len(set(every))


def test_a_long_chain_is_read_a_step_at_a_time() -> None:
    files = {SHIM: PROJECT[SHIM], "pkg/__init__.py": PROJECT["pkg/__init__.py"]}
    previous = "pkg"
    for step in range(6):
        files[f"p{step}/__init__.py"] = f"from {previous} import compat\n"
        previous = f"p{step}"
    files["user.py"] = f"from {previous} import compat\n"
    reads = Reads()
    index = batched(files, reads)
    index.resolve_ahead(["user.py"])
    assert reads.bindings == [[f"p{step}/__init__.py"] for step in range(5, -1, -1)] + [
        ["pkg/__init__.py"]
    ]
    assert [index.bound_module_of(raw) for raw in index.raw_imports("user.py")] == [MODULE]
    assert len(reads.bindings) == 7  # nothing read again


def test_batch_read_bindings_are_kept_for_later_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    store = DictCache()
    first = batched(PROJECT, Reads(), cache=store, digest=lambda text: str(len(text)))
    answers = resolution_answers(first)
    later = ImporterIndex(PROJECT, ["."], cache=store, digest=lambda text: str(len(text)))
    parsed: list[str] = []
    real = ImporterIndex._parse

    def parse(self: ImporterIndex, path: str, *, skim: bool = False) -> Any:
        parsed.append(path)
        return real(self, path, skim=skim)

    monkeypatch.setattr(ImporterIndex, "_parse", parse)
    assert resolution_answers(later) == answers
    assert parsed == [path for path in parsed if path in later._trees]  # trees asked, only


def test_a_module_too_deep_for_the_parser_fails_as_it_does_one_by_one() -> None:
    files = {
        **PROJECT,
        "deep/__init__.py": "def pick(x):\n    return x\n\n\n" + negations(40_000),
        "uses_deep.py": "from deep import pick\nfrom pkg import _compat\n\n_compat.helper()\n",
    }

    def failure(index: ImporterIndex) -> tuple[str | None, str]:
        with pytest.raises(SourceError) as info:
            run_deep(index.importers, MODULE, "helper")
        return info.value.path, info.value.message

    assert failure(ImporterIndex(files, ["."])) == ("deep/__init__.py", TOO_DEEP)
    assert failure(batched(files, Reads())) == ("deep/__init__.py", TOO_DEEP)


def test_deep_code_in_a_function_body_no_fact_needs_is_read_around() -> None:
    """The body of ``pick`` is left out of the module's facts (see ``names.skim``): its
    depth stops neither reading, one by one or batched, and both answer the same."""
    files = {
        **PROJECT,
        "deep/__init__.py": elif_chain(10_000),
        "uses_deep.py": "from deep import pick\nfrom pkg import _compat\n\n_compat.helper()\n",
    }
    one_by_one = run_deep(ImporterIndex(files, ["."]).importers, MODULE, "helper")
    assert one_by_one == run_deep(batched(files, Reads()).importers, MODULE, "helper")
    assert "uses_deep.py" in one_by_one


class DictCache:
    """A facts cache in a dict, through JSON like the real one."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[str, str]] = {}

    def get(self, key: str, digest: str) -> Any | None:
        return self.plain(key, digest)

    def plain(self, key: str, digest: str) -> Any | None:
        entry = self.entries.get(key)
        return json.loads(entry[1]) if entry is not None and entry[0] == digest else None

    def put(self, key: str, digest: str, value: Any) -> None:
        self.entries[key] = (digest, json.dumps(value))


def test_the_plan_with_bindings_read_on_a_pool_is_the_plan_without(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pool_module, "POOL_MIN_ITEMS", 1)
    monkeypatch.setattr(pool_module, "POOL_MIN_BYTES", 0)
    monkeypatch.setattr(pool_module.os, "cpu_count", lambda: 2)
    files = {path: text for path, text in PROJECT.items() if not path.startswith("other/")}
    files[SHIM] = "from sglang.srt.utils import helper\n\n__all__ = ['helper']\n"

    def plan(pool: RunPool | None) -> tuple[object, ...]:
        options: dict[str, Any] = {}
        if pool is not None:
            options = {
                "batch": batch_on(pool, encoded_facts_of, len_of_text),
                "bindings_batch": batch_on(pool, encoded_bindings_of, len_of_text),
            }
        found = plan_inline(make_config(), files, **options)
        edits = {path: (edit.old_text, edit.new_text) for path, edit in found.edits.items()}
        return edits, found.manual, found.kept, found.to_json()

    with RunPool() as pool:
        pooled = plan(pool)
        assert pool.started
    assert pooled == plan(None)
    assert pooled[0], "something was inlined"


def len_of_text(item: tuple[str, str, str | None, bool]) -> int:
    return len(item[1])


# -- importers by name need no resolution ----------------------------------------------------


def by_name(index: ImporterIndex, name: str) -> list[str]:
    """The files of ``importers`` with a from-import of an alias (not a star import)."""
    aliases = index.aliases(MODULE, name)
    return [
        path
        for path, records in index.importers(MODULE, name, aliases).items()
        if any(record.name is not None and not record.star for record in records)
    ]


def test_the_files_importing_by_name_are_those_of_importers_without_resolving(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    files = {
        **PROJECT,
        "pkg/__init__.py": "from . import _compat as compat\nfrom ._compat import helper\n",
        "star.py": "from pkg._compat import *\n\nhelper()\n",
        "through.py": "from pkg import helper\nfrom lib import shims\n",
        "both.py": "from pkg._compat import ensure_patched\nfrom app import tools\n",
    }
    for name in ("ensure_patched", "helper"):
        index = ImporterIndex(files, ["."])
        one_by_one = one_by_one_reads(index, monkeypatch)
        aliases = index.aliases(MODULE, name)
        read_for_aliases = list(one_by_one)
        found = index.importing_by_name(aliases)
        assert one_by_one == read_for_aliases  # no module read to resolve an import
        assert found == by_name(ImporterIndex(files, ["."]), name)
    assert found == ["pkg/__init__.py", "through.py"]
