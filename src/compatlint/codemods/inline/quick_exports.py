"""A shim's trivial re-exports decided from its ``ast`` alone, where that is certain.

:func:`~compatlint.codemods.inline.shim_facts.shim_facts` asks of each name a shim
re-exports from the upstream whether the shim binds it once, by that import, and never
uses it itself; libcst's scope analysis answers, at a cost (resolving scopes and
positions on a 10 KB shim takes longer than the rest of reading it). Most names of a
shim answer themselves: spelled only in the import and in plain reads, and in no string
libcst could read as code, nothing else can bind them, so every read is of the import.
:func:`quick_re_exports` decides the re-exports when *every* one of them is such a name,
and says None otherwise: then the scopes decide, for all of them, as before.

What counts as a spelling is wide on purpose: every identifier the ``ast`` holds (a name
read or stored, a parameter, a keyword, an attribute, a definition, an import's names and
modules part by part, a ``global``, an ``except`` or ``match`` target, a type parameter).
What counts as a string libcst could read is wide too: libcst reads string annotations,
``cast``/``TypeVar`` arguments and subscripts of ``typing`` names as code, so only
docstrings and the entries of a module-level ``__all__`` list are left out; any other
string that contains the name at all keeps the name for the scopes.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Collection, Iterator
from typing import NamedTuple

from compatlint.analysis.shapes import root_of
from compatlint.analysis.source import docstring_node

__all__ = ["QuickExport", "quick_re_exports"]


class QuickExport(NamedTuple):
    """One name a top-level ``from upstream.x import`` binds."""

    statement_line: int
    line: int
    name: str
    module: str
    original: str


def quick_re_exports(
    tree: ast.Module, text: str, lines: Collection[int], roots: Collection[str]
) -> list[tuple[QuickExport, str | None]] | None:
    """The names the top-level from-imports of an upstream (``roots``) bind on ``lines``,
    each with why the shim keeps it (None: it is a trivial re-export) — when the ``ast``
    is certain of every one of them, else None (the scopes decide).

    Certain: the name is spelled only in its import and in plain reads (``Name`` nodes
    that load it, outside f-strings) that come after the import or sit in a function
    body, and in no string libcst may read as code. Nothing else binds it, so the import
    is its one binding and every read is of it: the shim keeps the name when it reads it
    (the first line it does, as the scopes say), and drops it otherwise. A statement
    sharing its line with another (``;``) is never certain: libcst takes the line's
    first statement for the site."""
    if "\r" in text:  # line numbers below count ``\n`` alone
        return None
    text_lines = text.split("\n")
    found: list[QuickExport] = []
    body = tree.body
    for index, statement in enumerate(body):
        if not _upstream_import(statement, roots):
            continue
        # libcst groups ``a; b`` into one statement line, whose first line decides.
        first = (body[index - 1].end_lineno or 1) if index else statement.lineno
        last = body[index + 1].lineno if index + 1 < len(body) else statement.end_lineno
        if any(";" in line for line in text_lines[first - 1 : last]):
            return None
        if statement.lineno not in lines:
            continue
        assert isinstance(statement, ast.ImportFrom) and statement.module is not None
        for alias in statement.names:
            bound = alias.asname or alias.name
            found.append(
                QuickExport(statement.lineno, alias.lineno, bound, statement.module, alias.name)
            )
    if not found:
        return []
    spelled = _spellings(tree)
    reader = _Reads()
    reader.visit(tree)
    strings = _code_like_strings(tree)
    decided: list[tuple[QuickExport, str | None]] = []
    for export in found:
        reads = reader.found.get(export.name, [])
        if spelled[export.name] != 1 + len(reads):
            return None  # bound, deleted or spelled otherwise somewhere: the scopes decide
        if any(export.name in string for string in strings):
            return None
        # A read in the module's own code before the import is not of it (libcst orders
        # a scope's bindings and reads); one in a function body is, whenever it runs.
        if any(read.line < export.statement_line and not read.deferred for read in reads):
            return None
        first = min((read.line for read in reads), default=None)
        reason = None if first is None else f"used by the shim itself (line {first})"
        decided.append((export, reason))
    return decided


def _upstream_import(statement: ast.stmt, roots: Collection[str]) -> bool:
    """Whether ``statement`` is an absolute from-import of names (no star) from an
    upstream: what libcst's reading of the shim takes for a re-export."""
    return (
        isinstance(statement, ast.ImportFrom)
        and not statement.level
        and statement.module is not None
        and root_of(statement.module) in roots
        and not any(alias.name == "*" for alias in statement.names)
    )


def _spellings(tree: ast.Module) -> Counter[str]:
    """How often each identifier is spelled in ``tree``: every string field of every node
    but a constant's, dotted ones part by part, and every string in a list field
    (``global``'s names)."""
    counts: Counter[str] = Counter()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant):
            continue
        for _, value in ast.iter_fields(node):
            if isinstance(value, str):
                counts.update(value.split("."))
            elif isinstance(value, list):
                counts.update(
                    part for item in value if isinstance(item, str) for part in item.split(".")
                )
    return counts


class _Read(NamedTuple):
    line: int
    #: in the body of a function or lambda: it reads the module's binding when called
    deferred: bool


class _Reads(ast.NodeVisitor):
    """The names ``tree`` reads (``Name`` in a load), by name, but inside an f-string
    (whose inner positions older Pythons do not always get right)."""

    def __init__(self) -> None:
        self.found: dict[str, list[_Read]] = {}
        self.deferred = False

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.found.setdefault(node.id, []).append(_Read(node.lineno, self.deferred))

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        return

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for field in ("decorator_list", "args", "returns", "type_params"):
            value = getattr(node, field, None)
            for child in value if isinstance(value, list) else [value]:
                if isinstance(child, ast.AST):
                    self.visit(child)
        self._deferred(node.body)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.visit(node.args)
        self._deferred([node.body])

    def _deferred(self, nodes: list[ast.AST] | list[ast.stmt] | list[ast.expr]) -> None:
        outer, self.deferred = self.deferred, True
        for child in nodes:
            self.visit(child)
        self.deferred = outer


def _code_like_strings(tree: ast.Module) -> list[str]:
    """The texts of the string and bytes constants of ``tree`` but docstrings and the
    entries of module-level ``__all__`` lists: the others may be read as code."""
    plain = {id(node) for node in _docstrings(tree)} | {id(node) for node in _all_entries(tree)}
    return [
        node.value if isinstance(node.value, str) else node.value.decode("latin-1")
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str | bytes)
        and id(node) not in plain
    ]


def _docstrings(tree: ast.Module) -> Iterator[ast.Constant]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            found = docstring_node(node)
            if found is not None:
                yield found


def _all_entries(tree: ast.Module) -> Iterator[ast.Constant]:
    """The string entries of ``__all__ = [...]`` and ``__all__ += [...]`` at module level."""
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AugAssign):
            targets, value = [statement.target], statement.value
        else:
            continue
        if not all(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            continue
        if isinstance(value, ast.List | ast.Tuple):
            yield from (item for item in value.elts if isinstance(item, ast.Constant))
