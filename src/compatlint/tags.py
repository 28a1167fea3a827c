"""The tag grammar: comment or docstring text → :class:`~compatlint.model.Tag`.

A tag is natural language, so the grammar is forgiving where it reads and loud where it
fails. Text is split into sentences; two kinds of sentence matter:

* a *removal* sentence: an imperative ``remove`` / ``drop`` / ``delete`` followed by a
  condition (``when``, ``once``, ``after`` ...) or by a version: "Remove when min supported
  version is 0.5.10+", "Remove this compatibility override when the minimum supported
  SGLang release is 0.5.20+.", "TODO: Remove when SciPy 1.11 is the minimum supported
  version", "Remove when the XPU pin is upgraded to 0.5.19+.";
* a *fallback* sentence: "Fallback for sglang 0.5.9", "Fallback for sglang <= 0.5.12",
  "XPU compatibility for SGLang 0.5.11", "Fallback for the separately pinned XPU SGLang 0.5.11".

Text with a removal or fallback sentence that yields no usable version is *vague*
(reported, never acted on): no version at all, a version keyed to an upstream PR
(``sgl #36972``), a condition ("when all supported pins accept --x"), or a wildcard
(``0.5.x``). Everything else — descriptive history ("removed in numpy 2.4"), the project's
own deprecations ("intended for removal in pytest 9.0") — is not a tag at all.

All patterns live in this module; :class:`TagGrammar` is the only entry point.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

from compatlint.model import CoverOp, Tag

# A version as written in a tag: "0.5.10", "v0.5.7", "0.5.10.post1", "0.5.x", "0.5.18+".
_VERSION = re.compile(
    r"(?<![\w.#/-])[vV]?(?P<release>\d+(?:\.\d+)+)"
    r"(?P<suffix>(?:\.?(?:post|dev|rc)\d+)*)"
    r"(?P<wild>\.[xX*])?(?P<plus>\+)?(?![\w])"
)
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+|(?<=[.;!?])$")
_REMOVAL_VERB = re.compile(r"\b(?:remove|drop|delete)\b(?!-)", re.IGNORECASE)
_CONDITION = re.compile(r"\b(?:when|once|after|as soon as|if|until|at|in|with)\b", re.IGNORECASE)
_FALLBACK = re.compile(
    r"\b(?:fall-?back|compat(?:ibility)?|workaround|polyfill|backport|shim)\s+for\b",
    re.IGNORECASE,
)
_COVERS_OP = re.compile(r"(?P<op><=|≤|<)\s*$")
_PR_REFERENCE = re.compile(r"(?:#\d+|\bPR\b|\bpull request\b)", re.IGNORECASE)
_PINNED_TRACK = re.compile(r"\bseparately\s+pinned\s+(?:the\s+)?(?P<word>[A-Za-z][\w-]*)", re.I)
_PIN_NOUN = re.compile(r"\bpin\b", re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][\w-]*")

# Words that can stand before a version or before "pin" without naming an upstream or track.
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "is",
        "to",
        "be",
        "version",
        "versions",
        "release",
        "releases",
        "than",
        "at",
        "when",
        "on",
        "of",
        "in",
        "for",
        "supported",
        "minimum",
        "min",
        "floor",
        "pin",
        "pinned",
        "upgraded",
        "bumped",
        "current",
        "our",
        "upstream",
        "default",
        "it",
        "this",
        "that",
        "and",
        "or",
        "until",
        "once",
        "after",
        "with",
        "from",
        "v",
        "is",
    ]
)


@dataclass(frozen=True)
class _Sentence:
    text: str
    is_removal: bool
    is_fallback: bool


class TagGrammar:
    """Parses tags, knowing the project's upstream package names and track names."""

    def __init__(self, upstreams: Iterable[str] = (), tracks: Iterable[str] = ()) -> None:
        self.upstreams = tuple(u.lower() for u in upstreams)
        self.tracks = tuple(t.lower() for t in tracks)
        self._known = {u.split(".")[0]: u for u in self.upstreams}

    def parse(self, text: str, line: int = 1, end_line: int | None = None) -> Tag | None:
        """The tag in ``text`` (comment lines or a docstring), a vague tag, or None.

        Leading ``#`` marks are stripped from each line, so raw comment blocks can be passed.
        Never raises on any input.
        """
        end = line if end_line is None else end_line
        flat = _flatten(text)
        if not flat:
            return None
        sentences = [
            _Sentence(s, _is_removal(s), bool(_FALLBACK.search(s))) for s in _sentences(flat)
        ]
        removal_sentences = [s for s in sentences if s.is_removal]
        fallback_sentences = [s for s in sentences if s.is_fallback]
        if not removal_sentences and not fallback_sentences:
            return None

        raw = text.strip()
        track = self._track(flat)
        upstream = self._named_upstream(flat)
        removal = covers = None
        covers_op = CoverOp.EQ
        vague: str | None = None

        for sentence in removal_sentences:
            found, reason = _removal_version(sentence.text)
            if found is not None:
                removal = found[0]
                upstream = upstream or self._upstream_before(sentence.text, found[1])
                break
            vague = vague or reason
        for sentence in fallback_sentences:
            found_covers, op, plus_version, reason = _covers_version(sentence.text)
            if found_covers is not None and covers is None:
                covers, covers_op = found_covers, op
            if plus_version is not None and removal is None:
                removal = plus_version
            if found_covers is None and plus_version is None and not removal_sentences:
                vague = vague or reason

        if removal is None and (removal_sentences or covers is None):
            return Tag(
                raw=raw,
                line=line,
                end_line=end,
                track=track,
                upstream=upstream,
                vague_reason=vague or "names no version",
            )
        return Tag(
            raw=raw,
            line=line,
            end_line=end,
            removal=removal,
            covers=covers,
            covers_op=covers_op,
            track=track,
            upstream=upstream,
        )

    def _named_upstream(self, text: str) -> str | None:
        for word in _WORD.findall(text):
            lowered = word.lower()
            if lowered in self._known:
                return self._known[lowered]
        return None

    def _upstream_before(self, sentence: str, start: int) -> str | None:
        """An upstream named right before a version ("when SciPy 1.11 is ...")."""
        adjacent = re.search(r"([A-Za-z][\w-]*)\s+$", sentence[:start])
        if adjacent is None:
            return None
        word = adjacent.group(1).lower()
        if word in _STOPWORDS or word in self.tracks:
            return None
        return self._known.get(word, word)

    def _track(self, text: str) -> str | None:
        lowered = text.lower()
        for track in self.tracks:
            if re.search(rf"\b{re.escape(track)}\b", lowered):
                return track
        match = _PINNED_TRACK.search(text)
        if match and match.group("word").lower() not in {*self._known, *_STOPWORDS}:
            return match.group("word").lower()
        for pin in _PIN_NOUN.finditer(text):
            for word in reversed(_WORD.findall(text[: pin.start()])[-3:]):
                lowered_word = word.lower()
                if lowered_word in self._known:
                    continue
                if lowered_word in _STOPWORDS:
                    break
                return lowered_word
        return None


