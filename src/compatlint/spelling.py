"""How a name is spelled: a hint for a misspelled key, and what a dotted name looks like."""

from __future__ import annotations

import difflib
import re


def did_you_mean(key: str, known: tuple[str, ...]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``known``, or nothing."""
    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def is_dotted_name(name: str) -> bool:
    """``pkg`` or ``pkg.sub.name``: identifiers joined by dots."""
    return bool(re.fullmatch(r"[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*", name))
