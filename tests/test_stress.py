"""The `make test-stress` driver: seeds, the failed-test summary, and burners that always end."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from stress import (
    MAX_HASH_SEED,
    RunResult,
    burners,
    choose_seeds,
    failed_tests,
    rerun_command,
    summary_table,
)

TESTS = Path(__file__).parent
WAIT = 120.0  # a long cap for a busy machine; the polls end as soon as they can

PYTEST_TAIL = """\
........................................................................ [ 98%]
.F.E                                                                     [100%]
=========================== short test summary info ============================
SKIPPED [1] tests/runner/test_walk_example.py:64: no pyproject.toml yet
FAILED tests/test_tags.py::test_round_trip[case 1] - AssertionError: assert 1 == 2
ERROR tests/runner/test_walk_command.py::test_walk - Failed: processes left running
FAILED tests/test_tags.py::test_round_trip[case 1] - AssertionError: assert 1 == 2
1 failed, 785 passed, 1 skipped, 1 error in 301.22s (0:05:01)
"""


def test_failed_tests_are_read_from_the_short_summary() -> None:
    assert failed_tests(PYTEST_TAIL) == (
        "tests/test_tags.py::test_round_trip[case 1]",
        "tests/runner/test_walk_command.py::test_walk",
    )
    assert failed_tests("786 passed in 200.00s\n") == ()
    assert failed_tests("FAILED tests/a.py::t\n") == ("tests/a.py::t",)  # no message


def test_seeds_given_come_first_then_distinct_random_ones() -> None:
    seeds = choose_seeds(5, [7, 7, 11], rng=random.Random(3))
    assert seeds[:2] == [7, 11]
    assert len(set(seeds)) == 5
    assert all(1 <= seed <= MAX_HASH_SEED for seed in seeds)
    assert choose_seeds(1, [7, 11]) == [7]
    with pytest.raises(ValueError, match="PYTHONHASHSEED"):
        choose_seeds(2, [0])  # 0 turns hash randomisation off


def test_a_failed_run_says_how_to_rerun_it() -> None:
    failed = RunResult(2, 4242, 1, 310.4, ("tests/a.py::t", "tests/b.py::u[x y]"))
    assert rerun_command(failed) == (
        "PYTHONHASHSEED=4242 .venv/bin/python -m pytest -p no:cacheprovider "
        "tests/a.py::t 'tests/b.py::u[x y]'"
    )
    passed = RunResult(1, 17, 0, 295.0, ())
    assert summary_table([passed, failed]).splitlines() == [
        "run  PYTHONHASHSEED  result    seconds",
        "  1              17  pass          295",
        "  2            4242  FAIL (1)      310",
    ]


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2 :].split()[0] not in (b"Z", b"X")


def _wait_for(predicate, timeout: float = WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@pytest.mark.integration
def test_burners_run_in_the_block_and_are_ended_after_it() -> None:
    with burners(2) as started:
        pids = [process.pid for process in started]
        assert len(pids) == 2 and all(_alive(pid) for pid in pids)
    assert not any(_alive(pid) for pid in pids)


@pytest.mark.integration
def test_burners_end_themselves_when_the_driver_is_killed(tmp_path: Path) -> None:
    pid_file = tmp_path / "burner.pid"
    driver = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import pathlib, sys, time, stress\n"
            "with stress.burners(1) as started:\n"
            "    pathlib.Path(sys.argv[1]).write_text(str(started[0].pid))\n"
            "    time.sleep(600)\n",
            str(pid_file),
        ],
        env={**os.environ, "PYTHONPATH": str(TESTS)},
    )
    try:
        assert _wait_for(lambda: pid_file.exists() and pid_file.read_text() != "")
        burner = int(pid_file.read_text())
        assert _alive(burner)
        driver.send_signal(signal.SIGKILL)  # no clean-up code runs in the driver
        driver.wait()
        assert _wait_for(lambda: not _alive(burner)), "the burner outlived its driver"
    finally:
        if driver.poll() is None:
            driver.kill()
            driver.wait()
