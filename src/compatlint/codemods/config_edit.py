"""Keep ``[tool.compatlint] shim`` in step when a codemod deletes a shim.

A text edit of the one array element, so comments and layout of pyproject.toml stay as
they are; anything it cannot find with certainty is left to the user (None).
"""

from __future__ import annotations

import re

_TABLE = re.compile(r"^\[tool\.compatlint\][ \t]*(?:#.*)?$", re.MULTILINE)
_NEXT_TABLE = re.compile(r"^\[", re.MULTILINE)
_SHIM_KEY = re.compile(r"^shim[ \t]*=[ \t]*", re.MULTILINE)


def remove_shim_entry(text: str, shim: str) -> str | None:
    """``text`` without ``shim`` in ``[tool.compatlint] shim``, or None if not found."""
    table = _TABLE.search(text)
    if table is None:
        return None
    end_match = _NEXT_TABLE.search(text, table.end())
    end = end_match.start() if end_match else len(text)
    key = _SHIM_KEY.search(text, table.end(), end)
    if key is None:
        return None
    start = key.end()
    for quote in ('"', "'"):
        literal = f"{quote}{shim}{quote}"
        if text.startswith(literal, start):  # shim = "pkg/_compat.py"
            return text[:start] + "[]" + text[start + len(literal) :]
    if not text.startswith("[", start):
        return None
    close = text.find("]", start)
    if close < 0 or close > end:
        return None
    array = text[start : close + 1]
    for quote in ('"', "'"):
        literal = re.escape(f"{quote}{shim}{quote}")
        # On a line of its own (with its comma and comment), first, or after a comma.
        for pattern in (
            rf"\n[ \t]*{literal}[ \t]*,?[ \t]*(?:#[^\n]*)?(?=\n)",
            rf"(?<=\[){literal}[ \t]*,?[ \t]*",
            rf",[ \t]*{literal}[ \t]*(?=[,\]])",
        ):
            new_array, count = re.subn(pattern, "", array, count=1)
            if count:
                return text[:start] + new_array + text[close + 1 :]
    return None
