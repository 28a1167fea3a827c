"""The content-hash cache of per-file facts, in ``.compatlint_cache/`` at the project root.

One file per (compatlint version, analysis-config digest) maps each path to the hash of
the contents its facts were computed from, one JSON line per entry. Entries whose hash no
longer matches are ignored; a corrupt file or entry is ignored and rewritten. Writes are
atomic (temporary file + rename) and merge with what another run wrote meanwhile, so
concurrent runs are safe: the worst case is a recomputation. ``stat:`` entries hold what
a file's bytes answered (its hash among them) under its stat signature instead of a hash
(:meth:`compatlint.workspace.Workspace.signature`): a warm run need not read the file.

The codec is JSON with an explicit allow-list of record types — never pickle: a cache
directory can arrive in a pull request, and loading it must not be able to run code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import functools
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from packaging.version import Version

from compatlint import __version__

CACHE_DIR = ".compatlint_cache"
#: 9: the definitions an importer's facts left out; 8: what a file's bytes answered, by
#: its stat signature; 7: one entry per line; 6: prose facts; 5: flag constants in gate
#: contexts; 4: gate facts; 3: guards (site outcomes, misplaced tags); 2: __all__ in
#: every written form
FORMAT = 9


@dataclasses.dataclass(frozen=True)
class _Registry:
    """The analysis records the cache encodes, by name, with their fields in order."""

    records: dict[str, type]
    enums: dict[str, type[enum.Enum]]
    #: each record type's field names, in order (a cold run encodes a record per file)
    field_names: dict[type, tuple[str, ...]]


@functools.cache
def _registry() -> _Registry:
    """The record types, imported when a record is first encoded or decoded: a codemod
    keeps plain values in the cache, and its start-up does not pay for check's analysis
    modules."""
    from compatlint.analysis.collection_closure import ImportRef, ModuleImports
    from compatlint.analysis.gate_facts import GateContext, GateFacts, GateSite
    from compatlint.analysis.imports import FileFacts, Span
    from compatlint.analysis.mocklist import MockEntry, MockList
    from compatlint.analysis.prose_facts import ProseFact, VersionSpan
    from compatlint.analysis.shim import ShimModel
    from compatlint.model import CoverOp, ImportFact, MisplacedTag, Site, SiteKind, Tag
    from compatlint.names.bindings import AllEntry

    records: list[type] = [
        FileFacts,
        Span,
        ImportFact,
        ShimModel,
        Site,
        Tag,
        MisplacedTag,
        AllEntry,
        MockList,
        MockEntry,
        GateFacts,
        GateContext,
        GateSite,
        ProseFact,
        VersionSpan,
        ModuleImports,
        ImportRef,
    ]
    return _Registry(
        {cls.__name__: cls for cls in records},
        {cls.__name__: cls for cls in (SiteKind, CoverOp)},
        {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in records},
    )


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def text_hash(text: str) -> str:
    """:func:`content_hash` of a text (as UTF-8; a lone surrogate kept as it is)."""
    return content_hash(text.encode("utf-8", "surrogatepass"))


#: The cache file of what the codemods learn of importers (beside check's; one per
#: compatlint version): their facts, the bindings of the modules on their way, ...
IMPORTER_FACTS = "importers"


_PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})


def encode(value: Any) -> Any:
    """A JSON-able form of the analysis records (dataclasses, versions, enums, tuples)."""
    kind = value.__class__
    if kind in _PLAIN_TYPES:
        return value
    if kind is tuple or kind is list:
        return [encode(v) for v in value]
    names = _registry().field_names.get(kind)
    if names is not None:
        return {"~r": kind.__name__, **{name: encode(getattr(value, name)) for name in names}}
    return _encode_other(value)


def _encode_other(value: Any) -> Any:
    """:func:`encode` of what its quick paths do not know (the exact, slower chain)."""
    if isinstance(value, enum.Enum):
        return {"~e": type(value).__name__, "v": value.value}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"~r": type(value).__name__, **fields}
    if isinstance(value, Version):
        return {"~v": str(value)}
    if isinstance(value, frozenset):
        return {"~s": [encode(v) for v in sorted(value)]}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot cache {type(value).__name__}")


def decode(value: Any) -> Any:
    """The inverse of :func:`encode`; raises ValueError on anything it did not write."""
    if isinstance(value, list):
        return tuple(decode(v) for v in value)
    if isinstance(value, dict):
        if "~r" in value:
            cls = _registry().records.get(value["~r"])
            if cls is None:
                raise ValueError(f"unknown record {value['~r']!r}")
            fields = {k: decode(v) for k, v in value.items() if k != "~r"}
            return cls(**fields)
        if "~e" in value:
            enum_cls = _registry().enums.get(value["~e"])
            if enum_cls is None:
                raise ValueError(f"unknown enum {value['~e']!r}")
            return enum_cls(value["v"])
        if "~v" in value:
            return Version(value["~v"])
        if "~s" in value:
            return frozenset(decode(v) for v in value["~s"])
        raise ValueError("unexpected mapping in cache")
    return value


class FactCache:
    """Cached facts of one project for one analysis configuration.

    One line per entry, ``<key as JSON>\t<hash>\t<value as JSON>``: loading splits the
    lines and decodes a value only when it is asked for, so a run that needs three
    entries of a 9,000-file project reads the file but parses three values."""

    def __init__(self, root: Path, digest: str) -> None:
        self.directory = root / CACHE_DIR
        self.path = self.directory / f"v{__version__}-f{FORMAT}-{digest}.jsonl"
        self._entries: dict[str, tuple[str, str]] = self._load()
        self._dirty: dict[str, tuple[str, str]] = {}

    def _load(self) -> dict[str, tuple[str, str]]:
        """Each entry's hash and encoded value, by encoded key; a damaged line is left out."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, ValueError):
            return {}
        entries = {}
        for line in text.split("\n"):
            parts = line.split("\t", 2)
            if len(parts) == 3:
                entries[parts[0]] = (parts[1], parts[2])
        return entries

    def get(self, key: str, digest: str) -> Any | None:
        """The cached value of ``key`` if it was computed from contents with ``digest``."""
        entry = self._entries.get(_encoded_key(key))
        if entry is None or entry[0] != digest:
            return None
        try:
            return decode(json.loads(entry[1]))
        except (KeyError, TypeError, ValueError):
            return None  # a corrupt entry: recomputed and rewritten by the caller

    def plain(self, key: str, digest: str) -> Any | None:
        """The value recorded for ``key`` and ``digest`` as JSON reads it, not decoded: a
        mapping recorded with :meth:`put_flags`, or plain data (lists, strings, numbers)
        recorded with :meth:`put`, whose lists stay lists."""
        entry = self._entries.get(_encoded_key(key))
        if entry is None or entry[0] != digest:
            return None
        try:
            return json.loads(entry[1])
        except ValueError:
            return None

    def put_flags(self, key: str, digest: str, value: Mapping[str, str | bool]) -> None:
        """Record a flat mapping of words (ASCII letters and digits, such as
        :func:`content_hash` digests) to words or booleans for ``key`` and ``digest``,
        written as JSON without the JSON encoder: a cold run records one per file."""
        parts = []
        for name, item in value.items():
            if isinstance(item, bool):
                written = "true" if item else "false"
            elif _is_word(item):
                written = f'"{item}"'
            else:
                raise ValueError(f"not a word: {item!r}")
            if not _is_word(name):
                raise ValueError(f"not a word: {name!r}")
            parts.append(f'"{name}":{written}')
        self._store(key, digest, "{" + ",".join(parts) + "}")

    def put(self, key: str, digest: str, value: Any) -> None:
        self._store(key, digest, json.dumps(encode(value), separators=(",", ":")))

    def _store(self, key: str, digest: str, value: str) -> None:
        if "\t" in digest or "\n" in digest:
            raise ValueError(f"not a content hash: {digest!r}")
        entry = (digest, value)
        encoded = _encoded_key(key)
        self._entries[encoded] = entry
        self._dirty[encoded] = entry

    def save(self) -> None:
        """Merge this run's entries into the file on disk, atomically. Never raises."""
        if not self._dirty:
            return
        with contextlib.suppress(OSError):
            self.directory.mkdir(exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by compatlint.\n*\n", encoding="utf-8")
            merged = {**self._load(), **self._dirty}
            lines = [f"{key}\t{digest}\t{value}\n" for key, (digest, value) in merged.items()]
            _atomic_write(self.path, "".join(lines))
            self._dirty = {}
            for stale in self.directory.glob("v*.json*"):
                if stale != self.path and not stale.name.startswith(f"v{__version__}-f{FORMAT}-"):
                    stale.unlink(missing_ok=True)


def _is_word(text: str) -> bool:
    return text.isascii() and text.isalnum()


def _encoded_key(key: str) -> str:
    """``json.dumps(key)``, without the encoder for the usual key (printable ASCII, no
    quote or backslash), which JSON writes as it is between quotes."""
    if key.isascii() and key.isprintable() and '"' not in key and "\\" not in key:
        return f'"{key}"'
    return json.dumps(key)


def _atomic_write(path: Path, text: str) -> None:
    import tempfile  # a warm run saves nothing

    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".jsonl")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
