"""``prune``: remove every fallback whose tag has expired at the floors (Step 10 of the bump).

:func:`plan_prune` is pure: relative path → text in, a :class:`PrunePlan` out. Per shim it
runs the analysis, hands each expired site to its removal function (one per site kind,
:mod:`compatlint.codemods.removals`), applies the recorded actions in one libcst walk
(:mod:`compatlint.codemods.prune_transform`), and repeats until no expired site it can
handle is left. Then come the follow-on edits: imports that lost their last use and stale
``__all__`` entries, bare calls and imports of removed definitions at their call sites,
stub-list entries for modules that became unconditional imports, and unwrapped imports
moved up into the import block (:mod:`compatlint.codemods.imports_hoist`), sorted and
formatted as the project's tools would.
"""

from __future__ import annotations

import ast
import dataclasses
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

import libcst as cst

from compatlint.analysis.gate_verdicts import gate_env
from compatlint.analysis.mocklist import read_mock_list
from compatlint.analysis.project import grammar_for, shim_model, suppressed_lines, suppresses
from compatlint.analysis.shim import ShimModel
from compatlint.analysis.source import parse_python
from compatlint.codemods.bindings_guard import (
    lost_imports,
    safety_net,
    sites_dropping,
)
from compatlint.codemods.callsites import CallSiteScanner, NameUses, shim_uses
from compatlint.codemods.definition_work import ModuleNames, definition_work
from compatlint.codemods.edits import EditPlan, check_parses
from compatlint.codemods.flag_folds import FlagScan, find_flags, remove_flags
from compatlint.codemods.formatting import Formatter, format_files
from compatlint.codemods.gate_folds import (
    ModuleReadings,
    NeedleMemo,
    fold_gates,
    fold_roots,
    gate_needles,
    may_hold_gates,
)
from compatlint.codemods.imports_cleanup import cleanup
from compatlint.codemods.imports_hoist import hoist_imports, late_imports
from compatlint.codemods.locate import NodeIndex, Trees
from compatlint.codemods.plan import FollowUp, PrunePlan, RemovedSite, StubAddition, tag_text
from compatlint.codemods.prune_transform import PruneTransformer
from compatlint.codemods.removals import (
    ORDER,
    REMOVALS,
    DefinitionDecision,
    RemovalContext,
    Unhandled,
)
from compatlint.codemods.scope_view import same_scopes_for, syntax_tree
from compatlint.codemods.sorting import Anchor, BlockEdit, ImportSorter
from compatlint.codemods.stubs import add_stub_entries, newly_required
from compatlint.config import Config
from compatlint.model import Fate, Site, SiteKind
from compatlint.names.importers import (
    BatchReader,
    FactsCache,
    ImporterIndex,
    ImportOf,
    LazyImports,
    TextAnswers,
)
from compatlint.names.modules import module_name
from compatlint.sitekinds import needs_tag, site_fate
from compatlint.versions import Floors

_MAX_PASSES = 4
_SCOPED = frozenset({SiteKind.TAGGED_DEFINITION, SiteKind.SENTINEL})
_FOLLOW_UP_RULES = {Fate.UNTAGGED: "CL101", Fate.VAGUE: "CL103"}
_FOLLOW_UP_REASONS = {
    Fate.VAGUE: "vague tag: {reason}; never pruned",
    Fate.UNTAGGED: "untagged: add a removal tag (or remove it by hand)",
    Fate.NO_FLOOR: "no floor for {track}; kept",
}
_EXPIRED_RULE = "CL102"
_SUPPRESSED = f"suppressed (# compatlint: ignore[{_EXPIRED_RULE}]): kept"


# -- planning -------------------------------------------------------------------------------


def _signature(site: Site) -> tuple[object, ...]:
    """What identifies a site across passes (its lines move; its shape and tag do not)."""
    return (site.kind, site.names, site.tag.raw if site.tag else None, site.detail)


def _tag_key(site: Site) -> tuple[object, ...]:
    """A looser identity for tagged sites whose names change when an inner try collapses."""
    return (site.kind, site.tag.raw if site.tag else None)


def _suppressed(site: Site, suppressed: Mapping[int, frozenset[str]]) -> bool:
    """Whether ``check`` would not report ``site`` as expired (CL102 is suppressed on its
    line), so prune leaves it alone. A site that shares its handler's tag (a polyfill, a
    sentinel) has no CL102 of its own: it stays when its handler does."""
    line = site.line if needs_tag(site) else site.parent_line
    return line is not None and suppresses(suppressed.get(line, frozenset()), _EXPIRED_RULE)


