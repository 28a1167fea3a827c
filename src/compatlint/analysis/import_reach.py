"""Which files' imports can lead to an upstream import: the pruning of the collection
closure (pure).

Only the upstream imports of collected files matter (CL202 and ``mocks``), so the closure
need not parse a file whose imports cannot lead to a file that imports the upstream. That
is decided without parsing, on a graph that holds every real import edge and more: file
``A`` may import file ``F`` when a word of one of ``A``'s import statements is ``F``'s
module name (``leaf`` for ``pkg/leaf.py`` and for ``pkg/leaf/__init__.py``), or when ``A``
imports relatively and ``F`` is the ``__init__.py`` of a package ``A`` lies in.

Every import spells the last part of each module it runs (``import a.b``, ``from a.b
import c``, ``from .b import c``, ``import_module("a.b")``) except the packages a relative
import climbs through, which are the importer's own. The words are read from the text
around each ``import`` keyword: its logical line (backslash continuations joined both
ways), up to the closing parenthesis of a parenthesised list. Words in docstrings and
comments only add edges, and extra edges only cost a parse; a missing edge would lose a
finding, and none can be missing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import PurePosixPath

_WORD = re.compile(r"\w+")
_RELATIVE = re.compile(r"\bfrom[\s\\]*\.")


@dataclass(frozen=True)
class ImportWords:
    """The words of a file's import statements, and whether one of them is relative."""

    words: frozenset[str]
    relative: bool


def import_words(text: str) -> ImportWords:
    """Every word of every statement that may be an import in ``text`` (a superset)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)  # identifiers are compared NFKC
    words: set[str] = set()
    relative = False
    size = len(text)
    at = text.find("import")
    while at != -1:
        start, end = _logical_line(text, at, size)
        paren = text.find("(", at, end)
        if paren != -1:
            end = max(end, _closing(text, paren, size))
        words.update(_WORD.findall(text, start, end))
        relative = relative or _RELATIVE.search(text, start, end) is not None
        at = text.find("import", end)
    return ImportWords(frozenset(words), relative)


def _logical_line(text: str, at: int, size: int) -> tuple[int, int]:
    """The span of the physical lines around ``at`` joined by backslash continuations."""
    start = text.rfind("\n", 0, at) + 1
    while start >= 2 and text[start - 2] == "\\":
        start = text.rfind("\n", 0, start - 1) + 1
    end = text.find("\n", at)
    end = size if end == -1 else end
    while end < size and text[end - 1] == "\\":
        following = text.find("\n", end + 1)
        end = size if following == -1 else following
    return start, end


def _closing(text: str, paren: int, size: int) -> int:
    """Past the first ``)`` after ``paren`` that no comment holds (an import list holds no
    strings, so any ``#`` starts a comment); the end of the text when there is none."""
    search = paren
    while True:
        close = text.find(")", search)
        if close == -1:
            return size
        line_start = text.rfind("\n", 0, close) + 1
        if "#" not in text[max(line_start, paren) : close]:
            return close + 1
        search = text.find("\n", close)
        if search == -1:
            return size


def module_word(path: str) -> str:
    """The last part of the module name ``path`` is imported by."""
    pure = PurePosixPath(path)
    name = pure.parent.name if pure.name == "__init__.py" else pure.stem
    return name if name.isascii() else unicodedata.normalize("NFKC", name)


class TargetReach:
    """Whether a file's imports may lead, over any chain, to a target file.

    ``files`` are the project's Python files, ``text_of`` reads one, ``is_target`` tells
    the files that matter. Each file's words are read at most once; a file found to lead
    nowhere marks every file its search visited."""

    def __init__(
        self,
        files: Collection[str],
        text_of: Callable[[str], str],
        is_target: Callable[[str], bool],
    ) -> None:
        self._files = frozenset(files)
        self._text_of = text_of
        self._is_target = is_target
        self._by_word: dict[str, list[str]] = {}
        for path in sorted(self._files):
            self._by_word.setdefault(module_word(path), []).append(path)
        self._successors: dict[str, frozenset[str]] = {}
        self._targets: dict[str, bool] = {}
        self._leads: dict[str, bool] = {}

    def leads_to_target(self, path: str) -> bool:
        """Whether some file ``path`` may import, directly or not, is a target."""
        known = self._leads.get(path)
        if known is not None:
            return known
        parents: dict[str, str | None] = {path: None}
        queue = [path]
        while queue:
            current = queue.pop()
            for following in self.successors(current):
                if following in parents or self._leads.get(following) is False:
                    continue
                parents[following] = current
                if self._leads.get(following) or self.is_target(following):
                    self._mark_path(following, parents)
                    return True
                queue.append(following)
        for visited in parents:
            self._leads[visited] = False
        return False

    def _mark_path(self, found: str, parents: dict[str, str | None]) -> None:
        """Every file on the chain that reached ``found`` leads to a target."""
        current = parents[found]
        while current is not None:
            self._leads[current] = True
            current = parents[current]

    def is_target(self, path: str) -> bool:
        if path not in self._targets:
            self._targets[path] = self._is_target(path)
        return self._targets[path]

    def successors(self, path: str) -> frozenset[str]:
        """The files ``path`` may import (every file it does import among them)."""
        if path not in self._successors:
            found = import_words(self._text_of(path))
            following = {f for word in found.words for f in self._by_word.get(word, ())}
            if found.relative:
                following.update(self._package_inits(path))
            following.discard(path)
            self._successors[path] = frozenset(following)
        return self._successors[path]

    def _package_inits(self, path: str) -> list[str]:
        inits = []
        for parent in PurePosixPath(path).parents:
            init = "__init__.py" if str(parent) == "." else f"{parent.as_posix()}/__init__.py"
            if init in self._files:
                inits.append(init)
        return inits
