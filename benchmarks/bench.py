"""Benchmark compatlint against ruff on a synthetic serving-framework tree.

Generates a deterministic tree (about 1,500 files, 15 MB: a compat shim, handlers that
import it and the upstream, a stub list, and a mass of unrelated code), then times, as
medians over several interleaved rounds: reading every file's bytes; ``ruff check
--no-cache --select TID251`` with a banned-api rule for the upstream; ``compatlint check``
cold (``--no-cache``), warm, and on three changed handler files; ``compatlint prune
--check``. Prints the medians and their ratios to ruff and writes docs/benchmarks.md.

    python benchmarks/bench.py [--rounds 5] [--seed 7] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_SHIM = ROOT / "examples" / "sglang-backend" / "src" / "servo" / "_compat.py"
BIN = Path(sys.executable).parent

FILES = 1500
TARGET_BYTES = 15_000_000
HANDLERS = 105  # files that import the upstream (and the shim)
HANDLERS_WITH_TRY = 25  # ... of which also hold a try/except

PYPROJECT = """\
[project]
name = "bench"
version = "0.0.0"

[tool.compatlint]
upstream = "sglang"
shim = ["src/bench/_compat.py"]
src = ["src"]
floor = "0.5.10"
heavy-imports = ["sgl_kernel"]

[tool.compatlint.tracks]
xpu = "0.5.11"

[tool.compatlint.mocks]
file = "tests/stub_modules.py"
name = "STUB_MODULES"
collect = ["src/bench"]

