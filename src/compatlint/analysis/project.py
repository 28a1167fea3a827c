"""Assemble the facts of a whole project from its source texts (pure: no file system).

The edge (``compatlint.workspace``) lists and reads the files; this module decides what
to parse. A file that never mentions an upstream or a heavy-import root is not parsed:
no rule can fire in it.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from compatlint.analysis.collection_closure import collection_closure, module_imports
from compatlint.analysis.gate_facts import (
    GateFacts,
    exported_names,
    gate_facts,
    gate_needles,
    gate_roots,
    may_hold_gates,
)
from compatlint.analysis.import_lines import line_facts
from compatlint.analysis.imports import FileFacts, file_facts, may_gate_on_version
from compatlint.analysis.mocklist import MockList, read_mock_list, under
from compatlint.analysis.prose_facts import read_prose_facts
from compatlint.analysis.shapes import root_of
from compatlint.analysis.shim import ShimModel, analyze_shim
from compatlint.analysis.source import ALL_CODES, parse_python, read_comments, suppressions
from compatlint.config import Config
from compatlint.model import Diagnostic, ImportFact, Tag
from compatlint.names.modules import module_name
from compatlint.tags import TagGrammar


@dataclass
class ProjectFacts:
    """Everything the rules read: per-file facts, shim models, the stub list, policy tags."""

    config: Config
    grammar: TagGrammar
    files: dict[str, FileFacts] = field(default_factory=dict)
    shims: dict[str, ShimModel] = field(default_factory=dict)
    mock_list: MockList | None = None
    doc_tags: dict[str, tuple[Tag, ...]] = field(default_factory=dict)
    #: where each file tests a version (files that may hold a gate only)
    gates: dict[str, GateFacts] = field(default_factory=dict)
    #: what rules derive from the facts once per run and share (the gate verdicts)
    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    #: the files test collection imports (``mocks.scope = "collection"``), None otherwise
    collected: frozenset[str] | None = None
    #: facts of collected files that are not among ``files`` (tests outside ``src``)
    collected_facts: dict[str, FileFacts] = field(default_factory=dict)

    @property
    def upstream_roots(self) -> frozenset[str]:
        return frozenset(root_of(u) for u in self.config.upstreams)

    def stub_scope(self) -> list[FileFacts]:
        """The files whose unconditional upstream imports the stub list must cover: those
        collection imports, or under ``scope = "all"`` every file under ``mocks.collect``."""
        mocks = self.config.mocks
        if mocks is None:
            return []
        if self.collected is None:
            return [facts for path, facts in self.files.items() if under(path, mocks.collect)]
        every = {**self.collected_facts, **self.files}
        return [every[path] for path in sorted(self.collected) if path in every]


def grammar_for(config: Config) -> TagGrammar:
    return TagGrammar(upstreams=config.upstreams, tracks=tuple(config.floors.tracks))


def needles_for(config: Config) -> tuple[bytes, ...]:
    """The words without which a non-shim file cannot hold a finding."""
    return tuple(sorted(r.encode() for r in upstream_roots(config) | heavy_roots(config)))


def upstream_roots(config: Config) -> frozenset[str]:
    return frozenset(root_of(u) for u in config.upstreams)


def heavy_roots(config: Config) -> frozenset[str]:
    return frozenset(root_of(h) for h in config.heavy_imports)


def mentions_needle(needles: tuple[bytes, ...], data: bytes) -> bool:
    """The bytes prefilter: could any rule fire in a file with these contents?

    Needles sharing a part (``sgl`` of ``sglang`` and ``sgl_kernel``) are looked for only
    in a file holding it: most files are searched once instead of once per needle."""
    shared = _shared_part(needles)
    if shared and shared not in data:
        return False
    return any(needle in data for needle in needles)


@functools.lru_cache(maxsize=16)
def _shared_part(needles: tuple[bytes, ...]) -> bytes:
    """The longest part of three bytes or more that every one of two or more ``needles``
    holds (the first such in the shortest needle), or nothing."""
    if len(needles) < 2:
        return b""
    shortest = min(needles, key=len)
    for size in range(len(shortest), 2, -1):
        for start in range(len(shortest) - size + 1):
            part = shortest[start : start + size]
            if all(part in needle for needle in needles):
                return part
    return b""


def facts_for_file(config: Config, path: str, text: str, *, force: bool = False) -> FileFacts:
    """The facts of one file, by the cheapest means that is exact.

    Unparsed (empty) when it mentions none of the needles; from its column-0 import lines
    when that is certain to be complete (see :mod:`import_lines`); else from ``ast``.
    """
    module, is_package = module_name(path, config.src)
    if not force and not mentions_needle(needles_for(config), text.encode()):
        return FileFacts(path=path, module=module, parsed=False)
    suppressed = suppressed_lines(text)
    ups, heavy = upstream_roots(config), heavy_roots(config)
    if not force:
        quick = line_facts(
            path,
            text,
            module=module,
            is_package=is_package,
            upstream_roots=ups,
            recorded_roots=heavy,
            suppressed=suppressed,
        )
        if quick is not None:
            return quick
    return parsed_facts(config, path, text, suppressed=suppressed)


def parsed_facts(
    config: Config, path: str, text: str, *, suppressed: dict[int, frozenset[str]] | None = None
) -> FileFacts:
    """The facts of one file from its ``ast`` (the exact, slower path)."""
    module, is_package = module_name(path, config.src)
    return file_facts(
        path,
        parse_python(text, path),
        module=module,
        is_package=is_package,
        upstream_roots=upstream_roots(config),
        recorded_roots=heavy_roots(config),
        suppressed=suppressed_lines(text) if suppressed is None else suppressed,
        gates=may_gate_on_version(text),
    )


def gate_facts_of(config: Config, path: str, text: str) -> GateFacts:
    """The gate sites of one file (it is parsed), its module named as prune names it."""
    module, is_package = module_name(path, gate_roots(config))
    tree = parse_python(text, path)
    return gate_facts(
        path,
        tree,
        module=module,
        is_package=is_package,
        predicates=config.predicates,
        suppressed=suppressed_lines(text),
    )


def gate_file_rounds(
    config: Config, contents: Mapping[str, bytes], known: Iterable[GateFacts] | None = None
) -> list[str]:
    """The files to read for gates next: first those that mention a version (``known``
    empty), then those that mention a version constant the first ones export
    (``known``: their facts) — ``from .compat import NP_VER`` never says "version"."""
    needles, done = gate_round_needles(config, known)
    if not needles:
        return []
    return [
        path
        for path, data in contents.items()
        if path not in done and may_hold_gates(needles, data)
    ]


def gate_round_needles(
    config: Config, known: Iterable[GateFacts] | None = None
) -> tuple[tuple[bytes, ...], frozenset[str]]:
    """The words of which a file must hold one to be read in a round of
    :func:`gate_file_rounds` (none: the round reads nothing), and the files read before."""
    if known is None:
        return gate_needles(config.predicates), frozenset()
    known = list(known)
    return exported_names(known), frozenset(facts.path for facts in known)


def suppressed_lines(text: str) -> dict[int, frozenset[str]]:
    """Lines whose findings a ``# compatlint: ignore[...]`` comment suppresses.

    The comment's own line; and for a comment on a line of its own, the statement its
    comment block leads and the block header (``except ...:``) it directly follows.
    """
    marks = suppressions(text)
    if not marks:
        return {}
    comments = read_comments(text)
    lines = text.splitlines()
    covered: dict[int, frozenset[str]] = {}

    def add(line: int, codes: frozenset[str]) -> None:
        covered[line] = covered.get(line, frozenset()) | codes

    for line, codes in marks.items():
        add(line, codes)
        if line not in comments.own_line:
            continue
        block = next(b for b in comments.blocks if not b.trailing and b.start <= line <= b.end)
        below = block.end + 1
        while below <= len(lines) and below in comments.blank_lines:
            below += 1
        if below <= len(lines):
            add(below, codes)
        above = block.start - 1
        if above >= 1 and lines[above - 1].split("#")[0].rstrip().endswith(":"):
            add(above, codes)
    return covered


def suppresses(codes: Collection[str], code: str) -> bool:
    """Whether ``codes`` — what the ``# compatlint: ignore[...]`` comments covering a line
    name (see :func:`suppressed_lines`) — silence ``code`` on that line.

    The one test behind ``check``, ``verify`` and the codemods: ``prune``, ``inline`` and
    ``mocks`` leave a site alone exactly when ``check`` would not report it.
    """
    return ALL_CODES in codes or code in codes


def stub_imports(facts: FileFacts, roots: Collection[str]) -> Iterator[ImportFact]:
    """The imports of a file the stub list must cover: unconditional, of an upstream, and
    not under a ``# compatlint: ignore[CL202]`` (``check`` does not report those)."""
    for fact in facts.imports:
        if not fact.unconditional or root_of(fact.module) not in roots:
            continue
        if suppresses(facts.suppressed_codes(fact.line), "CL202"):
            continue
        yield fact


