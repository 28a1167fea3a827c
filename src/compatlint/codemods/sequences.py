"""Removing and inserting items of comma-separated sequences, keeping comments and layout.

Covers list, tuple and set literals and the names of ``import`` statements. In libcst a
comment above an item lives in the whitespace *before* it (the previous comma's, or the
opening bracket's), and a comment after an item on its line lives in the whitespace after
its comma. Removing an item therefore joins the gap before it with the gap after it: the
previous line's trailing comment stays, the removed item's own trailing comment goes, and
comments that led the next item still lead it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import libcst as cst

Whitespace = cst.BaseParenthesizableWhitespace
_NONE = cst.MaybeSentinel.DEFAULT


@dataclass
class _Shape:
    """A sequence opened apart from its node: items and the gaps inside the brackets."""

    items: list[Any]
    open_ws: Whitespace | None
    close_ws: Whitespace | None
    trailing_comma_ok: bool
    single_needs_comma: bool


def _is_multiline(ws: Whitespace | None) -> bool:
    return isinstance(ws, cst.ParenthesizedWhitespace)


def _has_comments(ws: Whitespace | None) -> bool:
    if not isinstance(ws, cst.ParenthesizedWhitespace):
        return False
    return ws.first_line.comment is not None or any(
        line.comment is not None for line in ws.empty_lines
    )


def _comma_ws(item: Any) -> Whitespace | None:
    comma = item.comma
    return comma.whitespace_after if isinstance(comma, cst.Comma) else None


def _with_comma_ws(item: Any, ws: Whitespace) -> Any:
    comma = item.comma if isinstance(item.comma, cst.Comma) else cst.Comma()
    return item.with_changes(comma=comma.with_changes(whitespace_after=ws))


def join_gaps(before: Whitespace, after: Whitespace) -> Whitespace:
    """The whitespace left where an item stood between the gaps ``before`` and ``after``."""
    if isinstance(before, cst.ParenthesizedWhitespace):
        if isinstance(after, cst.ParenthesizedWhitespace):
            return after.with_changes(
                first_line=before.first_line,
                empty_lines=[*before.empty_lines, *after.empty_lines],
            )
        return before if _has_comments(before) else after
    if isinstance(after, cst.ParenthesizedWhitespace):
        return after.with_changes(first_line=cst.TrailingWhitespace())
    return before


def _tail(item: Any, close_ws: Whitespace | None) -> Whitespace:
    """The gap after the last item: its comma's whitespace and the closing bracket's."""
    after = _comma_ws(item)
    if isinstance(after, cst.ParenthesizedWhitespace):
        return after
    return close_ws if close_ws is not None else cst.SimpleWhitespace("")


def _remove_one(shape: _Shape, index: int) -> None:
    items = shape.items
    count = len(items)
    before = shape.open_ws if index == 0 else _comma_ws(items[index - 1])
    before = before if before is not None else cst.SimpleWhitespace("")
    item = items[index]
    if index < count - 1:
        after = _comma_ws(item) or cst.SimpleWhitespace(" ")
        joined = join_gaps(before, after)
        if index == 0:
            shape.open_ws = joined
        else:
            items[index - 1] = _with_comma_ws(items[index - 1], joined)
        del items[index]
        return
    tail = _tail(item, shape.close_ws)
    if count == 1:
        if _has_comments(before) or _has_comments(tail):
            shape.open_ws = join_gaps(before, tail)
        else:
            shape.open_ws = cst.SimpleWhitespace("")
        shape.close_ws = cst.SimpleWhitespace("")
        del items[index]
        return
    if _is_multiline(before) or _is_multiline(tail):
        shape.close_ws = join_gaps(before, tail)
    else:  # one line: the space after the previous comma must not stay before the bracket
        shape.close_ws = tail
    previous = items[index - 1]
    keep_comma = (isinstance(item.comma, cst.Comma) and shape.trailing_comma_ok) or (
        shape.single_needs_comma and count == 2
    )
    if keep_comma:
        items[index - 1] = _with_comma_ws(previous, cst.SimpleWhitespace(""))
    else:
        items[index - 1] = previous.with_changes(comma=_NONE)
    del items[index]


# -- containers ---------------------------------------------------------------------------


def _open(node: cst.CSTNode) -> _Shape:
    if isinstance(node, cst.List):
        return _Shape(
            list(node.elements),
            node.lbracket.whitespace_after,
            node.rbracket.whitespace_before,
            True,
            False,
        )
    if isinstance(node, cst.Set):
        return _Shape(
            list(node.elements),
            node.lbrace.whitespace_after,
            node.rbrace.whitespace_before,
            True,
            False,
        )
    if isinstance(node, cst.Tuple):
        parenthesized = bool(node.lpar)
        return _Shape(
            list(node.elements),
            node.lpar[-1].whitespace_after if parenthesized else None,
            node.rpar[0].whitespace_before if parenthesized else None,
            True,
            True,
        )
    if isinstance(node, cst.ImportFrom) and node.lpar is not None and node.rpar is not None:
        return _Shape(
            list(node.names),  # type: ignore[arg-type]
            node.lpar.whitespace_after,
            node.rpar.whitespace_before,
            True,
            False,
        )
    raise TypeError(f"not a bracketed sequence: {type(node).__name__}")


def _close(node: Any, shape: _Shape) -> Any:
    if isinstance(node, cst.List):
        return node.with_changes(
            elements=shape.items,
            lbracket=node.lbracket.with_changes(whitespace_after=shape.open_ws),
            rbracket=node.rbracket.with_changes(whitespace_before=shape.close_ws),
        )
    if isinstance(node, cst.Set):
        return node.with_changes(
            elements=shape.items,
            lbrace=node.lbrace.with_changes(whitespace_after=shape.open_ws),
            rbrace=node.rbrace.with_changes(whitespace_before=shape.close_ws),
        )
    if isinstance(node, cst.Tuple):
        if not node.lpar:
            return node.with_changes(elements=shape.items)
        lpar = [*node.lpar[:-1], node.lpar[-1].with_changes(whitespace_after=shape.open_ws)]
        rpar = [node.rpar[0].with_changes(whitespace_before=shape.close_ws), *node.rpar[1:]]
        return node.with_changes(elements=shape.items, lpar=lpar, rpar=rpar)
    return node.with_changes(
        names=shape.items,
        lpar=node.lpar.with_changes(whitespace_after=shape.open_ws),
        rpar=node.rpar.with_changes(whitespace_before=shape.close_ws),
    )


def remove_items(node: Any, indices: Sequence[int]) -> Any:
    """``node`` (a list, tuple or set literal, or a parenthesized ``from`` import) without
    the items at ``indices``; comments of the items that stay keep their places."""
    shape = _open(node)
    for index in sorted(set(indices), reverse=True):
        _remove_one(shape, index)
    if isinstance(node, cst.Tuple) and not node.lpar:
        if not shape.items:  # ``X = "a",`` without its only item: ``X = ()``
            return node.with_changes(elements=[], lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        only = shape.items[0]
        if len(shape.items) == 1 and not isinstance(only.comma, cst.Comma):
            shape.items[0] = only.with_changes(comma=cst.Comma())
    return _close(node, shape)


def remove_aliases(node: cst.Import | cst.ImportFrom, indices: Sequence[int]) -> Any:
    """An import statement without the names at ``indices`` (at least one must stay)."""
    if isinstance(node, cst.ImportFrom) and node.lpar is not None:
        return remove_items(node, indices)
    drop = set(indices)
    names = [alias for index, alias in enumerate(node.names) if index not in drop]  # type: ignore[arg-type]
    names[-1] = names[-1].with_changes(comma=_NONE)
    return node.with_changes(names=names)


# -- insertion ----------------------------------------------------------------------------


def _item_indent(shape: _Shape, anchor: int) -> cst.SimpleWhitespace:
    gaps = [shape.open_ws] + [_comma_ws(item) for item in shape.items]
    preferred = gaps[anchor]
    for gap in [preferred, *gaps]:
        if isinstance(gap, cst.ParenthesizedWhitespace):
            return gap.last_line
    return cst.SimpleWhitespace("    ")


def insert_item(node: Any, anchor: int, value: cst.BaseExpression) -> Any:
    """``node`` (a list, tuple or set literal) with ``value`` inserted after item ``anchor``
    (``-1``: first), in the layout and trailing-comma style of the items around it."""
    shape = _open(node)
    items = shape.items
    if not items:
        shape.items = [cst.Element(value)]
        return _close(node, shape)
    if anchor < 0:
        gap = shape.open_ws
        if isinstance(gap, cst.ParenthesizedWhitespace):
            shape.open_ws = gap.with_changes(empty_lines=[])
            after: Whitespace = gap.with_changes(first_line=cst.TrailingWhitespace())
        else:
            after = cst.SimpleWhitespace(" ")
        items.insert(0, cst.Element(value, comma=cst.Comma(whitespace_after=after)))
        return _close(node, shape)
    item = items[anchor]
    if anchor < len(items) - 1:
        gap = _comma_ws(item) or cst.SimpleWhitespace(" ")
        if isinstance(gap, cst.ParenthesizedWhitespace):
            items[anchor] = _with_comma_ws(item, gap.with_changes(empty_lines=[]))
            after = gap.with_changes(first_line=cst.TrailingWhitespace())
        else:
            after = gap
        items.insert(anchor + 1, cst.Element(value, comma=cst.Comma(whitespace_after=after)))
        return _close(node, shape)
    close = shape.close_ws
    has_comma = isinstance(item.comma, cst.Comma)
    if isinstance(close, cst.ParenthesizedWhitespace) and not _is_multiline(_comma_ws(item)):
        indent = _item_indent(shape, anchor)
        line_break = cst.ParenthesizedWhitespace(
            first_line=close.first_line, empty_lines=[], indent=True, last_line=indent
        )
        items[anchor] = _with_comma_ws(item, line_break)
        new_comma = cst.Comma() if has_comma else _NONE
        items.append(cst.Element(value, comma=new_comma))
        shape.close_ws = close.with_changes(first_line=cst.TrailingWhitespace())
        return _close(node, shape)
    if has_comma:
        trailing = _comma_ws(item) or cst.SimpleWhitespace("")
        items[anchor] = _with_comma_ws(item, cst.SimpleWhitespace(" "))
        items.append(cst.Element(value, comma=cst.Comma(whitespace_after=trailing)))
    else:
        items[anchor] = _with_comma_ws(item, cst.SimpleWhitespace(" "))
        items.append(cst.Element(value))
    return _close(node, shape)
