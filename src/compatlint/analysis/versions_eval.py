"""Simple evaluation of version gates: ``<version of X> OP <literal>`` over a window.

A version gate is decided by arithmetic, never by where a tag sits. This module reads the
one shape it can judge — a comparison of something that reads a version with a literal
(``Version("0.5.10")``, ``parse_version("1.4")``, ``"1.4"``, ``(1, 8)``) — and says what
the comparison is on every version from a floor up: always true, always false, or not
decided (``None``). Anything else is not read at all.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

_OPS = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
_NEGATE = {"<": ">=", "<=": ">", ">": "<=", ">=": "<"}


@dataclass(frozen=True)
class VersionTest:
    """``subject op bound``: ``subject`` is the source text of what reads the version."""

    subject: str
    op: str
    bound: Version


def _literal(node: ast.expr) -> Version | None:
    """The version a literal side of a comparison spells, if it is one."""
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        node = node.args[0]
    try:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return Version(node.value)
        if isinstance(node, ast.Tuple) and node.elts:
            parts = [e.value for e in node.elts if isinstance(e, ast.Constant)]
            if len(parts) == len(node.elts) and all(type(p) is int for p in parts):
                return Version(".".join(str(p) for p in parts))
    except InvalidVersion:
        return None
    return None


def read_version_test(test: ast.expr) -> VersionTest | None:
    """The comparison ``test`` makes, with ``not`` folded into the operator."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = read_version_test(test.operand)
        if inner is None:
            return None
        return VersionTest(inner.subject, _NEGATE[inner.op], inner.bound)
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return None
    op = _OPS.get(type(test.ops[0]))
    if op is None:
        return None
    left, right = test.left, test.comparators[0]
    bound = _literal(right)
    if bound is not None and _literal(left) is None:
        return VersionTest(ast.unparse(left), op, bound)
    bound = _literal(left)
    if bound is not None and _literal(right) is None:
        return VersionTest(ast.unparse(right), _MIRROR[op], bound)
    return None


def value_from(test: VersionTest, floor: Version) -> bool | None:
    """The value of ``test`` on every version at or above ``floor``, or None if it differs
    between them."""
    if test.op == "<":
        return False if floor >= test.bound else None
    if test.op == "<=":
        return False if floor > test.bound else None
    if test.op == ">=":
        return True if floor >= test.bound else None
    return True if floor > test.bound else None


__all__ = ["VersionTest", "read_version_test", "value_from"]