def is_suppressed(project: ProjectFacts, diagnostic: Diagnostic) -> bool:
    """Whether a ``# compatlint: ignore[...]`` comment covers ``diagnostic``.

    Lives with the facts rather than with a runner so that ``check`` and ``verify`` share it.
    """
    codes: frozenset[str] = frozenset()
    path = diagnostic.path
    for facts in (
        project.files.get(path),
        project.gates.get(path),
        project.collected_facts.get(path),
    ):
        if facts is not None:
            codes |= facts.suppressed_codes(diagnostic.line)
    return suppresses(codes, diagnostic.code)


def shim_model(config: Config, path: str, text: str, grammar: TagGrammar) -> ShimModel:
    tree = parse_python(text, path)
    comments = read_comments(text)
    model = analyze_shim(
        path, tree, comments, grammar, frozenset(root_of(u) for u in config.upstreams)
    )
    return replace(model, prose=read_prose_facts(tree, comments, grammar, config.upstreams))


def policy_doc_tags(text: str, grammar: TagGrammar) -> tuple[Tag, ...]:
    """Tag-shaped examples in a policy doc that name a removal version."""
    found: list[Tag] = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        tag = grammar.parse(line, index + 1)
        if tag is not None and tag.removal is None and index + 1 < len(lines):
            # A tag split over two lines: "Remove when min supported" / "version is X+".
            joined = grammar.parse(line + "\n" + lines[index + 1], index + 1, index + 2)
            if joined is not None and joined.removal is not None:
                tag = joined
        if tag is not None and tag.removal is not None:
            found.append(tag)
    return tuple(found)


