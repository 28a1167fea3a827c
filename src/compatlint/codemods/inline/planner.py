"""Plan ``inline``: every importer of a trivial re-export takes it from the upstream.

:func:`plan_inline` is pure — relative path → text in, an :class:`InlinePlan` out:

1. every importer is rewritten to bind the name from the upstream directly:
   ``from pkg._compat import A`` / ``from ._compat import A as B`` lose the name and a
   ``from upstream.x import A [as B]`` joins the same import block; ``compat.A`` (after
   ``import pkg._compat as compat``, ``from .. import _compat``, ``import pkg._compat``, or
   ``import pkg`` + ``pkg.compat.A`` through a package's rebinding) becomes a bare ``A``
   bound the same way, unless ``A`` already means something else there — then the importer
   is left alone and listed; a module import of the shim goes when nothing else of it is
   used. A package ``__init__`` that re-exports the name is an importer like any other, so
   ``from pkg import A`` elsewhere keeps working through it;
2. the given :class:`~compatlint.codemods.sorting.ImportSorter` sorts each edited import
   block that was sorted before the edit;
3. the shim loses the inlined names and their ``__all__`` entries — unless an importer left
   alone, one that assigns ``shim.A`` or one that uses the shim module as a value may still
   need them, or a string names them (``mock.patch("pkg._compat.A")``; every name, and
   the shim, for a string naming the module); a shim left trivial that nothing imports
   or names any more is deleted.

Which files import what, and which expressions are uses, is the name model's answer
(:mod:`compatlint.names`); nothing outside the edited imports and attributes changes.
"""

from __future__ import annotations

import ast
import contextlib
import json
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

from compatlint.analysis.shim import is_trivial
from compatlint.codemods.config_edit import remove_shim_entry
from compatlint.codemods.edits import BatchCompiler, CompilesAhead, CompilesGuesses, EditPlan
from compatlint.codemods.formatting import Formatter, format_files
from compatlint.codemods.inline.conflicts import Reason, conflicts
from compatlint.codemods.inline.importers import (
    DirectImport,
    Importer,
    ModuleImport,
    scan_importers,
)
from compatlint.codemods.inline.plain import NewName, PlainLine, rewrite_plain
from compatlint.codemods.inline.plan import ImporterEdit, InlinedName, InlinePlan, ManualItem
from compatlint.codemods.inline.shim_facts import (
    ShimFacts,
    decode_shim_facts,
    encode_shim_facts,
    facts_inputs,
    shim_facts,
    shim_without,
)
from compatlint.codemods.sorting import BlockEdit, ImportSorter
from compatlint.config import Config, config_name
from compatlint.names.importers import BatchReader, FactsCache, ImporterIndex, TextAnswers
from compatlint.names.modules import module_name

__all__ = ["first_party_roots", "plan_inline"]

#: The reason of a string that names the shim module (listed by itself).
STRING = "a string names the shim module"


def plan_inline(
    config: Config,
    sources: Mapping[str, str],
    only: Collection[str] | None = None,
    *,
    shims: Collection[str] | None = None,
    sorter: ImportSorter | None = None,
    formatter: Formatter | None = None,
    facts_cache: FactsCache | None = None,
    digest: Callable[[str], str] | None = None,
    batch: BatchReader | None = None,
    compiler: BatchCompiler | None = None,
    known: TextAnswers | None = None,
    bindings_batch: BatchReader | None = None,
) -> InlinePlan:
    """Plan the inlining of every trivial re-export of the configured shims.

    ``sources`` maps relative POSIX paths to texts: the shims and every file that may
    import them (the Python files under ``src`` and ``mocks.collect``). ``only`` limits
    the names inlined, ``shims`` the shims. ``sorter`` sorts the import blocks an
    importer's edit touched (see :mod:`compatlint.ruff_sorter`); without one, the new lines
    stay where the shim imports were; ``formatter`` formats the lines an edit touched (see
    :mod:`compatlint.codemods.formatting`); ``facts_cache`` keeps each importer's facts
    between runs, keyed by ``digest`` of its text; ``batch`` reads many importers' facts
    at once (see :meth:`~compatlint.names.importers.ImporterIndex.prefetch`), ``compiler``
    compiles the edited texts at once; ``known`` is what earlier runs read in the texts of
    files unchanged since (see :class:`~compatlint.names.importers.TextAnswers`), and
    learns what this one reads; ``bindings_batch`` reads many modules' bindings at once,
    to resolve the importers' from-imports (see
    :meth:`~compatlint.names.importers.ImporterIndex.resolve_ahead`). Nothing is read or
    written here.
    """
    planner = _Planner(config, sources, only, sorter)
    planner.formatter = formatter
    planner.facts_cache, planner.digest, planner.batch = facts_cache, digest, batch
    planner.compiler, planner.known = compiler, known
    planner.bindings_batch = bindings_batch
    for shim in config.shims:
        if shim in planner.sources and (shims is None or shim in shims):
            planner.inline_shim(shim)
    return planner.finish()


