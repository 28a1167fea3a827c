"""Load and validate ``[tool.compatlint]`` from a project's pyproject.toml.

Every problem is a :class:`ConfigError` that names the file, the line of the key when it
can be found, and the key itself, so the CLI can print one line and exit 2.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from compatlint.errors import ConfigError
from compatlint.versions import Floors, VersionError, parse_version

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

PYPROJECT = "pyproject.toml"

KNOWN_KEYS = (
    "upstream",
    "shim",
    "src",
    "floor",
    "tracks",
    "heavy-imports",
    "policy-docs",
    "mocks",
    "exclude",
    "walk",
    "predicates",
)
MOCKS_KEYS = ("file", "name", "collect")

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


#: The comparison operators a version predicate may apply.
PREDICATE_OPS = ("<", "<=", ">", ">=", "==", "!=")
PREDICATE_KEYS = ("upstream", "upstream-arg", "op", "op-arg", "version-arg", "optional")


@dataclass(frozen=True)
class Predicate:
    """A project function that tests an upstream's version, configured by qualified name:
    ``vllm_version_is("0.22.1")`` is ``version(vllm) == 0.22.1``.

    Each of upstream, operator and version is fixed here or read from an argument (a
    position or a keyword name). ``optional``: the upstream may be absent and the call is
    then false, so a version test that is always true leaves a presence test, never True.
    """

    name: str
    upstream: str | None = None
    upstream_arg: int | str | None = None
    op: str | None = None
    op_arg: int | str | None = None
    #: a position, a keyword name, or both (``(1, "minversion")``)
    version_arg: int | str | tuple[int, str] = 0
    optional: bool = False


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

    @property
    def primary(self) -> str:
        """The upstream a tag means when it names none."""
        return self.upstreams[0]

    def with_floors(self, overrides: Floors) -> Config:
        """This config with command-line floors layered over the configured ones."""
        return Config(
            root=self.root,
            config_path=self.config_path,
            upstreams=self.upstreams,
            shims=self.shims,
            src=self.src,
            floors=self.floors.merged(overrides),
            heavy_imports=self.heavy_imports,
            policy_docs=self.policy_docs,
            mocks=self.mocks,
            exclude=self.exclude,
            walk=self.walk,
            predicates=self.predicates,
            python_floor=self.python_floor,
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


def find_config(start: Path) -> Path:
    """The nearest pyproject.toml at or above ``start`` that has ``[tool.compatlint]``."""
    start = start.resolve()
    for directory in (start, *start.parents):
        candidate = directory / PYPROJECT
        if candidate.is_file():
            try:
                text = candidate.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if re.search(r"^\s*\[\s*tool\s*\.\s*compatlint\b", text, re.MULTILINE):
                return candidate
    raise ConfigError(
        f"no pyproject.toml with [tool.compatlint] found in {start} or any parent directory"
    )


def read_tool_table(path: Path) -> tuple[dict[str, Any], str]:
    """The raw ``[tool.compatlint]`` table of ``path`` and the file's text."""
    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("config file not found", shown) from None
    except UnicodeDecodeError:
        raise ConfigError("config file is not valid UTF-8", shown) from None
    except OSError as exc:
        raise ConfigError(f"cannot read config file: {exc.strerror}", shown) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        message = str(exc).split(" (at line")[0]
        raise ConfigError(f"invalid TOML: {message}", shown, line) from None
    table = data.get("tool", {}).get("compatlint")
    if not isinstance(table, dict):
        raise ConfigError("no [tool.compatlint] table", shown)
    return table, text


def load_config(path: Path) -> Config:
    """Read, validate and check the paths of the configuration in ``path``."""
    table, text = read_tool_table(path)
    config = parse_config(
        table,
        root=path.parent.resolve(),
        config_path=path,
        text=text,
        requires_python=_requires_python(text),
    )
    _check_paths_exist(config, text)
    return config