def analyze_project(
    config: Config, sources: Mapping[str, str], *, parsed: Mapping[str, FileFacts] | None = None
) -> ProjectFacts:
    """Facts for every file in ``sources`` (relative POSIX path → text).

    ``sources`` must hold the shims, the stub-list file and the policy docs as well as the
    files to check. ``parsed`` supplies facts already known (from the cache).
    """
    grammar = grammar_for(config)
    project = ProjectFacts(config=config, grammar=grammar)
    known = parsed or {}
    for path, text in sources.items():
        if not path.endswith(".py"):
            continue
        is_shim = path in config.shims
        project.files[path] = known.get(path) or facts_for_file(config, path, text, force=is_shim)
    python = {path: text.encode() for path, text in sources.items() if path.endswith(".py")}
    first = [gate_facts_of(config, p, sources[p]) for p in gate_file_rounds(config, python)]
    second = [gate_facts_of(config, p, sources[p]) for p in gate_file_rounds(config, python, first)]
    project.gates = {facts.path: facts for facts in (*first, *second)}
    for shim in config.shims:
        if shim in sources:
            project.shims[shim] = shim_model(config, shim, sources[shim], grammar)
    if config.mocks is not None and config.mocks.file in sources:
        tree = parse_python(sources[config.mocks.file], config.mocks.file)
        project.mock_list = read_mock_list(config.mocks.file, tree, config.mocks.name)
    if config.mocks is not None and config.mocks.scope == "collection":
        closure = collection_closure(
            [path for path in sources if path.endswith(".py")],
            config.mocks.collection,
            config.src,
            lambda path, _names: module_imports(path, sources[path]),
        )
        project.collected = closure.files
    for doc in config.policy_docs:
        if doc in sources:
            project.doc_tags[doc] = policy_doc_tags(sources[doc], grammar)
    return project
