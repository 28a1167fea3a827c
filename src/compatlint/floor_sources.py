"""Where each floor comes from: the command line, the config, or the project's own metadata.

An upstream with no floor in ``[tool.compatlint]`` or on the command line takes one from
the project's metadata: ``python`` from ``requires-python``, a package from its requirement
in ``[project] dependencies``. Only the main dependencies count: an optional dependency's
bound holds only where its extra is installed, and elsewhere the package may be present at
any version, so it says nothing about every supported install.

The window's top for prose notes — the *pin*, the newest release the project supports —
comes from ``pin`` / ``--pin``, else from an exact pin (``sglang[all]==0.5.16``) in the
main or the optional dependencies: unlike a floor, an extra's pin names a release the
project is tested against, whatever else is installed.

The window a gate is decided over is the floor and up, capped where the metadata knows a
top (a pin, a ``<`` or ``<=``, a ``~=``). A package on several requirement lines (one per
environment marker) takes the lowest floor and the highest top across them, and says so:
a floor a little low or a top a little high only leaves a gate undecided.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from compatlint.predicates import lower_bound
from compatlint.versions import PYTHON, Floors, VersionError, dependency_name, parse_version

if TYPE_CHECKING:
    from compatlint.analysis.gate_windows import Window

COMMAND_LINE = "command line"
CONFIG = "config"
REQUIRES_PYTHON = "requires-python"
ACROSS_MARKERS = "lowest across environment markers"

#: A top: the version and whether it is itself supported (``==X``, ``<=X``) or not (``<X``).
Top = tuple[Version, bool]

_LEADING_NAME = re.compile(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


@dataclass(frozen=True)
class DependencyBound:
    """What the requirement lines of one package say about its supported versions."""

    name: str
    floor: Version | None
    top: Top | None
    lines: tuple[str, ...]
    has_markers: bool
    why_no_floor: str = ""

    def source(self) -> str:
        return "dependencies: " + " | ".join(self.lines)


def dependency_names(dependencies: Iterable[str]) -> list[str]:
    """The PEP 503 names of the packages ``dependencies`` lines name, read from each line's
    leading name alone (cheap: every config load asks, only ``report`` needs the bounds)."""
    names = (_LEADING_NAME.match(text) for text in dependencies)
    return list(dict.fromkeys(dependency_name(match.group(1)) for match in names if match))


def dependency_bounds(dependencies: Iterable[str]) -> dict[str, DependencyBound]:
    """The floor and top of every package ``[project] dependencies`` names, by PEP 503 name.

    A line that does not parse still names its package (a floor from the others alone
    could be too high), and gives it no floor.
    """
    grouped: dict[str, list[tuple[str, _LineBound]]] = {}
    for text in dependencies:
        read = _read_line(text)
        if read is not None:
            grouped.setdefault(read[0], []).append((text.strip(), read[1]))
    return {name: _combine(name, lines) for name, lines in grouped.items()}


@dataclass(frozen=True)
class _LineBound:
    floor: Version | None
    top: Top | None
    has_marker: bool
    why_no_floor: str = ""


def _read_line(text: str) -> tuple[str, _LineBound] | None:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        match = _LEADING_NAME.match(text)
        if match is None:
            return None
        return dependency_name(match.group(1)), _LineBound(None, None, False, "does not parse")
    specifier = requirement.specifier
    floor, why = _line_floor(specifier)
    return dependency_name(requirement.name), _LineBound(
        floor, _line_top(specifier), requirement.marker is not None, why
    )


def _line_floor(specifier: SpecifierSet) -> tuple[Version | None, str]:
    """The lower bound of one line, unless a bound is a pre-release: ``>=2.0rc1`` admits
    2.0rc1, which a window starting at a release cannot say."""
    for spec in specifier:
        if spec.operator in (">=", ">", "~=", "==", "===") and _is_prerelease(spec.version):
            return None, "a pre-release bound"
    floor = lower_bound(str(specifier)) if len(specifier) else None
    return floor, "" if floor is not None else "no lower bound"


def _is_prerelease(text: str) -> bool:
    try:
        return Version(text.removesuffix(".*")).is_prerelease
    except InvalidVersion:
        return False


def _line_top(specifier: SpecifierSet) -> Top | None:
    """The tightest top of one line's specifiers, if any sets one."""
    tops = [top for spec in specifier if (top := _spec_top(spec.operator, spec.version))]
    return min(tops, key=_looseness) if tops else None


