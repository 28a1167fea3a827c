"""Benchmark compatlint against ruff on generated trees of several shapes (and a real one).

For each shape of :mod:`trees` (``today``, ``importers``, ``everywhere``, and a real tree
fetched into ``--cache`` unless ``--no-real``) the tree is written into a temporary
directory, then every command is timed as medians over ``--rounds`` interleaved rounds,
beside ``ruff check --no-cache --select TID251`` (the upstream banned) timed in the same
rounds: ``check`` cold and warm, ``check`` on three changed files, ``check --diff``,
``prune --check``, ``inline --diff``, ``mocks --check``. Each command's peak memory is its
process' maximum resident set. Prints the tables and writes docs/benchmarks.md.

    python benchmarks/bench.py [--rounds 5] [--seed 7] [--shapes today,importers,...]
                               [--everywhere-files 3000] [--no-real] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import trees

ROOT = trees.ROOT
BIN = Path(sys.executable).parent
RUFF = "ruff check --no-cache --select TID251"
SHAPES = ("today", "importers", "everywhere", "real")


def _run(args: list[str], cwd: Path) -> int:
    """Run a command that must exit 0 or 1 (1: it found something); its exit code."""
    completed = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    if completed.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({completed.returncode}):\n{completed.stderr}")
    return completed.returncode


def _peak_kb(args: list[str], cwd: Path) -> int:
    """The command's peak RSS: run it in a fresh interpreter so that RUSAGE_CHILDREN holds
    that one command's maximum alone."""
    probe = (
        "import resource, subprocess, sys; "
        "subprocess.run(sys.argv[1:], capture_output=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *args], cwd=cwd, capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip())


def _commands(tree: trees.Tree) -> dict[str, list[str]]:
    compatlint = str(BIN / "compatlint")
    return {
        RUFF: [str(BIN / "ruff"), "check", "--no-cache", "--select", "TID251", "--quiet", "."],
        "check --no-cache (cold)": [compatlint, "check", "--no-cache"],
        "check (warm)": [compatlint, "check"],
        "check, 3 changed files (warm)": [compatlint, "check", *tree.changed],
        "check --diff": [compatlint, "check", "--diff"],
        "prune --check": [compatlint, "prune", "--check", "--floor", "0.5.10", "--allow-dirty"],
        "inline --diff": [compatlint, "inline", "--diff", "--allow-dirty"],
        "mocks --check": [compatlint, "mocks", "--check", "--allow-dirty"],
    }


def bench_tree(tree: trees.Tree, rounds: int, skip: set[str]) -> list[str]:
    """The table rows of one tree: median, ratio to ruff, peak memory per command."""
    commands = {k: v for k, v in _commands(tree).items() if k not in skip}
    if not tree.changed:
        commands.pop("check, 3 changed files (warm)", None)
    _run(commands["check (warm)"], tree.root)  # fill the cache before the warm rounds
    timings: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, args in commands.items():  # interleaved: noise hits every command alike
            start = time.perf_counter()
            _run(args, tree.root)
            timings[name].append(time.perf_counter() - start)
        print(".", end="", flush=True)
    print()
    medians = {name: statistics.median(values) for name, values in timings.items()}
    peer = medians[RUFF]
    rows = []
    for name, median in medians.items():
        peak = _peak_kb(commands[name], tree.root) / 1024
        label = name if name == RUFF else f"compatlint {name}"
        rows.append(f"| {label} | {median:.2f} s | {median / peer:.2f}× | {peak:.0f} MB |")
    return [
        f"## {tree.name}: {tree.files:,} files, {tree.bytes / 1e6:.1f} MB",
        "",
        f"{tree.note}.",
        "",
        "| command | median | vs ruff | peak memory |",
        "| --- | --- | --- | --- |",
        *rows,
        "",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--everywhere-files", type=int, default=3000)
    parser.add_argument("--importers", type=int, default=80)
    parser.add_argument("--skip", default="", help="commands to leave out, comma-separated")
    parser.add_argument("--no-real", action="store_true", help="no download, no real tree")
    parser.add_argument("--cache", type=Path, default=ROOT / ".bench_cache")
    parser.add_argument("--keep", type=Path, help="generate the trees here and keep them")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="compatlint-bench-"))
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    builders: dict[str, Callable[[Path], trees.Tree | None]] = {
        "today": lambda path: trees.today(path, args.seed),
        "importers": lambda path: trees.importers(path, args.seed, shim_importers=args.importers),
        "everywhere": lambda path: trees.everywhere(path, args.seed, args.everywhere_files),
        "real": lambda path: None if args.no_real else trees.real(path, args.cache),
    }
    skip = {name.strip() for name in args.skip.split(",") if name.strip()}
    sections: list[str] = []
    for shape in args.shapes.split(","):
        tree = builders[shape](workdir / shape)
        if tree is None:
            continue
        print(f"{tree.name}: {tree.files} files", flush=True)
        sections += bench_tree(tree, args.rounds, skip)
        print("\n".join(sections[-12:]), flush=True)
    report = [
        "# Benchmarks",
        "",
        "Generated by `make bench` (`benchmarks/bench.py`, trees from `benchmarks/trees.py`, "
        f"seed {args.seed}). Medians of {args.rounds} interleaved rounds; ratios are to "
        f"`{RUFF}` (the upstream banned) timed in the same rounds; peak memory is each "
        "command's maximum resident set.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}.",
        "",
        *sections,
    ]
    text = "\n".join(report).rstrip() + "\n"
    print(text)
    args.output.write_text(text)
    if not args.keep:
        shutil.rmtree(workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
