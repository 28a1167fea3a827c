"""The importer index (stdlib ``ast``) and the scope-aware use finder (libcst)."""

from __future__ import annotations

import libcst as cst
from hypothesis import given
from hypothesis import strategies as st
from libcst.metadata import MetadataWrapper

from compatlint.names.importers import ImporterIndex
from compatlint.names.uses import ResolvedFile, find_uses

SHIM = "pkg/_compat.py"
SHIM_TEXT = "from sglang.srt.utils import helper\n\n\ndef ensure_patched():\n    pass\n"


def index(files: dict[str, str]) -> ImporterIndex:
    return ImporterIndex({SHIM: SHIM_TEXT, "pkg/__init__.py": "", **files}, ["."])


def test_aliases_follow_re_exports_to_any_depth() -> None:
    project = index(
        {
            "pkg/__init__.py": "from ._compat import ensure_patched\n",
            "pkg/sub/__init__.py": "from pkg import ensure_patched as ep\n",
            "app/__init__.py": "from pkg.sub import *\n",
            "app/other.py": "from pkg.sub import ep\n\nep()\n",  # a use, not a re-export
        }
    )
    assert project.aliases("pkg._compat", "ensure_patched") == {
        ("pkg._compat", "ensure_patched"),
        ("pkg", "ensure_patched"),
        ("pkg.sub", "ep"),
        ("app", "ep"),
        ("app.other", "ep"),
    }


def test_a_star_import_re_exports_only_what_all_lists() -> None:
    project = index(
        {
            "pkg/sub/__init__.py": "from pkg._compat import ensure_patched\n__all__ = []\n",
            "app/__init__.py": "from pkg.sub import *\n",
        }
    )
    assert ("app", "ensure_patched") not in project.aliases("pkg._compat", "ensure_patched")


def test_importers_of_every_form() -> None:
    project = index(
        {
            "pkg/__init__.py": "from ._compat import ensure_patched\n",
            "a.py": "from pkg._compat import ensure_patched as ep\n",
            "b.py": "import pkg\n\npkg.ensure_patched()\n",
            "c.py": "from pkg import _compat\n\n_compat.ensure_patched()\n",
            "d.py": "import pkg._compat as c\n\nc.ensure_patched()\n",
            "e.py": "from pkg._compat import *\n\nensure_patched()\n",
            "f.py": "import os\n\nos.ensure_patched = 1\n",
        }
    )
    found = project.importers("pkg._compat", "ensure_patched")
    summary = {
        path: [(item.local, item.module, item.name, item.star) for item in items]
        for path, items in found.items()
    }
    assert summary == {
        "pkg/__init__.py": [("ensure_patched", "pkg._compat", "ensure_patched", False)],
        "a.py": [("ep", "pkg._compat", "ensure_patched", False)],
        "b.py": [("pkg", "pkg", None, False)],
        "c.py": [("_compat", "pkg._compat", None, False)],
        "d.py": [("c", "pkg._compat", None, False)],
        "e.py": [("ensure_patched", "pkg._compat", "ensure_patched", True)],
    }


def test_imported_names_are_the_names_used_through_any_import_form() -> None:
    project = index(
        {
            "a.py": "from pkg._compat import helper\n",
            "b.py": "import pkg._compat\n\nprint(pkg._compat.ensure_patched)\n",
            "c.py": "import pkg._compat as c\n\nprint(c.other)\n",
        }
    )
    found = project.imported_names("pkg._compat", exclude=SHIM)
    assert {name: (item.path, item.line) for name, item in found.items()} == {
        "helper": ("a.py", 1),
        "ensure_patched": ("b.py", 1),
        "other": ("c.py", 1),
    }


def test_imported_names_through_a_renamed_module_binding() -> None:
    project = index(
        {
            "pkg/__init__.py": "from . import _compat as compat\n",
            "a.py": "from pkg import compat\n\nprint(compat.helper)\n",
        }
    )
    assert set(project.imported_names("pkg._compat", exclude=SHIM)) == {"helper"}


def test_a_file_that_does_not_mention_the_name_is_never_parsed() -> None:
    project = index({"big.py": "import os\n" * 100, "broken.py": "def (:\n"})
    project.importers("pkg._compat", "ensure_patched")
    assert "big.py" not in project._parsed
    assert "broken.py" not in project._parsed


def uses(text: str, package: str | None = "pkg", **files: str):
    project = index(files)
    aliases = project.aliases("pkg._compat", "ensure_patched")
    resolved = ResolvedFile(MetadataWrapper(cst.parse_module(text)), package)
    return find_uses(resolved, aliases, project)


