"""Validate ``[tool.compatlint]`` (and what it takes from ``[project]``): pure, no file
system access; :mod:`compatlint.config_file` finds and reads the file.

Every problem is a :class:`ConfigError` that names the file, the line of the key when it
can be found, and the key itself, so the CLI can print one line and exit 2.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from packaging.version import Version

from compatlint.analysis.collection_closure import CollectionSettings, collection_settings
from compatlint.errors import ConfigError
from compatlint.floor_sources import (
    FloorSources,
    PinSource,
    dependency_names,
    floor_sources,
    pin_sources,
)
from compatlint.predicates import Predicate, lower_bound, read_predicates
from compatlint.reading import (
    DEFAULT_MAX_FILE_SIZE,
    MAX_FILE_SIZE_KEY,
    parse_size,
)
from compatlint.spelling import did_you_mean, is_dotted_name
from compatlint.versions import FloorNames, Floors, VersionError, parse_version

KNOWN_KEYS = (
    "upstream",
    "shim",
    "src",
    "floor",
    "pin",
    "tracks",
    "heavy-imports",
    "policy-docs",
    "mocks",
    "exclude",
    "walk",
    "predicates",
    "max-file-size",
    "keep",
    "verify",
)
VERIFY_KEYS = ("types",)
MOCKS_KEYS = ("file", "name", "collect", "scope")
#: ``collection``: the stub list covers what test collection imports; ``all``: every file
#: under ``collect``.
MOCKS_SCOPES = ("collection", "all")

DEFAULT_EXCLUDES = (
    ".git",
    ".hg",
    ".venv",
    "venv",
    ".tox",
    ".nox",
    "node_modules",
    "__pycache__",
    "build",
    "dist",
    ".compatlint_cache",
)


@dataclass(frozen=True)
class MocksConfig:
    """Where the test-collection stub-module list lives and what it must cover."""

    file: str
    name: str
    collect: tuple[str, ...]
    scope: str = "collection"
    #: where collection starts and finds modules (pytest's own settings)
    collection: CollectionSettings = field(default_factory=CollectionSettings)


@dataclass(frozen=True)
class Config:
    """The validated project configuration. Paths are POSIX, relative to ``root``."""

    root: Path
    config_path: Path
    upstreams: tuple[str, ...]
    shims: tuple[str, ...]
    src: tuple[str, ...] = (".",)
    floors: Floors = field(default_factory=Floors)
    heavy_imports: tuple[str, ...] = ()
    policy_docs: tuple[str, ...] = ()
    mocks: MocksConfig | None = None
    exclude: tuple[str, ...] = ()
    walk: Mapping[str, Any] = field(default_factory=dict)
    predicates: Mapping[str, Predicate] = field(default_factory=dict)
    #: The lower bound of ``[project] requires-python``: the floor of the ``python`` upstream.
    python_floor: Version | None = None
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    #: ``[project] requires-python`` and ``dependencies`` as written: default floors and tops.
    requires_python: str | None = None
    dependencies: tuple[str, ...] = ()
    #: The floors given on the command line (already layered into ``floors``).
    command_line_floors: Floors = field(default_factory=Floors)
    #: Flags others import (``pkg.mod.FLAG``): prune folds their uses but keeps them.
    keep: tuple[str, ...] = ()
    #: The window's top per upstream and track (``pin``, ``--pin``; see :attr:`pin_sources`).
    pins: Floors = field(default_factory=Floors)
    command_line_pins: Floors = field(default_factory=Floors)
    #: ``[project] optional-dependencies``, every extra's lines: their exact pins are pins.
    optional_dependencies: tuple[str, ...] = ()
    #: ``[tool.compatlint.verify.types]``: a parameter or variable name of the shim → the
    #: upstream class of the objects it holds (``verify`` reads their probes).
    verify_types: Mapping[str, str] = field(default_factory=dict)

    @property
    def primary(self) -> str:
        """The upstream a tag means when it names none."""
        return self.upstreams[0]

    def with_floors(self, overrides: Floors) -> Config:
        """This config with command-line floors layered over the configured ones."""
        return replace(
            self,
            floors=self.floors.merged(overrides),
            command_line_floors=self.command_line_floors.merged(overrides),
        )

    def with_pins(self, overrides: Floors) -> Config:
        """This config with command-line pins layered over the configured ones."""
        return replace(
            self,
            pins=self.pins.merged(overrides),
            command_line_pins=self.command_line_pins.merged(overrides),
        )

    @property
    def pin_sources(self) -> tuple[PinSource, ...]:
        """Every pin with where it came from: command line, config, else an exact pin in
        the project's dependencies (optional ones included)."""
        return pin_sources(
            pins=self.pins,
            command_line=self.command_line_pins,
            dependencies=(*self.dependencies, *self.optional_dependencies),
        )

    def floor_names(self, tracks: Iterable[str] = ()) -> FloorNames:
        """The names a floor may be set for: upstreams, ``python``, the configured tracks and
        ``tracks``, the project's dependencies and its predicates' upstreams."""
        return _floor_names(self.upstreams, self.dependencies, self.predicates, tracks=tracks)

    def pin_names(self, tracks: Iterable[str] = ()) -> FloorNames:
        """The names a pin may be set for: those of a floor and the optional dependencies."""
        dependencies = (*self.dependencies, *self.optional_dependencies)
        return _floor_names(self.upstreams, dependencies, self.predicates, tracks=tracks)

    @property
    def floor_sources(self) -> FloorSources:
        """Every floor with where it came from; metadata defaults for the rest (gates)."""
        configured = Floors(
            primary=self.floors.primary,
            upstreams={
                name: version
                for name, version in self.floors.upstreams.items()
                if name not in self.command_line_floors.upstreams
            },
            tracks={
                name: version
                for name, version in self.floors.tracks.items()
                if name not in self.command_line_floors.tracks
            },
        )
        return floor_sources(
            configured=configured,
            command_line=self.command_line_floors,
            requires_python=self.requires_python,
            dependencies=self.dependencies,
        )

    def digest(self) -> str:
        """A stable hash of everything that changes the per-file facts.

        Floor values are left out on purpose: facts do not depend on them (rules judge
        tags against floors later), so ``--floor`` runs share one cache.
        """
        payload = {
            "upstreams": self.upstreams,
            "shims": self.shims,
            "src": self.src,
            "tracks": sorted(self.floors.tracks),
            "heavy": self.heavy_imports,
            "docs": self.policy_docs,
            "mocks": None if self.mocks is None else [self.mocks.file, self.mocks.name],
            "collect": None if self.mocks is None else list(self.mocks.collect),
            "exclude": self.exclude,
        }
        if self.predicates:  # only when set, so existing caches stay valid
            payload["predicates"] = sorted(repr(p) for p in self.predicates.values())
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def config_name(config: Config) -> str:
    """The config file's path relative to the project root (POSIX)."""
    try:
        return config.config_path.resolve().relative_to(config.root.resolve()).as_posix()
    except (OSError, ValueError):
        return config.config_path.name


