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
    """The stub list variable and its entries, in file order: those of its last literal
    assignment at module level (the one in effect), where edits go. ``added``: the
    modules later statements add to it (``+=``, ``.extend``, ``.append``, ``.add``)."""

    path: str
    name: str
    entries: tuple[MockEntry, ...]
    line: int
    end_line: int
    added: frozenset[str] = frozenset()

    @property
    def modules(self) -> frozenset[str]:
        return frozenset(entry.module for entry in self.entries) | self.added


#: Methods that add the module names of their argument to a list or set.
_ADDERS = frozenset({"append", "add", "extend", "update"})


def read_mock_list(path: str, tree: ast.Module, name: str) -> MockList:
    """Find ``name = [...]`` (or a tuple/set, annotated or not) at module level in
    ``tree``: the last such assignment, the one in effect (an earlier one is overwritten),
    and what later statements add to it."""
    found: tuple[int, ast.stmt, ast.expr] | None = None
    for index, statement in enumerate(tree.body):
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
        if value is not None:
            found = (index, statement, value)
    if found is None:
        raise ConfigError(f"no module-level list named {name!r} (mocks.name)", path)
    index, statement, value = found
    elements = string_elements(value)
    if elements is None:
        raise ConfigError(
            f"{name} must be a list, tuple or set literal of module-name strings",
            path,
            statement.lineno,
        )
    entries = tuple(MockEntry(e.value, e.lineno, e.col_offset + 1) for e in elements)
    added = frozenset(_added(tree.body[index + 1 :], name))
    return MockList(path, name, entries, statement.lineno, statement.end_lineno or 0, added)


def _added(statements: list[ast.stmt], name: str) -> Iterable[str]:
    """The module names module-level statements add to ``name`` (``name += [...]``,
    ``name.extend([...])``, ``name.append("...")``)."""
    for statement in statements:
        value: ast.expr | None = None
        if (
            isinstance(statement, ast.AugAssign)
            and isinstance(statement.target, ast.Name)
            and statement.target.id == name
        ):
            value = statement.value
        elif (
            isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Call)
            and isinstance(statement.value.func, ast.Attribute)
            and isinstance(statement.value.func.value, ast.Name)
            and statement.value.func.value.id == name
            and statement.value.func.attr in _ADDERS
            and len(statement.value.args) == 1
        ):
            value = statement.value.args[0]
        if value is None:
            continue
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            yield value.value
        else:
            yield from (element.value for element in string_elements(value) or ())


def under(path: str, roots: Iterable[str]) -> bool:
    """Whether ``path`` lies under one of ``roots`` (``.`` is everything)."""
    return any(root in ("", ".") or path == root or path.startswith(root + "/") for root in roots)


def required_modules(module: str) -> list[str]:
    """A module and every parent package: ``a.b.c`` → ``a``, ``a.b``, ``a.b.c``."""
    parts = module.split(".")
    return [".".join(parts[: i + 1]) for i in range(len(parts))]