def _follow_up_reason(site: Site, fate: Fate, governing: str) -> str | None:
    if fate is Fate.UNTAGGED and not needs_tag(site):
        return None
    template = _FOLLOW_UP_REASONS.get(fate)
    if template is None:
        return None
    tag = site.tag
    return template.format(
        reason=(tag.vague_reason if tag else "") or "names no version",
        track=governing,
    )


def _settled(text: str, expired: list[Site], result: _ShimResult) -> bool:
    """Whether a pass on ``text`` would change nothing and report nothing new: every expired
    site is a tagged definition the last pass kept for what its uses are (and listed), and
    those uses read the same in ``text``.

    Such a definition is kept again, whatever the reason: its decision reads only whether
    its name is bound once in its scope, whether each use is a bare call, the project's
    uses (the same files in every pass) and the site's undecided reason, and libcst
    resolves the name alike in both texts (:func:`same_scopes_for`); a definition it cannot
    locate or that is not at module level is kept too. A pass that keeps all its sites
    records no action, so its text and report are the last pass's. One ``def`` or
    ``class`` of the name in each text makes the definitions judged the same one.
    """
    if any(site.kind is not SiteKind.TAGGED_DEFINITION for site in expired):
        return False
    names = [site.names[0] for site in expired]
    if len(set(names)) != len(names):
        return False
    for site in expired:
        key = _signature(site)
        last = result.kept_for_uses.get(key)
        if last is None or key not in result.unhandled or last[0].undecided != site.undecided:
            return False
        name = site.names[0]
        if not same_scopes_for(last[1], text, (name,)):
            return False
        if _definitions_of(last[1], name) != 1 or _definitions_of(text, name) != 1:
            return False
    return True


def _definitions_of(text: str, name: str) -> int:
    """How many ``def`` and ``class`` statements of ``text`` (which ``ast`` reads: asked
    after :func:`same_scopes_for` read it) are named ``name``."""
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    tree = syntax_tree(text)
    return sum(1 for node in ast.walk(tree) if isinstance(node, kinds) and node.name == name)


@dataclass
class _ShimResult:
    text: str
    removed: list[RemovedSite] = field(default_factory=list)
    unhandled: dict[tuple[object, ...], tuple[Site, FollowUp]] = field(default_factory=dict)
    notes: dict[tuple[object, ...], FollowUp] = field(default_factory=dict)
    removed_definitions: dict[str, int] = field(default_factory=dict)
    passes: int = 0
    #: The tagged definitions the last pass kept for what their uses are, with its text.
    kept_for_uses: dict[tuple[object, ...], tuple[Site, str]] = field(default_factory=dict)


