"""Output does not depend on the hash seed: no set or dict order leaks into what users see.

String hashes change with ``PYTHONHASHSEED``; a set of names iterated straight into a report
or a diff would give a different output on every run (and a flaky test). Each case runs
on a copy of the example project under two seeds; what the commands print and the files
they leave must be the same bytes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parent.parent / "examples" / "sglang-backend"
SEEDS = ("1", "2718281828")
#: Each case: the commands run one after the other in a fresh copy of the example.
CASES = {
    "check json": [["check", "--format", "json", "--no-cache"]],
    "check sarif": [["check", "--format", "sarif", "--no-cache", "--statistics"]],
    "report json": [["report", "--format", "json"]],
    # A deep prune writes (and leaves re-exports for inline to move).
    "prune, inline": [
        ["prune", "--floor", "0.5.99", "--allow-dirty", "--format", "json"],
        ["inline", "--diff"],
    ],
    "mocks diff": [["mocks", "--diff"]],
}


def _run(commands: list[list[str]], seed: str, tmp_path: Path) -> tuple[list, dict[str, bytes]]:
    """What each command exits with and prints, then every file of the tree after them."""
    root = tmp_path / f"seed-{seed}"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".compatlint_cache"))
    outputs = []
    for args in commands:
        completed = subprocess.run(
            [sys.executable, "-m", "compatlint.cli", *args],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=False,
        )
        assert completed.returncode in (0, 1), completed.stderr
        # The copies live in different directories; absolute paths are not compared.
        outputs.append(
            (
                completed.returncode,
                completed.stdout.replace(str(root), "<root>"),
                completed.stderr.replace(str(root), "<root>"),
            )
        )
    files = {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".compatlint_cache" not in path.parts
    }
    return outputs, files


@pytest.mark.integration
@pytest.mark.parametrize("case", CASES)
def test_output_is_the_same_under_every_hash_seed(case: str, tmp_path: Path) -> None:
    (first, first_files), (second, second_files) = (
        _run(CASES[case], seed, tmp_path) for seed in SEEDS
    )
    assert first[-1][1], "the last command printed nothing to compare"
    assert first == second
    assert first_files == second_files
