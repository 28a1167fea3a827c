"""Whether libcst's scope analysis can see some names differently in two versions of a file.

A codemod pass that changed a file asks libcst's ``ScopeProvider`` about a few names on the
new text: does an import still have a use, is a definition still only called. Resolving the
scopes of a whole file costs as much as parsing it twice; :func:`same_scopes_for` answers,
from ``ast`` alone, the cheaper question whether the answer *can* differ from the one
given on the old text.

Its *view* of a text for a set of names keeps the statements that spell one of the names as
an identifier (a name, a parameter, a definition, an imported or bound name, a ``global``;
a module path after ``from`` binds nothing), with the blocks that hold them: a kept
statement whole (``ast.dump``, and the source of an import without its white space: an
import's text is part of how the clean-up matches imports), a kept compound statement by
its header and the kept statements of its blocks, in order. Every statement left out
spells none of the names, so it holds no binding, access, ``global`` or ``nonlocal`` of
them; the scopes around a kept statement are kept statements themselves (a ``def``,
``class``, lambda or comprehension encloses what it holds), so the nesting the names
resolve through is part of the view. libcst orders a scope's assignments and accesses by
a counter that statements left out only add to between kept ones, which keeps every
before/after relation between kept ones. Two texts with equal views therefore have the
same bindings and accesses of the names, in the same scopes, related the same way.

What libcst decides from *other* names is refused instead of reasoned about: a string
that may be read as a type annotation (under an annotation, a subscript or a call, where
libcst asks whether ``typing.cast``, ``typing.Literal`` and the like are meant) must not
spell a name nor hold a quote or backslash (a string inside the string), and neither
text may spell ``TypeVar`` or ``NewType`` (libcst skips the first argument of those
calls). Texts that are not ASCII are refused too: ``ast`` normalises identifiers (NFKC),
libcst compares them as written. When in doubt the answer is ``False``, and the caller
asks libcst.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Collection, Iterator

__all__ = ["same_scopes_for", "syntax_tree"]

_BLOCKS = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})
#: Fields under which libcst may read a string as a type annotation.
_HINT_FIELDS = frozenset({"annotation", "returns", "type_params"})
_TYPE_ALIAS = getattr(ast, "TypeAlias", None)  # Python 3.12+
_HINT_NODES: tuple[type[ast.AST], ...] = (
    ast.Subscript,
    ast.Call,
    *((_TYPE_ALIAS,) if _TYPE_ALIAS is not None else ()),
)
_REFUSED_WORDS = ("TypeVar", "NewType")
_NESTED_STRING = ("'", '"', "\\")
#: Where the parser ends a line (``str.splitlines`` also ends one at a form feed and more).
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

View = tuple[object, ...]


def same_scopes_for(before: str, after: str, names: Collection[str]) -> bool:
    """True only if libcst's scope analysis of ``after`` binds and accesses ``names`` as it
    does in ``before``: the same bindings and accesses, in corresponding statements, with
    the same references between them. False when it may not, or when unsure."""
    wanted = frozenset(names)
    if not wanted:
        return True
    views: list[View] = []
    for text in (before, after):
        if not text.isascii() or any(word in text for word in _REFUSED_WORDS):
            return False
        try:
            tree = syntax_tree(text)
        except (SyntaxError, ValueError):
            return False
        if _hint_string_spells(tree, wanted):
            return False
        views.append(_view(tree.body, wanted, _LINE_BREAK.split(text)))
    return views[0] == views[1]


@functools.lru_cache(maxsize=4)
def syntax_tree(text: str) -> ast.Module:
    """``ast.parse(text)``, kept for the last few texts: a codemod step asks several
    questions of the same two texts. The tree is shared: never change it."""
    return ast.parse(text)


def _view(statements: list[ast.AST], names: frozenset[str], lines: list[str]) -> View:
    described = (_describe(statement, names, lines) for statement in statements)
    return tuple(item for item in described if item is not None)


def _describe(node: ast.AST, names: frozenset[str], lines: list[str]) -> View | None:
    """``node`` (a statement, handler or case) as the view keeps it, or None if neither it
    nor anything in its blocks spells one of ``names``."""
    header: list[tuple[str, object]] = []
    blocks: list[tuple[str, View]] = []
    for field, value in ast.iter_fields(node):
        if field in _BLOCKS and isinstance(value, list):
            blocks.append((field, _view(value, names, lines)))
        else:
            header.append((field, value))
    spelled = (
        value
        for field, value in header
        if not (field == "module" and isinstance(node, ast.ImportFrom))  # binds nothing
    )
    if not any(block for _, block in blocks) and not _spells(spelled, names):
        return None
    dumped = tuple((field, _dump(value)) for field, value in header)
    source = ""
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        source = "".join(_source(node, lines).split())
    return (type(node).__name__, dumped, source, tuple(blocks))


def _source(node: ast.stmt, lines: list[str]) -> str:
    """The source of ``node`` (in an ASCII text, where columns count characters)."""
    first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
    end = node.end_col_offset
    if first == last:
        return lines[first][node.col_offset : end]
    middle = lines[first + 1 : last]
    return "\n".join([lines[first][node.col_offset :], *middle, lines[last][:end]])


def _dump(value: object) -> object:
    if isinstance(value, ast.AST):
        return ast.dump(value)
    if isinstance(value, list):
        return tuple(_dump(item) for item in value)
    return value


def _identifiers(values: Iterator[object]) -> Iterator[str]:
    """Every identifier spelled under ``values`` (string constants are not identifiers)."""
    stack = list(values)
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, ast.Constant):
            continue
        elif isinstance(value, ast.AST):
            stack.extend(child for _, child in ast.iter_fields(value))


def _spells(values: Iterator[object], names: frozenset[str]) -> bool:
    return any(word.split(".")[0] in names for word in _identifiers(values))


def _hint_string_spells(tree: ast.Module, names: frozenset[str]) -> bool:
    """Whether a string libcst may read as an annotation spells one of ``names`` or may
    hold another string."""
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:
        node, hint = stack.pop()
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bytes):
                value = value.decode("latin-1")
            if hint and isinstance(value, str) and _suspect(value, names):
                return True
            continue
        hint = hint or isinstance(node, _HINT_NODES)
        for field, child in ast.iter_fields(node):
            below = hint or field in _HINT_FIELDS
            if isinstance(child, ast.AST):
                stack.append((child, below))
            elif isinstance(child, list):
                stack.extend((item, below) for item in child if isinstance(item, ast.AST))
    return False


def _suspect(value: str, names: frozenset[str]) -> bool:
    return any(mark in value for mark in _NESTED_STRING) or any(name in value for name in names)
