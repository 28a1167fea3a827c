"""Property: after prune and inline, every module of a generated project still imports
what it imported before, at every supported upstream version — or the report lists it.

The default run is short (it is part of ``make test``); for a longer exploration set
``COMPATLINT_ORACLE_EXAMPLES`` or select a hypothesis profile with more examples than
hypothesis' default (see docs/testing.md).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings

from oracle.oracle import check_project, example_count
from oracle.projects import Project, projects

QUICK = 12

EXAMPLES = example_count(QUICK)
# A quick run reports the first failing project as generated: shrinking one costs minutes.
PHASES = tuple(Phase) if EXAMPLES > QUICK else tuple(p for p in Phase if p is not Phase.shrink)


@settings(
    max_examples=EXAMPLES,
    phases=PHASES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(projects())
def test_prune_and_inline_never_silently_break_an_importer(project: Project) -> None:
    with tempfile.TemporaryDirectory() as directory:
        check_project(project.files, project.upstream, Path(directory))
