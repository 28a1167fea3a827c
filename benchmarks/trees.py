"""The benchmark's trees: deterministic generators (a seed in, files out) and one real tree.

Each shape mirrors a tree the targets were measured on:

- ``today``: the original bench, 1,500 files, 105 handlers that import the upstream and
  the shim, the rest unrelated code;
- ``importers``: big files (about 17 KB on average) and a shim with ``importers`` files
  taking its names, the shape that made ``inline --diff`` run for minutes;
- ``everywhere``: every file imports the upstream, in the shapes real code spells it
  (after a docstring and ``from __future__``, parenthesised over several lines, star
  imports), the shape that sent ``check`` down its slow path;
- a real tree: a large pure-Python distribution fetched with ``pip download --no-deps``
  into a cache directory when absent (skipped, with a message, when offline).

Trees are written into a directory the caller owns; nothing here is committed.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_SHIM = ROOT / "examples" / "sglang-backend" / "src" / "servo" / "_compat.py"

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


@dataclass(frozen=True)
class Tree:
    """A generated tree: where it is, what it holds, three files for the changed run."""

    name: str
    root: Path
    files: int
    bytes: int
    changed: tuple[str, ...]
    note: str


def unrelated_module(rng: random.Random, index: int, size: int) -> str:
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
    total = sum(len(line) + 1 for line in lines)
    n = 0
    while total < size:
        n += 1
        if rng.random() < 0.4:
            block = [
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
            block = [
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
        lines += block
        total += sum(len(line) + 1 for line in block)
    return "\n".join(lines) + "\n"


def _body(rng: random.Random, index: int, size: int) -> str:
    """The unrelated part of a module, without its header."""
    return unrelated_module(rng, index, max(size, 200)).split("\n", 10)[-1]


def _handler(rng: random.Random, index: int, size: int, with_try: bool) -> str:
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
        lines += ["", "try:", "    import orjson as fastjson", "except ImportError:"]
        lines += ["    import json as fastjson"]
    return "\n".join(lines) + "\n" + _body(rng, index, size - 600)


def _shim_importer(rng: random.Random, index: int, size: int) -> str:
    """A big module taking trivial re-exports and other names from the shim."""
    lines = [
        f'"""Engine part {index}."""',
        "",
        "from __future__ import annotations",
        "",
        "import logging",
        "",
        "from bench._compat import GenerateReqInput, ServerArgs, get_scheduler_info",
        "",
        "logger = logging.getLogger(__name__)",
        "",
        "",
        f"def build_{index}(args: ServerArgs) -> GenerateReqInput:",
        '    """The request this part sends first."""',
        "    get_scheduler_info(args)",
        "    return GenerateReqInput(text='')",
    ]
    return "\n".join(lines) + "\n" + _body(rng, index, size - 500)


_EVERYWHERE_HEADERS = (
    # after a docstring and a __future__ import
    '"""Plugin {i}."""\n\nfrom __future__ import annotations\n\nimport os\n\n'
    "from {m} import Thing{i}\n",
    # parenthesised over several lines
    "import os\n\nfrom {m} import (\n    Thing{i},\n    Other{i},\n)\n",
    # a star import
    '"""Plugin {i}."""\n\nfrom {m} import *  # noqa: F403\n',
    # a plain import of the module
    "import {m}\nimport {m} as up{i}\n",
)


def _everywhere(rng: random.Random, index: int, size: int) -> str:
    header = _EVERYWHERE_HEADERS[index % len(_EVERYWHERE_HEADERS)]
    text = header.format(i=index, m=rng.choice(UPSTREAM_MODULES))
    if index % 50 == 0:
        text += "\nfrom bench._compat import ServerArgs\n"
    return text + "\n" + _body(rng, index, size - len(text))


def _skeleton(target: Path) -> Path:
    package = target / "src" / "bench"
    package.mkdir(parents=True)
    (target / "tests").mkdir()
    (target / "pyproject.toml").write_text(PYPROJECT)
    (package / "__init__.py").write_text('"""Benchmark package."""\n')
    (package / "_compat.py").write_text(EXAMPLE_SHIM.read_text())
    stubs = sorted({p for m in UPSTREAM_MODULES for p in _parents(m)})
    (target / "tests" / "stub_modules.py").write_text(
        "STUB_MODULES = [\n" + "".join(f'    "{m}",\n' for m in stubs) + "]\n"
    )
    return package


def _write(package: Path, index: int, text: str, areas: int = 40) -> str:
    sub = package / f"area{index % areas}"
    sub.mkdir(exist_ok=True)
    (sub / "__init__.py").touch()
    path = sub / f"mod{index}.py"
    path.write_text(text)
    return path.relative_to(package.parent.parent).as_posix()


def _tree(name: str, target: Path, changed: list[str], note: str) -> Tree:
    paths = list(target.rglob("*.py"))
    size = sum(p.stat().st_size for p in paths)
    return Tree(name, target, len(paths), size, tuple(changed[-3:]), note)


def today(target: Path, seed: int, files: int = 1500) -> Tree:
    """The original bench: 105 handlers (25 with a try) in 1,500 files, 15 MB."""
    rng = random.Random(seed)
    package = _skeleton(target)
    average = 15_000_000 // files
    handlers: list[str] = []
    for index in range(files - 2):
        size = int(rng.lognormvariate(0, 0.6) * average * 0.85)
        if index < 105:
            handlers.append(_write(package, index, _handler(rng, index, size, index < 25)))
        else:
            _write(package, index, unrelated_module(rng, index, size))
    return _tree("today", target, handlers, "105 handlers import the upstream and the shim")


def importers(target: Path, seed: int, files: int = 1500, shim_importers: int = 80) -> Tree:
    """Big files (about 17 KB) and a shim imported by ``shim_importers`` of them."""
    rng = random.Random(seed)
    package = _skeleton(target)
    step = max(files // shim_importers, 1)
    changed: list[str] = []
    for index in range(files - 2):
        size = int(rng.lognormvariate(0, 0.5) * 17_000 * 0.9)
        if index % step == 0 and index // step < shim_importers:
            changed.append(_write(package, index, _shim_importer(rng, index, size)))
        else:
            _write(package, index, unrelated_module(rng, index, size))
    note = f"{shim_importers} files import the shim (a trivial re-export among its names)"
    return _tree("importers", target, changed, note)


def everywhere(target: Path, seed: int, files: int = 3000) -> Tree:
    """Every file imports the upstream; one in 50 the shim too."""
    rng = random.Random(seed)
    package = _skeleton(target)
    changed: list[str] = []
    for index in range(files - 2):
        size = int(rng.lognormvariate(0, 0.6) * 3_500)
        changed.append(_write(package, index, _everywhere(rng, index, size), areas=200))
    return _tree("everywhere", target, changed, "every file imports the upstream")


REAL_DISTRIBUTION = "sympy==1.13.3"


def real(target: Path, cache: Path) -> Tree | None:
    """A real pure-Python tree (sympy's wheel) with the bench's shim beside it; None when
    the wheel is not cached and cannot be downloaded."""
    wheels = sorted(cache.glob("sympy-*.whl"))
    if not wheels:
        cache.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
        command += ["--quiet", "--dest", str(cache), REAL_DISTRIBUTION]
        completed = subprocess.run(command, capture_output=True, text=True, check=False)
        wheels = sorted(cache.glob("sympy-*.whl"))
        if completed.returncode != 0 or not wheels:
            print(f"skipping the real tree: cannot download {REAL_DISTRIBUTION} (offline?)")
            return None
    package = _skeleton(target)
    with zipfile.ZipFile(wheels[-1]) as archive:
        members = [m for m in archive.namelist() if m.startswith("sympy/") and m.endswith(".py")]
        archive.extractall(target / "src", members)
    shutil.move(str(target / "src" / "sympy"), str(package / "sympy"))
    return _tree("real", target, [], f"{REAL_DISTRIBUTION} under the bench package")


def _parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]


__all__ = ["Tree", "everywhere", "importers", "real", "today"]
