"""String literals that name a module or one of its names (pure, stdlib ``tokenize``).

``mock.patch("pkg._compat.helper")``, ``importlib.import_module("pkg._compat")``,
``sys.modules["pkg._compat"]``, an entry point ``"pkg._compat:helper"``: each reads the
module (or the name in it) at run time by a text no import statement holds. A codemod
that takes the name out of the module, or deletes the module, breaks them; it keeps what
they name and lists them instead.
"""

from __future__ import annotations

import functools
import io
import re
import tokenize

__all__ = ["string_references"]

#: Token types that hold a string's text (3.12 splits an f-string into several).
_STRING_TOKENS = frozenset(
    kind
    for kind in (tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", None))
    if kind is not None
)


def string_references(text: str, module: str) -> list[tuple[int, str | None]]:
    """The string literals of ``text`` that name ``module``: each one's line, and the name
    in the module it names (``"pkg._compat.X"``, ``"pkg._compat:X"``: ``X``; None: the
    module itself). A text without the module's name outside an import line is not
    tokenized; one that does not tokenize is searched whole (every mention counts)."""
    if module not in text or not _outside_imports(text, module):
        return []
    pattern = _reference(module)
    found: list[tuple[int, str | None]] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in _STRING_TOKENS:
                found += [(token.start[0], m.group(1)) for m in pattern.finditer(token.string)]
    except (tokenize.TokenError, SyntaxError):
        return [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in pattern.finditer(text)]
    return found


def _outside_imports(text: str, module: str) -> bool:
    """Whether ``module`` occurs on a line that is not a plain import statement (one that
    starts with ``import``/``from`` and holds no quote: a string may start on it)."""
    start = 0
    while (at := text.find(module, start)) >= 0:
        begin = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        line = text[begin : end if end >= 0 else len(text)]
        head = line.lstrip()
        if not head.startswith(("import ", "from ")) or "'" in line or '"' in line:
            return True
        start = at + len(module)
    return False


@functools.lru_cache(maxsize=64)
def _reference(module: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w.]){re.escape(module)}(?:[.:]([^\W\d]\w*))?(?!\w)")
