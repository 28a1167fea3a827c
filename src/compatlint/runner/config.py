"""``[tool.compatlint.walk]`` as dataclasses, validated from the raw TOML table (pure).

Every problem is a :class:`ConfigError` that names the key (and its line when it can be
found). Script names in ``order``, ``gpus`` and ``probes`` may be written with or without the
extension: ``agg.sh`` and ``agg`` both name ``launch/agg.sh``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import Any, NoReturn
from urllib.parse import urlparse

from compatlint.errors import ConfigError
from compatlint.spelling import did_you_mean

PROBE_KINDS = ("chat", "embeddings", "log", "file", "command")
WALK_KEYS = ("scripts", "order", "env", "timeout", "ready-timeout", "gpus", "log-ignore", "probes")

DEFAULT_SCRIPTS = "launch/*.sh"
DEFAULT_TIMEOUT = 900.0
DEFAULT_READY_TIMEOUT = 600.0
DEFAULT_PROBE_TIMEOUT = 60.0
DEFAULT_MODEL = "default"
MARKER_VAR = "COMPATLINT_WALK_MARKER"

#: The frontend's periodic ``GET /`` health probe that answers 404, in access-log style
#: (``"GET / HTTP/1.1" 404``) and in tracing style (``method=GET uri=/ ... 404``).
DEFAULT_LOG_IGNORE = (
    r'"GET / HTTP/[\d.]+"\s+404',
    r"\bGET\b.*\buri=/(?=[\s,}]|$).*\b404\b",
)

_COMMON_PROBE_KEYS = ("kind", "ready", "timeout")
_KIND_KEYS: dict[str, tuple[str, ...]] = {
    "chat": ("url", "model", "body"),
    "embeddings": ("url", "dimension", "model", "body"),
    "log": ("url", "pattern", "model", "body"),
    "file": ("url", "model", "body"),
    "command": ("command",),
}
_KIND_REQUIRED: dict[str, tuple[str, ...]] = {
    "chat": ("url", "ready"),
    "embeddings": ("url", "ready", "dimension"),
    "log": ("pattern",),
    "file": ("url", "ready"),
    "command": ("command",),
}
_ALL_PROBE_KEYS = tuple(dict.fromkeys(itertools.chain(_COMMON_PROBE_KEYS, *_KIND_KEYS.values())))
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PORT_SHORTHAND = re.compile(r":(\d{1,5})(/.*)?")


@dataclass(frozen=True)
class ProbeConfig:
    """How to tell that one script's server works. Only the keys of ``kind`` are set."""

    kind: str
    ready: str | None = None
    url: str | None = None
    dimension: int | None = None
    pattern: str | None = None
    command: str | None = None
    timeout: float = DEFAULT_PROBE_TIMEOUT
    model: str = DEFAULT_MODEL
    body: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class WalkConfig:
    """The validated ``[tool.compatlint.walk]`` table. Times are seconds."""

    scripts: str = DEFAULT_SCRIPTS
    order: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict)
    timeout: float = DEFAULT_TIMEOUT
    ready_timeout: float = DEFAULT_READY_TIMEOUT
    gpus: Mapping[str, int] = field(default_factory=dict)
    log_ignore: tuple[str, ...] = DEFAULT_LOG_IGNORE
    probes: Mapping[str, ProbeConfig] = field(default_factory=dict)

    def probe_for(self, script_name: str) -> ProbeConfig | None:
        """The probe configured for ``script_name`` (``agg.sh`` or ``agg``), if any."""
        return _lookup(self.probes, script_name)

    def gpus_for(self, script_name: str) -> int | None:
        """The GPUs ``script_name`` needs according to the ``gpus`` table, if it says."""
        return _lookup(self.gpus, script_name)

    def with_timeout(self, seconds: float) -> WalkConfig:
        """This config with the per-script time limit replaced (``--timeout``)."""
        return replace(self, timeout=seconds)


def name_matches(key: str, script_name: str) -> bool:
    """Whether a configured name means ``script_name``: the file name or its stem."""
    return key in (script_name, PurePosixPath(script_name).stem)