class _Planner:
    def __init__(
        self,
        config: Config,
        sources: Mapping[str, str],
        floors: Floors,
        sorter: ImportSorter | None = None,
        formatter: Formatter | None = None,
    ) -> None:
        self.config = config
        self.sorter = sorter
        self.formatter = formatter
        self.files = EditPlan(sources)
        # Prune never deletes a file: its texts are all strings.
        self.sources: dict[str, str] = self.files.sources
        self.texts: dict[str, str] = self.files.texts  # type: ignore[assignment]
        self.floors = floors
        self.grammar = grammar_for(config)
        self.plan = PrunePlan(floors)
        self.project_uses: dict[tuple[str, str], dict[str, NameUses]] = {}
        # A shim's texts recur (a pass that changes nothing, the clean-up): read once.
        self.trees = Trees()
        self._models: dict[tuple[str, str], ShimModel] = {}
        self._suppressed: dict[str, Mapping[int, frozenset[str]]] = {}
        self.facts_cache: FactsCache | None = None
        self.digest: Callable[[str], str] | None = None
        self.known: TextAnswers | None = None
        self.batch: BatchReader | None = None
        self.bindings_batch: BatchReader | None = None
        self.indexes: list[ImporterIndex] = []  # what each read, for ``known`` to keep

    def _index(self) -> ImporterIndex:
        """An importer index of the current texts (sharing the facts cache and what
        earlier runs read, if any)."""
        index = ImporterIndex.read_with(self.texts, self.config.src, self)
        self.indexes.append(index)
        return index

    def fate(self, site: Site) -> Fate:
        return site_fate(site, self.floors, self.config.primary)

    def suppressed(self, text: str) -> Mapping[int, frozenset[str]]:
        """:func:`suppressed_lines` of ``text``, read once (the first pass reads the shim's
        first text, and so does the report)."""
        if text not in self._suppressed:
            self._suppressed[text] = suppressed_lines(text)
        return self._suppressed[text]

    def model(self, path: str, text: str) -> ShimModel:
        key = (path, text)
        if key not in self._models:
            self._models[key] = shim_model(self.config, path, text, self.grammar)
        return self._models[key]

    # shims --------------------------------------------------------------------------------

    def prune_shim(self, shim: str) -> None:
        # Start from the current texts: another shim's prune may have edited this one.
        original = self.texts[shim]
        importers = self._index()
        shim_module = importers.module_of(shim)
        imported = LazyImports(
            lambda: importers.imported_names(shim_module, exclude=shim) if shim_module else {}
        )
        scanner = CallSiteScanner(self.config, self.texts, shim, importers)
        result = _ShimResult(original)
        for _ in range(_MAX_PASSES):
            if not self._one_pass(shim, scanner, result, imported):
                break
        self.plan.passes = max(self.plan.passes, result.passes)
        final_text = source = self.sources[shim]
        if result.text != source:
            before = self.trees.index(shim, source).wrapper
            final_text, _, _ = cleanup(
                source,
                result.text,
                shim,
                keep=imported,
                before=before,
                after=lambda: self.trees.index(shim, result.text),
            )
        self.texts[shim] = final_text
        self._edit_call_sites(scanner, result)
        rewritten = set(result.removed_definitions)
        self.plan.follow_ups += safety_net(shim, original, final_text, imported, rewritten)
        self.plan.removed += result.removed
        first_model = self.model(shim, original)
        final_model = self.model(shim, final_text)
        remaining = Counter(_signature(site) for site in final_model.sites)
        tagged_remaining = Counter(_tag_key(site) for site in final_model.sites)
        suppressed = self.suppressed(original)
        for site in first_model.sites:
            fate = self.fate(site)
            governing = self.floors.governing_words(site.tag, site.upstream, self.config.primary)
            reason = _follow_up_reason(site, fate, governing)
            rule = _FOLLOW_UP_RULES.get(fate)
            if rule is not None and suppresses(suppressed.get(site.line, frozenset()), rule):
                continue
            if fate is Fate.EXPIRED and needs_tag(site) and _suppressed(site, suppressed):
                reason = _SUPPRESSED
            if reason and remaining[_signature(site)] > 0:
                self.plan.follow_ups.append(FollowUp.of(site, reason))
        for misplaced in first_model.misplaced:
            fate = self.floors.fate(misplaced.tag, None, self.config.primary)
            codes = suppressed.get(misplaced.line, frozenset())
            if fate is Fate.EXPIRED and not suppresses(codes, "CL110"):
                reason = f"misplaced tag (CL110): {misplaced.reason}"
                self.plan.follow_ups.append(
                    FollowUp(shim, misplaced.line, "tag", reason, tag_text(misplaced.tag))
                )
        # A site left alone in one pass may have gone in a later one.
        self.plan.follow_ups += [
            item for site, item in result.unhandled.values() if tagged_remaining[_tag_key(site)]
        ]
        self.plan.follow_ups += result.notes.values()

    def _one_pass(
        self,
        shim: str,
        scanner: CallSiteScanner,
        result: _ShimResult,
        imported: Mapping[str, ImportOf],
    ) -> bool:
        """One pass over the expired sites; a site whose removal would take away a name
        an importer needs is held back (and the pass planned again without it)."""
        text = result.text
        model = self.model(shim, text)
        suppressed = self.suppressed(text)
        expired: list[Site] = []
        live: list[Site] = []
        for site in model.sites:
            if self.fate(site) is Fate.EXPIRED and not _suppressed(site, suppressed):
                expired.append(site)
            else:
                live.append(site)
        if not expired or _settled(text, expired, result):
            return False
        held: dict[tuple[object, ...], str] = {}
        tree: ast.Module | None = None  # read only when a removal loses an imported name
        for _ in range(len(expired) + 1):
            ctx, done, unhandled, judged = self._plan_pass(shim, scanner, text, live, expired, held)
            if ctx.actions.is_empty():
                new_text = text
                break
            new_text = ctx.index.module.visit(PruneTransformer(ctx.actions, ctx.index)).code
            rewritten = {name for name, d in ctx.definitions.items() if d.blocked is None}
            lost = lost_imports(text, new_text, imported, rewritten)
            if not lost:
                break
            tree = tree or ast.parse(text)
            newly = {
                _signature(site): reason
                for site, reason in sites_dropping(
                    ctx.index, tree, [site for site, _ in done], lost
                )
            }
            if not newly.keys() - held.keys():
                break
            held.update(newly)
        for site, item in unhandled:
            result.unhandled.setdefault(_signature(site), (site, item))
        for site, reason in ctx.notes:
            result.notes.setdefault(_signature(site), FollowUp.of(site, reason))
        if new_text == text:
            return False
        check_parses(shim, new_text, "prune")
        names = [site.names[0] for site in expired if site.kind is SiteKind.TAGGED_DEFINITION]
        distinct = len(set(names)) == len(names)  # else one name's decision serves two sites
        result.kept_for_uses = {_signature(site): (site, text) for site in judged if distinct}
        result.passes += 1
        for site, action in sorted(done, key=lambda pair: (pair[0].line, pair[0].column)):
            description = action() if callable(action) else str(action)
            result.removed.append(RemovedSite.of(site, description))
            if site.kind is SiteKind.TAGGED_DEFINITION:
                result.removed_definitions[site.names[0]] = len(result.removed) - 1
        result.text = new_text
        return True

    def _plan_pass(
        self,
        shim: str,
        scanner: CallSiteScanner,
        text: str,
        live: list[Site],
        expired: list[Site],
        held: Mapping[tuple[object, ...], str],
    ) -> tuple[RemovalContext, list[tuple[Site, object]], list[tuple[Site, FollowUp]], list[Site]]:
        """The actions of one pass on ``text``, leaving the ``held`` sites alone; last, the
        tagged definitions kept for what their uses are."""
        # A tagged definition's uses and a sentinel's bindings are read from the scopes.
        scoped = any(site.kind in _SCOPED for site in expired)
        index = self.trees.index(shim, text, scopes=scoped)
        ctx = RemovalContext(index, self.floors, self.config.primary)
        if any(site.kind is SiteKind.SENTINEL for site in expired) and scanner.shim_module:
            ctx.stored_outside = scanner.importers.stored_from_outside(scanner.shim_module)
        ctx.expired_handlers = {
            (site.line, site.column)
            for site in expired
            if site.kind is SiteKind.IMPORT_FALLBACK and _signature(site) not in held
        }
        for site in live:
            ctx.protect(site)
        judged: list[Site] = []
        for site in expired:
            if site.kind is not SiteKind.TAGGED_DEFINITION:
                continue
            node = index.at(site.line, site.column, cst.FunctionDef, cst.ClassDef)
            if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                decision = self._decide(shim, scanner, index, site, node)
                if decision.blocked:
                    judged.append(site)
            else:
                decision = DefinitionDecision("its definition could not be located")
            ctx.definitions[site.names[0]] = decision
        done: list[tuple[Site, object]] = []
        unhandled: list[tuple[Site, FollowUp]] = []
        for site in sorted(expired, key=lambda s: (ORDER.index(s.kind), s.line, s.column)):
            try:
                if _signature(site) in held:
                    raise Unhandled(held[_signature(site)])
                done.append((site, REMOVALS[site.kind](ctx, site)))
            except Unhandled as exc:
                ctx.protect(site)
                unhandled.append((site, FollowUp.of(site, f"not pruned: {exc}")))
        ctx.finalize()
        return ctx, done, unhandled, judged

    def _decide(
        self,
        shim: str,
        scanner: CallSiteScanner,
        index: NodeIndex,
        site: Site,
        node: cst.FunctionDef | cst.ClassDef,
    ) -> DefinitionDecision:
        """Whether a tagged definition (``node``) may go: defining it must run no code (no
        decorator, no default or annotation that does work, no base class), and every use,
        in the shim and in the project, must be a bare call."""
        name = site.names[0]
        work = definition_work(node, ModuleNames(index.module))
        if work is not None:
            return DefinitionDecision(work)
        local = shim_uses(index, node)
        if local.blocked:
            return DefinitionDecision(local.blocked)
        if local.value_uses:
            lines = ", ".join(str(line) for line in local.value_uses)
            return DefinitionDecision(f"its value is used in the shim (line {lines})")
        if local.working_calls:
            lines = ", ".join(str(line) for line in local.working_calls)
            return DefinitionDecision(
                f"a call in the shim passes arguments that run code (line {lines})"
            )
        # Asked again in each pass: the project's files do not change between passes.
        uses = self.project_uses.get((shim, name))
        if uses is None:
            uses = self.project_uses[(shim, name)] = scanner.uses(name)
        for path, use in sorted(uses.items()):
            if use.blocked:
                return DefinitionDecision(use.blocked)
            if use.value_uses:
                lines = ", ".join(str(line) for line in use.value_uses)
                return DefinitionDecision(f"its value is used at {path}:{lines}")
            if use.working_calls:
                lines = ", ".join(str(line) for line in use.working_calls)
                return DefinitionDecision(
                    f"its call passes arguments that run code at {path}:{lines}"
                )
        calls = sum(len(use.bare_calls) for use in uses.values())
        if site.undecided and (calls or local.bare_calls):
            return DefinitionDecision(f"{site.undecided}: its calls stay")
        note = f"; {calls} call site{'s' if calls != 1 else ''} edited" if uses else ""
        return DefinitionDecision(None, tuple(local.bare_calls), note)

    def _edit_call_sites(self, scanner: CallSiteScanner, result: _ShimResult) -> None:
        per_file: dict[str, dict[str, NameUses]] = {}
        for name in result.removed_definitions:
            for path, use in self.project_uses.get((scanner.shim, name), {}).items():
                per_file.setdefault(path, {})[name] = use
        importers = scanner.importers
        for path, uses in sorted(per_file.items()):
            edited, edits = scanner.edit(path, uses)
            module = importers.module_of(path)
            keep = LazyImports(
                lambda m=module, p=path: importers.imported_names(m, exclude=p) if m else {}
            )
            original = self.sources[path]
            before = scanner.wrapper_for(path, original)
            cleaned, _, _ = cleanup(original, edited, path, keep=keep, before=before)
            self.texts[path] = cleaned
            for name in uses:
                position = result.removed_definitions[name]
                site = result.removed[position]
                mine = tuple(edit for edit in edits if edit.name == name)
                result.removed[position] = dataclasses.replace(
                    site, call_sites=site.call_sites + mine
                )

    # version gates ------------------------------------------------------------------------

    def fold_version_gates(self, only: Collection[str] | None) -> None:
        """Fold the gates decided at the floors in every module under ``src`` (or in
        ``only``), a byte needle first: most modules hold none."""
        env = gate_env(self.config, self.floors)
        if not env.windows:
            return
        # The flag scan and the folds ask each file for the needles: searched once.
        needles = NeedleMemo(gate_needles(self.config.predicates))
        readings = ModuleReadings()  # so are their trees and contexts
        roots = fold_roots(self.config)
        importers: ImporterIndex | None = None
        flags = FlagScan()
        if only is None:  # flags fold across modules: a run on all of src only
            flags = find_flags(self.texts, self._index(), env, needles, readings)
            self.plan.follow_ups += flags.refused
            config_file = self.config.config_path.name
            for name in flags.unmatched(self.config.keep):
                reason = f"warning: keep entry '{name}' names no flag decided at the floors"
                self.plan.follow_ups.append(FollowUp(config_file, 1, "config", reason))
        flag_names = sorted(flags.names)
        for path in sorted(self.texts):
            text = self.texts[path]
            if not path.endswith(".py") or (only is not None and path not in only):
                continue
            if not (needles.holds(path, text) or may_hold_gates(text, flag_names)):
                continue
            module, is_package = module_name(path, roots)
            if module is None:
                continue
            folds = fold_gates(
                path, text, env, module, is_package=is_package, flags=flags.flags, readings=readings
            )
            self.plan.removed += folds.folded
            self.plan.follow_ups += folds.listed
            if folds.text == text:
                continue
            # Imports only a folded gate read go, unless another module imports them here.
            importers = importers or self._index()
            keep = LazyImports(lambda i=importers, m=module, p=path: i.imported_names(m, exclude=p))
            self.texts[path], _, _ = cleanup(text, folds.text, path, keep=keep)
        if flags.definitions:
            removed, listed = remove_flags(
                self.texts, self.config.src, flags, self.config.keep, env
            )
            self.plan.removed += removed
            self.plan.follow_ups += listed

    # stub list ----------------------------------------------------------------------------

    def add_stubs(self) -> None:
        mocks = self.config.mocks
        if mocks is None or mocks.file not in self.texts:
            return
        changed = {p: t for p, t in self.texts.items() if t != self.sources.get(p)}
        if not changed:
            return
        stub_text = self.texts[mocks.file]
        listed = read_mock_list(mocks.file, parse_python(stub_text, mocks.file), mocks.name)
        modules = newly_required(self.config, self.sources, changed, listed.modules)
        if not modules:
            return
        self.texts[mocks.file] = add_stub_entries(stub_text, mocks.name, modules)
        self.plan.stubs += [StubAddition(mocks.file, mocks.name, module) for module in modules]

    def finish(self) -> PrunePlan:
        kept = self._hoist_imports()
        format_files(self.files, self.formatter)
        self.plan.edits = self.files.edits("prune")
        for path, old, text in self.files.changed():
            if path.endswith(".py") and text is not None:
                self._report_late_imports(path, old, text, kept.get(path, {}))
        self.plan.removed.sort(key=lambda site: (site.path, site.line))
        self.plan.follow_ups.sort(key=lambda item: (item.path, item.line))
        return self.plan

    def _hoist_imports(self) -> dict[str, dict[str, str]]:
        """Move unwrapped imports into the import block where nothing depends on the order,
        then sort the blocks they joined; returns why each late one stayed, per file."""
        kept: dict[str, dict[str, str]] = {}
        blocks: list[BlockEdit] = []
        for path, old, text in list(self.files.changed()):
            if not path.endswith(".py") or text is None:
                continue
            hoist = hoist_imports(old, text)
            self.texts[path] = hoist.text
            kept[path] = hoist.kept
            anchors = tuple(Anchor(None, line) for line in hoist.unwrapped_lines)
            if anchors:
                blocks.append(BlockEdit(path, old, hoist.text, anchors))
        if self.sorter is not None and blocks:
            for block, text in zip(blocks, self.sorter.sort(blocks), strict=True):
                self.texts[block.path] = text
        return kept

    def _report_late_imports(self, path: str, old: str, new: str, kept: Mapping[str, str]) -> None:
        """Imports an unwrap left below other statements (ruff E402) that could not move
        up: a person decides — a statement between may depend on the import order."""
        before = Counter(key for _, key in late_imports(old))
        for line, key in late_imports(new):
            if before[key] > 0:
                before[key] -= 1
                continue
            why = kept.get(key, "it could not be moved")
            reason = f"import now after other statements (ruff E402), left in place: {why}"
            self.plan.follow_ups.append(FollowUp(path, line, "import", reason, ""))


