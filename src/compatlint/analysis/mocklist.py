"""The test-collection stub-module list: a list/tuple/set literal of module names in a file.

The file is read, never imported or run.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass

from compatlint.analysis.shapes import string_elements
from compatlint.errors import ConfigError


@dataclass(frozen=True)
class MockEntry:
    """One module name in the stub list."""

    module: str
    line: int
    column: int


@dataclass(frozen=True)
class MockList:
    """The stub list variable and its entries, in file order."""

    path: str
    name: str
    entries: tuple[MockEntry, ...]
    line: int
    end_line: int

    @property
    def modules(self) -> frozenset[str]:
        return frozenset(entry.module for entry in self.entries)


def read_mock_list(path: str, tree: ast.Module, name: str) -> MockList:
    """Find ``name = [...]`` (or a tuple/set, annotated or not) at module level in ``tree``."""
    for statement in tree.body:
        value: ast.expr | None = None
        if (
            isinstance(statement, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in statement.targets)
        ) or (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and statement.target.id == name
        ):
            value = statement.value
        if value is None:
            continue
        elements = string_elements(value)
        if elements is None:
            raise ConfigError(
                f"{name} must be a list, tuple or set literal of module-name strings",
                path,
                statement.lineno,
            )
        entries = tuple(MockEntry(e.value, e.lineno, e.col_offset + 1) for e in elements)
        return MockList(path, name, entries, statement.lineno, statement.end_lineno or 0)
    raise ConfigError(f"no module-level list named {name!r} (mocks.name)", path)


def under(path: str, roots: Iterable[str]) -> bool:
    """Whether ``path`` lies under one of ``roots`` (``.`` is everything)."""
    return any(root in ("", ".") or path == root or path.startswith(root + "/") for root in roots)


def required_modules(module: str) -> list[str]:
    """A module and every parent package: ``a.b.c`` → ``a``, ``a.b``, ``a.b.c``."""
    parts = module.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]
