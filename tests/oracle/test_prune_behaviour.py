"""Property: prune never changes what a generated project does at a supported upstream
version — what the shim binds, what its functions return on a few inputs, what its
callers hold in ``RESULT`` — unless its report lists the importer; its output parses, a
second run changes nothing, and other hash seeds plan the same edits.

The default run is short (it is part of ``make test``); for a longer exploration set
``COMPATLINT_ORACLE_EXAMPLES`` or select the ``explore`` hypothesis profile (see
docs/testing.md).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings

from oracle.behaviour import PruneWorkers, check_behaviour, prune_workers
from oracle.guarded_projects import GuardedProject, guarded_projects
from oracle.oracle import example_count

QUICK = 6

EXAMPLES = example_count(QUICK)
# A quick run reports the first failing project as generated: shrinking one costs minutes.
PHASES = tuple(Phase) if EXAMPLES > QUICK else tuple(p for p in Phase if p is not Phase.shrink)


@pytest.fixture(scope="module")
def workers() -> Iterator[PruneWorkers]:
    with prune_workers() as running:
        yield running


@settings(
    max_examples=EXAMPLES,
    phases=PHASES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(project=guarded_projects())
def test_prune_never_changes_what_a_supported_version_runs(
    project: GuardedProject, workers: PruneWorkers
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        check_behaviour(project.files, project.upstream, Path(directory), workers, repr(project))
