"""Version facts in the prose of a shim: which versions a note says an arm serves (pure).

Tags ("Fallback for sglang 0.5.9. Remove when ...") are read by :mod:`compatlint.tags`;
this module reads the prose engineers write instead, and only where it is a statement
about what a release needs, never history:

* a *label*: a line that starts with a version or range and a colon —
  ``# 0.5.10+: sglang.srt.utils.network (canonical)``, ``# sglang 0.5.9: _encode(...)``,
  ``# older: sglang.srt.utils``;
* a *present-tense statement* with the release as its subject — "SGLang 0.5.14 accepts
  profiling fields as keyword arguments", "SGLang 0.5.13 through 0.5.15 assume ...";
* a *for / on* phrase — "path for sglang <= 0.5.12", "on older SGLang (< 0.5.10)".

Past-tense history ("removed in numpy 2.4", "sglang 0.5.10 moved it"), removal talk (the
tag grammar's business) and the module docstring (policy text) are never facts.

A fact is linked to an arm when the prose sits in the arm (leads its first statement or
trails its header), when a label above a site (a section header heading a group of sites)
names the module the arm imports from, or when the docstring of a function holding exactly
one guarded choice names an older and a newer behaviour (the older goes with the arm that
serves the API's absence). Anything else stays unlinked: only a two-ended range
("0.5.13 through 0.5.15") is read from it, for the pin check.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from packaging.version import Version

from compatlint.analysis.guards import classify_test
from compatlint.analysis.shapes import TRY_TYPES
from compatlint.analysis.source import CommentBlock, Comments, docstring_of
from compatlint.analysis.version_spans import VERSION, VersionSpan, span_of
from compatlint.tags import TagGrammar

_OLDER = re.compile(r"\b(?:older|legacy|old)\b", re.IGNORECASE)

# History and removal talk: a sentence with one of these is never a fact.
_HISTORY = re.compile(
    r"\b(?:removed|added|introduced|deprecated|renamed|moved|changed|dropped|fixed|broke|"
    r"broken|released|landed|merged|reverted|switched|became|replaced|was|were|will|"
    r"remove|drop|delete|once|when|after|until|TODO|FIXME|see|PR|issue)\b",
    re.IGNORECASE,
)
_PRESENT = (
    r"(?:accepts?|takes?|expects?|returns?|uses?|has|have|exposes?|passes?|needs?|requires?|"
    r"assumes?|lacks?|ships?|provides?|calls?|keeps?|still|only|emits?|raises?|wants?|"
    r"defines?|spells?|sends?|reads?|writes?|stores?|yields?|gives?|lives?|imports?|"
    r"exports?|names?|serves?|supports?|misses|miss)"
)
# A label: "0.5.10+:", "sglang 0.5.9:", "SGLang <= 0.5.12:", "older:", "Older SGLang (<0.5.10):"
_LABEL = re.compile(r"^\s*(?P<head>[^:#]{1,60}?)\s*:\s*(?P<rest>.*)$")
_SENTENCE_END = re.compile(r"(?<=[.;!?])\s+(?=[A-Z0-9`(\"'])")
# What may stand between a subject's version and its verb: "SGLang 0.5.9 versions still".
_SUBJECT_TAIL = frozenset(
    {
        "versions",
        "version",
        "releases",
        "release",
        "builds",
        "and",
        "or",
        "older",
        "earlier",
        "later",
        "newer",
        "still",
        "only",
        "also",
        "inclusive",
        "s",
    }
)
_DOTTED = re.compile(r"\b[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+\b")


@dataclass(frozen=True)
class ProseFact:
    """One note linking versions to an arm of a site (``arm_line`` None: to no arm).

    ``line``/``end_line`` locate the prose; ``arm_*`` the arm it speaks for, with
    ``arm`` naming it for messages (``except ImportError``, ``else``...).
    """

    line: int
    end_line: int
    text: str
    span: VersionSpan
    upstream: str | None = None
    track: str | None = None
    arm: str = ""
    arm_line: int | None = None
    arm_column: int = 1
    arm_end_line: int | None = None


@dataclass(frozen=True)
class _Clause:
    text: str
    span: VersionSpan | None  # None: "older" without a version, resolved by its neighbours
    label_rest: str | None  # a label's text after the colon


def read_prose_facts(
    tree: ast.Module, comments: Comments, grammar: TagGrammar, upstreams: Iterable[str]
) -> tuple[ProseFact, ...]:
    """Every version fact in the shim's comments and function docstrings."""
    reader = _Reader(comments, grammar, tuple(upstreams))
    reader.walk(tree.body, header=None, after=0)
    reader.unlinked()
    return tuple(sorted(reader.found.values(), key=lambda f: (f.line, f.arm_line or 0, f.text)))


