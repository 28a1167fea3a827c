"""Find nodes in a libcst tree without ``libcst.matchers``.

``libcst.matchers`` is a generated module of a thousand dataclasses: importing it costs
more than half a second, which every ``prune`` run paid for two lookups. These plain walks
answer the same questions (in the same pre-order) for a fraction of that.
"""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst

__all__ = ["find_all"]


def find_all(
    root: cst.CSTNode,
    types: type[cst.CSTNode] | tuple[type[cst.CSTNode], ...],
    where: Callable[[cst.CSTNode], bool] | None = None,
) -> list[cst.CSTNode]:
    """Every node under ``root`` (itself included) of ``types`` passing ``where``, in
    pre-order, as ``libcst.matchers.findall`` lists them."""
    found: list[cst.CSTNode] = []

    class _Finder(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            if isinstance(node, types) and (where is None or where(node)):
                found.append(node)
            return True

    root.visit(_Finder())
    return found
