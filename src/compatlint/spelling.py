"""How a name is spelled: a hint for a misspelled key, and what a dotted name looks like."""

from __future__ import annotations

import difflib
import re


def closest(key: str, known: tuple[str, ...]) -> str | None:
    """The one of ``known`` that ``key`` is most likely a misspelling of, if any is close."""
    close = difflib.get_close_matches(key, known, n=1)
    return close[0] if close else None


def did_you_mean(key: str, known: tuple[str, ...]) -> str:
    """`` (did you mean 'x'?)`` for the closest of ``known``, or nothing."""
    close = closest(key, known)
    return f" (did you mean {close!r}?)" if close else ""


def is_dotted_name(name: str) -> bool:
    """``pkg`` or ``pkg.sub.name``: identifiers joined by dots."""
    return bool(re.fullmatch(r"[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*", name))
