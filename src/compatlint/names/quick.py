"""Answers about one file read from its ``ast``, where libcst's scope analysis is not needed.

Scope analysis of a big file costs seconds; most importers of a shim only need to know
that a from-import at module level is the one place a name is bound. :func:`binding_counts`
counts every place a file binds each name, in any scope. Each answer is either exact or
None ("not sure"), and the caller takes the scope-aware path on None, never the reverse.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = ["BindingFacts", "binding_counts", "binding_facts"]


@dataclass
class BindingFacts:
    """One walk of a file's ``ast``: how many places bind each name anywhere — imports,
    assignment, ``del`` and loop targets, parameters, definitions, ``except ... as``,
    ``global``/``nonlocal``, match captures, type parameters (overcounting is safe: a
    caller only trusts 1) — and every from-import, in any scope."""

    counts: Counter[str] = field(default_factory=Counter)
    from_imports: list[ast.ImportFrom] = field(default_factory=list)


def binding_facts(tree: ast.Module) -> BindingFacts:
    """The facts of ``tree``: one walk in ``ast.walk``'s order, without a generator per
    node, past the nodes that bind nothing and hold nothing that does."""
    facts = BindingFacts()
    counts = facts.counts
    nodes: list[ast.AST] = [tree]
    for node in nodes:  # grows while it is read: breadth first, as ``ast.walk``
        kind = node.__class__
        if kind is ast.Name:
            if node.ctx.__class__ is not ast.Load:  # type: ignore[attr-defined]
                counts[node.id] += 1  # type: ignore[attr-defined]
            continue
        binds = _BINDS.get(kind)
        if binds is None:
            binds = _BINDS[kind] = kind in _BINDERS or "name" in kind._fields
        if binds:
            for name in _bound_names(node):
                counts[name] += 1
        if kind is ast.ImportFrom:
            facts.from_imports.append(node)  # type: ignore[arg-type]
        for attribute in kind._fields:
            value = getattr(node, attribute, None)
            if value.__class__ is list:
                nodes.extend(
                    item
                    for item in value
                    if isinstance(item, ast.AST) and not isinstance(item, _INERT)
                )
            elif isinstance(value, ast.AST) and not isinstance(value, _INERT):
                nodes.append(value)
    return facts


#: Nodes that bind no name and have no child that does.
_INERT = (ast.Constant, ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
#: Nodes :func:`_bound_names` names besides those with a ``name`` field.
_BINDERS = frozenset(
    {ast.arg, ast.Global, ast.Nonlocal, ast.MatchMapping, ast.MatchAs, ast.MatchStar}
)
_BINDS: dict[type, bool] = {}


def binding_counts(tree: ast.Module) -> Counter[str]:
    """How many places bind each name anywhere in ``tree`` (see :class:`BindingFacts`)."""
    return binding_facts(tree).counts


def _bound_names(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Name):
        if not isinstance(node.ctx, ast.Load):
            yield node.id
    elif isinstance(node, ast.alias):
        yield node.asname or node.name.split(".")[0]
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        yield node.name
    elif isinstance(node, ast.arg):
        yield node.arg
    elif isinstance(node, (ast.Global, ast.Nonlocal)):
        yield from node.names
    elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
        if node.name:
            yield node.name
    elif isinstance(node, ast.MatchMapping):
        if node.rest:
            yield node.rest
    else:
        name = getattr(node, "name", None)  # type parameters (3.12+), and anything new
        if isinstance(name, str):
            yield name
