"""prune's gate folds on a project where most modules that hold a gate needle hold no
gate decided at the floors: what it folds, lists and rewrites is pinned here, module by
module (flags across modules, gates in nested scopes, marks, predicates, a name spelled
in other characters that normalise to it), so that reading less of each module changes
nothing."""

from __future__ import annotations

import ast
import dataclasses
from collections import Counter

import pytest
from helpers import examples, make_config
from hypothesis import example, given, settings
from hypothesis import strategies as st
from packaging.version import Version

from compatlint.analysis.gate_windows import Window
from compatlint.analysis.version_gates import GateEnv, GateResult
from compatlint.analysis.version_subjects import module_context
from compatlint.codemods import gate_folds
from compatlint.codemods.gate_folds import ModuleReadings
from compatlint.codemods.gate_scan import scan_gates
from compatlint.codemods.plan import PrunePlan
from compatlint.codemods.prune import plan_prune
from compatlint.predicates import Predicate

PREDICATES = {"pkg.utils.at_least": {"upstream": "sglang", "op": ">=", "version-arg": 0}}
MOCKS = {"file": "tests/stub_modules.py", "name": "STUB_MODULES", "collect": ["tests"]}

COMPAT = "import sys\n\npy310 = sys.version_info >= (3, 10)\nlater = sys.version_info >= (3, 14)\n"
READS = """\
from pkg.util.compat import later, py310


class C:
    def f(self):
        return 1 if py310 else 2

    def g(self):
        if later:
            return 3
        return 4
"""
QUIET = '''\
"""Works on every Python version; see the version notes."""

import sys
from pkg.utils import at_least


def limit(n):
    sys.setrecursionlimit(n)
    return [x for x in range(n) if x % 2]


class Version:
    version = "1.0"

    def bump(self, step=1, *, strict=False):
        return sorted([3, 1], key=lambda v: -v, reverse=strict)
'''
MIXED = """\
# café
import sys as _sys
import numpy as np
from pkg.utils import at_least


def big(items):
    out = []
    for item in items:
        out.append(item)
    if _sys.version_info >= (3, 8):
        out.append("new")
    if _sys.version_info >= (3, 12):
        out.append("newer")
    if np.__version__ >= "1.2":
        out.append("np")
    if at_least("0.5.0"):
        out.append("pred")
    kept = sorted(out, reverse=_sys.version_info < (3, 9))
    return kept if _sys.version_info > (3, 9) else out
"""
#: ``ｓｙｓ`` is ``sys`` to the parser (identifiers are NFKC-normalised).
WIDE = "import sys\n\nif \uff53\uff59\uff53.version_info >= (3, 9):\n    A = 1\nelse:\n    A = 2\n"
MARKS = """\
import sys

import pytest

pytestmark = [pytest.mark.skipif(sys.version_info < (3, 9), reason="old")]


@pytest.mark.xfail(sys.version_info < (3, 8), reason="old")
def test_a():
    assert sys.version_info >= (3, 7)


def test_b():
    assert sys.version_info >= (3, 12) or True
"""
FILES = {
    "pkg/__init__.py": "",
    "pkg/util/__init__.py": "",
    "pkg/util/compat.py": COMPAT,
    "pkg/utils.py": "def at_least(version):\n    return True\n",
    "pkg/reads.py": READS,
    "pkg/quiet.py": QUIET,
    "pkg/mixed.py": MIXED,
    "pkg/wide.py": WIDE,
    "tests/test_marks.py": MARKS,
}

