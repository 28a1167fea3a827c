"""prune's gate folds on a project where most modules that hold a gate needle hold no
gate decided at the floors: what it folds, lists and rewrites is pinned here, module by
module (flags across modules, gates in nested scopes, marks, predicates, a name spelled
in other characters that normalise to it), so that reading less of each module changes
nothing."""

from __future__ import annotations

import dataclasses

from helpers import make_config
from packaging.version import Version

from compatlint.codemods.plan import PrunePlan
from compatlint.codemods.prune import plan_prune

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
