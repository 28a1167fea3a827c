"""What the importer index read in each file's text, kept for the next run by the file's
stat signature (see :meth:`compatlint.workspace.Workspace.signature`).

A warm ``inline`` asks the whole tree the same questions as the run before it — which
files spell a shim's module parts and names, which may hold a relative or a star import —
and each costs a search of every file's text. A file whose size, times, inode and device
are those recorded with its answers holds the text they were read from (a file changed
within moments of the run has no signature and is always read), so they answer again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from compatlint.names.importers import FactsCache, Learnt

__all__ = ["TextRecords"]


class TextRecords:
    """:class:`~compatlint.names.importers.TextAnswers` kept in a facts cache."""

    def __init__(
        self,
        cache: FactsCache,
        signature: Callable[[str], str | None],
        texts: Mapping[str, str],
    ) -> None:
        """``texts``: the texts as read from the files, whose answers these are."""
        self._cache = cache
        self._signature = signature
        self._texts = texts
        self._records: dict[str, Learnt | None] = {}

    def reads(self, path: str, text: str) -> bool:
        return self._texts.get(path) is text

    def spells(self, path: str, needle: str) -> bool | None:
        record = self._record(path)
        return None if record is None else record.spells.get(needle)

    def relative(self, path: str) -> bool | None:
        record = self._record(path)
        return None if record is None else record.relative

    def stars(self, path: str) -> tuple[int, list[str]] | None:
        record = self._record(path)
        return None if record is None else record.stars

    def keep(self, learnt: Mapping[str, Learnt]) -> None:
        for path, new in learnt.items():
            signature = self._signature(path)
            if signature is None:
                continue
            old = self._record(path) or Learnt()
            merged = Learnt(
                {**old.spells, **new.spells},
                new.relative if new.relative is not None else old.relative,
                new.stars if new.stars is not None else old.stars,
            )
            if merged != old:
                self._cache.put(f"text:{path}", signature, _encode(merged))
                self._records[path] = merged

    def _record(self, path: str) -> Learnt | None:
        if path not in self._records:
            signature = self._signature(path)
            kept = self._cache.plain(f"text:{path}", signature) if signature else None
            try:
                self._records[path] = _decode(kept) if kept is not None else None
            except (TypeError, ValueError):
                self._records[path] = None
        return self._records[path]


def _encode(learnt: Learnt) -> list[Any]:
    spelled = sorted(needle for needle, found in learnt.spells.items() if found)
    unspelled = sorted(needle for needle, found in learnt.spells.items() if not found)
    stars = None if learnt.stars is None else [learnt.stars[0], list(learnt.stars[1])]
    return [spelled, unspelled, learnt.relative, stars]


def _decode(kept: Any) -> Learnt:
    spelled, unspelled, relative, stars = kept
    spells = {_word(needle): True for needle in spelled}
    spells.update({_word(needle): False for needle in unspelled})
    if relative is not None and not isinstance(relative, bool):
        raise TypeError("not a flag")
    if stars is not None:
        count, sources = stars
        if not isinstance(count, int) or isinstance(count, bool):
            raise TypeError("not a count")
        stars = (count, [_word(source) for source in sources])
    return Learnt(spells, relative, stars)


def _word(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a text")
    return value
