"""Shared helpers: build an in-memory project and run the pure core on it."""

from __future__ import annotations

import subprocess
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from hypothesis import settings

from compatlint.analysis.project import ProjectFacts, analyze_project
from compatlint.checker import run_rules
from compatlint.config import Config, parse_config
from compatlint.model import Diagnostic
from compatlint.rules import ALL_RULES, Rule

BASE_TABLE: dict[str, Any] = {
    "upstream": "sglang",
    "shim": ["pkg/_compat.py"],
    "src": ["."],
    "floor": "0.5.10",
    "tracks": {"xpu": "0.5.11"},
}


def make_config(overrides: Mapping[str, Any] | None = None) -> Config:
    table = {**BASE_TABLE, **(overrides or {})}
    root = Path("/project")
    return parse_config(table, root=root, config_path=root / "pyproject.toml")


def analyze(files: Mapping[str, str], overrides: Mapping[str, Any] | None = None) -> ProjectFacts:
    return analyze_project(make_config(overrides), dict(files))


def diagnostics(
    files: Mapping[str, str],
    overrides: Mapping[str, Any] | None = None,
    rules: tuple[type[Rule], ...] = ALL_RULES,
) -> list[Diagnostic]:
    return run_rules(analyze(files, overrides), rules)


def examples(quick: int, profile: settings | None = None) -> int:
    """How many examples a property test with its own ``max_examples`` runs: ``quick`` in
    `make test`, more when the hypothesis profile (default: the loaded one) asks for more
    (``explore``), which a per-test setting would otherwise cap."""
    return max(quick, (profile or settings.default).max_examples)


def git_commit_all(root: Path, message: str = "start") -> None:
    """Make ``root`` a git repository whose one commit holds every file in it."""
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", message]):
        subprocess.run(
            ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
            cwd=root,
            check=True,
            capture_output=True,
        )


def write_committed(root: Path, files: Mapping[str, str]) -> None:
    """Write ``files`` (path -> text, dedented) under ``root`` and commit them all."""
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    git_commit_all(root)
