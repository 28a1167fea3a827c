"""Versions, floors and expiry.

Versions compare by release segment only: a ``0.5.10.post1`` pin is floor ``0.5.10``
and ``v0.5.7`` parses. A floor is the oldest upstream release still supported; a tag
"Remove when min supported version is R+" expires once the floor reaches R.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from packaging.version import InvalidVersion, Version

from compatlint.model import CoverOp, Fate, Tag
from compatlint.spelling import closest

_VERSION_TEXT = re.compile(r"^[vV]?\d+(\.\d+)*([._-]?(post|dev|rc|a|b)\d*)*(\+[\w.]+)?$")


class VersionError(ValueError):
    """A version string that compatlint cannot read."""


def parse_version(text: str) -> Version:
    """Read ``text`` as a release version (``v`` prefix allowed), keeping only its release."""
    cleaned = text.strip()
    if not _VERSION_TEXT.match(cleaned):
        raise VersionError(f"not a version: {text!r}")
    try:
        version = Version(cleaned)
    except InvalidVersion as exc:  # pragma: no cover - the regex admits only valid shapes
        raise VersionError(f"not a version: {text!r}") from exc
    return release_of(version)


def release_of(version: Version) -> Version:
    """The version reduced to its release segment (``0.5.10.post1`` → ``0.5.10``)."""
    return Version(".".join(str(part) for part in version.release))


def tag_expired(tag: Tag, floor: Version) -> bool:
    """Whether ``tag`` says its fallback may go once ``floor`` is the minimum supported version."""
    floor = release_of(floor)
    if tag.removal is not None:
        return release_of(tag.removal) <= floor
    if tag.covers is not None:
        covers = release_of(tag.covers)
        if tag.covers_op is CoverOp.LT:
            return covers <= floor
        return covers < floor
    return False


@dataclass(frozen=True)
class Floors:
    """The minimum supported version per upstream (default track) and per named track."""

    primary: str | None = None
    upstreams: Mapping[str, Version] = field(default_factory=dict)
    tracks: Mapping[str, Version] = field(default_factory=dict)

    def governing_upstream(
        self, tag: Tag | None, site_upstream: str | None = None, primary: str | None = None
    ) -> str | None:
        """The upstream whose floor governs ``tag``: the one the tag names, else the site's,
        else the primary (the upstream a tag means when it names none)."""
        named = tag.upstream if tag is not None else None
        return named or site_upstream or primary or self.primary

    def governing(
        self, tag: Tag | None, site_upstream: str | None = None, primary: str | None = None
    ) -> Version | None:
        """The floor that judges ``tag`` (on a site of ``site_upstream``), if one is known.

        The one place that answers "which floor": a tag on a track is judged by that
        track's floor alone; otherwise by the floor of :meth:`governing_upstream`. None
        when that has no floor, so a tag naming an upstream the project does not list is
        never judged against another upstream's floor.
        """
        if tag is not None and tag.track is not None:
            return self.tracks.get(tag.track)
        return self.upstreams.get(self.governing_upstream(tag, site_upstream, primary) or "")

    def governing_words(
        self, tag: Tag | None, site_upstream: str | None = None, primary: str | None = None
    ) -> str:
        """What :meth:`governing` reads, in words: ``the xpu track`` or an upstream's name."""
        if tag is not None and tag.track is not None:
            return f"the {tag.track} track"
        return self.governing_upstream(tag, site_upstream, primary) or "its upstream"

    def fate(
        self, tag: Tag | None, site_upstream: str | None = None, primary: str | None = None
    ) -> Fate:
        """What ``tag`` means at these floors."""
        if tag is None:
            return Fate.UNTAGGED
        if tag.is_vague:
            return Fate.VAGUE
        floor = self.governing(tag, site_upstream, primary)
        if floor is None:
            return Fate.NO_FLOOR
        return Fate.EXPIRED if tag_expired(tag, floor) else Fate.KEEP

    def merged(self, overrides: Floors) -> Floors:
        """These floors with ``overrides`` taking precedence key by key."""
        return Floors(
            primary=self.primary,
            upstreams={**self.upstreams, **overrides.upstreams},
            tracks={**self.tracks, **overrides.tracks},
        )

    def is_empty(self) -> bool:
        return not self.upstreams and not self.tracks

    def to_json(self) -> dict[str, str]:
        out = {name: str(v) for name, v in self.upstreams.items()}
        out.update({f"track:{name}": str(v) for name, v in self.tracks.items()})
        return out

    def describe(self) -> str:
        parts = [f"{name} {v}" for name, v in self.upstreams.items()]
        parts += [f"{name} track {v}" for name, v in self.tracks.items()]
        return ", ".join(parts) or "no floor"


