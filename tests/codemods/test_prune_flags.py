"""prune folds flags across modules: ``py310 = sys.version_info >= (3, 10)`` in one module,
read in others through every import form; the definition goes when nothing reads it any
more, stays (with its constant) under ``keep``, and a flag that may not be constant at run
time is refused everywhere, with the reason."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import diagnostics, examples, make_config
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version

from compatlint.cli import main
from compatlint.codemods.plan import PrunePlan
from compatlint.codemods.prune import plan_prune

COMPAT = "pkg/util/compat.py"
COMPAT_TEXT = (
    "import sys\n\n__all__ = ['py310', 'other']\n\npy310 = sys.version_info >= (3, 10)\nother = 1\n"
)
COMPAT_AFTER = "__all__ = ['other']\n\nother = 1\n"
INIT = "pkg/__init__.py"
#: Interpreter releases of the window (floor 3.10) the behaviour comparisons run on.
RELEASES = ((3, 10, 0), (3, 11, 4), (3, 12, 1), (3, 13, 0))


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def prune(files: Mapping[str, str], **overrides: object) -> PrunePlan:
    table = {"shim": [], **{k.replace("_", "-"): v for k, v in overrides.items()}}
    config = dataclasses.replace(make_config(table), python_floor=Version("3.10"))
    return plan_prune(config, dict(files))


def after(files: Mapping[str, str], **overrides: object) -> dict[str, str]:
    plan = prune(files, **overrides)
    return {path: plan.new_text(path, text) for path, text in files.items()}


USES = [
    pytest.param(
        {"pkg/a.py": "from pkg.util.compat import py310\n\nA = 1 if py310 else 2\n"},
        {"pkg/a.py": "A = 1\n"},
        id="from-import-ternary",
    ),
    pytest.param(
        {
            "pkg/a.py": (
                "from pkg.util import compat\n\nif compat.py310:\n    A = 1\nelse:\n    A = 2\n"
            )
        },
        {"pkg/a.py": "A = 1\n"},
        id="module-attribute-if",
    ),
    pytest.param(
        {"pkg/a.py": "import pkg.util.compat as c\n\nif not c.py310:\n    A = 2\nA = 1\n"},
        {"pkg/a.py": "A = 1\n"},
        id="import-as-not",
    ),
    pytest.param(
        {
            INIT: "from .util.compat import py310 as py310\n",
            "pkg/a.py": (
                "from pkg import py310\n"
                "\n"
                "\n"
                "def f(x):\n"
                "    if py310 and x:\n"
                "        return 1\n"
                "    return 2\n"
            ),
        },
        {INIT: "\n", "pkg/a.py": "def f(x):\n    if x:\n        return 1\n    return 2\n"},
        id="re-export-and",
    ),
    pytest.param(
        {
            "pkg/util/__init__.py": "from .compat import py310\n",
            "pkg/a.py": "import pkg.util\n\nassert pkg.util.py310\nA = 1\n",
        },
        {"pkg/util/__init__.py": "\n", "pkg/a.py": "A = 1\n"},
        id="attribute-chain-assert",
    ),
    pytest.param(
        {"pkg/a.py": "from pkg.util.compat import py310 as P\n\nA = 1 if P or X else 2\n"},
        {"pkg/a.py": "A = 1\n"},
        id="renamed-or",
    ),
    pytest.param(
        {
            "pkg/a.py": (
                "from pkg.util.compat import py310\n"
                "\n"
                "if y:\n"
                "    A = 0\n"
                "elif py310:\n"
                "    A = 1\n"
                "else:\n"
                "    A = 2\n"
            )
        },
        {"pkg/a.py": "if y:\n    A = 0\nelse:\n    A = 1\n"},
        id="elif",
    ),
]


@pytest.mark.parametrize(("users", "expected"), USES)
def test_each_use_form_folds_and_the_definition_goes(users, expected) -> None:
    files = {COMPAT: COMPAT_TEXT, **users}
    result = after(files)
    assert result[COMPAT] == COMPAT_AFTER
    for path, text in expected.items():
        assert result[path] == text, path


def test_a_flag_of_flags_and_a_use_in_its_own_module_fold() -> None:
    compat = (
        "import sys\n\npy310 = sys.version_info >= (3, 10)\nPY39 = not py310\n\n"
        "if PY39:\n    X = 1\nelse:\n    X = 2\n"
    )
    user = "from pkg.util.compat import PY39\n\nA = 0 if PY39 else 1\n"
    result = after({COMPAT: compat, "pkg/a.py": user})
    assert result["pkg/a.py"] == "A = 1\n"
    # PY39 went; py310 is still read by PY39's definition until it goes: both go
    assert result[COMPAT] == "X = 2\n"


REFUSALS = [
    pytest.param(
        "import pkg.util.compat as c\n\nc.py310 = False\n", "`c.py310` is assigned", id="store"
    ),
    pytest.param(
        (
            "from pkg.util import compat\n"
            "\n"
            "def t(monkeypatch):\n"
            "    monkeypatch.setattr(compat, 'py310', False)\n"
        ),
        "`pkg.util.compat` is used as a value",
        id="monkeypatch",
    ),
    pytest.param(
        "from pkg.util import compat\n\nV = getattr(compat, 'py310')\n",
        "`pkg.util.compat` is used as a value",
        id="getattr",
    ),
    pytest.param(
        "from pkg.util.compat import py310\n\ndef f():\n    global py310\n    py310 = False\n",
        "`global py310`",
        id="global",
    ),
    pytest.param(
        "from pkg.util.compat import py310\n\npy310 = py310 and X\n",
        "rebound at module level",
        id="rebound",
    ),
]


@pytest.mark.parametrize(("refusing", "says"), REFUSALS)
def test_a_flag_that_may_change_is_folded_nowhere(refusing: str, says: str) -> None:
    user = "from pkg.util.compat import py310\n\nA = 1 if py310 else 2\n"
    files = {COMPAT: COMPAT_TEXT, "pkg/a.py": user, "pkg/b.py": refusing}
    plan = prune(files)
    assert plan.edits == {}
    reasons = [item.reason for item in plan.follow_ups if item.path == COMPAT]
    assert any("flag `pkg.util.compat.py310` not folded" in r and says in r for r in reasons), (
        reasons
    )


def test_a_value_use_keeps_the_definition_and_its_imports() -> None:
    user = "from pkg.util.compat import py310\n\nA = 1 if py310 else 2\nB = [py310]\n"
    files = {COMPAT: COMPAT_TEXT, "pkg/a.py": user}
    plan = prune(files)
    assert (
        plan.new_text("pkg/a.py", user)
        == "from pkg.util.compat import py310\n\nA = 1\nB = [py310]\n"
    )
    assert plan.new_text(COMPAT, COMPAT_TEXT) == COMPAT_TEXT
    kept = [f.reason for f in plan.follow_ups if f.path == COMPAT]
    assert kept == ["flag `pkg.util.compat.py310` kept: still read at pkg/a.py:4"]


def test_a_star_import_resolved_by_the_name_model_keeps_the_definition_it_reads() -> None:
    star = "from pkg.util.compat import *\n\nA = 1 if py310 else 2\n"
    user = "from pkg.util.compat import py310\n\nA = 1 if py310 else 2\n"
    files = {COMPAT: COMPAT_TEXT, "pkg/a.py": user, "pkg/b.py": star}
    plan = prune(files)
    assert plan.new_text("pkg/a.py", user) == "A = 1\n"
    assert plan.new_text("pkg/b.py", star) == star
    kept = [f.reason for f in plan.follow_ups if f.path == COMPAT]
    assert kept == ["flag `pkg.util.compat.py310` kept: still read at pkg/b.py:3"]


def test_a_plain_alias_of_a_flag_is_a_flag_and_goes_when_unread() -> None:
    user = "from pkg.util.compat import py310\n\nB = py310\n"
    result = after({COMPAT: COMPAT_TEXT, "pkg/a.py": user})
    assert result == {COMPAT: COMPAT_AFTER, "pkg/a.py": "\n"}


def test_a_use_outside_src_keeps_the_definition() -> None:
    files = {
        "src/" + COMPAT: COMPAT_TEXT,
        "src/pkg/a.py": "from pkg.util.compat import py310\n\nA = 1 if py310 else 2\n",
        "tests/test_a.py": "from pkg.util.compat import py310\n\nA = 1 if py310 else 2\n",
    }
    result = after(files, src=["src"])
    assert result["src/pkg/a.py"] == "A = 1\n"
    assert result["tests/test_a.py"] == files["tests/test_a.py"]
    assert result["src/" + COMPAT] == COMPAT_TEXT


def test_a_kept_flag_is_assigned_its_constant_and_stays_exported() -> None:
    init = "from .util.compat import py310 as py310\n"
    user = "from pkg import py310\n\nA = 1 if py310 else 2\n"
    files = {COMPAT: COMPAT_TEXT, INIT: init, "pkg/a.py": user}
    result = after(files, keep=["pkg.util.compat.py310"])
    assert result[COMPAT] == (
        "__all__ = ['py310', 'other']\n\n"
        "py310 = True  # kept for compatibility: always True (python floor is 3.10)\nother = 1\n"
    )
    assert result[INIT] == init
    assert result["pkg/a.py"] == "A = 1\n"


def test_a_keep_entry_that_names_no_flag_is_a_warning() -> None:
    plan = prune({COMPAT: COMPAT_TEXT}, keep=["pkg.util.compat.py311"])
    warnings = [f.reason for f in plan.follow_ups if f.path == "pyproject.toml"]
    assert warnings == [
        "warning: keep entry 'pkg.util.compat.py311' names no flag decided at the floors"
    ]


def test_check_reports_a_use_in_another_module_as_a_dead_gate() -> None:
    files = {
        COMPAT: COMPAT_TEXT,
        "pkg/a.py": "from pkg.util import compat\n\nA = 1 if compat.py310 else 2\n",
    }
    found = diagnostics(files, {"shim": [], "floor": {"python": "3.10"}})
    assert [(d.path, d.code, d.line) for d in found if d.code in ("CL112", "CL114")] == [
        ("pkg/a.py", "CL112", 3),
        (COMPAT, "CL114", 5),
    ]


# -- the acceptance: 20 modules, every form, imported and run before and after -------------

FORMS = (
    "from pkg.util.compat import py310\n\nout = [1 if py310 else 2]\n",
    (
        "from pkg.util import compat\n"
        "\n"
        "out = []\n"
        "if compat.py310:\n"
        "    out.append('new')\n"
        "else:\n"
        "    out.append('old')\n"
    ),
    "import pkg.util.compat as c\n\nout = [3 if not c.py310 else 4]\n",
    (
        "from pkg import py310\n"
        "\n"
        "out = []\n"
        "\n"
        "\n"
        "def f(x):\n"
        "    if py310 and x:\n"
        "        return 1\n"
        "    return 2\n"
        "\n"
        "\n"
        "out.append(f(1))\n"
    ),
    "import pkg.util\n\nassert pkg.util.py310\nout = [5]\n",
)


def _project(count: int) -> dict[str, str]:
    files = {
        "pkg/__init__.py": "from .util.compat import py310 as py310\n",
        "pkg/util/__init__.py": "from .compat import py310\n",
        COMPAT: COMPAT_TEXT,
    }
    for number in range(count):
        files[f"pkg/m{number}.py"] = FORMS[number % len(FORMS)]
    return files


_RUNNER = """
import importlib, json, sys
sys.path.insert(0, {tests!r})
from oracle.interpreter import FakeVersionInfo
results = {{}}
for release in {releases!r}:
    sys.version_info = FakeVersionInfo((*release, "final", 0))
    for name in [m for m in list(sys.modules) if m == "pkg" or m.startswith("pkg.")]:
        del sys.modules[name]
    results[str(release)] = {{n: importlib.import_module(n).out for n in {modules!r}}}