def _lookup(table: Mapping[str, Any], script_name: str) -> Any:
    for key in (script_name, PurePosixPath(script_name).stem):
        if key in table:
            return table[key]
    return None


def loopback_url(value: str) -> str | None:
    """``value`` as a full URL: ``:PORT/path`` means ``http://127.0.0.1:PORT/path``.

    None when ``value`` is neither an ``http(s)://host...`` URL nor that shorthand.
    """
    short = _PORT_SHORTHAND.fullmatch(value)
    if short:
        return f"http://127.0.0.1:{short.group(1)}{short.group(2) or '/'}"
    parsed = urlparse(value)
    if parsed.scheme in ("http", "https") and parsed.hostname:
        return value
    return None


def parse_walk_config(
    raw: Mapping[str, Any], *, source: str | None = None, text: str = ""
) -> WalkConfig:
    """Validate the raw ``[tool.compatlint.walk]`` table (no file system access).

    ``source`` and ``text`` are the config file's name and contents, used only to point
    error messages at a line.
    """
    check = _Checker(source, text)
    if not isinstance(raw, Mapping):
        check.fail("walk", "'walk' must be a table")
    for key in raw:
        if key not in WALK_KEYS:
            check.fail(key, f"unknown key {key!r}{did_you_mean(key, WALK_KEYS)}")

    scripts = raw.get("scripts", DEFAULT_SCRIPTS)
    if not isinstance(scripts, str) or not scripts.strip():
        check.fail("scripts", "'scripts' must be a glob such as 'launch/*.sh'")
    if scripts.startswith("/") or ".." in PurePosixPath(scripts).parts:
        check.fail("scripts", f"'scripts' must be relative to the project root, got {scripts!r}")

    order = check.strings("order", raw.get("order", []))
    env = _read_env(check, raw.get("env", {}))
    timeout = check.seconds("timeout", raw.get("timeout", DEFAULT_TIMEOUT))
    ready_timeout = check.seconds("ready-timeout", raw.get("ready-timeout", DEFAULT_READY_TIMEOUT))
    gpus = _read_gpus(check, raw.get("gpus", {}))
    log_ignore = check.strings("log-ignore", raw.get("log-ignore", list(DEFAULT_LOG_IGNORE)))
    for pattern in log_ignore:
        check.regex("log-ignore", pattern)

    probes_raw = raw.get("probes", {})
    if not isinstance(probes_raw, Mapping):
        check.fail("probes", "'probes' must be a table of script name = probe table")
    probes = {name: _read_probe(check, name, value) for name, value in probes_raw.items()}

    return WalkConfig(
        scripts=scripts,
        order=order,
        env=env,
        timeout=timeout,
        ready_timeout=ready_timeout,
        gpus=gpus,
        log_ignore=log_ignore,
        probes=probes,
    )


