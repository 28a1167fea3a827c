"""The version sets prose names: ``0.5.9``, ``0.5.10+``, ``<= 0.5.12``, ``before 0.5.15``,
``0.5.13 through 0.5.16`` (pure; read by :mod:`compatlint.analysis.prose_facts`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

V = r"(?<![\w.])[vV]?\d+(?:\.\d+)+(?:\.?post\d+)?(?![\w.]*\d)"
VERSION = re.compile(V)
_UP = r"(?:(?P<up>[A-Za-z][\w-]*)\s+)?"
# Each form of a version set, tried in order on the text around a version.
_RANGE = re.compile(
    rf"(?:from\s+)?(?P<a>{V})\s*(?:through|thru|to|until|–|—|-|\.\.)\s*(?:{_UP})?(?P<b>{V})"
    r"(?:\s*\(?inclusive\)?)?",
    re.IGNORECASE,
)
_AT_MOST = re.compile(
    rf"(?:<=|≤|=<|up\s+to\s+(?:and\s+including\s+)?)\s*(?P<b>{V})"
    rf"|(?P<b2>{V})\s*(?:and|or)\s+(?:older|earlier|below|lower|prior)\b",
    re.IGNORECASE,
)
_BELOW = re.compile(
    rf"(?:<|\bbefore\s+|\bolder\s+than\s+|\bprior\s+to\s+|\bpre-)\s*(?:{_UP})?(?P<b>{V})",
    re.IGNORECASE,
)
_AT_LEAST = re.compile(
    rf"(?:>=|≥|\bsince\s+)\s*(?P<a>{V})"
    rf"|(?P<a2>{V})\s*(?:\+|(?:and|or)\s+(?:newer|later|above|higher|up)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class VersionSpan:
    """The versions a note names: ``low`` (inclusive) up to ``high``; None is unbounded."""

    low: Version | None = None
    high: Version | None = None
    high_inclusive: bool = True
    two_ended: bool = False

    def all_below(self, floor: Version) -> bool:
        """Whether every version of the span is below ``floor``."""
        if self.high is None:
            return False
        return self.high < floor or (self.high == floor and not self.high_inclusive)

    def text(self) -> str:
        if self.two_ended:
            return f"{self.low} through {self.high}"
        if self.low is not None and self.low == self.high:
            return str(self.low)
        if self.high is not None:
            return f"{'<=' if self.high_inclusive else '<'} {self.high}"
        return f"{self.low}+"


def span_of(text: str) -> VersionSpan | None:
    """The version set ``text`` names, in the first form that matches."""
    match = _RANGE.search(text)
    if match:
        low, high = _version(match.group("a")), _version(match.group("b"))
        if low is not None and high is not None and low <= high:
            return VersionSpan(low, high, True, two_ended=True)
    match = _AT_MOST.search(text)
    if match:
        high = _version(match.group("b") or match.group("b2"))
        return VersionSpan(None, high, True) if high else None
    match = _BELOW.search(text)
    if match:
        high = _version(match.group("b"))
        return VersionSpan(None, high, False) if high else None
    match = _AT_LEAST.search(text)
    if match:
        low = _version(match.group("a") or match.group("a2"))
        return VersionSpan(low, None) if low else None
    match = VERSION.search(text)
    if match:
        version = _version(match.group(0))
        return VersionSpan(version, version, True) if version else None
    return None


def _version(text: str | None) -> Version | None:
    if not text:
        return None
    try:
        parsed = Version(text.lstrip("vV"))
    except InvalidVersion:
        return None
    return Version(".".join(str(p) for p in parsed.release))