def parse_config(
    table: Mapping[str, Any],
    *,
    root: Path,
    config_path: Path,
    text: str = "",
    requires_python: str | None = None,
) -> Config:
    """Validate the ``[tool.compatlint]`` table (no file system access). ``requires_python``
    is the project's ``[project] requires-python``, the default floor of ``python``."""
    reader = _TableReader(str(config_path), text)
    for key in table:
        if key not in KNOWN_KEYS:
            reader.fail(key, f"unknown key {key!r}{_did_you_mean(key, KNOWN_KEYS)}")

    upstream = table.get("upstream")
    if isinstance(upstream, str):
        upstreams: tuple[str, ...] = (upstream,)
    elif isinstance(upstream, list) and all(isinstance(u, str) for u in upstream):
        upstreams = tuple(upstream)
    else:
        upstreams = ()
    if not upstreams or not all(_is_module_name(u) for u in upstreams):
        reader.fail("upstream", "'upstream' must be a package name or a list of package names")

    if "shim" not in table:
        reader.fail("shim", "missing key 'shim' (the list of shim files)")
    # An empty list is valid: once the last shim is inlined and deleted, the rules about
    # the code around it (inline fallbacks, version gates, the stub list) still apply.
    shims = reader.string_list("shim", table["shim"], allow_str=True)

    src = reader.string_list("src", table.get("src", ["."]), allow_str=True)
    floors = _read_floors(reader, table, upstreams)
    heavy = reader.string_list("heavy-imports", table.get("heavy-imports", []))
    docs = reader.string_list("policy-docs", table.get("policy-docs", []), allow_str=True)
    exclude = reader.string_list("exclude", table.get("exclude", []), allow_str=True)

    mocks = None
    if "mocks" in table:
        raw = table["mocks"]
        if not isinstance(raw, dict):
            reader.fail("mocks", "'mocks' must be a table with keys file, name, collect")
        for key in raw:
            if key not in MOCKS_KEYS:
                reader.fail(key, f"unknown key 'mocks.{key}'{_did_you_mean(key, MOCKS_KEYS)}")
        for key in ("file", "name"):
            if not isinstance(raw.get(key), str) or not raw[key]:
                reader.fail("mocks", f"'mocks.{key}' must be a non-empty string")
        collect = reader.string_list("collect", raw.get("collect", list(src)), allow_str=True)
        mocks = MocksConfig(file=_posix(raw["file"]), name=raw["name"], collect=collect)

    walk = table.get("walk", {})
    if not isinstance(walk, dict):
        reader.fail("walk", "'walk' must be a table")

    predicates = _read_predicates(reader, table.get("predicates", {}))

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
        predicates=predicates,
        python_floor=lower_bound(requires_python) if requires_python else None,
    )


def _requires_python(text: str) -> str | None:
    """``[project] requires-python`` of a pyproject text that already parsed."""
    value = tomllib.loads(text).get("project", {}).get("requires-python")
    return value if isinstance(value, str) else None


def lower_bound(specifier: str) -> Version | None:
    """The lowest release a version specifier admits (``>=3.10,<4`` → 3.10): the highest of
    its ``>=``, ``>``, ``~=``, ``==`` and ``===`` bounds. ``>3.9`` gives 3.9 — a floor a
    little low only widens the window. None when it has no lower bound or does not parse."""
    try:
        specifiers = SpecifierSet(specifier)
    except InvalidSpecifier:
        return None
    bounds = []
    for spec in specifiers:
        if spec.operator in (">=", ">", "~=", "==", "==="):
            try:
                bounds.append(parse_version(spec.version.removesuffix(".*")))
            except VersionError:
                return None
    return max(bounds) if bounds else None


def _read_predicates(reader: _TableReader, raw: Any) -> dict[str, Predicate]:
    if not isinstance(raw, dict):
        reader.fail("predicates", "'predicates' must be a table of qualified name = { ... }")
    return {name: _read_predicate(reader, name, entry) for name, entry in raw.items()}