def _read_env(check: _Checker, value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        check.fail("env", "'env' must be a table of NAME = \"value\"")
    env: dict[str, str] = {}
    for name, setting in value.items():
        if not _ENV_NAME.fullmatch(name):
            check.fail(name, f"'env.{name}' is not a valid environment variable name")
        if name == MARKER_VAR:
            check.fail(name, f"'env.{name}' is set by compatlint walk itself")
        if not isinstance(setting, str):
            check.fail(name, f"'env.{name}' must be a string (quote it), got {setting!r}")
        env[name] = setting
    return env


def _read_gpus(check: _Checker, value: Any) -> dict[str, int]:
    if not isinstance(value, Mapping):
        check.fail("gpus", "'gpus' must be a table of script name = number of GPUs")
    for name, count in value.items():
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            check.fail(name, f"'gpus.{name}' must be a whole number >= 0, got {count!r}")
    return dict(value)


def _read_probe(check: _Checker, name: str, raw: Any) -> ProbeConfig:
    where = f'probes."{name}"'
    if not isinstance(raw, Mapping):
        check.fail(name, f"'{where}' must be a table with at least 'kind'")
    for key in raw:
        if key not in _ALL_PROBE_KEYS:
            hint = did_you_mean(key, _ALL_PROBE_KEYS)
            check.fail(key, f"unknown key '{where}.{key}'{hint}", section=name)
    kind = raw.get("kind")
    if kind not in PROBE_KINDS:
        shown = "missing" if kind is None else repr(kind)
        check.fail(
            "kind", f"'{where}.kind' is {shown}; use one of {', '.join(PROBE_KINDS)}", section=name
        )
    allowed = _COMMON_PROBE_KEYS + _KIND_KEYS[kind]
    for key in raw:
        if key not in allowed:
            check.fail(key, f"'{where}.{key}' does not apply to kind {kind!r}", section=name)
    required = _KIND_REQUIRED[kind] + (("ready",) if kind == "log" and "url" in raw else ())
    for key in required:
        if key not in raw:
            check.fail("kind", f"'{where}' of kind {kind!r} needs '{key}'", section=name)

    def text(key: str) -> str | None:
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            check.fail(key, f"'{where}.{key}' must be a non-empty string", section=name)
        return value

    def url(key: str) -> str | None:
        value = text(key)
        if value is None:
            return None
        full = loopback_url(value)
        if full is None:
            message = f"'{where}.{key}' must be an http(s) URL or ':PORT/path', got {value!r}"
            check.fail(key, message, section=name)
        return full

    dimension = raw.get("dimension")
    if dimension is not None and (
        isinstance(dimension, bool) or not isinstance(dimension, int) or dimension < 1
    ):
        check.fail("dimension", f"'{where}.dimension' must be a whole number >= 1", section=name)
    pattern = text("pattern")
    if pattern is not None:
        check.regex("pattern", pattern, section=name, shown=f"{where}.pattern")
    body = raw.get("body")
    if body is not None and not isinstance(body, Mapping):
        check.fail("body", f"'{where}.body' must be a table (the JSON request body)", section=name)
    return ProbeConfig(
        kind=kind,
        ready=url("ready"),
        url=url("url"),
        dimension=dimension,
        pattern=pattern,
        command=text("command"),
        timeout=check.seconds(
            "timeout", raw.get("timeout", DEFAULT_PROBE_TIMEOUT), section=name, shown=where
        ),
        model=text("model") or DEFAULT_MODEL,
        body=dict(body) if body is not None else None,
    )


class _Checker:
    """Type checks whose errors name the key and point at its line in the config file."""

    def __init__(self, source: str | None, text: str) -> None:
        self.source = source
        self.lines = text.splitlines()

    def line_of(self, key: str, section: str | None = None) -> int | None:
        start = 0
        if section is not None:
            name = rf"[\"']?{re.escape(section)}[\"']?"
            header = re.compile(rf"probes\s*\.\s*{name}\s*\]|^\s*{name}\s*=\s*\{{")
            for number, line in enumerate(self.lines):
                if header.search(line):
                    start = number
                    break
        pattern = re.compile(rf"(^|[{{,])\s*[\"']?{re.escape(key)}[\"']?\s*=")
        for number in range(start, len(self.lines)):
            if pattern.search(self.lines[number]):
                return number + 1
        return start + 1 if section is not None and start else None

    def fail(self, key: str, message: str, *, section: str | None = None) -> NoReturn:
        line = self.line_of(key, section)
        raise ConfigError(f"[tool.compatlint.walk] {message}", self.source, line)

    def strings(self, key: str, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.fail(key, f"{key!r} must be a list of strings")
        return tuple(value)

    def seconds(
        self, key: str, value: Any, *, section: str | None = None, shown: str = ""
    ) -> float:
        name = f"{shown}.{key}" if shown else key
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            self.fail(
                key, f"'{name}' must be a number of seconds > 0, got {value!r}", section=section
            )
        return float(value)

    def regex(self, key: str, pattern: str, *, section: str | None = None, shown: str = "") -> None:
        try:
            re.compile(pattern)
        except re.error as exc:
            name = shown or key
            self.fail(key, f"'{name}': {pattern!r} is not a valid regex ({exc})", section=section)