def first_party_roots(config: Config, paths: Iterable[str]) -> set[str]:
    """Top-level modules of the project: the first part of each file's module name."""
    roots: set[str] = set()
    for path in paths:
        if path.endswith(".py"):
            name, _ = module_name(path, config.src)
            if name:
                roots.add(name.split(".")[0])
    return roots


class _Planner:
    def __init__(
        self,
        config: Config,
        sources: Mapping[str, str],
        only: Collection[str] | None,
        sorter: ImportSorter | None,
    ) -> None:
        self.config = config
        self.files = EditPlan(sources)
        self.sources = self.files.sources
        self.texts = self.files.texts
        self.only = set(only) if only is not None else None
        self.sorter = sorter
        self.formatter: Formatter | None = None
        self.facts_cache: FactsCache | None = None
        self.digest: Callable[[str], str] | None = None
        self.batch: BatchReader | None = None
        self.bindings_batch: BatchReader | None = None
        self.compiler: BatchCompiler | None = None
        self.known: TextAnswers | None = None
        #: The files given the compiler to guess, with their texts' digests (kept: None),
        #: settled in the facts cache once the plan is made.
        self.guessed: list[tuple[str, str | None]] = []
        self.plan = InlinePlan(sorter=sorter.describe() if sorter else {"sorter": None})
        self.seen_names: set[str] = set()

    def inline_shim(self, shim: str) -> None:
        text = self.texts.get(shim)
        if text is None:
            return
        shim_module, _ = module_name(shim, self.config.src)
        if shim_module is None:
            self.plan.manual.append(
                ManualItem(shim, 1, "", "the shim is not under a src root: importers unknown")
            )
            return
        facts = self._shim_facts(shim, text, shim_module)
        self.seen_names |= set(facts.candidates) | set(facts.kept)
        selected = {name for name in facts.candidates if self.only is None or name in self.only}
        live = {path: text for path, text in self.texts.items() if text is not None}
        index = ImporterIndex.read_with(live, self.config.src, self)
        self._guess_importers(index, shim, shim_module)
        bindings = index.bindings_of_module(shim_module)
        shim_names = bindings.defined_names if bindings is not None else ()
        scanned = scan_importers(index, self.config.src, shim, facts, shim_names)
        strings = [ref for ref in index.strings_naming(shim_module) if ref[0] != shim]
        if self.known is not None:
            self.known.keep(index.learnt)
        stores = self._stores(scanned, facts, selected)
        used = {n for n in selected if n not in stores and any(i.uses(n) for i in scanned)}
        for name, kept in facts.kept.items():
            if any(i.uses(name) for i in scanned):
                self.plan.kept.append(kept)
        # Importers that cannot be rewritten keep their names in the shim.
        alone: dict[str, list[Reason]] = {}
        for importer in scanned:
            reasons = list(importer.blocked)
            reasons += [(line, "*", "star-imports the shim") for line in importer.stars]
            reasons += conflicts(importer, facts, used)
            if not reasons and facts.acts is not None and not _keeps_importing(importer, used):
                reason = (
                    f"the shim does work when imported (line {facts.acts}): "
                    "inlined, this file would no longer import it"
                )
                reasons.append((_first_line(importer), "", reason))
            if reasons:
                alone[importer.path] = reasons
        needed = self._needed(scanned, alone, facts, used)
        needed |= self._named_by_strings(shim_module, strings, used)
        removable = used - needed
        new_shim = self._shim_without(facts, removable)
        remaining = _remaining_references(scanned, alone, used)
        # A string naming the module, or a name kept in it, reads it at run time.
        remaining += [
            (path, line, STRING) for path, line, name in strings if name is None or name in used
        ]
        delete = not remaining and not facts.suppressed and is_trivial(ast.parse(new_shim))
        if delete:
            self.texts[shim] = None
            self.plan.deleted.append(shim)
            self._forget_shim_in_config(shim)
        else:
            self.texts[shim] = new_shim
        reports: dict[str, list[ImporterEdit]] = defaultdict(list)
        edited: list[BlockEdit] = []
        self._guard_ahead([i for i in scanned if i.path not in alone])
        for importer in scanned:
            if importer.path in alone:
                continue
            edit = _rewrite(importer, facts, used, delete, reports)
            if edit is not None:
                self.texts[edit.path] = edit.after
                edited.append(edit)
        if self.sorter is not None and edited:
            for edit, text in zip(edited, self.sorter.sort(edited), strict=True):
                self.texts[edit.path] = text
        for path, reasons in sorted(alone.items()):
            for line, name, reason in reasons:
                self.plan.manual.append(
                    ManualItem(path, line, name, reason + "; importer left as is")
                )
        self._report(shim, facts, used, removable, reports)
        if remaining and is_trivial(ast.parse(new_shim)):
            for path, line, reason in remaining:
                if path in alone or reason == STRING:
                    continue  # already listed, with its own reason
                self.plan.manual.append(
                    ManualItem(path, line, "", f"{reason}; the trivial shim is kept")
                )

    def _guess_importers(self, index: ImporterIndex, shim: str, shim_module: str) -> None:
        """Let the compiler start, on idle cores, on the files with an import line that
        spells the shim module's last part: most importers, whose texts as read the
        compile guard will ask about (see :meth:`_guard_ahead`). A guess no one asks about
        costs only idle time. A text guessed in an earlier run that finished is not
        guessed again: the same edit of it passed the guard (which keeps what it
        compiled), or it was not edited."""
        if not isinstance(self.compiler, CompilesGuesses):
            return
        part = shim_module.rpartition(".")[2]
        import_line = re.compile(rf"^[ \t]*(?:from|import)\b.*\b{re.escape(part)}\b", re.M)
        guesses = []
        for path in sorted(index.containing(part)):
            text = index.sources[path]
            if path == shim or not import_line.search(text):
                continue
            cache, digest = self.facts_cache, None
            if cache is not None and self.digest is not None:
                digest = self.digest(text)
            self.guessed.append((path, digest))
            if cache is None or digest is None or cache.get(f"guessed:{path}", digest) is None:
                guesses.append((path, text))
        self.compiler.guess(guesses)

    def _guard_ahead(self, importers: Sequence[Importer]) -> None:
        """Importers whose head alone is edited keep their tail: the compile guard asks
        for their texts as read, which the compiler may start on now (see
        :meth:`EditPlan.keeps_tail`)."""
        ahead: list[tuple[str, str]] = []
        for importer in importers:
            if importer.head is not None:
                self.files.keeps_tail(importer.path, importer.text, importer.head)
                ahead.append((importer.path, importer.text))
        if isinstance(self.compiler, CompilesAhead):
            self.compiler.ahead(ahead)

    def _shim_facts(self, shim: str, text: str, shim_module: str) -> ShimFacts:
        """:func:`shim_facts`, kept in the facts cache by the shim's text (and the part of the
        config they depend on)."""
        if self.facts_cache is None or self.digest is None:
            return shim_facts(self.config, shim, text, shim_module)
        key = f"shim:{shim}"
        digest = f"{self.digest(text)}:{shim_module}:{self.digest(facts_inputs(self.config))}"
        cached = self.facts_cache.get(key, digest)
        if cached is not None:
            with contextlib.suppress(TypeError, ValueError):
                return decode_shim_facts(shim, shim_module, text, cached)
        facts = shim_facts(self.config, shim, text, shim_module)
        self.facts_cache.put(key, digest, encode_shim_facts(facts))
        return facts

    def _shim_without(self, facts: ShimFacts, names: Collection[str]) -> str:
        """:func:`shim_without`, kept in the facts cache by the shim's text and ``names``."""
        if not names:
            return facts.text
        if self.facts_cache is None or self.digest is None:
            return shim_without(facts, names)
        key = f"shim-without:{facts.path}"
        digest = f"{self.digest(facts.text)}:{self.digest(json.dumps(sorted(names)))}"
        cached = self.facts_cache.get(key, digest)
        if isinstance(cached, str):
            return cached
        new_shim = shim_without(facts, names)
        self.facts_cache.put(key, digest, new_shim)
        return new_shim

    def _stores(
        self, scanned: Sequence[Importer], facts: ShimFacts, selected: Collection[str]
    ) -> set[str]:
        """Names some importer assigns on the shim module (``compat.A = ...``): its readers
        would see the change, so they keep reading the shim. Each is listed."""
        stored: set[str] = set()
        for importer in scanned:
            for name, line in sorted(importer.stores().items()):
                if name in selected and any(i.uses(name) for i in scanned):
                    stored.add(name)
                    reason = f"assigns the shim's {name}: its importers keep reading the shim"
                    self.plan.manual.append(ManualItem(importer.path, line, name, reason))
        return stored

    def _needed(
        self,
        scanned: Sequence[Importer],
        alone: Mapping[str, object],
        facts: ShimFacts,
        used: set[str],
    ) -> set[str]:
        """The inlined names the shim must keep for importers that still take them."""
        needed: set[str] = set()
        for importer in scanned:
            if importer.path in alone:
                needed |= {d.name for d in importer.direct}
                needed |= {n for m in importer.modules for n in m.binding.reads}
            needed |= importer.pinned
            escapes = sorted(line for m in importer.modules for line in m.binding.values)
            reads_all = any("__all__" in m.binding.reads for m in importer.modules) or any(
                d.name == "__all__" for d in importer.direct
            )
            if importer.pins_all or escapes or reads_all:
                needed |= set(facts.candidates)  # ``__all__`` read: it keeps listing them
            if escapes and importer.path not in alone and used:
                reason = "uses the shim module as a value: the inlined names stay in the shim"
                self.plan.manual.append(ManualItem(importer.path, escapes[0], "", reason))
        return needed

    def _report(
        self,
        shim: str,
        facts: ShimFacts,
        used: set[str],
        removable: set[str],
        reports: Mapping[str, list[ImporterEdit]],
    ) -> None:
        for name in [name for name in facts.candidates if name in used]:
            export = facts.candidates[name]
            if not reports.get(name) and name not in removable:
                continue
            self.plan.inlined.append(
                InlinedName(
                    shim,
                    name,
                    export.module,
                    export.original,
                    name in removable,
                    tuple(sorted(reports.get(name, ()), key=lambda e: (e.path, e.line))),
                )
            )

    def _named_by_strings(
        self,
        shim_module: str,
        strings: Sequence[tuple[str, int, str | None]],
        used: Collection[str],
    ) -> set[str]:
        """The inlined names a string reads at run time (``mock.patch("pkg._compat.A")``;
        every one where a string names the module): they stay in the shim, listed."""
        kept: set[str] = set()
        for path, line, name in strings:
            if name is None:
                kept |= set(used)
                reason = f"a string names {shim_module}: the shim and its names stay"
                self.plan.manual.append(ManualItem(path, line, shim_module, reason))
            elif name in used:
                kept.add(name)
                reason = f"a string names {shim_module}.{name}: it stays in the shim"
                self.plan.manual.append(ManualItem(path, line, name, reason))
        return kept

    def _forget_shim_in_config(self, shim: str) -> None:
        """Drop a deleted shim from ``[tool.compatlint] shim`` when the config is at hand."""
        name = config_name(self.config)
        current = self.texts.get(name)
        updated = remove_shim_entry(current, shim) if current is not None else None
        if updated is not None:
            self.texts[name] = updated
        else:
            reason = f"remove {shim} from [tool.compatlint] shim: the file is deleted"
            self.plan.manual.append(ManualItem(name, 0, shim, reason))

    def finish(self) -> InlinePlan:
        format_files(self.files, self.formatter)
        self.plan.edits.update(
            self.files.edits("inline", self.facts_cache, self.digest, self.compiler)
        )
        if self.facts_cache is not None:
            for path, digest in self.guessed:
                if digest is not None:
                    self.facts_cache.put(f"guessed:{path}", digest, True)
        if self.only is not None:
            self.plan.unknown_only = sorted(self.only - self.seen_names)
        self.plan.manual.sort(key=lambda item: (item.path, item.line, item.name))
        self.plan.kept.sort(key=lambda item: (item.shim, item.line))
        return self.plan