#: The interpreter: an upstream every project has, for version gates and tags alike.
PYTHON = "python"


def dependency_name(name: str) -> str:
    """A distribution name as PEP 503 writes it: ``Foo_Bar`` and ``foo.bar`` are ``foo-bar``."""
    return _SEPARATORS.sub("-", name).lower()


_SEPARATORS = re.compile(r"[-_.]+")


@dataclass(frozen=True)
class FloorNames:
    """The names a floor may be set for, and the key each is stored under.

    A configured upstream (any case; its configured spelling), ``python``, a track, or a
    package the project depends on (``[project] dependencies``, a predicate's upstream:
    its PEP 503 name). Anything else is a typo: a floor for a name nothing reads would
    judge nothing, silently.
    """

    upstreams: tuple[str, ...] = ()
    tracks: frozenset[str] = frozenset()
    dependencies: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls, upstreams: Iterable[str], tracks: Iterable[str] = (), dependencies: Iterable[str] = ()
    ) -> FloorNames:
        return cls(
            tuple(upstreams),
            frozenset(name.lower() for name in tracks),
            frozenset(dependency_name(name) for name in dependencies),
        )

    def upstream(self, key: str) -> str | None:
        """The upstream key ``key`` names, or None (a track, or unknown)."""
        lowered = key.lower()
        for name in self.upstreams:
            if name.lower() == lowered or dependency_name(name) == dependency_name(key):
                return name
        if lowered == PYTHON:
            return PYTHON
        if lowered in self.tracks:
            return None
        canonical = dependency_name(key)
        return canonical if canonical in self.dependencies else None

    def is_track(self, key: str) -> bool:
        return self.upstream(key) is None and key.lower() in self.tracks

    def unknown(self, key: str) -> str:
        """Why ``key`` is refused, with the closest known name when one is close."""
        message = (
            f"{key!r} is not a configured upstream, python, a dependency of the project "
            "or a track the project's tags name"
        )
        known = sorted({*self.upstreams, PYTHON, *self.tracks, *self.dependencies})
        by_lower = {name.lower(): name for name in known}
        close = closest(key.lower(), tuple(by_lower))
        if close is not None:
            return f"{message} (did you mean {by_lower[close]!r}?)"
        return f"{message} (known: {', '.join(known)})"


def floor_option_names(values: Iterable[str], primary: str) -> list[str]:
    """The names ``--floor`` values set (lower case; the primary for a bare version)."""
    return [_floor_key(value, primary)[0] for value in values]


def parse_floor_options(
    values: Iterable[str],
    upstreams: Iterable[str],
    primary: str,
    *,
    tracks: Iterable[str] = (),
    dependencies: Iterable[str] = (),
    option: str = "--floor",
) -> Floors:
    """Read ``--floor`` values (``--pin`` values: ``option``): ``0.5.11`` (primary
    upstream), ``scipy=1.11``, ``xpu=0.5.19``,
    ``python=3.10``.

    A key is one of :class:`FloorNames`: a configured upstream, ``python``, a known track
    (one configured, or one the project's tags name) or one of ``dependencies``. Any other
    key is a typo, not a new track — a misspelt track would silently judge nothing — so it
    is an error with the closest known name. Two different versions for one name are an
    error too, rather than the last one winning.
    """
    names = FloorNames.of(upstreams, tracks, dependencies)
    ups: dict[str, Version] = {}
    track_floors: dict[str, Version] = {}
    given: dict[str, str] = {}
    for value in values:
        key, version_text = _floor_key(value, primary)
        if not key:
            raise VersionError(f"{option} {value!r}: empty track name")
        upstream = names.upstream(key)
        if upstream is None and not names.is_track(key):
            raise VersionError(f"{option} {value!r}: {names.unknown(key)}")
        try:
            version = parse_version(version_text)
        except VersionError as exc:
            raise VersionError(f"{option} {value!r}: {exc}") from None
        if upstream is not None:
            target, name = ups, upstream
        else:
            target, name = track_floors, key
        if name in target and target[name] != version:
            what = option.removeprefix("--")
            raise VersionError(
                f"{option} {value!r}: conflicts with {option} {given[name]!r} "
                f"(two {what}s for {name})"
            )
        target[name] = version
        given.setdefault(name, value)
    return Floors(primary=primary, upstreams=ups, tracks=track_floors)


def _floor_key(value: str, primary: str) -> tuple[str, str]:
    key, sep, version_text = value.partition("=")
    if not sep:
        key, version_text = primary, value
    return key.strip().lower(), version_text