print(json.dumps(results))
"""


def _run_all(root: Path, modules: list[str]) -> dict[str, object]:
    """Import every module under each release of the window, in a fresh process."""
    code = _RUNNER.format(tests=str(Path(__file__).parents[1]), releases=RELEASES, modules=modules)
    env = {**os.environ, "PYTHONPATH": str(root / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    ran = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(ran.stdout)


def _write(root: Path, files: Mapping[str, str]) -> None:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)


@pytest.mark.parametrize("floor", [["--floor", "python=3.10"], ["--floor", "0.5.10"]])
def test_a_flag_used_in_twenty_modules_is_folded_and_removed(tmp_path: Path, floor) -> None:
    files = {f"src/{path}": text for path, text in _project(20).items()}
    pyproject = (
        '[project]\nname = "pkg"\nrequires-python = ">=3.10"\n\n'
        '[tool.compatlint]\nupstream = "sglang"\nshim = []\nsrc = ["src"]\n'
    )
    _write(tmp_path, {"pyproject.toml": pyproject, **files})
    modules = [f"pkg.m{n}" for n in range(20)]
    before = _run_all(tmp_path, modules)
    ran = (
        CliRunner().invoke(
            main,
            ["prune", *floor, "--allow-dirty"],
            catch_exceptions=False,
            env={"PWD": str(tmp_path)},
        )
        if False
        else None
    )
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        ran = CliRunner().invoke(main, ["prune", *floor, "--allow-dirty"], catch_exceptions=False)
    finally:
        os.chdir(cwd)
    assert ran.exit_code == 0, ran.output
    compat = (tmp_path / "src" / COMPAT).read_text()
    assert "py310" not in compat and "import sys" not in compat
    for path in files:
        assert "py310" not in (tmp_path / path).read_text(), path
    assert _run_all(tmp_path, modules) == before
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "F401,F821,F811", "src"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout


# -- the property ------------------------------------------------------------------------

USER_FORMS = (
    *FORMS,
    "from pkg.util.compat import py310\n\nout = [py310]\n",  # a value use: the flag stays
    "out = ['untouched']\n",
)


@st.composite
def projects(draw) -> dict[str, str]:
    forms = draw(st.lists(st.sampled_from(USER_FORMS), min_size=1, max_size=6))
    files = {
        "pkg/__init__.py": "from .util.compat import py310 as py310\n",
        "pkg/util/__init__.py": "from .compat import py310\n",
        COMPAT: COMPAT_TEXT,
    }
    for number, form in enumerate(forms):
        files[f"pkg/m{number}.py"] = form
    return files


@settings(max_examples=examples(15), deadline=None)
@given(projects())
def test_pruned_projects_parse_are_idempotent_and_leave_other_files_alone(files) -> None:
    result = after(files)
    for path, text in result.items():
        compile(text, path, "exec")
        if "py310" not in files[path] and "compat" not in files[path]:
            assert text == files[path], path
    value_use = any(text == USER_FORMS[-2] for text in files.values())
    assert ("py310 =" in result[COMPAT]) is value_use
    assert after(result) == result


FLAGS_MODULE = (
    "import sglang\nfrom packaging.version import Version\n\n"
    "SGL_NEW = Version(sglang.__version__) >= Version('0.5.10')\n"
)


@pytest.mark.parametrize(
    "user",
    [
        "import importlib\n\nflags = importlib.import_module('app.flags')\nprint(flags.SGL_NEW)\n",
        "from app import flags\n\n\ndef f(m=flags):\n    return m.SGL_NEW\n",
        "from app import flags as fl\n\nprint(getattr(fl, 'SGL_' + 'NEW'))\n",
        "import sys\n\nimport app.flags\n\nprint(sys.modules['app.flags'].SGL_NEW)\n",
    ],
)
def test_a_flag_whose_module_is_read_as_a_value_stays(user: str) -> None:
    """The module holding the flag, used as a value or named by a string, may read (or
    set) the flag by a name its text never spells: the flag is not folded, and listed."""
    files = {
        "pkg/_compat.py": "from sglang.srt.a import A\n",
        "pkg/__init__.py": "",
        "app/__init__.py": "",
        "app/flags.py": FLAGS_MODULE,
        "app/main.py": user,
    }
    plan = plan_prune(make_config(), files, make_config().floors)
    assert "app/flags.py" not in plan.edits
    assert any("flag `app.flags.SGL_NEW` not folded" in f.reason for f in plan.follow_ups)
