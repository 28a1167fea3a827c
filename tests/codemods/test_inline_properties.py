"""Property tests: generated shims and importers (every import style, sorted or not, with
and without name conflicts) keep inline's guarantees — the output parses, a second run
changes nothing, code outside the import lines is byte-identical but for the rewritten
``module.name`` uses, no name is undefined or left unused, and a block ruff had sorted is
still sorted."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from helpers import examples, make_config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sorting_helpers import FIRST_PARTY, pkg_sorter

from compatlint.codemods.inline import InlinePlan, plan_inline
from compatlint.ruff_sorter import find_ruff

RUFF = find_ruff()
SHIM = "pkg/_compat.py"
EXAMPLES = int(os.environ.get("COMPATLINT_INLINE_EXAMPLES") or examples(120))
# The isort settings a project may have, as ruff options.
SETTINGS = {
    "default": (),
    "force-sort": ("lint.isort.force-sort-within-sections = true",),
    "short-lines": ("line-length = 50",),
}

# (module, name in the module, name the shim binds)
EXPORTS = [
    ("sglang.srt.a", "Alpha", "Alpha"),
    ("sglang.srt.a", "beta", "beta"),
    ("sglang.srt.b", "Orig", "Gamma"),
    ("sglang.srt.b", "DELTA", "DELTA"),
    ("sglang.srt.c", "eps", "eps"),
]
# Other imports an importer may have, and the names they bind.
OTHERS = {
    "import os": "os",
    "import sys": "sys",
    "from collections import abc": "abc",
    "import numpy": "numpy",
    "from numpy import linalg": "linalg",
    "from sglang.srt.a import Zed": "Zed",
    "from sglang.srt.b import (\n    Kappa,\n)": "Kappa",
    "from pkg import other": "other",
    "# Numbers.\nimport numpy as np": "np",
    "from typing import TYPE_CHECKING": "TYPE_CHECKING",
}
STYLES = [
    "from-abs",
    "from-rel",
    "from-paren",
    "module-from",
    "module-alias",
    "dotted",
    "in-function",
]


@dataclass
class Importer:
    path: str
    text: str
    sorted: bool
    attribute_prefix: str | None = None


@dataclass
class Project:
    files: dict[str, str] = field(default_factory=dict)
    importers: list[Importer] = field(default_factory=list)
    settings: str = "default"


@st.composite
def shims(draw: st.DrawFn) -> tuple[str, list[str], bool]:
    """A shim text, the names it binds, and whether it has a helper function."""
    chosen = draw(st.lists(st.sampled_from(EXPORTS), min_size=1, max_size=5, unique=True))
    chosen.sort(key=EXPORTS.index)
    helper = draw(st.booleans())
    used = draw(st.sampled_from([None, *[bound for _, _, bound in chosen]]))
    lines = ['"""Compat shim."""', ""]
    if draw(st.booleans()):
        lines += ["import logging", ""]
        logger = True
    else:
        logger = False
    for module, original, bound in chosen:
        alias = "" if original == bound else f" as {bound}"
        lines.append(f"from {module} import {original}{alias}")
    if logger:
        lines += ["", "logger = logging.getLogger(__name__)"]
    if helper:
        body = f"    return {used}" if used else "    return 1"
        lines += ["", "", "def helper():", body]
    names = [bound for _, _, bound in chosen] + (["helper"] if helper else [])
    if draw(st.booleans()):
        lines += ["", "", "__all__ = [" + ", ".join(f'"{n}"' for n in sorted(names)) + "]"]
    return "\n".join(lines) + "\n", names, helper


@st.composite
def importers(draw: st.DrawFn, names: list[str], index: int) -> Importer:
    nested = draw(st.booleans())
    path = f"pkg/sub/mod{index}.py" if nested else f"pkg/mod{index}.py"
    dots = ".." if nested else "."
    style = draw(st.sampled_from(STYLES))
    wanted = draw(st.lists(st.sampled_from(names), min_size=1, max_size=len(names), unique=True))
    others = draw(st.lists(st.sampled_from(sorted(OTHERS)), max_size=4, unique=True))
    lines: list[str] = [line for line in sorted(others) if line.startswith("import ")]
    lines += [line for line in sorted(others) if not line.startswith("import ")]
    uses: list[str] = [OTHERS[line] for line in others]
    prefix: str | None = None
    local: list[str] = []
    if style == "in-function":
        local.append(f"    from pkg._compat import {', '.join(wanted)}")
        uses += wanted
    elif style.startswith("from"):
        parts = []
        for name in wanted:
            alias = draw(st.sampled_from(["", f" as {name}_"])) if name != "helper" else ""
            parts.append(name + alias)
            uses.append(f"{name}_" if alias else name)
        source = f"{dots}_compat" if style == "from-rel" else "pkg._compat"
        if style == "from-paren":
            lines.append(f"from {source} import (\n" + "".join(f"    {p},\n" for p in parts) + ")")
        else:
            lines.append(f"from {source} import {', '.join(parts)}")
    else:
        if style == "module-from":
            prefix = "_compat"
            lines.append(
                draw(st.sampled_from(["from pkg import _compat", f"from {dots} import _compat"]))
            )
        elif style == "module-alias":
            prefix = "compat"
            lines.append("import pkg._compat as compat")
        else:
            prefix = "pkg._compat"
            lines.append("import pkg._compat")
        uses += [f"{prefix}.{name}" for name in wanted]
    code: list[str] = []
    if prefix and draw(st.integers(0, 5)) == 0:
        code.append(f"{wanted[0]} = 1")  # a conflict: the importer must be left alone
        uses.append(wanted[0])
    in_function = bool(local) or draw(st.booleans())
    calls = [f"print({use})" for use in uses]
    if in_function:
        code += ["", "", "def run():", *local, *(f"    {call}" for call in calls)]
    else:
        code += ["", *calls]
    header = draw(
        st.sampled_from(
            [
                "",
                '"""A module."""\n\n',
                "# A header.\n",
                '"""A module."""\n\nfrom __future__ import annotations\n\n',
            ]
        )
    )
    text = header + "\n".join(lines) + "\n" + "\n".join(code) + "\n"
    return Importer(path, text, draw(st.booleans()), prefix)


@st.composite
def projects(draw: st.DrawFn) -> Project:
    shim, names, _ = draw(shims())
    project = Project()
    project.files = {
        SHIM: shim,
        "pkg/__init__.py": "",
        "pkg/other.py": "",
        "pkg/sub/__init__.py": "",
    }
    project.settings = draw(st.sampled_from(sorted(SETTINGS)))
    count = draw(st.integers(1, 3))
    for index in range(count):
        importer = draw(importers(names, index))
        project.importers.append(importer)
        project.files[importer.path] = importer.text
    return project


def _ruff(root: Path, options: tuple[str, ...], *args: str) -> subprocess.CompletedProcess[str]:
    config = [arg for option in (FIRST_PARTY, *options) for arg in ("--config", option)]
    return subprocess.run(
        [RUFF, "check", "--isolated", "--no-cache", *config, *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def _write(root: Path, files: dict[str, str | None]) -> None:
    for rel, text in files.items():
        target = root / rel
        if text is None:
            target.unlink(missing_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


def _tail(text: str) -> str:
    """The code after the imports (from the first line that is not part of an import),
    without the import lines inside functions."""
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        if line.startswith(("print(", "def ")) or re.match(r"\w+ = 1$", line):
            tail: list[str] = []
            inside = False
            for line in lines[index:]:
                if inside or re.match(r"\s+(from|import) ", line):
                    inside = line.rstrip().endswith("(") or (inside and line.strip() != ")")
                    tail.append("<import>\n")
                else:
                    tail.append(line)
            kept = []
            for position, line in enumerate(tail):
                following = next((n for n in tail[position:] if n.strip()), "")
                if following != "<import>\n":
                    kept.append(line)
            return "".join(kept)
    return ""


def _inlined_in(plan: InlinePlan, path: str) -> set[str]:
    return {item.name for item in plan.inlined for edit in item.importers if edit.path == path}


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(projects())
def test_inline_properties(project: Project) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        _write(root, dict(project.files))
        options = SETTINGS[project.settings]
        sorter = pkg_sorter(*options)
        sorted_paths = [i.path for i in project.importers if i.sorted]
        if sorted_paths:
            _ruff(root, options, "--select", "I", "--fix-only", "--exit-zero", *sorted_paths)
        sources = {rel: (root / rel).read_text(encoding="utf-8") for rel in project.files}

        plan = plan_inline(make_config(), sources, sorter=sorter)
        after = {rel: plan.new_text(rel, text) for rel, text in sources.items()}

        # Parses.
        for rel, text in after.items():
            if text is not None:
                compile(text, rel, "exec")
        # Idempotent.
        remaining = {rel: text for rel, text in after.items() if text is not None}
        again = plan_inline(make_config(), remaining, sorter=sorter)
        assert not again.changed, {p: e.new_text for p, e in again.edits.items()}
        # Code outside the imports: identical but for ``module.name`` -> ``name``.
        for importer in project.importers:
            old, new = sources[importer.path], after[importer.path]
            assert new is not None
            expected = _tail(old)
            prefix = importer.attribute_prefix
            for name in _inlined_in(plan, importer.path):
                if prefix is not None:
                    pattern = rf"(?<![\w.]){re.escape(prefix)}\.{name}\b"
                    expected = re.sub(pattern, name, expected)
            assert _tail(new) == expected
            if not plan.edits.get(importer.path):
                assert new == old
        # Nothing undefined or unused; sorted blocks stay sorted.
        _write(root, after)
        paths = [i.path for i in project.importers]
        checked = _ruff(root, options, "--select", "I,F821,F401", "--output-format", "json", *paths)
        problems = json.loads(checked.stdout or "[]")
        for problem in problems:
            rel = Path(problem["filename"]).relative_to(root.resolve()).as_posix()
            code = problem["code"]
            assert code == "I001" and rel not in sorted_paths, (rel, code, after[rel])