ALWAYS = "is always {}: python floor is 3.10"
REMOVED = [
    (
        "pkg/mixed.py",
        11,
        "_sys.version_info >= (3, 8)",
        "if folded: its body stays, the other arms go",
    ),
    ("pkg/mixed.py", 17, "at_least('0.5.0')", "if folded: its body stays, the other arms go"),
    ("pkg/mixed.py", 19, "_sys.version_info < (3, 9)", "keyword value folded to False"),
    ("pkg/mixed.py", 20, "_sys.version_info > (3, 9)", "ternary folded to its first value"),
    ("pkg/reads.py", 6, "py310", "ternary folded to its first value"),
    ("pkg/util/compat.py", 3, "py310", "flag removed: every read of it folded"),
    (
        "pkg/wide.py",
        3,
        "sys.version_info >= (3, 9)",
        "if folded: its body stays, the other arms go",
    ),
    (
        "tests/test_marks.py",
        5,
        "pytest.mark.skipif(sys.version_info < (3, 9), reason='old')",
        "pytestmark entry removed: its condition is always false",
    ),
    (
        "tests/test_marks.py",
        8,
        "pytest.mark.xfail(sys.version_info < (3, 8), reason='old')",
        "conditional mark removed: its condition is always false",
    ),
    ("tests/test_marks.py", 10, "sys.version_info >= (3, 7)", "assert removed: always true"),
]
UNDECIDED = (
    "undecided version gate: `{}` is not decided: python floor is 3.10, "
    "and it differs within the window"
)
FOLLOW_UPS = [
    ("pkg/mixed.py", 13, UNDECIDED.format("_sys.version_info >= (3, 12)")),
    ("tests/test_marks.py", 14, UNDECIDED.format("sys.version_info >= (3, 12)")),
]
NEW_TEXTS = {
    "pkg/util/compat.py": "import sys\n\nlater = sys.version_info >= (3, 14)\n",
    "pkg/reads.py": READS.replace("later, py310", "later").replace("1 if py310 else 2", "1"),
    "pkg/mixed.py": """\
# café
import sys as _sys
import numpy as np


def big(items):
    out = []
    for item in items:
        out.append(item)
    out.append("new")
    if _sys.version_info >= (3, 12):
        out.append("newer")
    if np.__version__ >= "1.2":
        out.append("np")
    out.append("pred")
    kept = sorted(out, reverse=False)
    return kept
""",
    "pkg/wide.py": "import sys\n\nA = 1\n",
    "tests/test_marks.py": (
        "import sys\n\n\ndef test_a():\n    pass\n\n\n"
        "def test_b():\n    assert sys.version_info >= (3, 12) or True\n"
    ),
}


def _plan(files: dict[str, str]) -> PrunePlan:
    table = {"shim": [], "predicates": PREDICATES, "mocks": MOCKS}
    config = dataclasses.replace(make_config(table), python_floor=Version("3.10"))
    return plan_prune(config, dict(files))


def test_the_folds_listings_and_texts_are_pinned() -> None:
    plan = _plan(FILES)
    assert [(r.path, r.line, *r.names, r.action) for r in plan.removed] == REMOVED
    assert [(f.path, f.line, f.reason) for f in plan.follow_ups] == FOLLOW_UPS
    changed = {p: plan.new_text(p, t) for p, t in FILES.items() if plan.new_text(p, t) != t}
    assert changed == NEW_TEXTS


def test_the_reasons_name_the_floor() -> None:
    plan = _plan(FILES)
    tags = {(r.path, r.line): r.tag for r in plan.removed}
    assert tags["pkg/wide.py", 3] == f"`sys.version_info >= (3, 9)` {ALWAYS.format('true')}"
    assert tags["pkg/reads.py", 6].startswith("through flag `py310`: ")
    assert tags["pkg/mixed.py", 17] == "`at_least('0.5.0')` is always true: sglang floor is 0.5.10"


def test_modules_without_a_decided_gate_are_left_as_they_are() -> None:
    plan = _plan(FILES)
    for path in ("pkg/quiet.py", "pkg/utils.py", "pkg/__init__.py"):
        assert plan.new_text(path, FILES[path]) == FILES[path]
        assert not [site for site in plan.removed if site.path == path]


# -- the statements the scan skips ------------------------------------------------------

