"""CL112 dead-version-gate: a version test decided over the supported window."""

from __future__ import annotations

from collections.abc import Iterator

from compatlint.analysis.gate_verdicts import project_verdicts
from compatlint.analysis.project import ProjectFacts
from compatlint.model import Diagnostic
from compatlint.rules.base import Case, Rule
from compatlint.rules.gate_cases import NP, NP_VERSION, NUMPY_FLOORS, UTIL, always, located

_WHERE = {
    "if": "condition",
    "while": "`while` condition",
    "assert": "assertion",
    "ternary": "conditional expression",
    "filter": "comprehension filter",
    "decorator": "decorator condition",
    "operand": "operand",
}


#: The verdicts prune lists for a person rather than folds: a `while` test, a mark that
#: always applies, a filter or an assertion that is always false.
_LISTED = {("while", True), ("while", False), ("decorator", True), ("filter", False)}
_LISTED |= {("assert", False)}


def _foldable(kind: str, value: bool | None) -> bool:
    return (kind, value) not in _LISTED


class DeadVersionGate(Rule):
    code = "CL112"
    name = "dead-version-gate"
    summary = "A version test is decided over the supported window: one of its arms is dead."
    what = """
Flags a version test that gives the same answer on every supported version: the
condition of an `if`/`elif`, `while` or `assert`, a conditional expression, a
comprehension filter, a `skipif`/`xfail` condition, or one operand of `and`/`or`/`not`
in any of them. A version test compares `sys.version_info` (tuples, slices,
`.major`/`.minor`), `platform.python_version()`, an upstream's `__version__` (through
`Version`, `parse_version`, `LooseVersion`, `NumpyVersion`, `importlib.metadata.version`),
a module constant holding one of these (of this module or imported from another), or
calls a configured `[tool.compatlint.predicates]` function. The window of each upstream
is its floor and up (`floor` in the config or `--floor`; for `python`, the lower bound of
`requires-python`); a test of an upstream without a floor is never decided. Every file
under `src` is checked, not only the shims: a gate goes dead anywhere when a floor moves.
"""
    why = """
A decided test is dead code and a trap: one arm never runs on a supported version, so it
is never tested, and readers keep maintaining a branch for versions the project dropped.
"""
    example = """
import sys

# requires-python = ">=3.10"
if sys.version_info >= (3, 10):
    from itertools import pairwise
else:
    from more_itertools import pairwise
"""
    use_instead = """
from itertools import pairwise
"""
    fix = """
Fixed by `compatlint prune` and by `check --fix`, through the same folds: the decided
test folds at the floors (the live arm stays, dedented; comments outside the removed arm
stay), a `skipif`/`xfail` mark whose condition is always false goes, a filter always true
goes, a keyword or default becomes `True`/`False`. A test whose removed code still matters
(a call before the gate, a name bound only there, a mark that always applies, a filter
always false) is listed for a person instead.
"""
    fixable = True
    VALID = (
        Case(
            NP + "if Version(np.__version__) >= Version('2.0'):\n    pass\n",
            path=UTIL,
            config=NUMPY_FLOORS,
        ),
        Case(
            "import sys\n\nif sys.version_info >= (3, 13):\n    pass\n",
            path=UTIL,
        ),
        Case(
            NP + "def f(np):\n    return 1 if Version(np.__version__) < Version('1.2') else 2\n",
            path=UTIL,
            config=NUMPY_FLOORS,
        ),
        Case(NP_VERSION + "OLD = NP_VERSION < Version('1.22')\n", path=UTIL, config=NUMPY_FLOORS),
    )
    INVALID = (
        Case(
            NP + "if Version(np.__version__) < Version('1.22'):\n    pass\n",
            path=UTIL,
            config=NUMPY_FLOORS,
            lines=(4,),
        ),
        Case(
            NP_VERSION,
            path=UTIL,
            files={
                "pkg/user.py": "from pkg.util import NP_VERSION\n"
                "from packaging.version import Version\n\n"
                "def f(x):\n"
                "    if x and NP_VERSION >= Version('1.20'):\n"
                "        return [i for i in x if NP_VERSION < Version('1.0')]\n"
            },
            config=NUMPY_FLOORS,
            lines=(5, 6),
        ),
        Case(
            NP + "import pytest\n\n"
            "@pytest.mark.skipif(Version(np.__version__) < Version('1.24'), reason='old')\n"
            "def test_it():\n    assert not np.__version__.startswith('0.')\n",
            path=UTIL,
            config=NUMPY_FLOORS,
            lines=(6,),
        ),
    )

    def check(self, project: ProjectFacts) -> Iterator[Diagnostic]:
        for verdict in project_verdicts(project).dead:
            where = _WHERE.get(verdict.site.kind, "condition")
            yield self.report(
                verdict.path,
                located(verdict),
                f"dead version gate ({where}): {always(verdict)}",
                fixable=_foldable(verdict.site.kind, verdict.value),
            )