def _spec_top(operator: str, text: str) -> Top | None:
    """``==X`` and ``<=X``: X, inclusive; ``<X``: X, exclusive; ``==X.*`` and ``~=X.Y``:
    the next release of the prefix, exclusive."""
    wildcard = text.endswith(".*")
    try:
        version = parse_version(text.removesuffix(".*"))
    except VersionError:
        return None
    if operator in ("==", "===") and not wildcard:
        return version, True
    if operator == "==":
        return _next_release(version.release), False
    if operator == "<=":
        return version, True
    if operator == "<":
        return version, False
    if operator == "~=" and len(version.release) >= 2:
        return _next_release(version.release[:-1]), False
    return None


def _next_release(release: tuple[int, ...]) -> Version:
    return Version(".".join(str(part) for part in (*release[:-1], release[-1] + 1)))


def _looseness(top: Top) -> tuple[Version, int]:
    """Order tops from tightest to loosest: at one version, exclusive is tighter."""
    return top[0], int(top[1])


def _combine(name: str, lines: list[tuple[str, _LineBound]]) -> DependencyBound:
    bounds = [bound for _, bound in lines]
    floors = [bound.floor for bound in bounds]
    why = next((bound.why_no_floor for bound in bounds if bound.floor is None), "")
    floor = None if None in floors else min(f for f in floors if f is not None)
    tops = [bound.top for bound in bounds]
    top = None if None in tops else max((t for t in tops if t is not None), key=_looseness)
    return DependencyBound(
        name=name,
        floor=floor,
        top=top,
        lines=tuple(text for text, _ in lines),
        has_markers=any(bound.has_marker for bound in bounds),
        why_no_floor=why,
    )


def requires_python_top(requires_python: str | None) -> Top | None:
    """The top ``requires-python`` sets (``>=3.10,<4`` → 4, exclusive), if any."""
    if not requires_python:
        return None
    try:
        return _line_top(SpecifierSet(requires_python))
    except InvalidSpecifier:
        return None


@dataclass(frozen=True)
class FloorSource:
    """One floor, where it came from, and the top of its window where one is known."""

    name: str
    version: Version
    source: str
    top: Top | None = None
    note: str = ""
    is_track: bool = False

    def window_text(self) -> str:
        """``>=1.24``, ``>=1.24,<2``, ``>=1.24,<=1.26``."""
        if self.top is None:
            return f">={self.version}"
        top, inclusive = self.top
        return f">={self.version},{'<=' if inclusive else '<'}{top}"

    def to_json(self) -> dict[str, str | bool | None]:
        top = None if self.top is None else f"{'<=' if self.top[1] else '<'}{self.top[0]}"
        return {
            "version": str(self.version),
            "source": self.source,
            "top": top,
            "note": self.note or None,
        }


@dataclass(frozen=True)
class FloorSources:
    """Every floor the run knows, upstreams (``python`` included) first, then tracks."""

    entries: tuple[FloorSource, ...] = ()

    def floors(self, primary: str | None = None) -> Floors:
        """All of them as :class:`Floors` (metadata defaults included), for gate windows."""
        return Floors(
            primary=primary,
            upstreams={e.name: e.version for e in self.entries if not e.is_track},
            tracks={e.name: e.version for e in self.entries if e.is_track},
        )

    def tops(self) -> dict[str, Top]:
        """upstream → (top, inclusive): the ``tops`` of ``windows_from``."""
        return {e.name: e.top for e in self.entries if e.top is not None and not e.is_track}

    def windows(self) -> dict[str, Window]:
        """The window of every upstream with a floor, for :class:`GateEnv`."""
        from compatlint.analysis.version_gates import windows_from

        return windows_from(self.floors(), None, self.tops())

    def to_json(self) -> dict[str, dict[str, str | bool | None]]:
        return {_json_key(e): e.to_json() for e in self.entries}


def _json_key(entry: FloorSource) -> str:
    return f"track:{entry.name}" if entry.is_track else entry.name


