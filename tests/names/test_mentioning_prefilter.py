"""The importer index's module pre-filter never loses an importer.

``aliases`` and ``importers`` only parse files that spell a name *and* a dotted part of
an alias module (or hold a relative import): names like ``logger`` are in every file of a
tree. Every import form that reaches a module spells one or the other, so the answers must
be those of the unfiltered search, on any project.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from hypothesis import given, settings
from hypothesis import strategies as st

from compatlint.names.importers import ImporterIndex

SHIM = "pkg/_compat.py"
SHIM_TEXT = "import logging\n\nlogger = logging.getLogger(__name__)\n\n\ndef helper():\n    pass\n"
NAMES = ("helper", "logger")

# Every way a file can reach the shim's names (or a re-export of them), and some that
# only spell the names without reaching them.
IMPORT_FORMS = (
    "from pkg._compat import {name}\n",
    "from pkg._compat import {name} as other\n",
    "from ._compat import {name}\n",
    "from.._compat import {name}\n",
    "from . import {name}\n",
    "from \\\n    . import {name}\n",
    "from pkg import {name}\n",
    "from pkg.sub import {name}\n",
    "from pkg.sub import *\n",
    "from pkg._compat import *\n",
    "from . import *\n",
    "from .sub import *\n",
    "from pkg.sub import \\\n    *\n",
    "from sglang.srt.utils import *\n",
    "import pkg._compat as c\nc.{name}()\n",
    "import pkg\npkg._compat.{name}()\n",
    "from pkg import _compat\n_compat.{name}\n",
    "{name} = 1\n",
    "import logging\n{name} = logging.getLogger(__name__)\n",
    "from __future__ import annotations\n# {name}\n",
)
PATHS = ("pkg/__init__.py", "pkg/sub/__init__.py", "pkg/sub/leaf.py", "app/__init__.py")
PATHS += ("app/main.py", "app/deep/__init__.py", "app/deep/mod.py", "pkg/other.py")


class _Unfiltered(ImporterIndex):
    """The index as it was: the names alone decide which files are parsed, and every star
    import is followed."""

    def mentioning(self, names: Iterable[str], modules: Iterable[str] | None = None) -> list[str]:
        return super().mentioning(names)

    def _may_star_import_project(self, path: str) -> bool:
        return re.search(r"import[\s\\]*\*", self.sources[path]) is not None


project = st.dictionaries(
    st.sampled_from(PATHS),
    st.lists(
        st.tuples(st.sampled_from(IMPORT_FORMS), st.sampled_from(NAMES)), min_size=1, max_size=3
    ).map(lambda forms: "".join(form.format(name=name) for form, name in forms)),
    min_size=1,
)


@settings(deadline=None, max_examples=150)
@given(project)
def test_the_filter_finds_what_the_names_alone_find(files: dict[str, str]) -> None:
    sources = {SHIM: SHIM_TEXT, "pkg/__init__.py": "", "pkg/sub/__init__.py": "", **files}
    for name in NAMES:
        filtered = ImporterIndex(sources, ["."])
        unfiltered = _Unfiltered(sources, ["."])
        aliases = filtered.aliases("pkg._compat", name)
        assert aliases == unfiltered.aliases("pkg._compat", name)
        everything = unfiltered.importers("pkg._compat", name)
        found = filtered.importers("pkg._compat", name)
        assert found == {path: everything[path] for path in found}
        # Only a file that spells no alias name and star-imports only modules outside the
        # project (the parse says which) cannot reach one: the filter may leave it out.
        project_modules = {unfiltered.module_of(path) for path in sources}
        for path in everything.keys() - found.keys():
            stars = {raw.source for raw in unfiltered.raw_imports(path) if raw.name == "*"}
            assert name not in sources[path] and not stars & project_modules


def test_a_name_in_every_file_parses_only_the_files_that_reach_the_shim() -> None:
    unrelated = {f"app/m{i}.py": "import logging\nlogger = logging.getLogger()\n" for i in range(5)}
    sources = {
        SHIM: SHIM_TEXT,
        "pkg/__init__.py": "",
        "app/use.py": "from pkg._compat import logger\n",
    }
    sources.update(unrelated)
    index = ImporterIndex(sources, ["."])
    assert index.importers("pkg._compat", "logger").keys() == {"app/use.py"}
    assert not set(index._parsed) & set(unrelated)


def test_a_star_import_of_the_upstream_is_not_parsed() -> None:
    upstream_stars = {f"app/m{i}.py": "from sglang.srt.utils import *\n" for i in range(5)}
    sources = {
        SHIM: SHIM_TEXT,
        "pkg/__init__.py": "",
        "app/use.py": "from pkg._compat import *\n",
        "pkg/rel.py": "from ._compat import *\n",
        "app/split.py": "from pkg._compat import \\\n    *\n",
        **upstream_stars,
    }
    index = ImporterIndex(sources, ["."])
    assert set(index.importers("pkg._compat", "helper")) == {
        "app/use.py",
        "pkg/rel.py",
        "app/split.py",
    }
    assert not set(index._parsed) & set(upstream_stars)


# -- the text searches, against their plain definitions -----------------------------------

WORDS = ("from", "xfrom", "from_", ".", "..", " ", "\\\n", "\n", "\t", "pkg", "sub", "_compat")
WORDS += ("helper", "logger", "é", "import", "_", "1")
text = st.lists(st.sampled_from(WORDS), max_size=12).map("".join)


def _plain_mentioning(
    sources: dict[str, str], names: Iterable[str], modules: Iterable[str]
) -> list[str]:
    """:meth:`ImporterIndex.mentioning` as its docstring says, one file at a time."""
    parts = {part for module in modules for part in module.split(".")}
    index = ImporterIndex(sources, ["."])
    found = []
    for path, source in sources.items():
        spelled = any(name in source for name in names)
        reached = any(part in source for part in parts)
        relative = re.search(r"\bfrom[\s\\]*\.", source) is not None
        if (spelled and (reached or relative)) or index._may_star_import_project(path):
            found.append(path)
    return found


@settings(deadline=None, max_examples=200)
@given(
    st.dictionaries(st.sampled_from(PATHS), text, min_size=1),
    st.sets(st.sampled_from(("helper", "logger", "sub", "from"))),
    st.sets(st.sampled_from(("pkg._compat", "pkg.sub", "app.deep.mod", "from.x"))),
)
def test_mentioning_reads_texts_as_its_plain_definition(
    files: dict[str, str], names: set[str], modules: set[str]
) -> None:
    """A few module parts are searched in the whole tree and the names read in the files
    they narrow it to; many parts are read in the files spelling a name. Both give the
    plain answer, whichever needles an earlier question searched."""
    sources = {SHIM: SHIM_TEXT, **files}
    expected = _plain_mentioning(sources, names, modules)
    index = ImporterIndex(sources, ["."])
    assert index.mentioning(names, modules) == expected
    parts = {part for module in modules for part in module.split(".")}
    wanted = {path for path, source in sources.items() if any(p in source for p in parts)}
    finder = index._text_finder(parts)  # read in each file, or known from a tree search
    assert {path for path in sources if finder(path)} == wanted
    index._containing_any(parts)
    finder = index._text_finder(parts)  # every part known from a tree search
    assert {path for path in sources if finder(path)} == wanted
    assert index.mentioning(names, modules) == expected


@settings(deadline=None, max_examples=200)
@given(
    st.dictionaries(st.sampled_from(PATHS), text, min_size=1),
    st.sets(st.sampled_from(("helper", "logger", "sub", "from"))),
    st.sets(st.sampled_from(("pkg._compat", "pkg.sub", "app.deep.mod", "from.x"))),
    st.sets(st.sampled_from(("helper", "logger", "sub", "from", "pkg"))),
)
def test_names_searched_first_give_the_plain_answer(
    files: dict[str, str], names: set[str], modules: set[str], searched: set[str]
) -> None:
    """Names searched before the question narrow the files instead of the module parts:
    the same answer, whichever needles were searched."""
    sources = {SHIM: SHIM_TEXT, **files}
    expected = _plain_mentioning(sources, names, modules)
    index = ImporterIndex(sources, ["."])
    index.search(searched)
    assert index.mentioning(names, modules) == expected
    index.search(names)
    assert index.mentioning(names, modules) == expected


def test_a_name_searched_first_spares_the_searches_for_the_parts() -> None:
    """prune searches a definition's name before its aliases: the files spelling it are
    read for the shim's parts, and neither the parts nor relative imports are searched
    in the whole tree. The shim module's own name is, once: a module binding it under
    another name (``from pkg import _compat as tools``) spells it, and not the name."""
    unrelated = {f"app/m{i}.py": "from . import x\nimport pkg\n" for i in range(5)}
    sources = {SHIM: SHIM_TEXT, "pkg/__init__.py": "", **unrelated}
    sources["app/use.py"] = "from pkg._compat import helper\n"
    index = ImporterIndex(sources, ["."])
    index.search(["helper"])
    aliases = {("pkg._compat", "helper"), ("app.use", "helper")}  # a from-import re-exports
    assert index.aliases("pkg._compat", "helper") == aliases
    assert set(index.importers("pkg._compat", "helper")) == {"app/use.py"}
    assert set(index._mentions) == {"helper", "_compat"}
    assert not set(index._relatives) & set(unrelated)


@given(text)
def test_the_relative_import_search_is_the_word_bounded_one(source: str) -> None:
    index = ImporterIndex({"a.py": source}, ["."])
    assert index._relative("a.py") == (re.search(r"\bfrom[\s\\]*\.", source) is not None)


def test_the_names_are_read_only_in_files_spelling_the_shims_parts() -> None:
    """A shim's module parts are searched in the whole tree once; its names, asked one by
    one, only in the files those parts (or a relative import) narrow the tree to."""
    unrelated = {f"app/m{i}.py": "def helper():\n    pass\n" for i in range(5)}
    sources = {SHIM: SHIM_TEXT, "pkg/__init__.py": "", **unrelated}
    sources["app/use.py"] = "from pkg._compat import helper\n"
    sources["pkg/rel.py"] = "from ._compat import logger\n"
    index = ImporterIndex(sources, ["."])
    for name in NAMES:
        expected = _plain_mentioning(sources, [name], ["pkg._compat"])
        assert index.mentioning([name], ["pkg._compat"]) == expected
    assert set(index._mentions) == {"pkg", "_compat"}
