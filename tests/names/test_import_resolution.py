"""How the importer index resolves ``from X import Y`` to the module it binds (if any).

``bound_module_of`` asks ``submodule(X, Y)``: the module ``X``'s own binding of ``Y``
when it has exactly one import of it (followed through re-exporting packages), else the
submodule file ``X/Y.py``. These answers decide which files import the shim, so they are
pinned here on a small project where every step matters: a package re-exporting the shim
module under another name, chains through two packages, relative imports, a name bound
by a class (not the submodule file of the same name) and names bound twice.
"""

from __future__ import annotations

from typing import Any

from compatlint.names.importers import ImporterIndex

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
    # By name, and by module where the file spells the name and a part of the shim module
    # (or holds a relative import): app/chained.py and mods/renamed.py reach the module
    # under other names only, which module_importers finds.
    assert answers["importers"] == {
        "attribute.py": [(1, "pkg", "pkg", None, False)],
        "direct.py": [(1, "ensure_patched", MODULE, "ensure_patched", False)],
        "mods/head.py": [(1, "p", "pkg", None, False)],
        "other/compat.py": [(1, "ensure_patched", MODULE, "ensure_patched", False)],
        "pkg/users/relative.py": [(1, "compat", MODULE, None, False)],
    }
    assert answers["importers_helper"] == {"module.py": [(1, "c", MODULE, None, False)]}
    assert answers["imported_names"] == {
        "ensure_patched": ("pkg/users/relative.py", 1, "compat", MODULE, None, False),
        "helper": ("app/middle.py", 1, "shims", MODULE, None, False),
    }