def test_find_uses_resolves_names_through_scopes() -> None:
    found = uses(
        "from pkg._compat import ensure_patched\n"
        "\n"
        "def f(ensure_patched):\n"
        "    ensure_patched()\n"
        "\n"
        "def g():\n"
        "    ensure_patched()\n"
        "    x = ensure_patched\n"
    )
    assert len(found.imports) == 1
    assert [statement.value.func.value for statement in found.bare_calls] == ["ensure_patched"]
    assert found.value_uses == [8]


def test_find_uses_resolves_module_attribute_chains() -> None:
    found = uses(
        "import pkg._compat\n"
        "import pkg as p\n"
        "\n"
        "pkg._compat.ensure_patched()\n"
        "p._compat.ensure_patched()\n"
        "pkg._compat.other()\n"
        "print(p._compat.ensure_patched)\n"
    )
    assert found.imports == []
    assert len(found.bare_calls) == 2
    assert found.value_uses == [7]


def test_find_uses_of_a_relative_import_in_a_package() -> None:
    found = uses("from . import _compat\n\n_compat.ensure_patched()\n", package="pkg")
    assert len(found.bare_calls) == 1


def test_a_possible_rebinding_makes_a_use_a_value_use() -> None:
    found = uses(
        "try:\n"
        "    from pkg._compat import ensure_patched\n"
        "except ImportError:\n"
        "    ensure_patched = print\n"
        "\n"
        "ensure_patched()\n"
    )
    assert found.bare_calls == []
    assert found.value_uses == [6]


def test_two_imports_of_the_same_binding_are_not_ambiguous() -> None:
    found = uses(
        "try:\n"
        "    from pkg._compat import ensure_patched\n"
        "except ImportError:\n"
        "    from pkg import ensure_patched\n"
        "\n"
        "ensure_patched()\n",
        **{"pkg/__init__.py": "from ._compat import ensure_patched\n"},
    )
    assert len(found.imports) == 2
    assert len(found.bare_calls) == 1
    assert found.value_uses == []


def test_a_star_import_of_the_shim_is_reported() -> None:
    found = uses("from pkg._compat import *\n\nensure_patched()\n")
    assert found.star_imports == [1]


def test_a_parameter_shadows_the_head_of_a_dotted_import() -> None:
    # libcst resolves `pkg._compat` in `f` to the import by its text; the scope of `pkg`
    # says it is the parameter.
    found = uses(
        "import pkg._compat\n"
        "\n"
        "def f(pkg):\n"
        "    pkg._compat.ensure_patched()\n"
        "\n"
        "def g():\n"
        "    pkg._compat.ensure_patched()\n"
    )
    assert [found.bare_calls[0].value.func.value.value.value] == ["pkg"]
    assert len(found.bare_calls) == 1
    assert found.value_uses == []


def test_a_module_only_resolved_keeps_its_bindings_not_its_tree() -> None:
    """Resolving ``from . import _compat`` reads the package's bindings; on a big package
    keeping every ``__init__``'s tree cost more memory than the rest of the run."""
    sources = {
        "pkg/__init__.py": "import os\n\nVERSION = os.environ.get('V')\n",
        "pkg/_compat.py": "def helper():\n    pass\n",
        "pkg/users/__init__.py": "",
        "pkg/users/mod.py": "from .. import _compat\n\n_compat.helper()\n",
    }
    index = ImporterIndex(sources, ["."])
    found = index.importers("pkg._compat", "helper")
    assert [item.module for item in found["pkg/users/mod.py"]] == ["pkg._compat"]
    assert "pkg/__init__.py" not in index._parsed
    assert index.bindings_of_module("pkg") is not None
    assert index.parsed("pkg/__init__.py") is not None  # and a tree, when one is asked for


@given(
    st.lists(st.text(alphabet="ab._", max_size=12), min_size=1, max_size=8),
    st.lists(st.text(alphabet="ab._", min_size=1, max_size=4), min_size=1, max_size=6),
)
def test_a_search_within_an_earlier_one_finds_what_a_search_of_every_file_finds(
    texts: list[str], needles: list[str]
) -> None:
    """A needle that holds one searched before is read only in the files that spell that
    one; whatever the order of the searches, each finds the files that spell it."""
    sources = {f"m{number}.py": text for number, text in enumerate(texts)}
    index = ImporterIndex(sources, ["."])
    for needle in needles:
        expected = {path for path, text in sources.items() if needle in text}
        assert index.containing(needle) == expected
