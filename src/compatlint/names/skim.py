"""A module's ``ast`` with the function and class bodies no import fact needs left out.

The importer facts (:mod:`compatlint.names.importer_facts`) read imports, module-level
bindings and the lines of the top-level statements. In a big module most of the text is
function and class bodies that hold none of them, and parsing those bodies was most of the
cost of reading many importers. :func:`skim` parses the module with each such definition
replaced by a one-line stand-in on its ``def``/``class`` line, so the tree holds the same
module-level statements, on the same lines, binding the same names.

Where a definition may be left out is decided exactly:

- *Where top-level statements start.* A regular expression finds comments, strings (all
  quote forms, escapes, backslash-newlines) and the lines that start at column 0; bracket
  depth is counted in the code between them. A statement starts at such a line outside any
  string, at depth 0 and not after a backslash continuation. (A decorator line starts a
  piece of its own: kept, it decorates the stand-in as it decorated the definition. An
  ``else:`` line starts one too: the pieces around it are kept, and kept pieces are
  parsed together, as written.) Anything the expression cannot vouch for — a quote no
  string closes, ``\\r`` or ``\\f`` or NUL in the text, unbalanced brackets, on Python
  3.12+ an f-string whose replacement field holds a quote (PEP 701 lets it nest strings)
  — and :func:`skim` says None: parse the whole text.
- *What a definition may hold.* It is left out only when it starts ``def NAME(``, ``async
  def NAME(`` or ``class NAME``, is ASCII (no NFKC-equal spelling of a name), and spells
  none of ``import``, ``global`` and ``:=``: then it binds exactly its name at module
  level, imports nothing, declares no global and binds no name by ``:=`` in the module's
  scope. What it binds *inside* (parameters, locals) the caller learns from
  :func:`piece_bindings` of the pieces that spell the names it asks about.

A syntax error inside a left-out body is not seen here; the file still cannot be
imported, and a codemod compiles each file it edits, as read, before it writes the edit
(see :mod:`compatlint.codemods.edits`).
"""

from __future__ import annotations

import ast
import re
import sys
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

__all__ = ["Skimmed", "piece_bindings", "skim"]

_TOKENS = re.compile(
    r"""
    ^(?=[^\s#)\]}])                                  # a line starting at column 0
    | \#[^\n]*                                       # a comment
    | '''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''       # strings: triple-quoted ...
    | \"\"\"[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*\"\"\"
    | '[^'\\\n]*(?:\\.[^'\\\n]*)*'                   # ... and on one logical line
    | "[^"\\\n]*(?:\\.[^"\\\n]*)*"
    | ['"]                                           # a quote no string closes
    """,
    re.VERBOSE | re.DOTALL | re.MULTILINE,
)
_DEFINITION = re.compile(
    r"(?:async[ \t]+)?def[ \t]+([A-Za-z_][A-Za-z_0-9]*)[ \t]*\("
    r"|class[ \t]+([A-Za-z_][A-Za-z_0-9]*)[ \t]*[(:]"
)
_BINDS_OUTSIDE = re.compile(r"\b(?:import|global)\b")
#: A replacement field that holds a quote: a string nested in an f-string (PEP 701).
_NESTED_QUOTE = re.compile(r"\{[^}]*['\"]")
_PREFIX_LETTERS = frozenset("rRbBuUfFtT")
_NESTED_FSTRINGS = sys.version_info >= (3, 12)
#: Texts shorter than this are parsed whole: the skim would not pay for itself.
SKIM_FROM = 4096


@dataclass(frozen=True)
class Skimmed:
    """The skimmed tree, and the left-out definitions as ``(first, last)`` lines of each
    whole piece of text (the definition, and the blank and comment lines after it) and as
    ``(start, end)`` offsets."""

    tree: ast.Module
    left_out: tuple[tuple[int, int], ...]
    spans: tuple[tuple[int, int], ...]

    def spelling(self, text: str, names: Iterable[str]) -> dict[str, tuple[int, ...]]:
        """For each of ``names`` some left-out definition spells, the indices of those
        definitions (in ``left_out``)."""
        starts = [start for start, _ in self.spans]
        found: dict[str, tuple[int, ...]] = {}
        for name in names:
            pieces: set[int] = set()
            at = text.find(name, starts[0])
            while at != -1:
                after = at + len(name)
                if not _word_char(text, at - 1) and not _word_char(text, after):
                    index = bisect_right(starts, at) - 1
                    if at < self.spans[index][1]:
                        pieces.add(index)
                at = text.find(name, after)
            if pieces:
                found[name] = tuple(sorted(pieces))
        return found