def config_from_tables(
    table: Mapping[str, Any],
    project: Mapping[str, Any],
    pytest: Mapping[str, Any],
    *,
    root: Path,
    config_path: Path,
    text: str = "",
) -> Config:
    """:func:`parse_config` of ``[tool.compatlint]``, with what it takes from ``[project]``
    (``requires-python``, the dependencies) and ``[tool.pytest.ini_options]``."""
    requires_python = project.get("requires-python")
    return parse_config(
        table,
        root=root,
        config_path=config_path,
        text=text,
        requires_python=requires_python if isinstance(requires_python, str) else None,
        dependencies=_strings(project.get("dependencies")),
        optional_dependencies=_extras(project.get("optional-dependencies")),
        pytest=pytest,
    )


def parse_config(
    table: Mapping[str, Any],
    *,
    root: Path,
    config_path: Path,
    text: str = "",
    requires_python: str | None = None,
    dependencies: Sequence[str] = (),
    optional_dependencies: Sequence[str] = (),
    pytest: Mapping[str, Any] | None = None,
) -> Config:
    """Validate the ``[tool.compatlint]`` table (no file system access). ``requires_python``
    and ``dependencies`` are the project's ``[project]`` keys: the default floors of
    ``python`` and of each dependency, and the names a floor may be set for; ``pytest``
    is ``[tool.pytest.ini_options]``, where test collection starts."""
    reader = TableReader(str(config_path), text)
    for key in table:
        if key not in KNOWN_KEYS:
            reader.fail(key, f"unknown key {key!r}{did_you_mean(key, KNOWN_KEYS)}")

    upstream = table.get("upstream")
    if isinstance(upstream, str):
        upstreams: tuple[str, ...] = (upstream,)
    elif isinstance(upstream, list) and all(isinstance(u, str) for u in upstream):
        upstreams = tuple(upstream)
    else:
        upstreams = ()
    if not upstreams or not all(is_dotted_name(u) for u in upstreams):
        reader.fail("upstream", "'upstream' must be a package name or a list of package names")

    if "shim" not in table:
        reader.fail("shim", "missing key 'shim' (the list of shim files)")
    # An empty list is valid: once the last shim is inlined and deleted, the rules about
    # the code around it (inline fallbacks, version gates, the stub list) still apply.
    shims = reader.string_list("shim", table["shim"], allow_str=True)

    src = reader.string_list("src", table.get("src", ["."]), allow_str=True)
    predicates = read_predicates(table.get("predicates", {}), reader.fail)
    floors = _read_floors(reader, table, _floor_names(upstreams, dependencies, predicates))
    pin_names = _floor_names(
        upstreams, (*dependencies, *optional_dependencies), predicates, tracks=floors.tracks
    )
    pins = _read_pins(reader, table, pin_names, upstreams[0])
    heavy = reader.string_list("heavy-imports", table.get("heavy-imports", []))
    docs = reader.string_list("policy-docs", table.get("policy-docs", []), allow_str=True)
    exclude = reader.string_list("exclude", table.get("exclude", []), allow_str=True)
    keep = reader.string_list("keep", table.get("keep", []))
    for name in keep:
        if not is_dotted_name(name) or "." not in name:
            reader.fail(
                "keep", f"'keep' entries are qualified names like 'pkg.mod.FLAG', got {name!r}"
            )

    mocks = None
    if "mocks" in table:
        raw = table["mocks"]
        if not isinstance(raw, dict):
            reader.fail("mocks", "'mocks' must be a table with keys file, name, collect")
        for key in raw:
            if key not in MOCKS_KEYS:
                reader.fail(key, f"unknown key 'mocks.{key}'{did_you_mean(key, MOCKS_KEYS)}")
        for key in ("file", "name"):
            if not isinstance(raw.get(key), str) or not raw[key]:
                reader.fail("mocks", f"'mocks.{key}' must be a non-empty string")
        collect = reader.string_list("collect", raw.get("collect", list(src)), allow_str=True)
        scope = raw.get("scope", "collection")
        if scope not in MOCKS_SCOPES:
            reader.fail("scope", f'\'mocks.scope\' must be "collection" or "all", got {scope!r}')
        mocks = MocksConfig(
            file=_posix(raw["file"]),
            name=raw["name"],
            collect=collect,
            scope=scope,
            collection=collection_settings(pytest or {}),
        )

    walk = table.get("walk", {})
    if not isinstance(walk, dict):
        reader.fail("walk", "'walk' must be a table")

    max_file_size = DEFAULT_MAX_FILE_SIZE
    if MAX_FILE_SIZE_KEY in table:
        try:
            max_file_size = parse_size(table[MAX_FILE_SIZE_KEY])
        except ValueError:
            reader.fail(
                MAX_FILE_SIZE_KEY,
                f"{MAX_FILE_SIZE_KEY!r} must be a positive number of bytes or a size like "
                f'"10MB", got {table[MAX_FILE_SIZE_KEY]!r}',
            )

    verify_types = _read_verify(reader, table.get("verify", {}))

    return Config(
        root=root,
        config_path=config_path,
        upstreams=upstreams,
        shims=tuple(_posix(s) for s in shims),
        src=tuple(_posix(s) for s in src),
        floors=floors,
        heavy_imports=heavy,
        policy_docs=tuple(_posix(d) for d in docs),
        mocks=mocks,
        exclude=exclude,
        walk=walk,
        max_file_size=max_file_size,
        predicates=predicates,
        python_floor=lower_bound(requires_python) if requires_python else None,
        requires_python=requires_python,
        dependencies=tuple(dependencies),
        keep=keep,
        pins=pins,
        optional_dependencies=tuple(optional_dependencies),
        verify_types=verify_types,
    )


