"""Gather a project's facts fast: bytes prefilter, content-hash cache, process pool.

This is the glue between the file-system edge (:class:`~compatlint.workspace.Workspace`)
and the pure analysis. It computes exactly what :func:`analysis.project.analyze_project`
computes — with the same per-file functions — but reads bytes first, skips files that
cannot hold a finding without decoding them, reuses cached facts, and parses the rest on
a process pool when there is enough of it to pay for the pool.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator

from compatlint.analysis.collection_closure import (
    ModuleImports,
    collection_closure,
    may_import_project,
    module_imports,
)
from compatlint.analysis.gate_facts import GateFacts, gate_roots, may_hold_gates
from compatlint.analysis.import_reach import TargetReach
from compatlint.analysis.imports import FileFacts
from compatlint.analysis.mocklist import read_mock_list, required_modules, under
from compatlint.analysis.project import (
    ProjectFacts,
    facts_for_file,
    gate_facts_of,
    gate_round_needles,
    grammar_for,
    mentions_needle,
    needles_for,
    policy_doc_tags,
    shim_model,
)
from compatlint.analysis.shapes import root_of
from compatlint.analysis.source import nesting_guard, parse_python
from compatlint.cache import FactCache, content_hash
from compatlint.config import Config
from compatlint.deepstack import run_deep
from compatlint.names.modules import module_name
from compatlint.pool import RunPool, pooled
from compatlint.workspace import Workspace

# Below these, a pool costs more to start than it saves.
POOL_MIN_FILES = 48
POOL_MIN_BYTES = 1_000_000
# Gate facts cost several times more per byte (a full walk of every tree), so a pool
# pays off on less of them.
GATE_POOL_MIN_FILES = 16
GATE_POOL_MIN_BYTES = 400_000
PROGRESS_MIN_FILES = 300


def gather_facts(
    workspace: Workspace,
    paths: Iterable[str],
    *,
    use_cache: bool = True,
    show_progress: bool | None = None,
    gate_paths: Iterable[str] = (),
    report_on: Collection[str] | None = None,
) -> ProjectFacts:
    """The facts of ``paths`` plus the project context (shims, stub list, policy docs);
    ``gate_paths``: more files read for version gates only (:func:`gate_files`);
    ``report_on``: the only files findings are reported on (None: every file), which
    spares the collection closure when none of them has an import the stubs lack."""
    config = workspace.config
    grammar = grammar_for(config)
    project = ProjectFacts(config=config, grammar=grammar)
    cache = FactCache(config.root, config.digest()) if use_cache else None
    wanted = list(dict.fromkeys([*paths, *workspace.context_files()]))
    contents = _Contents(workspace, cache)

    def cached(kind: str, rel: str):
        return cache.get(f"{kind}:{rel}", contents.digest(rel)) if cache else None

    def remember(kind: str, rel: str, value) -> None:
        if cache is not None:
            cache.put(f"{kind}:{rel}", contents.digest(rel), value)

    needles = needles_for(config)
    pending: list[str] = []
    for rel in wanted:
        if not rel.endswith(".py"):
            continue
        if rel not in config.shims and not contents.holds(rel, needles):
            # Cheaper than the cache: no hash, nothing to decode, nothing to remember.
            module, _ = module_name(rel, config.src)
            project.files[rel] = FileFacts(path=rel, module=module, parsed=False)
            continue
        facts = cached("file", rel)
        if facts is not None:
            project.files[rel] = facts
        else:
            pending.append(rel)

    with RunPool() as pool:
        for facts in _compute(config, workspace, pending, show_progress, _Worker(config), pool):
            project.files[facts.path] = facts
            remember("file", facts.path, facts)
        gated = [rel for rel in dict.fromkeys([*wanted, *gate_paths]) if rel.endswith(".py")]
        gates = _GateRounds(workspace, project, gated, contents, cached, remember)
        first_round = gates.start(None, show_progress, pool)
        # The context does not depend on gates: it is read while the pool reads them.
        try:
            _gather_context(workspace, project, contents, cached, remember, report_on)
        except Exception:
            gates.finish(first_round)  # a gate's error comes first, as it did before
            raise
        gates.finish(first_round)
        gates.finish(gates.start(list(project.gates.values()), show_progress, pool))
    if cache is not None:
        contents.remember()
        cache.save()
    return project


class _GateRounds:
    """The gates of the files of ``gated`` that may hold one, in rounds
    (:func:`gate_round_needles`): cached ones at once, the others computed."""

    def __init__(
        self,
        workspace: Workspace,
        project: ProjectFacts,
        gated: list[str],
        contents: _Contents,
        cached,
        remember,
    ) -> None:
        self._workspace = workspace
        self._project = project
        self._gated = gated
        self._contents = contents
        self._cached = cached
        self._remember = remember
        self._worker = _GateWorker(workspace.config)

    def start(
        self, known: list[GateFacts] | None, show_progress: bool | None, pool: RunPool
    ) -> Iterable[GateFacts]:
        """Record the cached gates of the round after ``known`` (None: the first) and start
        computing the others; their results, to pass to :meth:`finish`."""
        words, done = gate_round_needles(self._workspace.config, known)
        chosen = [
            rel
            for rel in (self._gated if words else ())
            if rel not in done and self._contents.holds(rel, words, may_hold_gates)
        ]
        missing = []
        for rel in chosen:
            gates = self._cached("gates", rel)
            if gates is None:
                missing.append(rel)
            else:
                self._project.gates[rel] = gates
        config = self._workspace.config
        return _compute(config, self._workspace, missing, show_progress, self._worker, pool)

    def finish(self, results: Iterable[GateFacts]) -> None:
        for gates in results:
            self._project.gates[gates.path] = gates
            self._remember("gates", gates.path, gates)


def _gather_context(
    workspace: Workspace,
    project: ProjectFacts,
    contents: _Contents,
    cached,
    remember,
    report_on: Collection[str] | None,
) -> None:
    """The shim models, the stub list, the collection closure and the policy doc tags."""
    config = workspace.config
    for shim in config.shims:
        model = cached("shim", shim)
        if model is None:
            with nesting_guard(shim):
                model = shim_model(config, shim, workspace.read(shim), project.grammar)
            remember("shim", shim, model)
        project.shims[shim] = model
    if config.mocks is not None:
        rel = config.mocks.file
        mock_list = cached("mocks", rel)
        if mock_list is None:
            with nesting_guard(rel):
                tree = parse_python(workspace.read(rel), rel)
                mock_list = read_mock_list(rel, tree, config.mocks.name)
            remember("mocks", rel, mock_list)
        project.mock_list = mock_list
        if config.mocks.scope != "collection":
            pass
        elif report_on is None or _may_lack_stubs(project, report_on):
            _gather_collection(workspace, project, contents, cached, remember)
        else:
            project.collected = frozenset()  # CL202 cannot fire on any reported file
    for doc in config.policy_docs:
        tags = cached("doc", doc)
        if tags is None:
            with nesting_guard(doc):
                tags = policy_doc_tags(workspace.read(doc), project.grammar)
            remember("doc", doc, tags)
        project.doc_tags[doc] = tuple(tags)


def gate_files(workspace: Workspace) -> list[str]:
    """The Python files outside ``src`` under the roots gates live in (:func:`gate_roots`:
    the test roots), which a whole-project ``check`` reads for gates as ``prune`` folds
    them. Roots under ``src`` are not walked twice: ``check`` already reads them."""
    config = workspace.config
    roots = [
        root
        for root in gate_roots(config)
        if not under(root, config.src) and os.path.lexists(config.root / root)
    ]
    return workspace.python_files(_outermost(roots), reuse=True) if roots else []


def _gather_collection(
    workspace: Workspace, project: ProjectFacts, contents: _Contents, cached, remember
) -> None:
    """The files test collection imports, and the facts of those ``project`` lacks.

    Each file reached is read once; its imports and facts come through the cache. A file
    not in the cache whose imports cannot lead to an upstream import (:mod:`import_reach`)
    is not parsed: what it imports cannot change which upstream imports collection runs."""
    config = workspace.config
    assert config.mocks is not None
    settings = config.mocks.collection
    roots = [*config.src, *settings.test_roots, *settings.pythonpath]
    listing = workspace.python_files(
        _outermost(r for r in roots if (config.root / r).exists()), reuse=True
    )

    upstream = tuple(root.encode() for root in project.upstream_roots)
    reach: list[TargetReach] = []

    def leads_to_target(rel: str) -> bool:
        if not reach:
            reach.append(
                TargetReach(
                    listing,
                    workspace.read,
                    lambda path: contents.holds(path, upstream),
                    workspace.read_bytes,
                )
            )
        return reach[0].leads_to_target(rel)

    def imports_of(rel: str, names: frozenset[str]) -> ModuleImports:
        imports = cached("imports", rel)
        if imports is None:
            question = ("may_import_project", tuple(sorted(names)))
            may_import = contents.answer(
                rel, question, lambda: may_import_project(workspace.read(rel), names)
            )
            if not may_import or not leads_to_target(rel):
                return ModuleImports(rel)  # not cached: it depends on the other files
            with nesting_guard(rel):
                imports = module_imports(rel, workspace.read(rel))
            remember("imports", rel, imports)
        return imports

    closure = collection_closure(listing, settings, config.src, imports_of)
    project.collected = closure.files
    worker = _Worker(config)
    for rel in sorted(closure.files - project.files.keys()):
        facts = cached("file", rel)
        if facts is None:
            facts = worker.facts_of((rel, workspace.read(rel)))
            remember("file", rel, facts)
        project.collected_facts[rel] = facts


class _Contents:
    """What a run asks of each file's bytes — their hash, whether they hold one of some
    words — answered from the cache where the file's stat signature is the one the answers
    were recorded with (:meth:`Workspace.signature`), else from its bytes. Without a cache,
    or for a file without a signature, every answer comes from the bytes."""

    def __init__(self, workspace: Workspace, cache: FactCache | None) -> None:
        self._workspace = workspace
        self._cache = cache
        #: by file: its signature and what is known of its bytes (None: no signature)
        self._records: dict[str, tuple[str, dict[str, str | bool]] | None] = {}
        self._learnt: set[str] = set()
        self._digests: dict[str, str] = {}
        self._keys: dict[Hashable, str] = {}

    def digest(self, rel: str) -> str:
        """The content hash of ``rel``."""
        value = self._digests.get(rel)
        if value is None:
            record = self._record(rel)
            known = None if record is None else record.get("hash")
            if isinstance(known, str):
                value = known
            else:
                value = content_hash(self._workspace.read_bytes(rel))
                if record is not None:
                    self._learn(rel, record, "hash", value)
            self._digests[rel] = value
        return value

    def holds(
        self,
        rel: str,
        needles: tuple[bytes, ...],
        test: Callable[[tuple[bytes, ...], bytes], bool] = mentions_needle,
    ) -> bool:
        """``test(needles, bytes of rel)``: whether ``rel`` holds one of ``needles``."""
        question = (test.__name__, needles)
        return self.answer(rel, question, lambda: test(needles, self._workspace.read_bytes(rel)))

    def answer(self, rel: str, question: Hashable, compute: Callable[[], bool]) -> bool:
        """``compute()``, a yes or no that depends on the contents of ``rel`` and on
        ``question`` only (its ``repr`` names it in the cache)."""
        record = self._record(rel)
        if record is None:
            return compute()
        key = self._keys.get(question)
        if key is None:
            key = self._keys[question] = content_hash(repr(question).encode())[:16]
        value = record.get(key)
        if not isinstance(value, bool):
            value = compute()
            self._learn(rel, record, key, value)
        return value

    def remember(self) -> None:
        """Put what this run learnt of files with a signature into the cache."""
        assert self._cache is not None
        for rel in sorted(self._learnt):
            entry = self._records[rel]
            assert entry is not None
            signature, record = entry
            self._cache.put_flags(f"stat:{rel}", signature, record)
        self._learnt.clear()

    def _record(self, rel: str) -> dict[str, str | bool] | None:
        if rel not in self._records:
            signature = self._workspace.signature(rel) if self._cache is not None else None
            if signature is None:
                self._records[rel] = None
            else:
                assert self._cache is not None
                record = self._cache.plain(f"stat:{rel}", signature)
                self._records[rel] = (signature, record if isinstance(record, dict) else {})
        entry = self._records[rel]
        return None if entry is None else entry[1]

    def _learn(self, rel: str, record: dict[str, str | bool], key: str, value: str | bool) -> None:
        record[key] = value
        self._learnt.add(rel)


def _may_lack_stubs(project: ProjectFacts, paths: Collection[str]) -> bool:
    """Whether a file of ``paths`` imports an upstream module at module level that the
    stub list lacks (or its facts are unknown): only then can CL202 fire on it."""
    present = project.mock_list.modules if project.mock_list is not None else frozenset()
    roots = project.upstream_roots
    for path in paths:
        if not path.endswith(".py"):
            continue
        facts = project.files.get(path)
        if facts is None:
            return True
        for fact in facts.imports:
            if not fact.unconditional or root_of(fact.module) not in roots:
                continue
            if any(module not in present for module in required_modules(fact.module)):
                return True
    return False


def _outermost(roots: Iterable[str]) -> list[str]:
    """``roots`` without those under another (``src`` under ``.`` is walked once)."""
    chosen = sorted({"." if r in ("", ".") else r.rstrip("/") for r in roots})
    return [r for r in chosen if not under(r, [o for o in chosen if o != r])]


def _compute(
    config: Config,
    workspace: Workspace,
    pending: list[str],
    show_progress,
    work=None,
    pool: RunPool | None = None,
) -> Iterator:
    """``work.facts_of`` (file facts by default) of every pending file, in order, on a pool
    when there is enough of them (or ``pool`` is already running). A pool starts on the
    call: the caller may do other work before it reads the results."""
    if pool is None:
        return _on_own_pool(config, workspace, pending, show_progress, work)
    work = work or _Worker(config)
    texts = [(rel, workspace.read(rel)) for rel in pending]
    size = sum(len(text) for _, text in texts)
    if show_progress is None:
        show_progress = len(texts) >= PROGRESS_MIN_FILES and sys.stderr.isatty()
    gates = isinstance(work, _GateWorker)
    min_files = GATE_POOL_MIN_FILES if gates else POOL_MIN_FILES
    min_bytes = GATE_POOL_MIN_BYTES if gates else POOL_MIN_BYTES
    if (pool.started and len(texts) >= 2) or (
        len(texts) >= min_files and size >= min_bytes and (os.cpu_count() or 1) > 1
    ):
        results = pooled(pool, work, texts, lambda item: len(item[1]))
    else:
        # Here the command's own thread already has room to recurse (cli._Analysis).
        results = map(work.facts_of, texts)
    return _with_progress(results, len(texts), show_progress)


def _on_own_pool(
    config: Config, workspace: Workspace, pending: list[str], show_progress, work
) -> Iterator:
    with RunPool() as pool:
        yield from _compute(config, workspace, pending, show_progress, work, pool)


class _Worker:
    """Picklable job for the pool: the facts of a chunk of files.

    A pool worker's main thread has the default stack and recursion limit, so the chunk
    runs with room to recurse (:func:`~compatlint.deepstack.run_deep`), like the command.
    """

    def __init__(self, config: Config) -> None:
        self.config = config

    def __call__(self, items: list[tuple[str, str]]) -> list[FileFacts]:
        return run_deep(lambda: [self.facts_of(item) for item in items])

    def facts_of(self, item: tuple[str, str]) -> FileFacts:
        """One file's facts; running out of recursion on it is an error naming it."""
        rel, text = item
        with nesting_guard(rel):
            return facts_for_file(self.config, rel, text, force=rel in self.config.shims)


class _GateWorker(_Worker):
    """Picklable job for the pool: the gate facts of a chunk of files."""

    def facts_of(self, item: tuple[str, str]) -> GateFacts:  # type: ignore[override]
        rel, text = item
        with nesting_guard(rel):
            return gate_facts_of(self.config, rel, text)


def _with_progress(results: Iterable, total: int, show: bool) -> Iterator:
    if not show:
        yield from results
        return
    from rich.progress import Progress

    with Progress(transient=True) as progress:
        task = progress.add_task("analysing", total=total)
        for facts in results:
            progress.advance(task)
            yield facts
