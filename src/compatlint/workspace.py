"""The file-system edge: find the project, list and read its files.

Everything the core needs arrives here as text keyed by a POSIX path relative to the
project root; nothing below this module touches the disk.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from compatlint.analysis.source import decode_source
from compatlint.config import DEFAULT_EXCLUDES, Config
from compatlint.errors import SourceError


@dataclass
class Workspace:
    """A project's files on disk, read once each."""

    config: Config
    _texts: dict[str, str] = field(default_factory=dict)
    _bytes: dict[str, bytes] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        return self.config.root

    def relative(self, path: Path) -> str:
        """``path`` as a POSIX path relative to the root (it must lie under the root)."""
        resolved = path.resolve()
        try:
            return resolved.relative_to(self.root).as_posix()
        except ValueError:
            raise SourceError("is outside the project root", str(path)) from None

    def read_bytes(self, rel: str) -> bytes:
        """The contents of ``rel`` (read once)."""
        if rel not in self._bytes:
            try:
                self._bytes[rel] = (self.root / rel).read_bytes()
            except FileNotFoundError:
                raise SourceError("no such file", rel) from None
            except IsADirectoryError:
                raise SourceError("is a directory", rel) from None
            except OSError as exc:
                raise SourceError(f"cannot read: {exc.strerror}", rel) from None
        return self._bytes[rel]

    def read(self, rel: str) -> str:
        """The text of ``rel``: UTF-8 (a BOM is dropped), anything else is an error."""
        if rel not in self._texts:
            self._texts[rel] = decode_source(self.read_bytes(rel), rel)
        return self._texts[rel]

    def excluded(self, rel: str) -> bool:
        parts = PurePosixPath(rel).parts
        if any(part in DEFAULT_EXCLUDES for part in parts[:-1]):
            return True
        return any(
            fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(rel, pattern.rstrip("/") + "/*")
            for pattern in self.config.exclude
        )

    def python_files(self, roots: Iterable[str] | None = None) -> list[str]:
        """Every ``.py`` file under ``roots`` (default: the import roots), sorted, not excluded."""
        found: set[str] = set()
        for root in roots if roots is not None else self.config.src:
            base = (self.root / root).resolve()
            if base.is_file():
                rel = self.relative(base)
                if rel.endswith(".py") and not self.excluded(rel):
                    found.add(rel)
                continue
            if not base.exists():
                raise SourceError("no such file or directory", root)
            for rel in self._walk(base):
                found.add(rel)
        return sorted(found)

    def _walk(self, base: Path) -> Iterator[str]:
        prefix = self.relative(base)
        prefix = "" if prefix == "." else prefix + "/"
        base_text = str(base)
        for directory, subdirs, files in os.walk(base_text):
            subdirs[:] = sorted(d for d in subdirs if d not in DEFAULT_EXCLUDES)
            inner = os.path.relpath(directory, base_text).replace(os.sep, "/")
            inner = "" if inner == "." else inner + "/"
            for name in files:
                if name.endswith(".py"):
                    rel = f"{prefix}{inner}{name}"
                    if not self.excluded(rel):
                        yield rel

    def context_files(self) -> list[str]:
        """Files every run needs besides the checked ones: shims, stub list, policy docs."""
        context = list(self.config.shims)
        if self.config.mocks is not None:
            context.append(self.config.mocks.file)
        context += list(self.config.policy_docs)
        return context

    def sources(self, paths: Iterable[str]) -> dict[str, str]:
        return {rel: self.read(rel) for rel in dict.fromkeys(paths)}