def _extras(value: Any) -> tuple[str, ...]:
    """Every line of every extra of ``[project] optional-dependencies``."""
    if not isinstance(value, dict):
        return ()
    return tuple(line for lines in value.values() for line in _strings(lines))


def _read_pins(
    reader: TableReader, table: Mapping[str, Any], names: FloorNames, primary: str
) -> Floors:
    """``pin = "0.5.16"`` (the primary upstream) or ``pin = {sglang = "0.5.16", xpu = ...}``:
    the newest release each upstream or track supports, the top of its window."""
    pin = table.get("pin")
    ups: dict[str, Version] = {}
    tracks: dict[str, Version] = {}
    if isinstance(pin, dict):
        for key, value in pin.items():
            name = names.upstream(key)
            if name is None and not names.is_track(key):
                reader.fail("pin", f"'pin': {names.unknown(key)}")
            target = ups if name is not None else tracks
            name = name if name is not None else key.lower()
            if name in target:
                reader.fail("pin", f"'pin' names {name!r} twice")
            target[name] = reader.version("pin", value)
    elif pin is not None:
        ups[primary] = reader.version("pin", pin)
    return Floors(primary=primary, upstreams=ups, tracks=tracks)


def _read_verify(reader: TableReader, raw: Any) -> dict[str, str]:
    """``[tool.compatlint.verify]``: ``types`` maps a name to an upstream class path."""
    if not isinstance(raw, dict):
        reader.fail("verify", "'verify' must be a table with the key types")
    for key in raw:
        if key not in VERIFY_KEYS:
            reader.fail(key, f"unknown key 'verify.{key}'{did_you_mean(key, VERIFY_KEYS)}")
    types = raw.get("types", {})
    if not isinstance(types, dict):
        reader.fail("types", "'verify.types' must be a table of name = \"package.module.Class\"")
    for name, target in types.items():
        if not name.isidentifier():
            reader.fail(name, f"'verify.types': {name!r} is not a Python name")
        if not isinstance(target, str) or not is_dotted_name(target) or "." not in target:
            reader.fail(
                name,
                f"'verify.types.{name}' must name an upstream class as \"package.module.Class\", "
                f"got {target!r}",
            )
    return dict(types)