class _Reader:
    def __init__(self, comments: Comments, grammar: TagGrammar, upstreams: tuple[str, ...]) -> None:
        self.comments = comments
        self.grammar = grammar
        self.names = {u.lower(): u for u in upstreams} | {"python": "python"}
        self.found: dict[tuple[int, str, int | None], ProseFact] = {}

    # -- prose ----------------------------------------------------------------------------

    def is_tag(self, text: str, line: int) -> bool:
        return self.grammar.parse(text, line) is not None

    def clauses(self, text: str) -> list[_Clause]:
        """The fact-shaped clauses of a comment block or docstring: labels line by line,
        then sentences of the rest."""
        found: list[_Clause] = []
        rest: list[str] = []
        for raw in text.splitlines():
            line = raw.strip().lstrip("#").strip()
            label = self.label(line) or self.bare(line)
            if label is not None:
                found.append(label)
            else:
                rest.append(line)
        for sentence in _SENTENCE_END.split(" ".join(rest)):
            clause = self.statement(sentence)
            if clause is not None:
                found.append(clause)
        return self.resolve_older(found)

    def label(self, line: str) -> _Clause | None:
        match = _LABEL.match(line)
        if match is None or _HISTORY.search(match.group("head")):
            return None
        head = match.group("head")
        span = span_of(head)
        if not self.names_only(_words_of(head)):
            return None
        if span is None and not _OLDER.search(head):
            return None
        return _Clause(line, span, match.group("rest"))

    def bare(self, line: str) -> _Clause | None:
        """A comment that is only a release: ``# sglang 0.5.9``, ``# SGLang 0.5.13-0.5.15``."""
        span = span_of(line)
        if span is None or _HISTORY.search(line):
            return None
        return _Clause(line, span, None) if self.names_only(_words_of(line)) else None

    def names_only(self, words: str) -> bool:
        """A label's head holds nothing but upstream names and "versions"."""
        for word in re.findall(r"[A-Za-z][\w-]*", words):
            if word.lower() not in self.names and word.lower() not in (
                *self.grammar.tracks,
                "version",
                "versions",
                "release",
                "releases",
                "build",
                "builds",
                "the",
            ):
                return False
        return True

    def statement(self, sentence: str) -> _Clause | None:
        sentence = sentence.strip()
        if not sentence or _HISTORY.search(sentence):
            return None
        version = VERSION.search(sentence)
        older = _OLDER.search(sentence)
        if version is None and older is None:
            return None
        for_on = re.search(r"\b(?:for|on)\s+(?P<spec>[^,;:]{1,60})", sentence, re.IGNORECASE)
        if for_on and self.mentions_release(for_on.group("spec")):
            return _Clause(sentence, span_of(for_on.group("spec")), None)
        subject = re.match(
            rf"^(?P<spec>(?:[\w.<>=≤≥+\-–—()]+\s+){{1,6}}?)(?:'s\s+\w+\s+)?{_PRESENT}\b",
            sentence,
            re.IGNORECASE,
        )
        if subject and self.mentions_release(subject.group("spec")):
            spec = subject.group("spec")
            ends = [m.end() for m in (*VERSION.finditer(spec), *_OLDER.finditer(spec))]
            tail = {w.lower() for w in re.findall(r"[A-Za-z]+", spec[max(ends) :])}
            if tail <= _SUBJECT_TAIL | set(self.names):
                return _Clause(sentence, span_of(spec), None)
        return None

    def mentions_release(self, text: str) -> bool:
        """Names an upstream (or "versions"/"releases") and a version or "older"."""
        words = {w.lower() for w in re.findall(r"[A-Za-z][\w-]*", text)}
        named = bool(words & set(self.names)) or bool(
            words & {"version", "versions", "release", "releases"}
        )
        return named and (VERSION.search(text) is not None or _OLDER.search(text) is not None)

    def resolve_older(self, clauses: list[_Clause]) -> list[_Clause]:
        """ "older" with no version means below the lowest version its neighbours name."""
        lows = [c.span.low for c in clauses if c.span is not None and c.span.low is not None]
        resolved = []
        for clause in clauses:
            if clause.span is None:
                if not lows:
                    continue
                clause = replace(clause, span=VersionSpan(None, min(lows), False))
            resolved.append(clause)
        return resolved

    def upstream_of(self, text: str) -> str | None:
        for word in re.findall(r"[A-Za-z][\w-]*", text):
            if word.lower() in self.names:
                return self.names[word.lower()]
        return None

    def track_of(self, text: str) -> str | None:
        lowered = text.lower()
        return next((t for t in self.grammar.tracks if re.search(rf"\b{t}\b", lowered)), None)

    def add(self, block_line: int, block_end: int, clause: _Clause, arm: _Arm | None) -> None:
        assert clause.span is not None
        fact = ProseFact(
            line=block_line,
            end_line=block_end,
            text=clause.text,
            span=clause.span,
            upstream=self.upstream_of(clause.text),
            track=self.track_of(clause.text),
        )
        if arm is not None:
            fact = replace(
                fact, arm=arm.name, arm_line=arm.line, arm_column=arm.column, arm_end_line=arm.end
            )
        self.found.setdefault((fact.line, fact.text, fact.arm_line), fact)

    def facts_of_block(self, block: CommentBlock | None) -> list[_Clause]:
        if block is None or self.is_tag(block.text, block.start):
            return []
        return self.clauses(block.text)

    # -- walking --------------------------------------------------------------------------

    def walk(self, body: list[ast.stmt], header: CommentBlock | None, after: int) -> None:
        for position, statement in enumerate(body):
            block = self.comments.block_above(statement.lineno, after=after)
            if block is not None and block.column == statement.col_offset:
                header = block
            self.statement_node(statement, header, body[position + 1 :])
            after = statement.end_lineno or statement.lineno

    def statement_node(
        self, node: ast.stmt, header: CommentBlock | None, rest: list[ast.stmt]
    ) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found = docstring_of(node)
            start = node.body[0].lineno
            if found is not None:
                start = found[2] + 1
                if not isinstance(node, ast.ClassDef):
                    self.docstring(node, found)
            self.walk(node.body, None, start - 1)
            return
        arms = _arms(node, self.comments, rest)
        if arms:
            self.site(node, arms, header)
        for child_body in _bodies(node):
            self.walk(child_body, None, child_body[0].lineno - 1 if child_body else 0)

    def tagged(self, arms: list[_Arm], above: CommentBlock | None) -> bool:
        """Whether a tag sits in an arm or above the site: CL102 / CL103 judge it then."""
        blocks = [arm.prose for arm in arms if arm.prose is not None]
        blocks += [above] if above is not None else []
        return any(self.is_tag(block.text, block.start) for block in blocks)

    def site(self, node: ast.stmt, arms: list[_Arm], header: CommentBlock | None) -> None:
        if self.tagged(arms, header):
            return
        for arm in arms:
            for clause in self.facts_of_block(arm.prose):
                self.add(arm.prose.start, arm.prose.end, clause, arm)  # type: ignore[union-attr]
        if header is None:
            return
        for clause in self.facts_of_block(header):
            if clause.label_rest is None:
                continue
            named = set(_DOTTED.findall(clause.label_rest))
            matching = [arm for arm in arms if named & arm.modules]
            if len(matching) == 1:
                self.add(header.start, header.end, clause, matching[0])

    def docstring(self, node: ast.AST, found: tuple[str, int, int]) -> None:
        text, start, end = found
        if self.is_tag(text, start):
            return
        clauses = self.clauses(text)
        sites = [
            (child, rest)
            for child, rest in _statements(node.body)  # type: ignore[attr-defined]
            if _arms(child, self.comments, rest)
        ]
        old = None
        if len(sites) == 1:
            child, rest = sites[0]
            above = self.comments.block_above(child.lineno, after=end)
            if not self.tagged(_arms(child, self.comments, rest), above):
                old = _old_arm(child, rest, self.comments)
        spans = sorted({c.span for c in clauses if c.span is not None}, key=_span_order)
        for clause in clauses:
            arm = None
            if old is not None and clause.span is not None and _is_oldest(clause.span, spans):
                arm = old
            self.add(start, end, clause, arm)

    def unlinked(self) -> None:
        """Two-ended ranges in comments no site took (the pin check reads them)."""
        taken = {fact.line for fact in self.found.values()}
        for block in self.comments.blocks:
            if block.start in taken or self.is_tag(block.text, block.start):
                continue
            for clause in self.clauses(block.text):
                if clause.span is not None and clause.span.two_ended:
                    self.add(block.start, block.end, clause, None)


