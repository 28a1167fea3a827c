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
    if "\r" in text:  # a backslash continuation may end in \r\n (or a lone \r)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
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

    ``files`` are the project's Python files, ``text_of`` reads one (``bytes_of`` reads
    it undecoded), ``is_target`` tells the files that matter. The files that may lead to
    a target are found once, backwards from the targets: the importers of a file are
    among the files whose bytes hold its module word, and only those are read for their
    import words. Past a few words (many targets, long chains) every file's words are
    read once instead; when most files are targets, pruning could save little and every
    file is said to lead to one."""

    #: module words looked for with a substring search before reading every file's words
    SEARCH_BUDGET = 48

    def __init__(
        self,
        files: Collection[str],
        text_of: Callable[[str], str],
        is_target: Callable[[str], bool],
        bytes_of: Callable[[str], bytes] | None = None,
    ) -> None:
        self._files = sorted(files)
        self._text_of = text_of
        self._bytes_of = bytes_of or (lambda path: text_of(path).encode())
        self._is_target = is_target
        self._words: dict[str, ImportWords] = {}
        self._by_word: dict[str, list[str]] | None = None
        self._searches = 0
        self._leading: frozenset[str] | None = None
        self._everything = False

    def leads_to_target(self, path: str) -> bool:
        """Whether some file ``path`` may import, directly or not, is a target."""
        if self._leading is None:
            self._leading = self._find_leading()
        return self._everything or path in self._leading

    def _find_leading(self) -> frozenset[str]:
        targets = [path for path in self._files if self._is_target(path)]
        if 4 * len(targets) >= len(self._files):
            self._everything = True
            return frozenset()
        leading: set[str] = set()
        queue = list(targets)
        while queue:
            for importer in self.importers(queue.pop()):
                if importer not in leading:
                    leading.add(importer)
                    queue.append(importer)
        return frozenset(leading)

    def importers(self, path: str) -> list[str]:
        """The files that may import ``path``."""
        word = module_word(path)
        if self._by_word is None and self._searches >= self.SEARCH_BUDGET:
            self._by_word = {}
            for candidate in self._files:
                for found in self.words_of(candidate).words:
                    self._by_word.setdefault(found, []).append(candidate)
        if self._by_word is not None:
            found = list(self._by_word.get(word, ()))
        else:
            self._searches += 1
            found = [
                candidate
                for candidate in self._files
                if self._may_hold(candidate, word) and word in self.words_of(candidate).words
            ]
        if path.endswith("/__init__.py") or path == "__init__.py":
            package = path.removesuffix("__init__.py")
            found += [
                candidate
                for candidate in self._files
                if candidate.startswith(package) and self.words_of(candidate).relative
            ]
        return [candidate for candidate in found if candidate != path]

    def _may_hold(self, path: str, word: str) -> bool:
        """Whether ``path`` may spell ``word`` (its bytes, undecoded, when both are ASCII:
        the source encodings Python reads all spell ASCII alike)."""
        data = self._bytes_of(path)
        return not word.isascii() or word.encode() in data or not data.isascii()

    def words_of(self, path: str) -> ImportWords:
        if path not in self._words:
            self._words[path] = import_words(self._text_of(path))
        return self._words[path]