def plan_prune(
    config: Config,
    sources: Mapping[str, str],
    floors: Floors | None = None,
    *,
    shims: Collection[str] | None = None,
    sorter: ImportSorter | None = None,
    formatter: Formatter | None = None,
    gates: bool = True,
    facts_cache: FactsCache | None = None,
    digest: Callable[[str], str] | None = None,
    known: TextAnswers | None = None,
    batch: BatchReader | None = None,
    bindings_batch: BatchReader | None = None,
) -> PrunePlan:
    """Plan the removal of every fallback expired at ``floors`` (default: the config's).

    ``sources`` maps relative POSIX paths to texts: the shims, the stub-list file and every
    project Python file that may call the shim's tagged definitions. ``shims`` limits which
    configured shims are pruned (and, when it leaves some out, limits version-gate folds to
    them; otherwise every module under ``src`` has its decided gates folded). ``sorter``
    sorts the import blocks that unwrapped imports joined and ``formatter`` formats the
    lines prune touched (see :mod:`compatlint.codemods.formatting`); without them, the
    text is left as the edit made it. ``gates=False`` folds no version gate (``check
    --fix`` of CL102 alone). ``facts_cache`` keeps what the importer index reads of each
    file between runs, keyed by ``digest`` of its text; ``known`` is what earlier runs read
    in the texts of files unchanged since (see
    :class:`~compatlint.names.importers.TextAnswers`), and learns what this one reads.
    ``batch`` and ``bindings_batch`` read many files' facts and bindings at once (see
    :class:`~compatlint.names.importers.ImporterIndex`). Nothing is read or written here.
    """
    planner = _Planner(config, sources, floors or config.floors, sorter, formatter)
    planner.facts_cache, planner.digest, planner.known = facts_cache, digest, known
    planner.batch, planner.bindings_batch = batch, bindings_batch
    for shim in config.shims:
        if shim in planner.sources and (shims is None or shim in shims):
            planner.prune_shim(shim)
    # A run on some of the shims folds the gates of those only; otherwise all of src.
    partial = shims is not None and set(shims) != set(config.shims)
    if gates:
        planner.fold_version_gates(set(shims or ()) if partial else None)
    planner.add_stubs()
    plan = planner.finish()
    if known is not None:
        for index in planner.indexes:
            known.keep(index.learnt)
    return plan