def _read_predicate(reader: _TableReader, name: str, entry: Any) -> Predicate:
    """One ``"pkg.mod.func" = { upstream = "x", op = ">=", version-arg = 1 }`` entry."""

    def fail(message: str):
        reader.fail(name, f"predicate {name!r}: {message}")

    if not _is_module_name(name) or "." not in name:
        fail("the key must be the function's qualified name, like 'pkg.utils.is_x_version'")
    if not isinstance(entry, dict):
        fail('must be a table like { upstream = "x", op = ">=" }')
    for key in entry:
        if key not in PREDICATE_KEYS:
            fail(f"unknown key {key!r}{_did_you_mean(key, PREDICATE_KEYS)}")
    if ("upstream" in entry) == ("upstream-arg" in entry):
        fail("give exactly one of 'upstream' and 'upstream-arg'")
    if ("op" in entry) == ("op-arg" in entry):
        fail("give exactly one of 'op' and 'op-arg'")
    upstream = entry.get("upstream")
    if upstream is not None and (not isinstance(upstream, str) or not _is_module_name(upstream)):
        fail(f"'upstream' must be a package name, got {upstream!r}")
    op = entry.get("op")
    if op is not None and op not in PREDICATE_OPS:
        fail(f"'op' must be one of {', '.join(PREDICATE_OPS)}, got {op!r}")
    optional = entry.get("optional", False)
    if not isinstance(optional, bool):
        fail(f"'optional' must be true or false, got {optional!r}")
    arguments: dict[str, Any] = {}
    for key in ("upstream-arg", "op-arg", "version-arg"):
        if key in entry:
            value = entry[key]
            if key == "version-arg" and _is_position_and_keyword(value):
                arguments[key] = (value[0], value[1])
            elif _is_argument(value):
                arguments[key] = value
            else:
                both = ", or both as [1, 'name']" if key == "version-arg" else ""
                fail(
                    f"{key!r} must be a position (0, 1, ...) or a keyword name{both}, got {value!r}"
                )
    if "version-arg" not in arguments:  # the first position no other argument takes
        taken = {value for value in arguments.values() if type(value) is int}
        arguments["version-arg"] = min(set(range(len(taken) + 1)) - taken)
    places = [
        place
        for value in arguments.values()
        for place in (value if isinstance(value, tuple) else (value,))
    ]
    if len(set(places)) < len(places):
        fail("two of upstream-arg, op-arg and version-arg name the same argument")
    return Predicate(
        name=name,
        upstream=upstream,
        upstream_arg=arguments.get("upstream-arg"),
        op=op,
        op_arg=arguments.get("op-arg"),
        version_arg=arguments["version-arg"],
        optional=optional,
    )


def _is_argument(value: Any) -> bool:
    """A position (``0``, ``1``, ...) or a keyword name."""
    if type(value) is int:
        return value >= 0
    return isinstance(value, str) and value.isidentifier()


def _is_position_and_keyword(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and type(value[0]) is int
        and value[0] >= 0
        and isinstance(value[1], str)
        and value[1].isidentifier()
    )


def _read_floors(reader: _TableReader, table: Mapping[str, Any], upstreams: tuple[str, ...]):
    ups = {}
    floor = table.get("floor")
    if isinstance(floor, dict):
        for name, value in floor.items():
            if name not in upstreams:
                reader.fail("floor", f"'floor' names {name!r}, which is not an upstream")
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


def _check_paths_exist(config: Config, text: str) -> None:
    reader = _TableReader(str(config.config_path), text)
    checks: list[tuple[str, str]] = [("shim", p) for p in config.shims]
    checks += [("src", p) for p in config.src]
    checks += [("policy-docs", p) for p in config.policy_docs]
    if config.mocks is not None:
        checks.append(("file", config.mocks.file))
        checks += [("collect", p) for p in config.mocks.collect]
    for key, rel in checks:
        if not (config.root / rel).exists():
            reader.fail(key, f"{key!r} names {rel!r}, which does not exist")


class _TableReader:
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


def _did_you_mean(key: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, known, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _is_module_name(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*", name))


def _posix(path: str) -> str:
    return Path(path).as_posix()