@dataclass(frozen=True)
class _Arm:
    name: str
    line: int
    column: int
    end: int
    prose: CommentBlock | None
    modules: frozenset[str]
    old: bool | None  # serves the API's absence (True), its presence (False), unknown


def _arms(node: ast.AST, comments: Comments, rest: list[ast.stmt]) -> list[_Arm]:
    """The arms of a guarded choice: a try with handlers, or an ``if`` on a probe (whose
    other arm, when its body returns and it has no ``else``, is the code after it)."""
    if isinstance(node, TRY_TYPES) and node.handlers:  # type: ignore[attr-defined]
        arms = [_arm("try", node.body, comments, old=False, header=node.lineno)]  # type: ignore[attr-defined]
        for handler in node.handlers:  # type: ignore[attr-defined]
            caught = ast.unparse(handler.type) if handler.type is not None else ""
            arm = _arm(
                f"except {caught}".strip(),
                handler.body,
                comments,
                old=True,
                header=handler.lineno,
                line=handler.lineno,
                column=handler.col_offset + 1,
            )
            arms.append(arm)
        return arms
    if not isinstance(node, ast.If):
        return []
    guard = classify_test(node.test)
    if guard.kind.value not in ("probe", "import") or guard.positive is None:
        return []
    test_end = node.test.end_lineno or node.lineno
    arms = [
        _arm(
            "if",
            node.body,
            comments,
            old=not guard.positive,
            header=test_end,
            line=node.lineno,
            column=node.col_offset + 1,
        )
    ]
    body_end = node.body[-1].end_lineno or node.lineno
    if node.orelse and not isinstance(node.orelse[0], ast.If):
        arms.append(_arm("else", node.orelse, comments, old=guard.positive, after=body_end))
    elif not node.orelse and rest and isinstance(node.body[-1], (ast.Return, ast.Raise)):
        arms.append(_arm("code after the if", rest, comments, old=guard.positive, after=body_end))
    return arms


