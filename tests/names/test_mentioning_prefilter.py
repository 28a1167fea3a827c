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
