"""Ruff's answers about texts, kept between runs: a codemod run again on files it edited the
same way asks ruff nothing it asked before.

An answer (the unsorted import blocks of a text, a text formatted) depends on the text, the
file's path (per-file settings, first-party detection from the file's package) and what
else ruff reads: its binary, the settings and the configuration file, and which modules
exist where it looks for first-party ones. The *fingerprint* holds the last three: the
binary's path, size and modification time, the settings, the configuration file's bytes,
the project's Python files (the listing of the run) and the entries of the directories
ruff takes modules from (but this cache's own). An answer is kept under the path, the kind
of question and the text's digest with the fingerprint, so that any change to one of them
asks ruff again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from compatlint.cache import CACHE_DIR

__all__ = ["RuffAnswers", "fingerprint"]

Answer = TypeVar("Answer")

#: Where ruff looks for first-party modules unless its configuration says more (``src``).
_DEFAULT_SOURCES = (".", "src")


class AnswerStore(Protocol):
    """Where answers are kept between runs (:class:`compatlint.cache.FactCache`)."""

    def get(self, key: str, digest: str) -> Any | None: ...

    def put(self, key: str, digest: str, value: Any) -> None: ...


@dataclass
class RuffAnswers:
    """Ruff's answers of earlier runs, by question, path, text and ``fingerprint``."""

    store: AnswerStore
    fingerprint: str
    digest: Callable[[str], str]

    def memoized(
        self,
        kind: str,
        texts: Mapping[str, str],
        ask: Callable[[Mapping[str, str]], Mapping[str, Answer]],
        encode: Callable[[Answer], Any],
        decode: Callable[[Any], Answer],
        absent: Answer | None = None,
    ) -> dict[str, Answer]:
        """``ask(texts)``, ruff asked only about the texts without a kept answer (not at
        all when every one has one); the new answers are kept. ``absent``: the answer of
        a text ``ask`` leaves out (no finding), if it may."""
        found: dict[str, Answer] = {}
        unknown: dict[str, str] = {}
        digests = {path: f"{self.digest(text)}:{self.fingerprint}" for path, text in texts.items()}
        for path, text in texts.items():
            kept = self.store.get(f"ruff-{kind}:{path}", digests[path])
            try:
                if kept is not None:
                    found[path] = decode(kept)
                    continue
            except (KeyError, TypeError, ValueError):
                pass
            unknown[path] = text
        if unknown:
            asked = ask(unknown)
            for path in unknown:
                answer = asked.get(path, absent)
                if answer is not None:
                    self.store.put(f"ruff-{kind}:{path}", digests[path], encode(answer))
                    found[path] = answer
        return found


def fingerprint(
    root: Path,
    binary: str,
    arguments: Iterable[str],
    config_file: Path | None,
    python_files: Iterable[str],
    configured_sources: Iterable[str] = (),
) -> str:
    """What ruff reads besides a text and its path (see the module's docstring);
    ``configured_sources``: the ``src`` directories ruff's configuration names."""
    parts: list[Any] = [binary, list(arguments), sorted(python_files)]
    try:
        info = os.stat(binary)
        parts.append([info.st_size, info.st_mtime_ns])
    except OSError:
        parts.append(None)
    sources: list[str] = [*_DEFAULT_SOURCES, *configured_sources]
    bases = [root]
    if config_file is not None:
        try:
            data = config_file.read_bytes()
        except OSError:
            data = b""
        parts.append(hashlib.blake2b(data, digest_size=16).hexdigest())
        bases.append(config_file.parent)
    if any(mark in source for source in sources for mark in "*?["):
        parts.append(os.urandom(16).hex())  # a pattern: which directories, unknown here
    for base in bases:
        for source in sorted(set(sources)):
            try:
                names = sorted(set(os.listdir(base / source)) - {CACHE_DIR})
                parts.append([source, names])
            except OSError:
                parts.append([source, None])
    text = json.dumps(parts, sort_keys=True)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()