def _flatten(text: str) -> str:
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        while stripped.startswith("#"):
            stripped = stripped[1:].lstrip()
        lines.append(stripped)
    return " ".join(part for part in lines if part)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if s and s.strip()]


def _is_removal(sentence: str) -> bool:
    verb = _REMOVAL_VERB.search(sentence)
    if verb is None:
        return False
    rest = sentence[verb.end() :]
    return bool(_CONDITION.search(rest) or _VERSION.search(rest))


def _to_version(match: re.Match[str]) -> Version | None:
    try:
        return Version(match.group("release"))
    except InvalidVersion:  # pragma: no cover - the regex admits only digits and dots
        return None


def _removal_version(sentence: str) -> tuple[tuple[Version, int] | None, str]:
    """The removal version of a removal sentence (and where it starts), or why there is none."""
    verb = _REMOVAL_VERB.search(sentence)
    rest_start = verb.end() if verb else 0
    matches = list(_VERSION.finditer(sentence, rest_start))
    usable = [m for m in matches if not m.group("wild")]
    if not usable:
        if any(m.group("wild") for m in matches):
            return None, "uses a wildcard version, not a release"
        if _PR_REFERENCE.search(sentence):
            return None, "is keyed to an upstream PR, not a release"
        return None, "names a condition, not a release"
    plus = [m for m in usable if m.group("plus")]
    chosen = (plus or usable)[0]
    version = _to_version(chosen)
    return ((version, chosen.start()) if version else None), "names no version"


def _covers_version(sentence: str) -> tuple[Version | None, CoverOp, Version | None, str]:
    """Covered version (and how it reads) and any "N+" version of a fallback sentence."""
    start = _FALLBACK.search(sentence)
    offset = start.end() if start else 0
    covers: Version | None = None
    op = CoverOp.EQ
    plus: Version | None = None
    wild = False
    for match in _VERSION.finditer(sentence, offset):
        if match.group("wild"):
            wild = True
            continue
        version = _to_version(match)
        if match.group("plus"):
            plus = plus or version
        elif covers is None:
            covers = version
            op_match = _COVERS_OP.search(sentence[offset : match.start()])
            if op_match:
                op = CoverOp.LT if op_match.group("op") == "<" else CoverOp.LE
    if wild and covers is None:
        reason = "uses a wildcard version, not a release"
    elif _PR_REFERENCE.search(sentence):
        reason = "is keyed to an upstream PR, not a release"
    else:
        reason = "names no version"
    return covers, op, plus, reason
