"""CL113 undecidable-gate: a version test that a bound inside the floor's series keeps open."""

from __future__ import annotations

from collections.abc import Iterator

from compatlint.analysis.gate_verdicts import project_verdicts
from compatlint.analysis.project import ProjectFacts
from compatlint.model import Diagnostic
from compatlint.rules.base import Case, Rule
from compatlint.rules.gate_cases import NP, NP_VERSION, NUMPY_FLOORS, UTIL, located


class UndecidableGate(Rule):
    code = "CL113"
    name = "undecidable-gate"
    summary = "A version test depends on a patch level the floor does not fix."
    what = """
Flags a version test that is not decided over the window because one of its bounds is
finer than the floor: above the floor, equal to it on every component the floor states
(trailing zeros aside), with a further non-zero component — `(3, 10, 1)` at python floor
3.10, `1.24.3` at numpy floor 1.24 — and not above the window's top.
`(3, 10) <= sys.version_info < (3, 10, 1)` at floor 3.10 is such a test: 3.10.0 still
takes the branch, so no floor that names a minor version ever removes it.

A test is only reported for this reason. One whose bound a floor of the same precision
can reach (`sys.version_info >= (3, 13)` or `== (3, 11)` at floor 3.10, `0.5.11` at
floor 0.5.10) is undecided because it serves newer versions — legitimate code, not
reported; one that reads an upstream without a floor is not reported either.
"""
    why = """
`compatlint prune` never folds an undecided gate, and this one will outlive every floor
bump by a minor version: it keeps a branch for a patch release (often a bug workaround)
that the project can stop supporting only by saying so. Either raise the floor to the
patch level (`requires-python = ">=3.10.1"`, `floor = { numpy = "1.24.3" }`) or keep
the gate on purpose and suppress the finding.
"""
    example = """
import sys

# requires-python = ">=3.10"
if (3, 10) <= sys.version_info < (3, 10, 1):
    _work_around_bpo_12345()
"""
    use_instead = """
# requires-python = ">=3.10.1": the workaround is gone with 3.10.0
"""
    VALID = (
        Case(
            NP + "if Version(np.__version__) >= Version('1.25'):\n    pass\n",
            path=UTIL,
            config=NUMPY_FLOORS,
        ),
        Case(
            NP + "if Version(np.__version__) == Version('1.24'):\n    pass\n",
            path=UTIL,
            config=NUMPY_FLOORS,
        ),
        Case(
            NP + "if Version(np.__version__) < Version('1.24.3'):\n    pass\n",
            path=UTIL,
            config={**NUMPY_FLOORS, "floor": {"sglang": "0.5.10", "numpy": "1.24.3"}},
        ),
        Case(
            NP + "if Version(np.__version__) < Version('1.23.5'):\n    pass\n",
            path=UTIL,
            config=NUMPY_FLOORS,
        ),
        Case(
            NP + "if Version(np.__version__) < Version('1.24.5'):\n    pass\n",
            path=UTIL,
            config={**NUMPY_FLOORS, "floor": {"sglang": "0.5.10", "numpy": "1.24.2"}},
        ),
    )
    INVALID = (
        Case(
            NP + "if Version(np.__version__) < Version('1.24.3'):\n    pass\n",
            path=UTIL,
            config=NUMPY_FLOORS,
            lines=(4,),
        ),
        Case(
            NP_VERSION + "\nBROKEN = Version('1.24') <= NP_VERSION < Version('1.24.2')\n"
            "x = 1 if NP_VERSION != Version('1.24.1') and BROKEN else 2\n",
            path=UTIL,
            config=NUMPY_FLOORS,
            lines=(6, 7),
        ),
    )

    def check(self, project: ProjectFacts) -> Iterator[Diagnostic]:
        for verdict in project_verdicts(project).undecidable:
            yield self.report(verdict.path, located(verdict), f"undecidable gate: {verdict.reason}")