def floor_sources(
    *,
    configured: Floors,
    command_line: Floors | None = None,
    requires_python: str | None = None,
    dependencies: Sequence[str] = (),
) -> FloorSources:
    """Each upstream's floor from the command line, else the config, else the metadata;
    its top from the metadata wherever the floor came from. ``configured`` are the
    config's floors (command-line floors layered over them are told apart by
    ``command_line``)."""
    command_line = command_line if command_line is not None else Floors()
    bounds = dependency_bounds(dependencies)
    explicit = {**configured.upstreams, **command_line.upstreams}
    entries: list[FloorSource] = []
    seen: set[str] = set()
    for name, version in explicit.items():
        source = COMMAND_LINE if name in command_line.upstreams else CONFIG
        if name == PYTHON:
            entries.append(_capped(name, version, source, requires_python_top(requires_python)))
        else:
            bound = bounds.get(dependency_name(name))
            entries.append(_capped(name, version, source, bound.top if bound else None))
        seen.add(dependency_name(name))
    if PYTHON not in seen and requires_python:
        floor = lower_bound(requires_python)
        if floor is not None:
            source = f"{REQUIRES_PYTHON}: {requires_python.strip()}"
            entries.append(_capped(PYTHON, floor, source, requires_python_top(requires_python)))
    for name, bound in bounds.items():
        if name in seen or bound.floor is None:
            continue
        note = ""
        if bound.has_markers:
            note = ACROSS_MARKERS if len(bound.lines) > 1 else "a requirement with a marker"
        entries.append(_capped(name, bound.floor, bound.source(), bound.top, note))
    tracks = {**configured.tracks, **command_line.tracks}
    for name, version in tracks.items():
        source = COMMAND_LINE if name in command_line.tracks else CONFIG
        entries.append(FloorSource(name, version, source, is_track=True))
    return FloorSources(tuple(entries))


def _capped(name: str, floor: Version, source: str, top: Top | None, note: str = "") -> FloorSource:
    """A floor with the metadata's top, unless the floor is at or above it (a floor given
    past the requirement's top: the top no longer describes what is supported)."""
    if top is not None and (floor > top[0] or (floor == top[0] and not top[1])):
        shown = f"{'<=' if top[1] else '<'}{top[0]}"
        note = "; ".join(filter(None, [note, f"above the metadata's {shown}: no top"]))
        top = None
    return FloorSource(name, floor, source, top, note)


@dataclass(frozen=True)
class PinSource:
    """The newest supported release of an upstream or track, and where it came from."""

    name: str
    version: Version
    source: str
    is_track: bool = False


def exact_pins(dependencies: Iterable[str]) -> dict[str, tuple[Version, str]]:
    """PEP 503 name → (version, line) of every package a line pins exactly (``==X``, not
    ``==X.*``); the highest pin where lines (extras, markers) pin several."""
    from packaging.requirements import InvalidRequirement, Requirement

    found: dict[str, tuple[Version, str]] = {}
    for text in dependencies:
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            continue
        for spec in requirement.specifier:
            if spec.operator not in ("==", "===") or spec.version.endswith(".*"):
                continue
            try:
                version = parse_version(spec.version)
            except VersionError:
                continue
            name = dependency_name(requirement.name)
            if name not in found or found[name][0] < version:
                found[name] = (version, text.strip())
    return found


def pin_sources(
    *, pins: Floors, command_line: Floors, dependencies: Sequence[str] = ()
) -> tuple[PinSource, ...]:
    """Each upstream's and track's pin: ``pins`` (the config's with the command line's
    layered over, told apart by ``command_line``), then exact pins in ``dependencies``."""
    entries = [
        PinSource(name, version, COMMAND_LINE if name in command_line.upstreams else CONFIG)
        for name, version in pins.upstreams.items()
    ]
    given = {dependency_name(name) for name in pins.upstreams}
    for name, (version, line) in exact_pins(dependencies).items():
        if name not in given:
            entries.append(PinSource(name, version, f"dependencies: {line}"))
    entries += [
        PinSource(name, version, COMMAND_LINE if name in command_line.tracks else CONFIG, True)
        for name, version in pins.tracks.items()
    ]
    return tuple(entries)


def pin_of(pins: Iterable[PinSource], upstream: str, track: str | None = None) -> PinSource | None:
    """The pin of ``track`` if named, else of ``upstream`` (any spelling of its name)."""
    for pin in pins:
        if track is not None:
            if pin.is_track and pin.name == track:
                return pin
        elif not pin.is_track and dependency_name(pin.name) == dependency_name(upstream):
            return pin
    return None
