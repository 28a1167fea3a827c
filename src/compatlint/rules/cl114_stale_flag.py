"""CL114 stale-flag: a module-level flag bound from a version test that is now constant."""

from __future__ import annotations

from collections.abc import Iterator

from compatlint.analysis.gate_verdicts import project_verdicts
from compatlint.analysis.project import ProjectFacts
from compatlint.model import Diagnostic
from compatlint.rules.base import Case, Rule
from compatlint.rules.gate_cases import NP, NP_VERSION, NUMPY_FLOORS, UTIL, located


class StaleFlag(Rule):
    code = "CL114"
    name = "stale-flag"
    summary = "A module-level version flag has the same value on every supported version."
    what = """
Flags a *flag*: a module-level name bound once, unconditionally, from a version test
(`py310 = sys.version_info >= (3, 10)`, `NUMPY_LT_1_24 = not minversion(np, "1.24")`,
`not`/`and`/`or` of such tests), whose value is decided over the supported window of
every upstream it reads. The message gives the value and the reason. Its uses — in this
module or any other, through `from m import FLAG`, `m.FLAG` or re-exports — are what
`compatlint prune` folds with it.
"""
    why = """
A constant flag keeps every branch on it alive in the reader's mind and in coverage
reports, though one side never runs on a supported version. Flags are the most common
compat idiom in the ecosystem and the most often forgotten when a floor moves, because
the test that made them constant is in another module.
"""
    example = """
import sys

# requires-python = ">=3.10"
PY310 = sys.version_info >= (3, 10)
"""
    use_instead = """
# (the flag is gone; `if PY310:` became its body, `if not PY310:` went)
"""
    fix = """
`compatlint prune` folds the flag's uses and removes it (a flag listed under `keep` stays,
bound to its constant value). `check --fix` does not, so findings are not marked fixable.
"""
    fixable = False  # until flags fold across modules: `check --fix` cannot fix it yet
    VALID = (
        Case(
            NP_VERSION + "NUMPY_GE_2 = NP_VERSION >= Version('2.0')\n",
            path=UTIL,
            config=NUMPY_FLOORS,
        ),
        Case(
            NP + "def f():\n    old = Version(np.__version__) < Version('1.22')\n    return old\n",
            path=UTIL,
            config=NUMPY_FLOORS,
        ),
        Case(
            NP + "OLD = Version(np.__version__) < Version('1.22')\nOLD = False\n",
            path=UTIL,
            config=NUMPY_FLOORS,
        ),
    )
    INVALID = (
        Case(
            NP_VERSION + "NUMPY_LT_1_22 = NP_VERSION < Version('1.22')\n",
            path=UTIL,
            config=NUMPY_FLOORS,
            lines=(5,),
        ),
        Case(
            NP + "HAS_NEW = not (Version(np.__version__) < Version('1.20'))\n",
            path=UTIL,
            config=NUMPY_FLOORS,
            lines=(4,),
        ),
    )

    def check(self, project: ProjectFacts) -> Iterator[Diagnostic]:
        for verdict in project_verdicts(project).stale_flags:
            value = "True" if verdict.value else "False"
            yield self.report(
                verdict.path,
                located(verdict),
                f"stale flag: `{verdict.site.name}` is always {value} at the floors: "
                f"{verdict.reason}",
                fixable=False,
            )
