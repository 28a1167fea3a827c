"""Decoding, parsing and comment extraction shared by every analysis.

The analysis reads Python with the stdlib: ``ast`` for the structure and ``tokenize``
for the comments, which is where tags live. Both are exact about positions, far cheaper
than a concrete syntax tree, and need no third-party import on the hot path; libcst is
reserved for the codemods that rewrite files.
"""

from __future__ import annotations

import ast
import codecs
import io
import re
import tokenize
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

from compatlint.deepstack import TOO_DEEP
from compatlint.errors import SourceError

_BOM = b"\xef\xbb\xbf"
# PEP 263, as tokenize reads it: a comment on line 1, or on line 2 below a blank or
# comment-only line 1.
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.ASCII)
_BLANK = re.compile(rb"^[ \t\f]*(?:[#\r\n]|$)")


class Declared(NamedTuple):
    """A coding declaration: the codec, the name as written, and its line (1 or 2)."""

    codec: str
    name: str
    line: int


def declared_encoding(data: bytes, path: str) -> Declared | None:
    """The encoding a PEP 263 coding declaration in ``data`` names, or None when there is
    none; an encoding Python does not know is a :class:`SourceError`, as it is to Python."""
    for number, line in enumerate(_first_lines(data.removeprefix(_BOM), 2), start=1):
        match = _COOKIE.match(line)
        if match is not None:
            name = match.group(1).decode("ascii")
            try:
                codec = codecs.lookup(name).name
            except LookupError:
                raise SourceError(
                    f"unknown encoding {name!r} in the coding declaration", path, number
                ) from None
            return Declared("utf-8" if codec.startswith("utf-8") else codec, name, number)
        if not _BLANK.match(line):
            break
    return None


def _first_lines(data: bytes, count: int) -> list[bytes]:
    """``data.split(b"\\n", count)[:count]`` without copying the rest of the file."""
    lines: list[bytes] = []
    start = 0
    while len(lines) < count:
        end = data.find(b"\n", start)
        if end < 0:
            lines.append(data[start:])
            break
        lines.append(data[start:end])
        start = end + 1
    return lines


def text_encoding(text: str, path: str) -> Declared | None:
    """The encoding the coding declaration of ``text`` (a decoded source) names."""
    head = "\n".join(text.removeprefix("\ufeff").split("\n", 2)[:2])
    return declared_encoding(head.encode("utf-8", "surrogatepass"), path)


def decode_source(data: bytes, path: str, *, python: bool = True) -> str:
    """The text of a source file, decoded as Python would: in the encoding its coding
    declaration names (``python`` files only), else UTF-8; a byte-order mark is dropped.
    Bytes that do not decode are a :class:`SourceError` naming the line."""
    bom = data.startswith(_BOM)
    data = data.removeprefix(_BOM)
    declared = declared_encoding(data, path) if python else None
    if declared is not None and bom and declared.codec != "utf-8":
        raise SourceError(
            f"has a UTF-8 byte-order mark but declares {declared.name!r}", path, declared.line
        )
    encoding = "utf-8" if declared is None else declared.codec
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        label = "UTF-8" if declared is None else f"{declared.name} (its coding declaration)"
        raise SourceError(f"not valid {label}", path, line) from None


def parse_python(text: str, path: str) -> ast.Module:
    """The ``ast`` of ``text``; a syntax error becomes a :class:`SourceError` naming the line,
    a file the parser gives up on (it nests too deep for it) one naming the file."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            return ast.parse(text, filename=path)
    except SyntaxError as exc:
        raise SourceError(f"cannot parse: {exc.msg}", path, exc.lineno) from None
    except ValueError as exc:  # e.g. source with NUL bytes
        raise SourceError(f"cannot parse: {exc}", path) from None
    except (RecursionError, MemoryError):  # the parser's own stack ran out
        raise SourceError(TOO_DEEP, path) from None


@contextmanager
def nesting_guard(path: str) -> Iterator[None]:
    """Turn the analysis of ``path`` running out of recursion into an error naming ``path``.

    Caught further out, a RecursionError has lost which file it came from; caught by a
    broad handler, it could even read as "no findings". Wrap each file's analysis in this.
    """
    try:
        yield
    except RecursionError:
        raise SourceError(TOO_DEEP, path) from None


@dataclass(frozen=True)
class CommentBlock:
    """Consecutive comment-only lines (or one trailing comment), ``#`` marks included."""

    start: int
    end: int
    text: str
    trailing: bool = False
    column: int = 0


