"""CL202 and ``mocks`` by what pytest collection imports: the module-level import closure."""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest
from helpers import analyze, diagnostics
from hypothesis import given, settings
from hypothesis import strategies as st

from compatlint.analysis.collection_closure import (
    CollectionSettings,
    collection_closure,
    collection_settings,
    may_import_project,
    module_imports,
)
from compatlint.cli import main
from compatlint.codemods.mocks import plan_mocks
from compatlint.config_file import load_config
from compatlint.engine import gather_facts
from compatlint.workspace import Workspace

MOCKS = {"mocks": {"file": "tests/stubs.py", "name": "STUBS", "collect": ["pkg"]}}
EMPTY = "STUBS = []\n"


def closure_of(files: Mapping[str, str], **options: object) -> set[str]:
    settings_ = CollectionSettings(**options)  # type: ignore[arg-type]
    paths = list(files)
    reached = collection_closure(
        paths, settings_, ["."], lambda path, _names: module_imports(path, files[path])
    )
    return set(reached.files)


def cl202(files: Mapping[str, str], mocks: Mapping[str, object] = MOCKS) -> list[tuple[str, int]]:
    found = diagnostics(files, mocks)
    return [(d.path, d.line) for d in found if d.code == "CL202"]


# -- the done-when project -----------------------------------------------------------------


def test_only_modules_collection_reaches_need_stubs() -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/_compat.py": "X = 1\n",
        "pkg/tested.py": "from sglang.srt.a import X\n",
        "pkg/untested.py": "from sglang.srt.b import Y\n",
        "tests/stubs.py": EMPTY,
        "tests/test_tested.py": "from pkg.tested import X\n",
    }
    assert cl202(files) == [("pkg/tested.py", 1)]
    all_scope = {"mocks": {**MOCKS["mocks"], "scope": "all"}}
    assert cl202(files, all_scope) == [("pkg/tested.py", 1), ("pkg/untested.py", 1)]


def test_the_utils_network_story_is_still_caught() -> None:
    """The stub-list gap that broke collection: the shim's fallback for the old module was
    removed, so ``sglang.srt.utils.network`` became an unconditional module-level import
    of a module a test imports (through a handler), and the list did not have it."""
    before = (
        "try:\n    from sglang.srt.utils.network import get_ip\n"
        "except ImportError:\n"
        "    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+\n"
        "    from sglang.srt.utils import get_ip\n"
    )
    after = "from sglang.srt.utils.network import get_ip\n"
    files = {
        "pkg/__init__.py": "",
        "pkg/handlers/__init__.py": "from pkg.handlers.chat import ChatHandler\n",
        "pkg/handlers/chat.py": "from pkg._compat import get_ip\n\nclass ChatHandler: ...\n",
        "tests/stubs.py": "STUBS = ['sglang', 'sglang.srt', 'sglang.srt.utils']\n",
        "tests/test_chat.py": "from pkg.handlers import ChatHandler\n",
    }
    assert cl202({**files, "pkg/_compat.py": before}) == []
    assert cl202({**files, "pkg/_compat.py": after}) == [("pkg/_compat.py", 1)]


# -- what counts as imported ---------------------------------------------------------------


def test_chains_through_project_modules_and_package_inits() -> None:
    files = {
        "tests/test_a.py": "import app.api.routes\n",
        "app/__init__.py": "from . import config\n",
        "app/config.py": "",
        "app/api/__init__.py": "from .helpers import h\n",
        "app/api/helpers.py": "from ..deep import leaf\n",
        "app/api/routes.py": "",
        "app/deep/__init__.py": "",
        "app/deep/leaf.py": "",
        "app/unreached.py": "",
    }
    assert closure_of(files) == set(files) - {"app/unreached.py"}


def test_from_package_import_submodule_reaches_the_submodule() -> None:
    files = {
        "tests/test_a.py": "from app import handlers\n",
        "app/__init__.py": "",
        "app/handlers.py": "",
        "app/other.py": "",
    }
    assert closure_of(files) == {"tests/test_a.py", "app/__init__.py", "app/handlers.py"}


def test_conftest_and_the_test_packages_inits_are_imported() -> None:
    files = {
        "tests/__init__.py": "import app.a\n",
        "tests/unit/__init__.py": "",
        "tests/unit/conftest.py": "import app.b\n",
        "tests/unit/helpers.py": "import app.c\n",
        "app/__init__.py": "",
        "app/a.py": "",
        "app/b.py": "",
        "app/c.py": "",
    }
    reached = closure_of(files)
    assert {"tests/__init__.py", "app/a.py", "app/b.py"} <= reached
    assert "app/c.py" not in reached  # a helper nothing imports is not collected