def skim(
    text: str, *, smallest: int | None = None, nested_fstrings: bool = _NESTED_FSTRINGS
) -> Skimmed | None:
    """``text`` parsed with its plain definitions left out (see the module docstring).
    None: parse the whole text (shorter than ``smallest``, default :data:`SKIM_FROM`;
    nothing to leave out; or a shape the scan cannot vouch for). A text that does not
    parse raises ``SyntaxError`` as :func:`ast.parse` does."""
    if len(text) < (SKIM_FROM if smallest is None else smallest):
        return None
    if "\r" in text or "\f" in text or "\0" in text:
        return None
    cuts = _statement_starts(text, nested_fstrings)
    if cuts is None:
        return None
    lines = text.split("\n")
    kept: list[str] = []
    stand_ins: dict[int, int] = {}  # line of a stand-in -> last line of its definition
    left_out: list[tuple[int, int]] = []
    spans: list[tuple[int, int]] = []
    for (start, first), (end, after) in pairwise([*cuts, (len(text), len(lines) + 1)]):
        piece = text[start:end]
        name = _plain_definition(piece)
        last = _last_code_line(lines, first, after) if name else 0
        if not last:
            kept.append(piece)
            continue
        kept.append(f"class {name}: pass" + "\n" * (after - first))
        stand_ins[first] = last
        left_out.append((first, after - 1))
        spans.append((start, end))
    if not left_out:
        return None
    tree = ast.parse("".join(kept))
    for statement in tree.body:
        last = stand_ins.get(statement.lineno)
        if last is not None and isinstance(statement, ast.ClassDef):
            statement.end_lineno = last
    return Skimmed(tree, tuple(left_out), tuple(spans))


def piece_bindings(lines: list[str], piece: tuple[int, int]) -> Counter[str]:
    """How many places the left-out definition at lines ``piece`` (``first``, ``last``) of
    a text split into ``lines`` binds each name, counted as
    :func:`~compatlint.names.quick.binding_facts` counts, but for the definition's own
    name (its stand-in counts that). Raises what :func:`ast.parse` raises."""
    from compatlint.names.quick import binding_facts

    first, last = piece
    tree = ast.parse("\n".join(lines[first - 1 : last]))
    counts = binding_facts(tree).counts
    counts[tree.body[0].name] -= 1  # type: ignore[attr-defined]
    return counts


def _word_char(text: str, at: int) -> bool:
    return 0 <= at < len(text) and (text[at].isalnum() or text[at] == "_")


def _statement_starts(text: str, nested_fstrings: bool) -> list[tuple[int, int]] | None:
    """``(offset, line)`` of each line that starts a top-level statement or a clause or
    decorator of one (see :func:`skim`), and of the text's start; None: not sure."""
    cuts = [(0, 1)]
    depth = 0
    code_from = 0  # where the code after the last token starts
    line, counted = 1, 0
    for match in _TOKENS.finditer(text):
        start, end = match.span()
        gap = text[code_from:start]
        depth += _depth_change(gap)
        if depth < 0:
            return None
        code_from = end
        if start != end:  # a comment or a string
            if end - start == 1 and text[start] in "'\"":
                return None
            if nested_fstrings and text[start] != "#" and _nested_fstring(text, start, end):
                return None
        elif start and not depth and not gap.endswith("\\\n"):
            line += text.count("\n", counted, start)
            counted = start
            cuts.append((start, line))
    if depth + _depth_change(text[code_from:]):
        return None
    return cuts


def _depth_change(code: str) -> int:
    """How much deeper in brackets the end of ``code`` (no strings, no comments) is."""
    if not code:
        return 0
    opened = code.count("(") + code.count("[") + code.count("{")
    return opened - code.count(")") - code.count("]") - code.count("}")


def _nested_fstring(text: str, start: int, end: int) -> bool:
    """Whether the string token ``text[start:end]`` is an f-string (or t-string) whose
    replacement field holds a quote: where Python 3.12+ may end it elsewhere."""
    prefix = start
    while prefix > 0 and start - prefix < 2 and text[prefix - 1] in _PREFIX_LETTERS:
        prefix -= 1
    letters = text[prefix:start]
    if not any(letter in "fFtT" for letter in letters):
        return False
    return _NESTED_QUOTE.search(text, start, end) is not None


def _last_code_line(lines: list[str], first: int, after: int) -> int:
    """The last line in ``first``..``after - 1`` holding code: not blank, not a comment
    (0: none, or not sure — a ``#`` line with a quote may close a string)."""
    for number in range(after - 1, first - 1, -1):
        stripped = lines[number - 1].strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            return number
        if "'" in stripped or '"' in stripped:
            return 0
    return 0


def _plain_definition(piece: str) -> str | None:
    """The name the piece of a plain definition binds (None: keep the piece, see
    :func:`skim`)."""
    match = _DEFINITION.match(piece)
    if match is None or not piece.isascii() or ":=" in piece:
        return None
    if ("import" in piece or "global" in piece) and _BINDS_OUTSIDE.search(piece):
        return None
    return match.group(1) or match.group(2)
