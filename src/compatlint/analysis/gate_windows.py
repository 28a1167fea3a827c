"""The supported window of an upstream, and how a version comparison behaves over it.

A window is every version from a floor up (to a top, when one is known). A comparison is
*decided* when it gives the same answer on every version in the window. This module
answers that by arithmetic for the four ways code reads a version:

- ``packaging`` semantics (``Version(x) < Version("1.22")``): an interval question;
- tuples compared with Python's tuple rules (``sys.version_info >= (3, 10)``, the tuple of
  ``x.__version__.split(".")``, ``LooseVersion`` parts): component by component;
- strings compared character by character (``np.__version__ >= "1.17"``,
  ``platform.python_version() < "3.10"``), which is what Python does with them, bugs and
  all (``"1.100" < "1.17"``).

Every answer is a set of *outcomes* — which of ``<``, ``=``, ``>`` some supported version
gives against the literal. An operator is decided when the set lies wholly inside or
wholly outside the outcomes it accepts. Where the exact set is hard to know, the set is
made larger, never smaller: a larger set can only turn a decision into "not decided".

The ecosystem view of a floor: ``>=3.10`` admits 3.10.0 final and everything above,
never a pre-release of the floor itself; later pre-releases and post/local builds are in.
``sys.version_info`` is read as ``(major, minor, micro, "final", 0)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from packaging.version import Version

LT, EQ, GT = "<", "=", ">"
Outcomes = frozenset[str]

#: The outcomes under which each operator is true.
ACCEPTS: dict[str, Outcomes] = {
    "<": frozenset({LT}),
    "<=": frozenset({LT, EQ}),
    ">": frozenset({GT}),
    ">=": frozenset({GT, EQ}),
    "==": frozenset({EQ}),
    "!=": frozenset({LT, GT}),
}
MIRROR = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}

#: A literal position that matches any component (for reading one component of a tuple).
ANY = object()


@dataclass(frozen=True)
class Window:
    """Supported versions of one upstream: ``floor`` (a release) and up, to ``top`` when
    known — inclusive (a pin, ``<=``: its post and local builds too) or exclusive (``<``)."""

    upstream: str
    floor: Version
    top: Version | None = None
    top_inclusive: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "floor", Version(_dotted(self.floor.release)))

    @property
    def is_empty(self) -> bool:
        if self.top is None:
            return False
        if self.top_inclusive:
            length = max(len(self.floor.release), len(self.top.release))
            return _padded(self.floor.release, length) > _padded(self.top.release, length)
        return self.floor >= self.top

    def describe(self) -> str:
        """``python floor is 3.10`` (for messages)."""
        text = f"{self.upstream} floor is {self.floor}"
        if self.top is not None:
            text += f", top {self.top}" + ("" if self.top_inclusive else " (exclusive)")
        return text


def decide(op: str, outcomes: Outcomes | None) -> bool | None:
    """True when every outcome satisfies ``op``, False when none does, else None."""
    if not outcomes:
        return None
    accepted = ACCEPTS[op]
    if outcomes <= accepted:
        return True
    if not outcomes & accepted:
        return False
    return None


def _dotted(release: Iterable[int]) -> str:
    return ".".join(str(part) for part in release)


def _padded(parts: tuple[int, ...], length: int) -> tuple[int, ...]:
    return tuple(parts) + (0,) * max(0, length - len(parts))


# -- packaging semantics ----------------------------------------------------------------


def version_outcomes(window: Window, bound: Version) -> Outcomes | None:
    """How the window's versions compare with ``bound`` under ``packaging``'s order."""
    if window.is_empty:
        return None
    found = set()
    if window.floor < bound:
        found.add(LT)
    if bound >= window.floor and _under_top(window, bound):
        found.add(EQ)
    if window.top is None or bound < window.floor or _under_top(window, bound):
        # Above an inclusive top's release there is nothing; below it, post releases of
        # any version in the window are still in it, and so above ``bound``.
        found.add(GT)
    return frozenset(found)


def _under_top(window: Window, version: Version) -> bool:
    """``version`` is not above the window's top."""
    top = window.top
    if top is None:
        return True
    if window.top_inclusive:
        length = max(len(version.release), len(top.release))
        return _padded(version.release, length) <= _padded(top.release, length)
    return version < top


# -- window arithmetic on release components --------------------------------------------