def test_a_test_dirs_sibling_module_resolves_like_pytest_prepends_it() -> None:
    files = {
        "tests/conftest.py": "from stub_modules import install\n",
        "tests/stub_modules.py": "import app.x\n",
        "app/__init__.py": "",
        "app/x.py": "",
    }
    assert closure_of(files) == set(files)


def test_type_checking_and_function_level_imports_are_not_followed() -> None:
    files = {
        "tests/test_a.py": (
            "from typing import TYPE_CHECKING\n"
            "import typing\n\n"
            "if TYPE_CHECKING:\n    import app.hint\n"
            "if typing.TYPE_CHECKING:\n    import app.hint2\n"
            "else:\n    import app.runtime\n\n"
            "def test_x():\n    import app.lazy\n"
        ),
        "app/__init__.py": "",
        "app/hint.py": "",
        "app/hint2.py": "",
        "app/runtime.py": "",
        "app/lazy.py": "",
    }
    assert closure_of(files) == {"tests/test_a.py", "app/__init__.py", "app/runtime.py"}


def test_try_if_class_body_and_import_module_literals_are_followed() -> None:
    files = {
        "tests/test_a.py": (
            "import importlib\nimport sys\n"
            "try:\n    import app.tried\nexcept ImportError:\n    import app.fallback\n"
            "if sys.platform == 'linux':\n    import app.linux\n"
            "class T:\n    import app.in_class\n"
            "plugin = importlib.import_module('app.plugin')\n"
            "importlib.import_module(name)\n"
        ),
        "app/__init__.py": "",
        **{f"app/{name}.py": "" for name in ("tried", "fallback", "linux", "in_class", "plugin")},
    }
    assert closure_of(files) == set(files)


def test_python_files_and_testpaths_from_the_pytest_settings() -> None:
    options = collection_settings({"testpaths": ["tests"], "python_files": "check_*.py"})
    assert options == CollectionSettings(test_roots=("tests",), patterns=("check_*.py",))
    files = {
        "tests/check_a.py": "import app.a\n",
        "tests/test_b.py": "import app.b\n",
        "other/conftest.py": "import app.c\n",
        "app/a.py": "",
        "app/b.py": "",
        "app/c.py": "",
    }
    assert closure_of(files, test_roots=("tests",), patterns=("check_*.py",)) == {
        "tests/check_a.py",
        "app/a.py",
    }


def test_pythonpath_is_an_import_root() -> None:
    files = {"tests/test_a.py": "import lib_x\n", "vendor/lib_x.py": "", "lib_x_unused.py": ""}
    assert closure_of(files) == {"tests/test_a.py"}
    assert closure_of(files, pythonpath=("vendor",)) == {"tests/test_a.py", "vendor/lib_x.py"}


PREFILTER = [
    ("import os\nimport json as app2\n", False),
    ("from os import path  # app\n", False),
    ("import os, app.x\n", True),
    ("from app import x\n", True),
    ("    from app.b import (\n        c,\n    )\n", True),
    ("from . import y\n", True),
    ("from ..z import y\n", True),
    ("x = 1; import app\n", True),
    ("if ok: import app\n", True),
    ("import os, \\\n    app\n", True),
    ("mod = importlib.import_module(name)\n", True),
]


@pytest.mark.parametrize(("text", "expected"), PREFILTER)
def test_the_prefilter_passes_every_file_that_can_import_the_project(
    text: str, expected: bool
) -> None:
    assert may_import_project(text, {"app"}) is expected
    if not expected:  # then the parse finds no import of the project either
        heads = {ref.module.split(".")[0] for ref in module_imports("a.py", text).refs}
        assert "app" not in heads


def test_a_file_without_import_is_not_parsed() -> None:
    assert module_imports("a.py", "def broken(:\n").refs == ()


@settings(deadline=None, max_examples=60)
@given(
    edges=st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=20),
    tested=st.sets(st.integers(0, 7), max_size=3),
)
def test_the_closure_is_reachability_from_the_tests(
    edges: list[tuple[int, int]], tested: set[int]
) -> None:
    imports: dict[int, set[int]] = {n: set() for n in range(8)}
    for source, target in edges:
        imports[source].add(target)
    files = {
        f"m/m{n}.py": "".join(f"import m.m{t}\n" for t in sorted(imports[n])) for n in range(8)
    }
    files["tests/test_x.py"] = "".join(f"from m import m{t}\n" for t in sorted(tested))
    seen, queue = set(tested), list(tested)
    while queue:
        for target in imports[queue.pop()]:
            if target not in seen:
                seen.add(target)
                queue.append(target)
    assert closure_of(files) == {"tests/test_x.py"} | {f"m/m{n}.py" for n in seen}


# -- mocks agrees with CL202 ---------------------------------------------------------------