AT_LEAST = Predicate("pkg.utils.at_least", upstream="sglang", op=">=")
OWN_PREDICATE = Predicate("pkg.mod.own_check", upstream="sglang", op=">=")
SCAN_ENV = GateEnv(
    {
        "python": Window("python", Version("3.10")),
        "numpy": Window("numpy", Version("1.24")),
        "sglang": Window("sglang", Version("0.5.10")),
    },
    {AT_LEAST.name: AT_LEAST, OWN_PREDICATE.name: OWN_PREDICATE},
)
DECIDED = GateResult(True, ("python",), "always", True)
FLAGS = {"pkg.mod.flag": DECIDED, "pkg.util.compat.py310": DECIDED}
#: Bindings a gate may read through, and some that look like one and are not.
PRELUDES = [
    "import sys",
    "import sys as _s",
    "from sys import version_info as vi",
    "import numpy as np",
    "from numpy import __version__ as nv",
    "import numpy.linalg",
    "import pytest",
    "from pytest import mark",
    "from pkg.utils import at_least",
    "from pkg.util import compat",
    "from pkg.util.compat import py310",
    "import platform",
    "import importlib.metadata",
    "from packaging.version import Version",
    "V = sys.version_info[:2]",
    "NV = Version(np.__version__)",
    "own = sys.version_info >= (3, 8)",
    "flag = len([]) == 0",
    "def own_check(version):\n    return True",
    "def helper():\n    return 1",
    "import os",
    "version = '1.0'",
]
#: Conditions: gates decided or not, with a floor or without, and lookalikes.
TESTS = [
    "sys.version_info >= (3, 8)",
    "sys.version_info >= (3, 12)",
    "_s.version_info < (3, 9)",
    "vi[:2] >= (3, 9)",
    "np.__version__ >= '1.2'",
    "numpy.linalg.__version__ < '1.0'",
    "nv < '1.0'",
    "NV >= Version('1.0')",
    "V >= (3, 9)",
    "own",
    "not own",
    "py310",
    "compat.py310",
    "flag",
    "at_least('0.5.0')",
    "at_least('0.6')",
    "own_check('0.5.1')",
    "platform.python_version() >= '3.9'",
    "importlib.metadata.version('sglang') >= '0.5'",
    "helper.__version__ > '1'",
    "\uff53\uff59\uff53.version_info >= (3, 9)",  # `sys` to the parser (NFKC)
    "os.sep == '/'",
    "version > '0.9'",
    "x > 1",
    "helper()",
]
#: Where a condition stands: every root the scan reads, and places it never folds.
SHAPES = [
    "if {t}:\n    y = 1\nelif {t}:\n    y = 2\nelse:\n    y = 3\n",
    "y = 1 if {t} else 2\n",
    "assert {t}, 'old'\n",
    "ys = [z for z in range(3) if {t}]\n",
    "ys = sorted([], reverse={t})\n",
    "def f(a={t}, *, b={t}):\n    return a\n",
    "@pytest.mark.skipif({t}, reason='old')\ndef test_it():\n    pass\n",
    "@mark.xfail(condition={t}, reason='old')\nclass TestIt:\n    pass\n",
    "pytestmark = [pytest.mark.skipif({t}, reason='r')]\n",
    "class K:\n    def m(self):\n        if {t}:\n            return 1\n        return 2\n",
    "g = lambda: 1 if {t} else 2\n",
    "while {t}:\n    break\n",
    "# caf\u00e9\ny = {t}\n",
    "if \\\n        {t}:\n    y = 4\n",
]


@st.composite
def conditions_of(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.sampled_from(TESTS), min_size=1, max_size=3))
    joined = f" {draw(st.sampled_from(['and', 'or']))} ".join(parts)
    if draw(st.booleans()):  # over three lines
        joined = f"(\n    {joined}\n)"
    return joined


@st.composite
def scanned_modules(draw: st.DrawFn) -> str:
    """Most preludes, then statements testing conditions, with any line ending."""
    kept = draw(st.lists(st.integers(0, 3), min_size=len(PRELUDES), max_size=len(PRELUDES)))
    prelude = [line for line, keep in zip(PRELUDES, kept, strict=True) if keep]
    count = draw(st.integers(1, 5))
    body = [
        draw(st.sampled_from(SHAPES)).replace("{t}", draw(conditions_of())) for _ in range(count)
    ]
    text = "\n".join([*prelude, "", *body])
    return text.replace("\n", draw(st.sampled_from(["\n", "\r\n", "\r", "\n\x0c"])))


def _scan(text: str, *, with_flags: bool, whole: bool) -> tuple[object, ...]:
    tree = ast.parse(text)
    context = module_context(tree, "pkg.mod")
    if with_flags:
        context = dataclasses.replace(context, flags=FLAGS)
    scan = scan_gates(tree, text, context, SCAN_ENV, whole=whole)
    roots = [dataclasses.astuple(root) for root in scan.roots]
    return roots, scan.listed, scan.pytestmark_read