def _arm(
    name: str,
    body: list[ast.stmt],
    comments: Comments,
    *,
    old: bool | None,
    header: int | None = None,
    after: int | None = None,
    line: int | None = None,
    column: int | None = None,
) -> _Arm:
    """An arm: its prose is the comment trailing its header, else the block leading its
    first statement, else the comment trailing that statement's line."""
    first = body[0]
    prose = comments.trailing_on(header) if header is not None else None
    if prose is None:
        block = comments.block_above(first.lineno, after=after or header or first.lineno - 1)
        if block is not None and block.column == first.col_offset:
            prose = block
    if prose is None and first.lineno != header:
        prose = comments.trailing_on(first.lineno)
    modules = frozenset(
        n.module
        for stmt in body
        for n in ast.walk(stmt)
        if isinstance(n, ast.ImportFrom) and n.module
    ) | frozenset(
        alias.name
        for stmt in body
        for n in ast.walk(stmt)
        if isinstance(n, ast.Import)
        for alias in n.names
    )
    end = max((s.end_lineno or s.lineno) for s in body)
    return _Arm(
        name, line or first.lineno, column or first.col_offset + 1, end, prose, modules, old
    )


def _bodies(node: ast.stmt) -> Iterator[list[ast.stmt]]:
    for field in ("body", "orelse", "finalbody"):
        value = getattr(node, field, None)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            yield value
    for handler in getattr(node, "handlers", []) or []:
        yield handler.body
    for case in getattr(node, "cases", []) or []:
        yield case.body


def _words_of(text: str) -> str:
    """``text`` without its versions and the words and signs of a version set."""
    words = VERSION.sub(" ", text)
    return re.sub(
        r"[<>=≤≥+()\-–—.]|\b(?:through|thru|to|and|or|up|older|newer|later|earlier|below|"
        r"above|before|since|than|prior|pre|legacy|old|inclusive|including)\b",
        " ",
        words,
        flags=re.IGNORECASE,
    )


def _statements(body: list[ast.stmt]) -> Iterator[tuple[ast.stmt, list[ast.stmt]]]:
    """Every statement under ``body`` (not in nested definitions) with those after it."""
    for position, statement in enumerate(body):
        yield statement, body[position + 1 :]
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for inner in _bodies(statement):
            yield from _statements(inner)


def _old_arm(node: ast.AST, rest: list[ast.stmt], comments: Comments) -> _Arm | None:
    olds = [arm for arm in _arms(node, comments, rest) if arm.old]
    return olds[0] if len(olds) == 1 else None


def _span_order(span: VersionSpan) -> tuple[Version, Version]:
    zero = Version("0")
    return (span.high or Version("999999"), span.low or zero)


def _is_oldest(span: VersionSpan, spans: list[VersionSpan]) -> bool:
    """The docstring names two behaviours at least, and ``span`` lies below all the others."""
    if len(spans) < 2 or span.high is None:
        return False
    others = [s for s in spans if s != span]
    return all(s.low is not None and span.all_below(s.low) for s in others)
