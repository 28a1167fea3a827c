"""The tag grammar: comment or docstring text → :class:`~compatlint.model.Tag`.

A tag is natural language, so the grammar is forgiving where it reads and loud where it
fails. Text is split into sentences; two kinds of sentence matter:

* a *removal* sentence: an imperative ``remove`` / ``drop`` / ``delete`` (or a modal
  passive: "can be removed", "may be dropped") followed by a condition (``when``, ``once``,
  ``after`` ...) or by a version: "Remove when min supported version is 0.5.10+", "Remove
  this compatibility override when the minimum supported SGLang release is 0.5.20+.",
  "Delete when dask>=2024.11.0", "Remove once numpy 2.0 is the oldest supported version";
* a *fallback* sentence: "Fallback for sglang 0.5.9", "Fallback for sglang <= 0.5.12",
  "XPU compatibility for SGLang 0.5.11", "Fallback for the separately pinned XPU SGLang 0.5.11".

A removal sentence that drops support ("remove when we drop support for Python 3.9",
"once support for 3.9 is dropped", "when dropping support for Pydantic < v2.12.3") says
which versions the code serves — ``<= 3.9``, ``< 2.12.3`` — so it yields a covered version,
which expires once the floor passes it, never at 3.9 itself. A comment that is nothing but
"<upstream> < <version>" (``# SciPy < 1.8`` on an arm) claims the arm serves those versions.

Text with a removal or fallback sentence that yields no usable version is *vague*
(reported, never acted on): no version at all, a version keyed to an upstream PR
(``sgl #36972``), a condition ("when all supported pins accept --x"), or a wildcard
(``0.5.x``). A removal sentence must speak about this code ("remove this when ...",
"remove the fallback once ...") or about supported versions; "drop the request when the
queue is full" is not a tag. Everything else — descriptive history ("removed in numpy
2.4"), the project's own deprecations ("intended for removal in pytest 9.0") — is not a tag.

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
# The imperative, or a modal passive. "will be removed in X" describes an upstream's plan.
_REMOVAL_VERB = re.compile(
    r"\b(?:remove|drop|delete)\b(?!-)"
    r"|\b(?P<passive>(?:can|could|may|might|should)\s+(?:now\s+|safely\s+)?be\s+"
    r"(?:safely\s+)?(?:removed|dropped|deleted))\b",
    re.IGNORECASE,
)
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

_OP = r"<=|>=|==|~=|≤|≥|<|>"
# The word and comparison right before a version: "SciPy 1.11", "dask>=", "Pydantic < ".
_VERSION_HEAD = re.compile(rf"(?:\b(?P<name>[A-Za-z][\w-]*)\s*)?(?:(?P<op>{_OP})\s*)?$")
# What may stand between a drop-support phrase and its version: "the", a name, an operator.
_TARGET = re.compile(rf"(?:the\s+)?(?:(?P<name>[A-Za-z][\w-]*)\s*)?(?:(?P<op>{_OP})\s*)?", re.I)
# "drop support for X 3.9", "dropping X < 2.12", "stop supporting X 3.9", "no longer support".
_DROPPING = re.compile(
    r"\b(?:drop(?:s|ped|ping)?(?P<support>\s+(?:the\s+)?support\s+(?:for|of))?"
    r"|stop(?:s|ped|ping)?\s+supporting|no\s+longer\s+support(?:s|ing)?)\s+",
    re.IGNORECASE,
)
# "(support for) 3.9 is dropped", "Python 3.9 support is dropped", "3.9 reaches end of life".
_DROPPED = re.compile(
    r"\s+(?:support\s+)?(?:(?:is|are|gets|get|has\s+been|have\s+been|was|were)\s+)?"
    r"(?:dropped|removed|gone|no\s+longer\s+supported|unsupported"
    r"|(?:reaches|hits)\s+(?:its\s+)?(?:EOL|end[- ]of[- ]life))\b",
    re.IGNORECASE,
)
_SUPPORT_AFTER = re.compile(r"\s+support\b", re.IGNORECASE)
# A whole comment that claims the versions an arm serves: "SciPy < 1.8".
_CLAIM = re.compile(r"\(?\s*(?P<name>[A-Za-z][\w-]*)\s*(?P<op><=|≤|<)\s*(?P<version>\S+?)\s*\)?\.?")
# What a removal sentence must speak of, when it is not a bare "remove when ...".
_CODE_NOUN = re.compile(
    r"\b(?:fall-?backs?|workarounds?|shims?|compat(?:ibility)?|hacks?|polyfills?|backports?"
    r"|overrides?|wrappers?|(?:monkey-?)?patch(?:es)?|alias(?:es)?|branch(?:es)?|code|imports?"
    r"|try|except|special[- ]cases?|legacy|functions?|class(?:es)?|methods?|helpers?"
    r"|definitions?|module)\b",
    re.IGNORECASE,
)
_SUPPORT_CONTEXT = re.compile(
    r"\b(?:supported|support|minimum|floor|pins?|pinned|upstream|oldest|lowest|require[sd]?)\b",
    re.IGNORECASE,
)
# "Remove the `timeout` kwarg in 0.6.0" — a release, not "in 1.5 s".
_IN_RELEASE = re.compile(
    r"\bin\s+[vV]?\d+(?:\.\d+)+\+?(?![\d.]*\w)(?!\s*(?:%|ms|us|ns|s|secs?|seconds?|mins?"
    r"|minutes?|h|hrs?|hours?|days?|weeks?|x|kb|mb|gb|px)\b)",
    re.IGNORECASE,
)
# A condition that leads the sentence, before its verb: "Once ..., remove this".
_MARKER_TEXT = r"^\s*(?:(?:TODO|FIXME|XXX|NOTE|HACK)\b[^:]{0,40}:\s*)"
_MARKER = re.compile(_MARKER_TEXT, re.IGNORECASE)
_LEADING_CONDITION = re.compile(
    _MARKER_TEXT + r"?(?:when|once|after|as\s+soon\s+as)\b", re.IGNORECASE
)
# "once we drop Python 3.8": a "drop" with a subject is a drop-support phrase, not an order.
_SUBJECT_BEFORE = re.compile(r"\b(?:we|they|you|i|to)\s+$", re.IGNORECASE)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that can stand before a version or before "pin" without naming an upstream or track.
_STOPWORDS = _words(
    "a an the is to be version versions release releases than at when on of in for "
    "supported minimum min floor pin pinned upgraded bumped current our upstream default "
    "it this that and or until once after with from v"
)
# More words that never name an upstream right before a version ("we drop 3.9").
_NOT_NAMES = _STOPWORDS | _words(
    "we support supporting drop dropping dropped if as soon by are reaches require requires "
    "required oldest lowest all both remove delete removed deleted then no longer stop above"
)
# Objects of "remove ... when" that mean this code itself.
_DEICTIC = _words("this these that me")
_PYTHON = _words("python cpython")


@dataclass(frozen=True)
class _Reading:
    """What a removal sentence says: a removal version, or the versions it drops."""

    removal: Version | None = None
    covers: Version | None = None
    op: CoverOp = CoverOp.EQ
    name: str | None = None  # the word right before the version, as written
    explicit: bool = False  # read from "N+", an operator or a drop-support phrase


@dataclass(frozen=True)
class _Sentence:
    text: str
    removal: _Reading | str | None  # a reading, why there is none (vague), or not a removal
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
        raw = text.strip()
        claim = self._claim(flat)
        if claim is not None:
            covers, op, upstream = claim
            return Tag(
                raw=raw, line=line, end_line=end, covers=covers, covers_op=op, upstream=upstream
            )
        sentences = [
            _Sentence(s, self._removal_of(s), bool(_FALLBACK.search(s))) for s in _sentences(flat)
        ]
        removal_sentences = [s for s in sentences if s.removal is not None]
        fallback_sentences = [s for s in sentences if s.is_fallback]
        if not removal_sentences and not fallback_sentences:
            return None

        track = self._track(flat)
        named = self._named_upstream(flat)
        removal = covers = None
        covers_op = CoverOp.EQ
        vague: str | None = None
        said: _Reading | None = None
        adjacent: str | None = None

        for sentence in removal_sentences:
            if isinstance(sentence.removal, _Reading):
                said = sentence.removal
                removal, covers, covers_op = said.removal, said.covers, said.op
                adjacent = self._name_of(said.name)
                break
            vague = vague or sentence.removal
        for sentence in fallback_sentences:
            found_covers, op, plus_version, name, reason = _covers_version(sentence.text)
            if found_covers is not None and covers is None:
                covers, covers_op = found_covers, op
                if self._is_known(self._name_of(name)) and not self._is_known(adjacent):
                    adjacent = self._name_of(name)
            if said is None and plus_version is not None and removal is None:
                removal = plus_version
            if found_covers is None and plus_version is None and not removal_sentences:
                vague = vague or reason
        upstream = adjacent if self._is_known(adjacent) else named or adjacent

        if said is None and removal is None and (removal_sentences or covers is None):
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

    # -- removal sentences ---------------------------------------------------------------

    def _removal_of(self, sentence: str) -> _Reading | str | None:
        """The reading of a removal sentence, why it has none, or None if it is not one."""
        verb = _removal_verb(sentence)
        if verb is None:
            return None
        start = verb.end()
        # "once we drop Python 3.8, remove this": the verb found is the phrase's own "drop".
        clause_start = verb.start() if _SUBJECT_BEFORE.search(sentence[: verb.start()]) else start
        rest = sentence[start:]
        if not (_CONDITION.search(rest) or _VERSION.search(rest)):
            if not _LEADING_CONDITION.match(sentence):
                return None
            start = clause_start = 0  # "Once support for 3.9 is dropped, remove this."
        reading = _read_removal(sentence, start, clause_start)
        if not self._speaks_of_code(sentence, verb, reading):
            return None
        return reading

    def _speaks_of_code(self, sentence: str, verb: re.Match[str], reading: _Reading | str) -> bool:
        """Whether a removal sentence is about this code or supported versions, not prose
        that happens to say "drop ... when" ("drop the request when the queue is full")."""
        if verb.group("passive"):
            subject = _MARKER.sub("", sentence[: verb.start()])
            words = [w.lower() for w in _WORD.findall(subject)]
            if not words or (len(words) == 1 and words[0] in {*_DEICTIC, "it"}):
                return True
            if _CODE_NOUN.search(subject):
                return True
        else:
            rest = sentence[verb.end() :]
            stops = [m.start() for m in (_CONDITION.search(rest), _VERSION.search(rest)) if m]
            target = rest[: min(stops)] if stops else rest
            words = [w.lower() for w in _WORD.findall(target)]
            if not words or (len(words) == 1 and words[0] in _DEICTIC):
                return True
            if _CODE_NOUN.search(target):
                return True
        if isinstance(reading, _Reading) and (
            reading.explicit
            or self._is_known(self._name_of(reading.name))
            or _IN_RELEASE.search(sentence)
        ):
            return True
        return bool(_SUPPORT_CONTEXT.search(sentence)) or self._names_known(sentence)

    # -- names ---------------------------------------------------------------------------

    def _claim(self, flat: str) -> tuple[Version, CoverOp, str] | None:
        """A whole comment that is only "<upstream> < <version>": the versions an arm serves."""
        match = _CLAIM.fullmatch(flat)
        if match is None:
            return None
        upstream = self._name_of(match.group("name"))
        version = _VERSION.fullmatch(match.group("version"))
        if not self._is_known(upstream) or version is None:
            return None
        if version.group("wild") or version.group("plus"):
            return None
        found = _to_version(version)
        if found is None or upstream is None:  # pragma: no cover - checked above
            return None
        return found, (CoverOp.LT if match.group("op") == "<" else CoverOp.LE), upstream

    def _name_of(self, word: str | None) -> str | None:
        """The upstream a word right before a version names, if it can name one."""
        if word is None:
            return None
        lowered = word.lower()
        if lowered in _NOT_NAMES or lowered in self.tracks:
            return None
        if lowered in _PYTHON:
            return "python"
        return self._known.get(lowered, lowered)

    def _is_known(self, upstream: str | None) -> bool:
        """A configured upstream, or the interpreter (which a tag may name in any project)."""
        return upstream is not None and (upstream == "python" or upstream in self.upstreams)

    def _names_known(self, text: str) -> bool:
        lowered = {w.lower() for w in _WORD.findall(text)}
        return bool(lowered & {*self._known, *self.tracks})

    def _named_upstream(self, text: str) -> str | None:
        for word in _WORD.findall(text):
            lowered = word.lower()
            if lowered in self._known:
                return self._known[lowered]
        return None

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


def _removal_verb(sentence: str) -> re.Match[str] | None:
    """The first removal verb that is not itself "drop support for X" (the project's plan)."""
    for verb in _REMOVAL_VERB.finditer(sentence):
        if not _drops_support_at(sentence, verb.start()):
            return verb
    return None


def _drops_support_at(sentence: str, start: int) -> bool:
    dropping = _DROPPING.match(sentence, start)
    if dropping is None:
        return False
    if dropping.group("support"):
        return True
    version = _VERSION.search(sentence, dropping.end())
    return bool(
        version
        and _TARGET.fullmatch(sentence, dropping.end(), version.start())
        and _SUPPORT_AFTER.match(sentence, version.end())
    )


def _to_version(match: re.Match[str]) -> Version | None:
    try:
        return Version(match.group("release"))
    except InvalidVersion:  # pragma: no cover - the regex admits only digits and dots
        return None


def _head(sentence: str, start: int, end: int) -> tuple[str | None, str | None]:
    """The word and operator right before a version ("numpy >= 2.0" → numpy, >=)."""
    head = _VERSION_HEAD.search(sentence[max(start, end - 80) : end])
    if head is None:  # pragma: no cover - every group is optional
        return None, None
    return head.group("name"), head.group("op")


def _read_removal(sentence: str, start: int, clause_start: int) -> _Reading | str:
    """What the removal sentence says after its verb (at ``start``), or why it says nothing.

    A drop-support phrase is looked for from ``clause_start``, which is the verb itself when
    it has a subject ("once we drop Python 3.8, remove this").
    """
    matches = list(_VERSION.finditer(sentence, start))
    usable = [m for m in matches if not m.group("wild")]
    if not usable:
        if any(m.group("wild") for m in matches):
            return "uses a wildcard version, not a release"
        if _PR_REFERENCE.search(sentence):
            return "is keyed to an upstream PR, not a release"
        return "names a condition, not a release"
    plus = [m for m in usable if m.group("plus")]
    if plus:
        name, _op = _head(sentence, start, plus[0].start())
        return _Reading(removal=_to_version(plus[0]), name=name, explicit=True)
    dropped = _drop_clause(sentence, clause_start, usable)
    if dropped is not None:
        return dropped
    # "Remove the 0.5.9 fallback when 0.5.12 is the floor": a version before the condition
    # names the code, the one after it the release.
    condition = _CONDITION.search(sentence, start)
    after = [m for m in usable if condition is not None and m.start() >= condition.end()]
    chosen = (after or usable)[0]
    name, op = _head(sentence, start, chosen.start())
    version = _to_version(chosen)
    if op == ">":  # "when numpy > 2.0": every version up to 2.0 is gone
        return _Reading(covers=version, op=CoverOp.LE, name=name, explicit=True)
    if op in {"<", "<=", "≤"}:  # "when numpy < 2.0 ...": the versions it serves
        return _covering(version, op, name)
    return _Reading(removal=version, name=name, explicit=op is not None)


def _drop_clause(sentence: str, start: int, usable: list[re.Match[str]]) -> _Reading | str | None:
    """The versions a drop-support phrase drops ("when we drop support for Python 3.9")."""
    for dropping in _DROPPING.finditer(sentence, start):
        version = _VERSION.search(sentence, dropping.end())
        if version is None or version.group("wild"):
            continue
        target = _TARGET.fullmatch(sentence, dropping.end(), version.start())
        name = target.group("name") if target else None
        if target is None or (name is not None and name.lower() in _NOT_NAMES):
            continue
        return _covering(_to_version(version), target.group("op"), name)
    for dropped in _DROPPED.finditer(sentence, start):
        version = next((m for m in usable if m.end() == dropped.start()), None)
        if version is not None:
            name, op = _head(sentence, start, version.start())
            return _covering(_to_version(version), op, name)
    return None


def _covering(version: Version | None, op: str | None, name: str | None) -> _Reading | str:
    """The reading of "the versions up to ``op version`` go": <= by default, < when written."""
    if op is None or op in {"<=", "≤"}:
        return _Reading(covers=version, op=CoverOp.LE, name=name, explicit=True)
    if op == "<":
        return _Reading(covers=version, op=CoverOp.LT, name=name, explicit=True)
    return "names a condition, not a release"


def _covers_version(
    sentence: str,
) -> tuple[Version | None, CoverOp, Version | None, str | None, str]:
    """Covered version (how it reads, the word before it) and any "N+" version of a
    fallback sentence."""
    start = _FALLBACK.search(sentence)
    offset = start.end() if start else 0
    covers: Version | None = None
    op = CoverOp.EQ
    plus: Version | None = None
    name: str | None = None
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
            name, _ = _head(sentence, offset, match.start())
            op_match = _COVERS_OP.search(sentence[offset : match.start()])
            if op_match:
                op = CoverOp.LT if op_match.group("op") == "<" else CoverOp.LE
    if wild and covers is None:
        reason = "uses a wildcard version, not a release"
    elif _PR_REFERENCE.search(sentence):
        reason = "is keyed to an upstream PR, not a release"
    else:
        reason = "names no version"
    return covers, op, plus, name, reason