[tool.ruff.lint.flake8-tidy-imports.banned-api]
"sglang".msg = "import sglang through the compat shim"
"""

UPSTREAM_MODULES = [
    "sglang.srt.managers.io_struct",
    "sglang.srt.server_args",
    "sglang.srt.sampling.sampling_params",
    "sglang.srt.utils",
    "sglang.srt.utils.hf_transformers_utils",
    "sglang.srt.managers.schedule_batch",
]


def _unrelated_module(rng: random.Random, index: int, size: int) -> str:
    """Plausible Python that never mentions the upstream."""
    lines = [
        f'"""Module {index}: helpers for the data plane."""',
        "",
        "from __future__ import annotations",
        "",
        "import json",
        "import logging",
        "from dataclasses import dataclass",
        "",
        "logger = logging.getLogger(__name__)",
        "",
    ]
    n = 0
    while sum(len(line) + 1 for line in lines) < size:
        n += 1
        kind = rng.random()
        if kind < 0.4:
            lines += [
                "",
                "@dataclass",
                f"class Record{n}:",
                f'    """A record of kind {n}."""',
                "",
                "    name: str",
                "    count: int = 0",
                "",
                "    def as_json(self) -> str:",
                "        # Serialise for the wire; keys are sorted for stable output.",
                "        payload = {'name': self.name, 'count': self.count}",
                "        return json.dumps(payload, sort_keys=True)",
            ]
        else:
            lines += [
                "",
                "",
                f"def transform_{n}(values: list[int], factor: int = {rng.randint(2, 9)}):",
                f'    """Scale and filter values (variant {n})."""',
                "    result = []",
                "    for value in values:",
                f"        if value % {rng.randint(2, 7)} == 0:",
                "            result.append(value * factor)",
                "        else:",
                "            logger.debug('skip %s', value)",
                "    return result",
            ]
    return "\n".join(lines) + "\n"


def _handler_module(rng: random.Random, index: int, size: int, with_try: bool) -> str:
    modules = rng.sample(UPSTREAM_MODULES, 2)
    lines = [
        f'"""Request handler {index}."""',
        "",
        "from __future__ import annotations",
        "",
        "import logging",
        "",
        f"from {modules[0]} import Thing{index}",
        f"import {modules[1]} as upstream_{index}",
        "",
        "from bench._compat import ServerArgs, get_scheduler_info",
        "",
        "logger = logging.getLogger(__name__)",
    ]
    if with_try:
        lines += [
            "",
            "try:",
            "    import orjson as fastjson",
            "except ImportError:",
            "    import json as fastjson",
        ]
    body = _unrelated_module(rng, index, max(size - 600, 200)).split("\n", 10)[-1]
    return "\n".join(lines) + "\n" + body


def generate(target: Path, seed: int) -> list[str]:
    """Write the tree; return three handler paths (relative) for the changed-files run."""
    rng = random.Random(seed)
    package = target / "src" / "bench"
    package.mkdir(parents=True)
    (target / "tests").mkdir()
    (target / "pyproject.toml").write_text(PYPROJECT)
    shim = EXAMPLE_SHIM.read_text()
    (package / "__init__.py").write_text('"""Benchmark package."""\n')
    (package / "_compat.py").write_text(shim)
    stubs = sorted({p for m in UPSTREAM_MODULES for p in _parents(m)})
    (target / "tests" / "stub_modules.py").write_text(
        "STUB_MODULES = [\n" + "".join(f'    "{m}",\n' for m in stubs) + "]\n"
    )
    average = TARGET_BYTES // FILES
    handlers: list[str] = []
    for index in range(FILES - 2):
        sub = package / f"area{index % 40}"
        sub.mkdir(exist_ok=True)
        (sub / "__init__.py").touch()
        size = int(rng.lognormvariate(0, 0.6) * average * 0.85)
        path = sub / f"mod{index}.py"
        if index < HANDLERS:
            text = _handler_module(rng, index, size, with_try=index < HANDLERS_WITH_TRY)
            handlers.append(path.relative_to(target).as_posix())
        else:
            text = _unrelated_module(rng, index, size)
        path.write_text(text)
    return handlers[-3:]


def _parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


def _time(command: Callable[[], object]) -> float:
    start = time.perf_counter()
    command()
    return time.perf_counter() - start


def _run(args: list[str], cwd: Path, ok: tuple[int, ...] = (0, 1)) -> None:
    completed = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    if completed.returncode not in ok:
        raise SystemExit(f"{' '.join(args)} failed ({completed.returncode}):\n{completed.stderr}")


def _read_all(target: Path) -> None:
    for directory, _dirs, files in os.walk(target / "src"):
        for name in files:
            with open(os.path.join(directory, name), "rb") as handle:
                handle.read()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="generate the tree here and keep it")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="compatlint-bench-"))
    if workdir.exists() and any(workdir.iterdir()):
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    changed = generate(workdir, args.seed)
    files = sum(1 for _ in workdir.rglob("*.py"))
    size = sum(p.stat().st_size for p in workdir.rglob("*.py"))

    compatlint = str(BIN / "compatlint")
    ruff = str(BIN / "ruff")
    prune_available = (
        subprocess.run([compatlint, "prune", "--help"], capture_output=True, check=False).returncode
        == 0
    )
    cases: dict[str, Callable[[], object]] = {
        "read all bytes": lambda: _read_all(workdir),
        "ruff check --no-cache --select TID251": lambda: _run(
            [ruff, "check", "--no-cache", "--select", "TID251", "--quiet", "."], workdir
        ),
        "compatlint check --no-cache (cold)": lambda: _run(
            [compatlint, "check", "--no-cache"], workdir
        ),
        "compatlint check (warm)": lambda: _run([compatlint, "check"], workdir),
        "compatlint check, 3 changed files (warm)": lambda: _run(
            [compatlint, "check", *changed], workdir
        ),
    }
    if prune_available:
        cases["compatlint prune --check"] = lambda: _run(
            [compatlint, "prune", "--check", "--floor", "0.5.10", "--allow-dirty"], workdir
        )
    _run([compatlint, "check"], workdir)  # fill the cache once before the warm rounds
    timings: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.rounds):
        for name, command in cases.items():  # interleaved: noise hits every case alike
            timings[name].append(_time(command))
    medians = {name: statistics.median(values) for name, values in timings.items()}
    peer = medians["ruff check --no-cache --select TID251"]

    rows = [
        f"| {name} | {median:.3f} s | {median / peer:.2f}× |" for name, median in medians.items()
    ]
    report = "\n".join(
        [
            "# Benchmarks",
            "",
            "Generated by `make bench` (`benchmarks/bench.py`): a synthetic tree of "
            f"{files:,} Python files ({size / 1e6:.1f} MB) with a compat shim, "
            f"{HANDLERS} handlers importing the upstream ({HANDLERS_WITH_TRY} with a "
            "try/except) and a stub list. Medians of "
            f"{args.rounds} interleaved rounds; ratios are to ruff timed in the same run.",
            "",
            f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
            f"{platform.python_version()}.",
            "",
            "| step | median | vs ruff |",
            "| --- | --- | --- |",
            *rows,
            "",
            "Targets: cold check ≤ 3× ruff, warm check ≤ 1.5× ruff, three-file warm check "
            "≤ 0.25 s, prune --check ≤ 10× ruff.",
            "" if prune_available else "\n`compatlint prune` is not available in this build.",
        ]
    )
    print(report)
    args.output.write_text(report.rstrip() + "\n")
    if not args.keep:
        shutil.rmtree(workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