# -- importers --------------------------------------------------------------------------------


def _keeps_importing(importer: Importer, used: Collection[str]) -> bool:
    """Whether ``importer`` still imports the shim once the ``used`` names are inlined:
    it takes another name from it, or uses its module binding otherwise."""
    if importer.stars or importer.pins_all or any(d.name not in used for d in importer.direct):
        return True
    return any(_other_uses(m, used) or m.binding.root_uses for m in importer.modules)


def _first_line(importer: Importer) -> int:
    lines = [d.lineno for d in importer.direct] + [m.lineno for m in importer.modules]
    return min(lines, default=1)


def _other_uses(module: ModuleImport, used: Collection[str]) -> bool:
    """Whether the binding is used for anything but reads of inlined names."""
    binding = module.binding
    return bool(binding.stores or binding.values or set(binding.reads) - set(used))


def _remaining_references(
    scanned: Sequence[Importer], alone: Mapping[str, object], used: set[str]
) -> list[tuple[str, int, str]]:
    """Importer references that keep the shim needed after the rewrite."""
    remaining: list[tuple[str, int, str]] = []
    for importer in scanned:
        if importer.path in alone:
            remaining.append((importer.path, 1, "left as is"))
            continue
        for direct in importer.direct:
            if direct.name not in used:
                remaining.append((importer.path, direct.lineno, f"still imports {direct.name}"))
        for module in importer.modules:
            binding = module.binding
            if _other_uses(module, used):
                reason = f"still uses {binding.local} otherwise"
                remaining.append((importer.path, module.lineno, reason))
            elif binding.names_target and binding.root_uses:
                root = binding.local.split(".")[0]
                reason = f"import {binding.local} also binds {root}, which is used"
                remaining.append((importer.path, module.lineno, reason))
    return remaining


