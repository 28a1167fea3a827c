"""Run the whole suite several times on a busy machine, each run with its own hash seed.

`make test-stress` runs this before a release. A flake that shows once in a hundred runs
on a quiet laptop shows far more often when two processes burn CPU beside the suite and
``PYTHONHASHSEED`` changes between runs. Each run prints its seed; the first failing run
stops the loop and prints its seed, the failed tests and the command that re-runs them.

    python tests/stress.py [--runs N] [--burners N] [--seeds 1,2,3] [-- PYTEST ARGS]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAX_HASH_SEED = 4294967295  # the largest PYTHONHASHSEED Python accepts
#: A hung test dumps every thread's stack after this long instead of hanging in silence.
HANG_DUMP_SECONDS = 600
PYTEST_ARGS = (
    "-p",
    "no:cacheprovider",
    "-q",
    "-ra",
    "-o",
    f"faulthandler_timeout={HANG_DUMP_SECONDS}",
)

#: Spins until its parent (the stress driver) is gone, so even a SIGKILLed driver leaves
#: no burner behind.
BURN = """
import os, sys
parent = int(sys.argv[1])
while os.getppid() == parent:
    for _ in range(200_000):
        pass
"""

# "FAILED <node id> - <message>"; a node id may hold spaces (parametrize ids).
_SUMMARY_LINE = re.compile(r"^(FAILED|ERROR) (.+?)(?: - .*)?$")


@dataclass(frozen=True)
class RunResult:
    """One pytest run under load: its seed, exit code, duration and failed tests."""

    index: int
    seed: int
    returncode: int
    seconds: float
    failed: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return self.returncode == 0


def failed_tests(output: str) -> tuple[str, ...]:
    """The node ids pytest's short summary (``-ra``) names as FAILED or ERROR, in order."""
    found: list[str] = []
    for line in output.splitlines():
        match = _SUMMARY_LINE.match(line)
        if match and match.group(2) not in found:
            found.append(match.group(2))
    return tuple(found)


def choose_seeds(
    runs: int, given: Sequence[int] = (), rng: random.Random | None = None
) -> list[int]:
    """``runs`` distinct hash seeds: the ``given`` ones first, then random ones (never 0,
    which would switch hash randomisation off)."""
    if any(not 1 <= seed <= MAX_HASH_SEED for seed in given):
        raise ValueError(f"a PYTHONHASHSEED must be in 1..{MAX_HASH_SEED}")
    rng = rng or random.SystemRandom()
    seeds = list(dict.fromkeys(given))[:runs]
    while len(seeds) < runs:
        seed = rng.randint(1, MAX_HASH_SEED)
        if seed not in seeds:
            seeds.append(seed)
    return seeds


def rerun_command(result: RunResult, python: str = ".venv/bin/python") -> str:
    """The command that re-runs ``result``'s failed tests with its seed."""
    tests = " ".join(shlex.quote(test) for test in result.failed) or "tests"
    return f"PYTHONHASHSEED={result.seed} {python} -m pytest -p no:cacheprovider {tests}"


def summary_table(results: Sequence[RunResult]) -> str:
    """One line per run: index, seed, outcome, duration."""
    lines = [f"{'run':>3}  {'PYTHONHASHSEED':>14}  {'result':<8}  seconds"]
    for result in results:
        outcome = "pass" if result.passed else f"FAIL ({result.returncode})"
        lines.append(f"{result.index:>3}  {result.seed:>14}  {outcome:<8}  {result.seconds:7.0f}")
    return "\n".join(lines)


@contextmanager
def burners(count: int) -> Iterator[list[subprocess.Popen[bytes]]]:
    """``count`` CPU-burning processes for the duration of the block; always ended after."""
    started: list[subprocess.Popen[bytes]] = []
    try:
        for _ in range(count):
            started.append(
                subprocess.Popen(
                    [sys.executable, "-c", BURN, str(os.getpid())], stdin=subprocess.DEVNULL
                )
            )
        yield started
    finally:
        for process in started:
            process.kill()
        for process in started:
            process.wait()


def run_suite(index: int, seed: int, burner_count: int, pytest_args: Sequence[str]) -> RunResult:
    """One full pytest run beside ``burner_count`` burners, its output streamed and kept."""
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    command = [sys.executable, "-m", "pytest", *PYTEST_ARGS, *pytest_args]
    print(f"== run {index}: PYTHONHASHSEED={seed}, {burner_count} busy processes", flush=True)
    started = time.monotonic()
    lines: list[str] = []
    with (
        burners(burner_count),
        subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as pytest,
    ):
        assert pytest.stdout is not None
        try:
            for line in pytest.stdout:
                sys.stdout.write(line)
                lines.append(line)
        except BaseException:
            pytest.kill()
            raise
        returncode = pytest.wait()
    seconds = time.monotonic() - started
    return RunResult(index, seed, returncode, seconds, failed_tests("".join(lines)))


def _parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs", type=int, default=int(os.environ.get("STRESS_RUNS") or 5), help="default 5"
    )
    parser.add_argument("--burners", type=int, default=2, help="busy processes beside each run")
    parser.add_argument(
        "--seeds",
        default=os.environ.get("STRESS_SEEDS", ""),
        help="comma-separated PYTHONHASHSEEDs to use first (default: random)",
    )
    parser.add_argument("pytest_args", nargs="*", help="passed to pytest (after --)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(sys.argv[1:] if argv is None else argv)
    given = [int(seed) for seed in args.seeds.split(",") if seed.strip()]
    seeds = choose_seeds(args.runs, given)
    # A SIGTERM (say, from a CI time limit) unwinds like Ctrl-C, so the burners are ended.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    results: list[RunResult] = []
    for index, seed in enumerate(seeds, start=1):
        result = run_suite(index, seed, args.burners, args.pytest_args)
        results.append(result)
        print(summary_table(results), flush=True)
        if not result.passed:
            print(f"\nrun {index} failed with PYTHONHASHSEED={seed}:")
            for test in result.failed:
                print(f"  {test}")
            print(f"re-run: {rerun_command(result)}")
            return 1
    print(f"\n{len(results)} runs passed under load")
    return 0


if __name__ == "__main__":
    sys.exit(main())
