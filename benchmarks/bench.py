"""Benchmark compatlint against ruff on generated trees of several shapes (and a real one).

For each shape of :mod:`trees` (``today``, ``importers``, ``everywhere``, and a real tree
fetched into ``--cache`` unless ``--no-real``) the tree is written into a temporary
directory, then every command is timed as medians over ``--rounds`` interleaved rounds,
beside ``ruff check --no-cache --select TID251`` (the upstream banned) timed in the same
rounds: ``--version``, ``check`` cold and warm, ``check`` on three changed files,
``check --diff``, ``prune --check``, ``inline --diff`` cold and warm, ``mocks --check``.
Each command's peak memory is its process' maximum resident set. compatlint's modules are
compiled to bytecode first, as a wheel install does. Prints the tables and writes
docs/benchmarks.md.

    python benchmarks/bench.py [--rounds 5] [--seed 7] [--shapes today,importers,...]
                               [--everywhere-files 9000] [--no-real] [--keep DIR]
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
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import trees

ROOT = trees.ROOT
BIN = Path(sys.executable).parent
RUFF = "ruff check --no-cache --select TID251"
SHAPES = ("today", "importers", "everywhere", "real")


# Runs one command in a fresh interpreter, which times it and reads RUSAGE_CHILDREN: the
# command is that interpreter's only child, so the maximum resident set is the command's.
_PROBE = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], capture_output=True).returncode
elapsed = time.perf_counter() - start
print(code, elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _run(args: list[str], cwd: Path) -> tuple[float, int]:
    """Run a command that must exit 0 or 1 (1: it found something); its wall time in
    seconds and its peak resident set in KB."""
    probe = [sys.executable, "-c", _PROBE, *args]
    out = subprocess.run(probe, cwd=cwd, capture_output=True, text=True, check=True).stdout
    code, elapsed, peak = out.split()
    if int(code) not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed ({code})")
    return float(elapsed), int(peak)


def _commands(tree: trees.Tree) -> dict[str, list[str]]:
    compatlint = str(BIN / "compatlint")
    return {
        RUFF: [str(BIN / "ruff"), "check", "--no-cache", "--select", "TID251", "--quiet", "."],
        "--version": [compatlint, "--version"],
        "check --no-cache (cold)": [compatlint, "check", "--no-cache"],
        "check (warm)": [compatlint, "check"],
        "check, 3 changed files (warm)": [compatlint, "check", *tree.changed],
        "check --diff": [compatlint, "check", "--diff"],
        "prune --check": [compatlint, "prune", "--check", "--floor", "0.5.10", "--allow-dirty"],
        "inline --diff --no-cache (cold)": [
            compatlint,
            *("inline", "--diff", "--allow-dirty", "--no-cache"),
        ],
        "inline --diff (warm)": [compatlint, "inline", "--diff", "--allow-dirty"],
        "mocks --check": [compatlint, "mocks", "--check", "--allow-dirty"],
    }


# The targets, as ratios to ruff: (shape or None for every shape, command) -> bound.
TARGETS: dict[tuple[str | None, str], float] = {
    (None, "check --no-cache (cold)"): 3.0,
    (None, "check (warm)"): 1.5,
    ("importers", "inline --diff --no-cache (cold)"): 3.0,
    ("importers", "inline --diff (warm)"): 3.0,
    ("importers", "prune --check"): 3.0,
    ("importers", "mocks --check"): 3.0,
    ("importers", "check --diff"): 3.0,
    ("everywhere", "prune --check"): 5.0,
}
# Absolute bounds in seconds, whatever ruff takes: start-up and a pre-commit run.
SECONDS: dict[str, float] = {"--version": 0.25, "check, 3 changed files (warm)": 0.25}
PEAK_MB = 250


def _verdict(shape: str, command: str, ratio: float, peak_mb: float, seconds: float) -> str:
    """The targets this row is held to, and whether it meets them."""
    bound = TARGETS.get((shape, command), TARGETS.get((None, command)))
    parts = []
    if bound is not None:
        parts.append(f"≤ {bound:g}× {'holds' if ratio <= bound else '**misses**'}")
    if command in SECONDS:
        limit = SECONDS[command]
        parts.append(f"≤ {limit:g} s {'holds' if seconds <= limit else '**misses**'}")
    if command != RUFF and peak_mb > PEAK_MB:
        parts.append(f"**over {PEAK_MB} MB**")
    return "; ".join(parts) or "—"


def bench_tree(tree: trees.Tree, rounds: int, skip: set[str], standing: list[str]) -> list[str]:
    """The table rows of one tree: median, ratio to ruff, peak memory per command; each
    row held to a target is added to ``standing`` too."""
    commands = {k: v for k, v in _commands(tree).items() if k not in skip}
    if not tree.changed:
        commands.pop("check, 3 changed files (warm)", None)
    for warm in ("check (warm)", "inline --diff (warm)"):  # fill the caches first
        if warm in commands:
            _run(commands[warm], tree.root)
    timings: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, int] = dict.fromkeys(commands, 0)
    for _ in range(rounds):
        for name, args in commands.items():  # interleaved: noise hits every command alike
            elapsed, peak = _run(args, tree.root)
            timings[name].append(elapsed)
            peaks[name] = max(peaks[name], peak)
        print(".", end="", flush=True)
    print()
    medians = {name: statistics.median(values) for name, values in timings.items()}
    peer = medians[RUFF]
    rows = []
    for name, median in medians.items():
        label = name if name == RUFF else f"compatlint {name}"
        ratio, peak_mb = median / peer, peaks[name] / 1024
        verdict = _verdict(tree.name, name, ratio, peak_mb, median)
        rows.append(f"| {label} | {median:.2f} s | {ratio:.2f}× | {peak_mb:.0f} MB | {verdict} |")
        if verdict != "—":
            measured = f"{median:.2f} s, {ratio:.2f}×"
            standing.append(f"| `{name}` | {tree.name} | {measured} | {verdict} |")
    return [
        f"## {tree.name}: {tree.files:,} files, {tree.bytes / 1e6:.1f} MB",
        "",
        f"{tree.note}.",
        "",
        "| command | median | vs ruff | peak memory | target |",
        "| --- | --- | --- | --- | --- |",
        *rows,
        "",
    ]


def compile_bytecode() -> None:
    """Compile compatlint's modules, as installing a wheel does: an editable install (or
    ``PYTHONDONTWRITEBYTECODE``) would otherwise time the compiler on every run."""
    import compatlint

    package = Path(compatlint.__file__).parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--everywhere-files", type=int, default=9000)
    parser.add_argument("--importers", type=int, default=80)
    parser.add_argument("--skip", default="", help="commands to leave out, comma-separated")
    parser.add_argument("--no-real", action="store_true", help="no download, no real tree")
    parser.add_argument("--cache", type=Path, default=ROOT / ".bench_cache")
    parser.add_argument("--keep", type=Path, help="generate the trees here and keep them")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()

    compile_bytecode()
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
    standing: list[str] = []
    for shape in args.shapes.split(","):
        tree = builders[shape](workdir / shape)
        if tree is None:
            continue
        print(f"{tree.name}: {tree.files} files", flush=True)
        sections += bench_tree(tree, args.rounds, skip, standing)
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
        "## Where the targets stand",
        "",
        f"Every row held to a target, from the tables below (peak memory is held to "
        f"{PEAK_MB} MB in every row).",
        "",
        "| command | shape | median, vs ruff | target |",
        "| --- | --- | --- | --- |",
        *standing,
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
