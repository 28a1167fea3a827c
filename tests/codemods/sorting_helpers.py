"""Ruff as the import sorter of in-memory test projects (whose package is ``pkg``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from compatlint.ruff_sorter import RuffSettings, RuffSorter

FIRST_PARTY = 'lint.isort.known-first-party = ["pkg"]'
# An empty directory to run ruff in: the in-memory files are not on disk anywhere.
_EMPTY = tempfile.TemporaryDirectory(prefix="compatlint-ruff-")


def pkg_sorter(*options: str) -> RuffSorter:
    """Ruff with its defaults, ``options`` (``--config`` items) and ``pkg`` first party
    (unless ``options`` say otherwise: of two items for one key, ruff takes the first)."""
    return RuffSorter(Path(_EMPTY.name), RuffSettings(None, (*options, FIRST_PARTY)))