#: Each reaches a gate by one road only: a constant reading a version, a flag of the
#: module's own, a predicate of its own, a name spelled in other characters, a decorator
#: above the line of its ``def``, a name imported as ``__version__``.
ROADS = [
    "import sys\nV = sys.version_info[:2]\n\nif V >= (3, 9):\n    y = 1\n",
    "flag = len([]) == 0\n\nif flag:\n    y = 1\n",
    "def own_check(version):\n    return True\n\nif own_check('0.5.1'):\n    y = 1\n",
    "import sys\n\nif \uff53\uff59\uff53.version_info >= (3, 9):\n    y = 1\n",
    "import sys\nimport pytest\n\n@pytest.mark.skipif(\n    sys.version_info < (3, 8),\n)"
    "\ndef test_it():\n    pass\n",
    "from numpy import __version__ as nv\n\nif nv < '1.0':\n    y = 1\n",
]
#: ``pytestmark`` read twice, on lines a lone carriage return ends.
MARKED = (
    "import sys\rimport pytest\r\rpytestmark = [pytest.mark.skipif(sys.version_info < (3, 8))]\r"
)


@settings(max_examples=examples(300), deadline=None)
@given(scanned_modules(), st.booleans())
@example(ROADS[0], False)
@example(ROADS[1], True)
@example(ROADS[2], False)
@example(ROADS[3], False)
@example(ROADS[4], False)
@example(ROADS[5], False)
@example(MARKED + "pytestmark += []\r", False)
@example(MARKED.replace("\r", "\n") + "\n\ndef f():\n    return pytestmark\n", False)
def test_skipping_statements_without_a_gate_word_scans_what_the_whole_walk_scans(
    text: str, with_flags: bool
) -> None:
    try:
        ast.parse(text)
    except SyntaxError:
        return
    skipping = _scan(text, with_flags=with_flags, whole=False)
    assert skipping == _scan(text, with_flags=with_flags, whole=True)


@pytest.mark.parametrize("road", ROADS)
def test_each_road_to_a_gate_is_found(road: str) -> None:
    """The examples above compare scans that find something."""
    roots, _, _ = _scan(road, with_flags=True, whole=False)
    assert roots


# -- each module read once ----------------------------------------------------------------


def test_the_flag_scan_and_the_folds_read_each_module_once(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A module that holds a needle and no gate is parsed once, and its context built
    once, by the flag scan and the folds together (the importer index's tree serves
    both)."""
    parses: Counter[str] = Counter()
    contexts: Counter[str | None] = Counter()
    parse, build = ast.parse, gate_folds.module_context

    def counting_parse(source, *args, **kwargs):  # type: ignore[no-untyped-def]
        parses.update(path for path, text in FILES.items() if source == text)
        return parse(source, *args, **kwargs)

    def counting_build(tree, module=None, **kwargs):  # type: ignore[no-untyped-def]
        contexts[module] += 1
        return build(tree, module, **kwargs)

    monkeypatch.setattr(ast, "parse", counting_parse)
    monkeypatch.setattr(gate_folds, "module_context", counting_build)
    plan = _plan(FILES)
    assert [(r.path, r.line, *r.names, r.action) for r in plan.removed] == REMOVED
    assert parses["pkg/quiet.py"] == 1
    assert set(contexts.values()) == {1}
    assert set(contexts) >= {"pkg.quiet", "pkg.util.compat", "pkg.mixed", "tests.test_marks"}


def test_readings_follow_the_text() -> None:
    """A new text of a path is parsed again, and its contexts built again."""
    readings = ModuleReadings()
    first, second = "import sys\nA = 1\n", "import os\nA = 1\n"
    tree = readings.tree("pkg/a.py", first)
    assert tree is not None and readings.tree("pkg/a.py", first) is tree
    context = readings.context("pkg/a.py", first, tree, "pkg.a", False)
    assert readings.context("pkg/a.py", first, tree, "pkg.a", False) is context
    assert context.imports == {"sys": "sys"}
    again = readings.tree("pkg/a.py", second)
    assert again is not None and again is not tree
    assert readings.context("pkg/a.py", second, again, "pkg.a", False).imports == {"os": "os"}
    assert readings.tree("pkg/b.py", "def (") is None