class _Releases:
    """Which release tuples the window holds, read one component at a time.

    ``at_floor``/``at_top``: the components so far equal the floor's / the top's. ``length``
    fixes the number of components (Python's three), else a release may end anywhere.
    """

    def __init__(self, window: Window, length: int | None) -> None:
        self.window = window
        self.length = length
        self.floor = window.floor.release
        self.top = window.top.release if window.top is not None else None

    def floor_at(self, index: int) -> int:
        return self.floor[index] if index < len(self.floor) else 0

    def top_at(self, index: int) -> int | None:
        if self.top is None:
            return None
        return self.top[index] if index < len(self.top) else 0

    def span(self, index: int, at_floor: bool, at_top: bool) -> tuple[int, int | None]:
        """The values component ``index`` can take."""
        return (self.floor_at(index) if at_floor else 0), (self.top_at(index) if at_top else None)

    def _rest(self, parts: tuple[int, ...], index: int) -> tuple[int, ...]:
        size = self.length if self.length is not None else max(len(self.floor), len(self.top or ()))
        return _padded(tuple(parts[index:size]), max(0, size - index))

    def feasible(self, index: int, at_floor: bool, at_top: bool) -> bool:
        """Some release in the window starts with the components chosen so far."""
        if not at_top:
            return True
        upper = self._rest(self.top or (), index)
        lower = self._rest(self.floor, index) if at_floor else (0,) * len(upper)
        if self.window.top_inclusive or self._top_truncated():
            return lower <= upper
        return lower < upper

    def can_end(self, index: int, at_floor: bool, at_top: bool) -> bool:
        """A release of exactly ``index`` components (the rest zero) is in the window."""
        if index == 0:
            return False
        if at_floor and any(self.floor[index:]):
            return False
        exclusive_end = at_top and not self.window.top_inclusive
        return not (exclusive_end and not any((self.top or ())[index:]))

    def _top_truncated(self) -> bool:
        """A top with more components than a fixed-length release: read it inclusively
        (a wider window: safe)."""
        return self.length is not None and any((self.top or ())[self.length :])

    def candidates(self, index: int, at_floor: bool, at_top: bool, pivot: int | None):
        """One value of every kind component ``index`` can take — the bounds, a value
        between them, and the pivot with its neighbours — each with the flags after it,
        when a release in the window continues from it."""
        low, high = self.span(index, at_floor, at_top)
        values = {low, low + 1}
        if high is not None:
            values |= {high, high - 1}
        if pivot is not None:
            values |= {pivot - 1, pivot, pivot + 1}
        for value in sorted(values):
            if value < low or (high is not None and value > high):
                continue
            next_floor = at_floor and value == self.floor_at(index)
            next_top = at_top and value == self.top_at(index)
            if self.feasible(index + 1, next_floor, next_top):
                yield value, next_floor, next_top


# -- tuple semantics --------------------------------------------------------------------


@dataclass(frozen=True)
class TupleShape:
    """What a version tuple looks like: ``release_length`` components (None: as many as
    the version has), then ``tail`` (``("final", 0)`` for ``sys.version_info``), cut to
    ``take`` items (a slice ``[:n]``). ``loose_tail``: anything may follow the release
    (``LooseVersion`` parts of a pre-release or post-release)."""

    release_length: int | None = None
    tail: tuple[object, ...] = ()
    take: int | None = None
    loose_tail: bool = False


class _Incomparable(Exception):
    """Python would raise comparing these elements; the gate is not decided."""


def tuple_outcomes(window: Window, literal: tuple[object, ...], shape: TupleShape):
    """How the window's version tuples compare with ``literal`` under tuple rules."""
    if window.is_empty:
        return None
    releases = _Releases(window, shape.release_length)
    found: set[str] = set()
    try:
        _tuple_walk(releases, literal, shape, 0, True, window.top is not None, found)
    except _Incomparable:
        return None
    return frozenset(found)


def _tuple_walk(releases, literal, shape, index, at_floor, at_top, found) -> None:
    if shape.take is not None and index == shape.take:
        found.add(EQ if index == len(literal) else LT)
        return
    if shape.release_length is None and releases.can_end(index, at_floor, at_top):
        _tail_walk(literal, shape, index, 0, found)
    if shape.release_length is not None and index == shape.release_length:
        _tail_walk(literal, shape, index, 0, found)  # the candidates kept it in the window
        return
    if index == len(literal):
        if any(releases.candidates(index, at_floor, at_top, None)):
            found.add(GT)
        return
    pivot = literal[index]
    if pivot is not ANY and type(pivot) is not int:
        raise _Incomparable
    number = None if pivot is ANY else pivot
    for value, next_floor, next_top in releases.candidates(index, at_floor, at_top, number):
        if number is None or value == number:
            _tuple_walk(releases, literal, shape, index + 1, next_floor, next_top, found)
        else:
            found.add(LT if value < number else GT)


def _tail_walk(literal, shape, index, offset, found) -> None:
    """The subject's release has ended at ``index``; what follows is its tail."""
    if shape.take is not None and index == shape.take:
        found.add(EQ if index == len(literal) else LT)
        return
    if offset == len(shape.tail):
        if shape.loose_tail:
            if index < len(literal):
                raise _Incomparable  # a `rc`/`post` part against a number
            found.add(GT)
        found.add(EQ if index == len(literal) else LT)
        return
    if index == len(literal):
        found.add(GT)
        return
    mine, theirs = shape.tail[offset], literal[index]
    if theirs is ANY or mine == theirs:
        _tail_walk(literal, shape, index + 1, offset + 1, found)
        return
    try:
        found.add(LT if mine < theirs else GT)  # type: ignore[operator]
    except TypeError:
        raise _Incomparable from None


# -- string semantics -------------------------------------------------------------------

