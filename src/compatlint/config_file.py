"""Find and read a project's pyproject.toml: the file-system side of the configuration.

:mod:`compatlint.config` validates the tables (no file system access); here the file is
found, read (a regular file, UTF-8, within the size limit), decoded as TOML, and the
configured paths are checked to exist under the root. Every problem is a
:class:`~compatlint.errors.ConfigError` naming the file and, where it can, the line.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from compatlint.config import Config, TableReader, config_from_tables
from compatlint.errors import ConfigError
from compatlint.reading import DEFAULT_MAX_FILE_SIZE, UnreadableFile, file_problem, read_regular

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "PYPROJECT",
    "check_paths_exist",
    "find_config",
    "load_config",
    "read_pyproject",
    "read_tool_table",
    "toml_error",
]

PYPROJECT = "pyproject.toml"


def find_config(start: Path) -> Path:
    """The nearest pyproject.toml at or above ``start`` that has ``[tool.compatlint]``.

    The table is looked for in the bytes, so a file that has one but is not valid UTF-8
    is found (and then refused for its encoding), not passed over as "not found".
    """
    start = start.resolve()
    for directory in (start, *start.parents):
        candidate = directory / PYPROJECT
        if candidate.is_file():
            try:
                data = read_regular(candidate, DEFAULT_MAX_FILE_SIZE)
            except UnreadableFile:
                continue
            if _TOOL_TABLE.search(data):
                return candidate
    raise ConfigError(
        f"no pyproject.toml with [tool.compatlint] found in {start} or any parent directory"
    )


_TOOL_TABLE = re.compile(rb"^\s*\[\s*tool\s*\.\s*compatlint\b", re.MULTILINE)
_TOML_POSITION = re.compile(r"\s*\((?:at line (\d+), column \d+|at end of document)\)\s*$")


def toml_error(exc: ValueError, text: str) -> tuple[str, int | None]:
    """The message of a TOML decoding error without its position, and its line.

    ``lineno`` exists only from Python 3.14; before, the line is read from the message's
    "(at line N, column M)" (or "(at end of document)": the last line).
    """
    shown = str(exc)
    match = _TOML_POSITION.search(shown)
    message = shown[: match.start()] if match else shown
    line = getattr(exc, "lineno", None)
    if line is None and match is not None:
        line = int(match.group(1)) if match.group(1) else text.count("\n") + 1
    return message, line


def read_tool_table(path: Path) -> tuple[dict[str, Any], str]:
    """The raw ``[tool.compatlint]`` table of ``path`` and the file's text."""
    table, _, text, _ = read_pyproject(path)
    return table, text


def read_pyproject(
    path: Path,
) -> tuple[dict[str, Any], dict[str, Any], str, Mapping[str, Any]]:
    """The raw ``[tool.compatlint]`` and ``[project]`` tables of ``path`` (parsed once), the
    file's text and ``[tool.pytest.ini_options]`` (where test collection starts)."""
    shown = str(path)
    try:
        data = read_regular(path, DEFAULT_MAX_FILE_SIZE)
    except UnreadableFile as exc:
        if exc.reason == "no such file":
            raise ConfigError("config file not found", shown) from None
        reason = exc.reason.removeprefix("cannot read: ")
        raise ConfigError(f"cannot read config file: {reason}", shown) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError("config file is not valid UTF-8 (TOML must be)", shown, line) from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message, line = toml_error(exc, text)
        raise ConfigError(f"invalid TOML: {message}", shown, line) from None
    tool = document.get("tool")
    table = tool.get("compatlint") if isinstance(tool, dict) else None
    if not isinstance(table, dict):
        raise ConfigError("no [tool.compatlint] table", shown)
    project = document.get("project")
    pytest = tool.get("pytest") if isinstance(tool, dict) else None
    options = pytest.get("ini_options") if isinstance(pytest, dict) else None
    return (
        table,
        project if isinstance(project, dict) else {},
        text,
        options if isinstance(options, dict) else {},
    )


def load_config(path: Path) -> Config:
    """Read, validate and check the paths of the configuration in ``path``."""
    table, project, text, pytest = read_pyproject(path)
    config = config_from_tables(
        table, project, pytest, root=path.parent.resolve(), config_path=path, text=text
    )
    check_paths_exist(config, text)
    return config


_NOT_A_FILE = ("is a directory", "not a regular file")


def check_paths_exist(config: Config, text: str) -> None:
    """Every configured path lies under the root and exists; a shim, the stub list and
    a policy doc are regular files (a pipe or a device would hang or never end)."""
    reader = TableReader(str(config.config_path), text)
    checks: list[tuple[str, str, bool]] = [("shim", p, True) for p in config.shims]
    checks += [("src", p, False) for p in config.src]
    checks += [("policy-docs", p, True) for p in config.policy_docs]
    if config.mocks is not None:
        checks.append(("file", config.mocks.file, True))
        checks += [("collect", p, False) for p in config.mocks.collect]
    for key, rel, regular in checks:
        if _outside(config.root, rel):
            reader.fail(key, f"{key!r} names {rel!r}, which is outside the project root")
        if not (config.root / rel).exists():
            reader.fail(key, f"{key!r} names {rel!r}, which does not exist")
        problem = file_problem(config.root / rel, None) if regular else None
        if problem in _NOT_A_FILE:
            what = problem if problem.startswith("is ") else f"is {problem}"
            reader.fail(key, f"{key!r} names {rel!r}, which {what}")


def _outside(root: Path, rel: str) -> bool:
    """Whether ``rel`` leads out of ``root`` by its text (``..``, an absolute path);
    a link inside the root that points elsewhere is the user's choice."""
    joined = Path(os.path.normpath(root / rel))
    return not joined.is_relative_to(root)
