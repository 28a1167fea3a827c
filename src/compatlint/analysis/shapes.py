"""Small ``ast`` predicates shared by the shim model and the import facts."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator

IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})
ATTRIBUTE_ERRORS = frozenset({"AttributeError"})
# ``try`` and, on Python 3.11+, ``try``/``except*``: the same fields, the same blocks.
TRY_TYPES: tuple[type[ast.stmt], ...] = (ast.Try, *filter(None, [getattr(ast, "TryStar", None)]))


def caught_names(handler: ast.ExceptHandler) -> frozenset[str]:
    """The exception class names an ``except`` clause catches (``builtins.`` dropped)."""
    if handler.type is None:
        return frozenset({"BaseException"})
    nodes = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    names = set()
    for node in nodes:
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
    return frozenset(names)


def is_import_handler(handler: ast.ExceptHandler, try_body: list[ast.stmt]) -> bool:
    """Whether ``handler`` is the fallback side of an import probe.

    It catches ImportError / ModuleNotFoundError, or AttributeError around a body that
    imports something, and it binds a name (a handler that only passes, continues or
    raises is not a fallback).
    """
    caught = caught_names(handler)
    if caught & IMPORT_ERRORS or (caught & ATTRIBUTE_ERRORS and any(imports_in(try_body))):
        pass
    else:
        return False
    return binds(handler.body)


def binds(statements: Iterable[ast.stmt]) -> bool:
    """Whether running ``statements`` can bind a name (assign, import, def, setattr...)."""
    for statement in statements:
        if isinstance(
            statement,
            (
                ast.Assign,
                ast.AnnAssign,
                ast.AugAssign,
                ast.Import,
                ast.ImportFrom,
                ast.FunctionDef,
                ast.AsyncFunctionDef,
                ast.ClassDef,
            ),
        ):
            return True
        if isinstance(statement, ast.Expr) and _is_setattr_call(statement.value):
            return True
        if any(binds(block) for block in _blocks(statement)):
            return True
    return False


def _blocks(statement: ast.stmt) -> list[list[ast.stmt]]:
    """The nested blocks of a compound statement that may bind a name (not ``finally``)."""
    if isinstance(statement, (ast.If, ast.For, ast.While)):
        return [statement.body, statement.orelse]
    if isinstance(statement, ast.With):
        return [statement.body]
    if isinstance(statement, TRY_TYPES):
        try_: ast.Try = statement  # type: ignore[assignment]
        return [try_.body, *(handler.body for handler in try_.handlers), try_.orelse]
    if isinstance(statement, ast.Match):
        return [case.body for case in statement.cases]
    return []


def _is_setattr_call(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr"
    )


def imports_in(statements: Iterable[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """Import statements among ``statements`` and their nested blocks (not in defs)."""
    for statement in statements:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            yield statement
        else:
            for block in _blocks(statement):
                yield from imports_in(block)


def imported_modules(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The absolute module names an import statement loads (relative imports give none)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level or not node.module:
        return []
    return [node.module]


def root_of(module: str) -> str:
    return module.split(".")[0]


def first_line(node: ast.stmt) -> int:
    """The first line of a statement, decorators included."""
    decorators = getattr(node, "decorator_list", None) or []
    return min([node.lineno, *(d.lineno for d in decorators)])


def is_type_checking_test(test: ast.expr) -> bool:
    """``if TYPE_CHECKING:`` / ``if typing.TYPE_CHECKING:``."""
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def string_elements(node: ast.expr) -> list[ast.Constant] | None:
    """The elements of a list/tuple/set literal if every one is a string constant."""
    if not isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return None
    elements = []
    for element in node.elts:
        if not (isinstance(element, ast.Constant) and isinstance(element.value, str)):
            return None
        elements.append(element)
    return elements