#: What may follow a version's release in its string: the end, a space (``sys.version``),
#: a local (``+``), a separator, or the letters of a pre/post/dev part.
_AFTER_RELEASE = ("", " ", "+", "-", ".", "a")


def string_outcomes(window: Window, literal: str) -> Outcomes | None:
    """How the window's version strings compare with ``literal`` as Python compares
    strings. A version string is its release written in decimal (``3.10.4``), with any
    number of components, followed by anything."""
    if window.is_empty:
        return None
    found: set[str] = set()
    _string_walk(_Releases(window, None), literal, 0, True, window.top is not None, found)
    return frozenset(found)


def _split_digits(text: str) -> tuple[str, str]:
    end = 0
    while end < len(text) and text[end].isdigit():
        end += 1
    return text[:end], text[end:]


def _char_order(mine: str, theirs: str) -> set[str]:
    """Compare the subject's next character with the literal's (``""``: the end). ``"a"``
    stands for any lower-case letter, ``"0"`` for any digit: against a character of the
    same kind it may go either way."""
    if mine == theirs == "":
        return {EQ}
    if mine == "":
        return {LT}
    if theirs == "":
        return {GT}
    if mine == theirs or (mine == "a" and theirs.isalpha()) or (mine == "0" and theirs.isdigit()):
        return {LT, EQ, GT}
    return {LT} if mine < theirs else {GT}


def _string_walk(releases, literal, index, at_floor, at_top, found) -> None:
    """``literal`` is what is left of it after the components the subject matched."""
    digits, rest = _split_digits(literal)
    low, high = releases.span(index, at_floor, at_top)
    for value, next_floor, next_top in releases.candidates(index, at_floor, at_top, None):
        if value in (low, high):
            _component(releases, digits, rest, (value, value), index, next_floor, next_top, found)
    inner = (low + 1, None if high is None else high - 1)
    if inner[1] is None or inner[0] <= inner[1]:
        _component(releases, digits, rest, inner, index, False, False, found)


def _component(releases, digits, rest, span, index, at_floor, at_top, found) -> None:
    """Compare the components in ``span`` (high None: unbounded), written in decimal, with
    the literal's ``digits`` followed by ``rest``."""
    after = rest[:1]
    if not digits:
        found |= _char_order("0", after)
        return
    for kind in _digit_classes(span[0], span[1], digits):
        if kind in (LT, GT):
            found.add(kind)
        elif kind == "short":  # the component is a proper prefix of the literal's: what
            found |= {LT, GT}  # follows it (an end, a dot: low; a letter: high) meets a digit
        elif kind == "long":  # the literal's component is a proper prefix of this one
            found |= _char_order("0", after)
        else:
            _matched(releases, rest, index + 1, at_floor, at_top, found)


def _matched(releases, rest, index, at_floor, at_top, found) -> None:
    """The subject's first ``index`` components equal the literal's, which continues with
    ``rest``: the subject goes on with ``.`` and a component, or its release ends."""
    after, then = rest[:1], rest[1:2]
    if releases.feasible(index, at_floor, at_top):
        if after == "." and then.isdigit():
            _string_walk(releases, rest[1:], index, at_floor, at_top, found)
        elif after == ".":  # a digit against the letter of ".post1"
            found.add(LT)
        else:
            found |= _char_order(".", after)
    if releases.can_end(index, at_floor, at_top):
        for next_char in _AFTER_RELEASE:
            if next_char == "." and after == "." and then.isdigit():
                found.add(GT)  # ".post1" / ".dev0" against ".<digit>"
            else:
                found |= _char_order(next_char, after)


def _digit_classes(low: int, high: int | None, digits: str) -> set[str]:
    """How decimal numbers ``low..high`` compare with the digit string ``digits``:
    ``<``/``>`` decided within the digits, ``=`` the same digits, ``short``/``long`` one
    a proper prefix of the other. Numbers of each length are taken as one range."""
    size = len(digits)
    found: set[str] = set()
    lengths = range(
        len(str(low)), (len(str(high)) if high is not None else max(size, len(str(low)))) + 1
    )
    ranges = []
    for length in lengths:
        first = max(low, 10 ** (length - 1) if length > 1 else 0)
        last = (10**length - 1) if high is None else min(high, 10**length - 1)
        if first <= last:
            ranges.append((length, first, last))
    if high is None:  # every longer number: any leading digits at all
        length = max(size, len(str(low))) + 1
        ranges.append((length, 10 ** (length - 1), 10**length - 1))
    for length, first, last in ranges:
        kept = min(length, size)
        scale = 10 ** (length - kept)
        head_low, head_high, pivot = first // scale, last // scale, int(digits[:kept])
        if head_low < pivot:
            found.add(LT)
        if head_high > pivot:
            found.add(GT)
        if head_low <= pivot <= head_high:
            found.add("short" if length < size else EQ if length == size else "long")
    return found


__all__ = [
    "ACCEPTS",
    "ANY",
    "EQ",
    "GT",
    "LT",
    "MIRROR",
    "TupleShape",
    "Window",
    "decide",
    "string_outcomes",
    "tuple_outcomes",
    "version_outcomes",
]