def _strings(value: Any) -> tuple[str, ...]:
    """The strings of a list read from ``[project]`` (not ours to validate: pip does)."""
    if not isinstance(value, list):
        return ()
    return tuple(item for item in value if isinstance(item, str))


def _floor_names(
    upstreams: tuple[str, ...],
    dependencies: Sequence[str],
    predicates: Mapping[str, Predicate],
    tracks: Iterable[str] = (),
) -> FloorNames:
    fixed = [p.upstream for p in predicates.values() if p.upstream is not None]
    return FloorNames.of(upstreams, tracks, [*dependency_names(dependencies), *fixed])


def _read_floors(reader: TableReader, table: Mapping[str, Any], names: FloorNames) -> Floors:
    upstreams = names.upstreams
    ups = {}
    floor = table.get("floor")
    if isinstance(floor, dict):
        for key, value in floor.items():
            name = names.upstream(key)
            if name is None:
                reader.fail("floor", f"'floor': {names.unknown(key)}")
            if name in ups:
                reader.fail("floor", f"'floor' names {name!r} twice")
            ups[name] = reader.version("floor", value)
    elif floor is not None:
        ups[upstreams[0]] = reader.version("floor", floor)
    tracks = {}
    raw_tracks = table.get("tracks", {})
    if not isinstance(raw_tracks, dict):
        reader.fail("tracks", "'tracks' must be a table of track name = version")
    for name, value in raw_tracks.items():
        tracks[name.lower()] = reader.version(name, value)
    return Floors(primary=upstreams[0], upstreams=ups, tracks=tracks)


class TableReader:
    """Type checks with errors that point at the key's line in the config file."""

    def __init__(self, shown: str, text: str) -> None:
        self.shown = shown
        self.lines = text.splitlines()

    def line_of(self, key: str) -> int | None:
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number, line in enumerate(self.lines, start=1):
            if pattern.match(line):
                return number
        return None

    def fail(self, key: str, message: str):
        raise ConfigError(f"[tool.compatlint] {message}", self.shown, self.line_of(key))

    def string_list(self, key: str, value: Any, *, allow_str: bool = False) -> tuple[str, ...]:
        if value is None:
            return ()
        if allow_str and isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, f"{key!r} must be a list of strings")
        return tuple(value)

    def version(self, key: str, value: Any):
        if not isinstance(value, str):
            self.fail(key, f"{key!r}: version must be a string, got {value!r}")
        try:
            return parse_version(value)
        except VersionError:
            self.fail(key, f"{key!r}: {value!r} is not a version")


def _posix(path: str) -> str:
    return Path(path).as_posix()