def _rewrite(
    importer: Importer,
    facts: ShimFacts,
    used: set[str],
    delete: bool,
    reports: dict[str, list[ImporterEdit]],
) -> BlockEdit | None:
    """The importer rewritten to take the inlined names from the upstream (None: no
    change)."""
    if importer.plain:
        return _rewrite_plain(importer, facts, used, reports)
    from libcst.metadata import GlobalScope

    from compatlint.codemods.inline.rewrite import FilePlan, rewrite_importer

    file = importer.file
    assert file is not None
    plan = FilePlan()
    for direct in importer.direct:
        if direct.name not in used:
            continue
        assert direct.statement is not None and direct.line is not None
        plan.remove_aliases[direct.statement].add(direct.index)
        plan.additions[direct.line].append(_moved(importer, direct, facts, reports))
    for module in importer.modules:
        binding = module.binding
        rewritten = 0
        for name, reads in sorted(binding.reads.items()):
            if name not in used:
                continue
            export = facts.candidates[name]
            reads = sorted(reads, key=file.line_of)
            for read in reads:
                plan.attributes[read] = name
            rewritten += len(reads)
            plan.additions[module.line].append(NewName(export.module, export.original, name))
            count = f"{len(reads)} use{'s' if len(reads) != 1 else ''}"
            action = f"{binding.local}.{name} -> {name} ({count}); " + _statement(
                export.module, export.original, name
            )
            reports[name].append(ImporterEdit(importer.path, file.line_of(reads[0]), action))
        unused = not _other_uses(module, used) and not binding.root_uses
        if binding.names_target and unused and (rewritten or delete):
            plan.remove_aliases[binding.statement].add(module.index)
            at_module_level = isinstance(module.scope, GlobalScope)
            if delete and "." not in binding.local and at_module_level:
                plan.all_entries.add(binding.local)
    if not plan:
        return None
    if importer.head is None:
        return rewrite_importer(importer.path, importer.text, file.module, file.line_of, plan)
    # Only the head was parsed (its edit is module-level imports): the tail is copied.
    head, tail = importer.text[: importer.head], importer.text[importer.head :]
    edit = rewrite_importer(importer.path, head, file.module, file.line_of, plan)
    return BlockEdit(importer.path, importer.text, edit.after + tail, edit.anchors)


def _rewrite_plain(
    importer: Importer,
    facts: ShimFacts,
    used: set[str],
    reports: dict[str, list[ImporterEdit]],
) -> BlockEdit | None:
    """:func:`_rewrite` of a plain importer: its plain lines rewritten as text."""
    edits: dict[int, PlainLine] = {}
    for direct in importer.direct:
        if direct.name in used:
            edit = edits.setdefault(direct.lineno, PlainLine(set(), []))
            edit.drop.add(direct.index)
            edit.added.append(_moved(importer, direct, facts, reports))
    return rewrite_plain(importer.path, importer.text, edits) if edits else None


def _moved(
    importer: Importer,
    direct: DirectImport,
    facts: ShimFacts,
    reports: dict[str, list[ImporterEdit]],
) -> NewName:
    """The upstream binding that replaces ``direct``, reported."""
    export = facts.candidates[direct.name]
    action = f"import now {_statement(export.module, export.original, direct.bound)}"
    reports[direct.name].append(ImporterEdit(importer.path, direct.lineno, action))
    return NewName(export.module, export.original, direct.bound)


def _statement(module: str, original: str, local: str) -> str:
    alias = "" if original == local else f" as {local}"
    return f"from {module} import {original}{alias}"