def test_mocks_adds_only_what_collection_imports_and_keeps_unreached_entries() -> None:
    stubs = "STUBS = ['sglang', 'sglang.srt', 'sglang.srt.gone']\n"
    files = {
        "pkg/_compat.py": "X = 1\n",
        "pkg/tested.py": "from sglang.srt.a import X\n",
        "pkg/untested.py": "from sglang.srt.b import Y\nfrom sglang.srt.gone import Z\n",
        "tests/stubs.py": stubs,
        "tests/test_tested.py": "import pkg.tested\n",
    }
    plan = plan_mocks(analyze(files, MOCKS), stubs)
    assert plan.added == ("sglang.srt.a",)
    assert [entry.module for entry in plan.stale] == ["sglang.srt.gone"]
    assert "sglang.srt.gone" in plan.edits["tests/stubs.py"].new_text  # listed, never removed


# -- on disk: the engine, the cache and tests outside src ----------------------------------

PYPROJECT = """\
[tool.compatlint]
upstream = "sglang"
shim = ["src/pkg/_compat.py"]
src = ["src"]

[tool.compatlint.mocks]
file = "tests/stubs.py"
name = "STUBS"
collect = ["src/pkg"]

[tool.pytest.ini_options]
testpaths = ["tests"]
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    files = {
        "pyproject.toml": PYPROJECT,
        "src/pkg/__init__.py": "",
        "src/pkg/_compat.py": "X = 1\n",
        "src/pkg/tested.py": "from sglang.srt.a import X\n",
        "src/pkg/untested.py": "from sglang.srt.b import Y\n",
        "tests/stubs.py": "STUBS = ['sglang', 'sglang.srt']\n",
        "tests/conftest.py": "import sglang.srt.c\n",
        "tests/test_tested.py": "import pkg.tested\n",
        "tools/test_elsewhere.py": "import pkg.untested\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def _check(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[str]:
    from click.testing import CliRunner

    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, [*args])
    return [line for line in result.output.splitlines() if "CL202" in line or "sglang" in line]


def test_check_and_mocks_agree_on_disk(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = ["src/pkg/tested.py:1", "tests/conftest.py:1"]
    for _ in range(2):  # cold, then from the cache
        lines = _check(project, monkeypatch, "check", "--select", "CL202")
        assert sorted(line.split(":1:")[0] + ":1" for line in lines) == expected
    workspace = Workspace(load_config(project / "pyproject.toml"))
    facts = gather_facts(workspace, workspace.python_files())
    assert facts.collected is not None and "src/pkg/untested.py" not in facts.collected
    assert "tests/conftest.py" in facts.collected_facts  # outside src: facts of its own
    _check(project, monkeypatch, "mocks", "--allow-dirty")
    stubs = (project / "tests" / "stubs.py").read_text()
    assert "sglang.srt.a" in stubs and "sglang.srt.c" in stubs and "sglang.srt.b" not in stubs
    assert _check(project, monkeypatch, "check", "--select", "CL202") == []


def test_the_example_project_is_collected_through_its_test(tmp_path: Path) -> None:
    example = Path(__file__).parent.parent / "examples" / "sglang-backend"
    root = tmp_path / "example"
    shutil.copytree(example, root, ignore=shutil.ignore_patterns(".compatlint_cache"))
    workspace = Workspace(load_config(root / "pyproject.toml"))
    facts = gather_facts(workspace, workspace.python_files(), use_cache=False)
    assert facts.collected is not None
    assert {"src/servo/handlers/chat.py", "src/servo/_compat.py"} <= facts.collected
    (root / "tests" / "test_handlers.py").unlink()
    facts = gather_facts(workspace, workspace.python_files(), use_cache=False)
    assert facts.collected == {"tests/conftest.py", "tests/stub_modules.py"}


def test_a_suppression_in_a_collected_file_outside_src_holds(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conftest = project / "tests" / "conftest.py"
    conftest.write_text("import sglang.srt.c  # compatlint: ignore[CL202]\n")
    lines = _check(project, monkeypatch, "check", "--select", "CL202")
    assert [line.split(":")[0] for line in lines] == ["src/pkg/tested.py"]


def test_checking_given_files_computes_the_closure_only_when_one_lacks_stubs(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from compatlint import engine

    walks: list[int] = []
    real = engine._gather_collection

    def counting(*args: object) -> None:
        walks.append(1)
        real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "_gather_collection", counting)
    lines = _check(project, monkeypatch, "check", "--select", "CL202", "src/pkg/tested.py")
    assert [line.split(":")[0] for line in lines] == ["src/pkg/tested.py"] and walks == [1]
    lines = _check(project, monkeypatch, "check", "--select", "CL202", "src/pkg/untested.py")
    assert lines == [] and walks == [1, 1]  # it lacks a stub: the closure says it is not run
    lines = _check(project, monkeypatch, "check", "--select", "CL202", "src/pkg/_compat.py")
    assert lines == [] and walks == [1, 1]  # imports nothing the stubs lack: no closure