@dataclass
class Comments:
    """Every comment of a file, by line, and grouped into blocks."""

    by_line: dict[int, str] = field(default_factory=dict)
    columns: dict[int, int] = field(default_factory=dict)
    own_line: set[int] = field(default_factory=set)
    blocks: list[CommentBlock] = field(default_factory=list)
    _block_ending: dict[int, CommentBlock] = field(default_factory=dict)
    _trailing: dict[int, CommentBlock] = field(default_factory=dict)
    blank_lines: set[int] = field(default_factory=set)

    def block_above(self, line: int, *, after: int = 0) -> CommentBlock | None:
        """The comment block directly above ``line`` (blank lines may separate them).

        Only lines after ``after`` are considered, so a block is never taken from the
        header line of an enclosing statement.
        """
        probe = line - 1
        while probe > after and probe in self.blank_lines:
            probe -= 1
        if probe <= after:
            return None
        block = self._block_ending.get(probe)
        if block is None or block.start <= after:
            return None
        return block

    def trailing_on(self, line: int) -> CommentBlock | None:
        """The comment at the end of code on ``line``."""
        return self._trailing.get(line)


def read_comments(text: str) -> Comments:
    """Collect the comments of ``text`` with ``tokenize`` (strings never look like comments)."""
    comments = Comments()
    lines = text.splitlines()
    comments.blank_lines = {n for n, line in enumerate(lines, start=1) if not line.strip()}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        tokens = []
    for token in tokens:
        if token.type != tokenize.COMMENT:
            continue
        line = token.start[0]
        comments.by_line[line] = token.string
        comments.columns[line] = token.start[1]
        if not token.line[: token.start[1]].strip():
            comments.own_line.add(line)
        else:
            block = CommentBlock(line, line, token.string, trailing=True, column=token.start[1])
            comments._trailing[line] = block
    run: list[int] = []
    for line in [*sorted(comments.own_line), 0]:
        if run and line != run[-1] + 1:
            block = CommentBlock(
                run[0],
                run[-1],
                "\n".join(comments.by_line[n] for n in run),
                trailing=False,
                column=comments.columns[run[0]],
            )
            comments.blocks.append(block)
            comments._block_ending[run[-1]] = block
            run = []
        if line:
            run.append(line)
    comments.blocks.extend(comments._trailing.values())
    comments.blocks.sort(key=lambda b: b.start)
    return comments


_SUPPRESSION = re.compile(r"#\s*compatlint:\s*ignore(?:\[(?P<codes>[^\]]*)\])?", re.IGNORECASE)
ALL_CODES = "*"


def suppressions(text: str) -> dict[int, frozenset[str]]:
    """Lines carrying ``# compatlint: ignore[CODE, ...]`` (no codes: every code)."""
    found: dict[int, frozenset[str]] = {}
    if "compatlint" not in text:
        return found
    for number, line in enumerate(text.splitlines(), start=1):
        match = _SUPPRESSION.search(line)
        if match is None:
            continue
        codes = match.group("codes")
        if codes is None or not codes.strip():
            found[number] = frozenset({ALL_CODES})
        else:
            found[number] = frozenset(c.strip().upper() for c in codes.split(",") if c.strip())
    return found


def docstring_of(node: ast.AST) -> tuple[str, int, int] | None:
    """The docstring of a module, class or function, with its first and last line."""
    found = docstring_node(node)
    if found is None:
        return None
    return found.value, found.lineno, found.end_lineno or found.lineno


def docstring_node(node: ast.AST) -> ast.Constant | None:
    """The string constant that is the docstring of a module, class or function."""
    body = getattr(node, "body", None)
    if not body:
        return None
    first = body[0]
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    ):
        return first.value
    return None
