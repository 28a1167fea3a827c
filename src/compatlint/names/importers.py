"""Who imports a module's name, directly or through re-exports (pure, stdlib ``ast``).

The codemods must know every project module that reaches a shim binding before they touch
it: ``from pkg._compat import X``, ``from pkg import X`` where ``pkg/__init__.py``
re-exports it (any depth), ``import pkg._compat as c`` + ``c.X``, ``from pkg import
_compat`` + ``_compat.X``, ``import pkg`` + ``pkg.X``, and star imports. The index answers
that from :func:`~compatlint.names.bindings.read_bindings` of each module, parsing a file
only when its text mentions the name, and never imports libcst: it is what decides which
files the (expensive) concrete-tree use finder has to parse at all.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, overload

from compatlint.errors import SourceError
from compatlint.names.bindings import ModuleBindings
from compatlint.names.importer_facts import (
    ImporterFacts,
    RawImport,
    decode_bindings,
    decode_facts,
    encode_bindings,
    encode_facts,
    facts_of,
    parse_for_facts,
    parse_importer,
    read_module_bindings,
)
from compatlint.names.modules import module_name
from compatlint.names.skim import Skimmed
from compatlint.names.string_refs import string_references

# `from .x import`, `from . import`, `from.x import`, `from \\\n .x import`. The word
# boundary is checked behind the literal: a pattern that starts with ``from`` is searched
# for as a literal first, 25x faster than one that starts with ``\b``.
_RELATIVE_IMPORT = re.compile(r"from(?<=\bfrom)[\s\\]*\.")
# Every spelling of a star import (a continuation line included), and the plain one-line
# form whose source the text names; a file where they differ is parsed.
_ANY_STAR = re.compile(r"import[\s\\]*\*")
_PLAIN_STAR = re.compile(r"\bfrom[ \t]+([\w.]+)[ \t]+import[ \t]*\*")

#: How deep :meth:`ImporterIndex.submodule` follows a chain of re-exporting modules.
_MAX_CHAIN = 20

#: Module parts ``mentioning`` searches the whole tree for, at most, to narrow the files
#: whose text it reads for the names (more: it searches for the names, then the parts).
_SEARCHED_PARTS = 2

__all__ = ["Alias", "ImportOf", "ImporterIndex", "Learnt", "RawImport", "TextAnswers", "reaches"]

#: A module-level name of a project module: (dotted module, name).
Alias = tuple[str, str]


@dataclass(frozen=True)
class ImportOf:
    """One import of an alias in one file.

    ``name`` is set for ``from <module> import <name> [as local]`` (and ``star`` for a star
    import that gives it); it is None when the file binds the *module* ``module`` to
    ``local`` and reaches the alias as an attribute (``local.name`` or a dotted chain).
    """

    path: str
    line: int
    local: str
    module: str
    name: str | None
    star: bool = False


class LazyImports(Mapping[str, "ImportOf"]):
    """:meth:`ImporterIndex.imported_names`, computed on the first question: a prune whose
    removals drop no binding (the common case) never parses the importers at all."""

    def __init__(self, compute: Callable[[], Mapping[str, ImportOf]]) -> None:
        self._compute = compute
        self._value: Mapping[str, ImportOf] | None = None

    def _names(self) -> Mapping[str, ImportOf]:
        if self._value is None:
            self._value = self._compute()
        return self._value

    def __getitem__(self, name: str) -> ImportOf:
        return self._names()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names())

    def __len__(self) -> int:
        return len(self._names())


@dataclass(frozen=True)
class _Parsed:
    module: str | None
    facts: ImporterFacts

    @property
    def bindings(self) -> ModuleBindings:
        return self.facts.bindings


class FactsCache(Protocol):
    """Where facts computed from a file's contents are kept between runs
    (:class:`compatlint.cache.FactCache`): ``digest`` names the contents."""

    def get(self, key: str, digest: str) -> Any | None: ...

    def plain(self, key: str, digest: str) -> Any | None:
        """What :meth:`get` gives for plain data (lists, strings, numbers), as JSON reads
        it (lists stay lists): no decoding of records."""
        ...

    def put(self, key: str, digest: str, value: Any) -> None: ...


class TextAnswers(Protocol):
    """What earlier runs learnt of the texts of files unchanged since (at the edge, by
    their stat signatures): None where nothing is known. The answers are about the texts
    as read from the files; an index asks (and learns) only where its text is that one
    (:meth:`reads`), never of a text a codemod has edited in the run."""

    def reads(self, path: str, text: str) -> bool:
        """Whether ``text`` is the text of ``path`` as read (the answers are about it)."""
        ...

    def spells(self, path: str, needle: str) -> bool | None:
        """Whether the text of ``path`` contains ``needle``."""
        ...

    def relative(self, path: str) -> bool | None:
        """Whether the text of ``path`` may hold a relative import."""
        ...

    def stars(self, path: str) -> tuple[int, list[str]] | None:
        """How many star imports the text of ``path`` spells, and the sources of its plain
        one-line ones."""
        ...

    def keep(self, learnt: Mapping[str, Learnt]) -> None:
        """Keep what a run read (:attr:`ImporterIndex.learnt`) for later runs."""
        ...


@dataclass
class Learnt:
    """What one run read in one file's text (for :class:`TextAnswers` of later runs)."""

    spells: dict[str, bool] = field(default_factory=dict)
    relative: bool | None = None
    stars: tuple[int, list[str]] | None = None


#: Reads the facts of many files at once: ``(path, text, module, is_package)`` items in,
#: each one's :func:`~compatlint.names.importer_facts.encode_facts` (None: it does not
#: parse) out, in order (:func:`~compatlint.names.importer_facts.encoded_facts_of` of each;
#: for bindings alone, ``encode_bindings`` and ``encoded_bindings_of``).
BatchReader = Callable[[list[tuple[str, str, "str | None", bool]]], Iterable["list[Any] | None"]]


class IndexReaders(Protocol):
    """What reads a codemod run's importers besides their texts (a planner holds them):
    see :class:`ImporterIndex`."""

    facts_cache: FactsCache | None
    digest: Callable[[str], str] | None
    batch: BatchReader | None
    known: TextAnswers | None
    bindings_batch: BatchReader | None


class ImporterIndex:
    """Module names, bindings and importers of a project's Python files, parsed lazily."""

    @classmethod
    def read_with(
        cls, sources: Mapping[str, str], src_roots: Iterable[str], readers: IndexReaders
    ) -> ImporterIndex:
        """The index of ``sources``, read with a codemod run's ``readers``."""
        return cls(
            sources,
            src_roots,
            readers.facts_cache,
            readers.digest,
            readers.batch,
            readers.known,
            readers.bindings_batch,
        )

    def __init__(
        self,
        sources: Mapping[str, str],
        src_roots: Iterable[str],
        cache: FactsCache | None = None,
        digest: Callable[[str], str] | None = None,
        batch: BatchReader | None = None,
        known: TextAnswers | None = None,
        bindings_batch: BatchReader | None = None,
    ) -> None:
        """``cache``: where each file's facts are kept between runs, keyed by its path
        and ``digest`` of its text (with its module name). ``batch``: reads many files'
        facts at once (a process pool, at the edge); see :meth:`prefetch`. ``known``:
        what earlier runs learnt of unchanged texts; what this run reads is in
        :attr:`learnt`. ``bindings_batch``: reads many modules' bindings at once, for
        the modules import resolution asks about (see :meth:`resolve_ahead`)."""
        self.sources = sources
        self.cache = cache
        self.digest = digest
        self.batch = batch
        self.bindings_batch = bindings_batch
        self.known = known
        self.learnt: dict[str, Learnt] = {}
        self.paths: dict[str, str] = {}  # dotted module -> path
        self._module_of: dict[str, tuple[str | None, bool]] = {}
        roots = list(src_roots)
        for path in sources:
            if not path.endswith(".py"):
                continue
            name, is_package = module_name(path, roots)
            self._module_of[path] = (name, is_package)
            if name is not None:
                self.paths.setdefault(name, path)
        self._project_modules = frozenset(name for name, _ in self._module_of.values() if name)
        self._parsed: dict[str, _Parsed | None] = {}
        self._trees: dict[str, ast.Module] = {}
        self._relatives: dict[str, bool] = {}
        self._relative_files: frozenset[str] | None = None
        self._mentions: dict[str, frozenset[str]] = {}
        self._star_files: dict[str, bool] = {}
        self._star_paths: frozenset[str] | None = None
        self._bindings_only: dict[str, ModuleBindings | None] = {}
        self._rebinding_sites: dict[str, frozenset[tuple[str | None, str]]] = {}
        self._reads: dict[tuple[str, str], list[tuple[str | None, ImportOf]]] = {}
        self._strings: dict[str, list[tuple[str, int, str | None]]] = {}
        self._digests: dict[str, str] = {}
        self._as_read: dict[str, bool] = {}

    # -- modules ---------------------------------------------------------------------------

    def module_of(self, path: str) -> str | None:
        return self._module_of.get(path, (None, False))[0]

    def parsed(self, path: str) -> _Parsed | None:
        """The facts of ``path`` (None: not Python, or it does not parse)."""
        if path not in self._parsed and not self._from_cache(path):
            module, is_package = self._module_of.get(path, (None, False))
            found = self._parse(path, skim=True)
            facts = None
            if found is not None:
                if isinstance(found, ast.Module):
                    self._trees[path] = found
                facts = facts_of(found, self.sources[path], module, is_package=is_package)
            self._keep(path, facts)
        return self._parsed[path]

    def prefetch(self, paths: Iterable[str]) -> None:
        """Read the facts of ``paths`` not known yet all at once, through ``batch``."""
        if self.batch is None:
            return
        todo = [
            path
            for path in dict.fromkeys(paths)
            if path in self._module_of and path not in self._parsed and not self._from_cache(path)
        ]
        if not todo:
            return
        items = [(path, self.sources[path], *self._module_of[path]) for path in todo]
        for path, encoded in zip(todo, self.batch(items), strict=True):
            self._keep(path, decode_facts(encoded) if encoded is not None else None)

    def _cache_key(self, path: str) -> tuple[str, str] | None:
        if self.cache is None or self.digest is None:
            return None
        if path not in self._digests:  # asked on a miss and again when the facts are kept
            module, is_package = self._module_of.get(path, (None, False))
            text_digest = self.digest(self.sources[path])
            self._digests[path] = f"{text_digest}:{module}:{int(is_package)}"
        return f"importer:{path}", self._digests[path]

    def _from_cache(self, path: str) -> bool:
        """Whether the facts of ``path`` were kept by an earlier run (now known here)."""
        key = self._cache_key(path)
        if key is None or self.cache is None:
            return False
        cached = self.cache.plain(*key)
        if cached is None:
            return False
        with contextlib.suppress(KeyError, TypeError, ValueError):
            facts = decode_facts(cached) if cached else None
            self._parsed[path] = _Parsed(self._module_of[path][0], facts) if facts else None
            return True
        return False

    def _keep(self, path: str, facts: ImporterFacts | None) -> None:
        """``facts`` of ``path`` (None: it does not parse), here and in the cache."""
        self._parsed[path] = (
            _Parsed(self._module_of.get(path, (None, False))[0], facts) if facts else None
        )
        key = self._cache_key(path)
        if key is not None and self.cache is not None:
            self.cache.put(*key, encode_facts(facts) if facts else [])

    def tree(self, path: str) -> ast.Module | None:
        """The ``ast`` of ``path`` (parsed again when its facts came from the cache)."""
        if path not in self._trees:
            tree = self._parse(path)
            if tree is None:
                return None
            self._trees[path] = tree
        return self._trees[path]

    def bindings_of_module(self, module: str) -> ModuleBindings | None:
        """What ``module`` binds. A module asked only this (to resolve a relative import
        or an attribute chain) keeps its bindings, not its tree: on a big package the
        trees of every ``__init__`` on the way cost more memory than the rest of the run."""
        path = self.paths.get(module)
        if path is None:
            return None
        if path in self._parsed:
            parsed = self._parsed[path]
            return parsed.bindings if parsed else None
        if path not in self._bindings_only:
            self._bindings_only[path] = self._bindings_of(path)
        return self._bindings_only[path]

    def _bindings_of(self, path: str) -> ModuleBindings | None:
        """The bindings of ``path`` alone, kept in the cache like its facts."""
        known, bindings = self._kept_bindings(path)
        if known:
            return bindings
        found = self._parse(path, skim=True)
        if found is not None and not isinstance(found, ast.Module):
            found = found.tree
        bindings = self._read(path, found) if found is not None else None
        self._keep_bindings(path, bindings)
        return bindings

    def _kept_bindings(self, path: str) -> tuple[bool, ModuleBindings | None]:
        """Whether an earlier run kept the bindings of ``path``, and them (None: it does
        not parse)."""
        key = self._cache_key(path)
        if key is not None and self.cache is not None:
            kept = self.cache.plain(f"bindings:{path}", key[1])
            if kept is not None:
                with contextlib.suppress(KeyError, TypeError, ValueError):
                    return True, decode_bindings(kept) if kept else None
        return False, None

    def _keep_bindings(self, path: str, bindings: ModuleBindings | None) -> None:
        key = self._cache_key(path)
        if key is not None and self.cache is not None:
            self.cache.put(
                f"bindings:{path}", key[1], encode_bindings(bindings) if bindings else []
            )

    def _known_bindings(self, module: str) -> tuple[bool, ModuleBindings | None]:
        """Whether the bindings of ``module`` are known without reading a file, and them."""
        path = self.paths.get(module)
        if path is None:
            return True, None
        if path in self._parsed:
            parsed = self._parsed[path]
            return True, parsed.bindings if parsed else None
        if path in self._bindings_only:
            return True, self._bindings_only[path]
        return False, None

    def prefetch_bindings(self, modules: Iterable[str]) -> None:
        """Read the bindings of ``modules`` not known yet all at once, through
        ``bindings_batch`` (the cache first), as :meth:`bindings_of_module` would one by
        one. A text the parser gives up on is left to that one-by-one read: it fails there
        if it is ever asked about, as it would without the batch."""
        if self.bindings_batch is None:
            return
        todo: list[str] = []
        for module in dict.fromkeys(modules):
            if self._known_bindings(module)[0]:
                continue
            path = self.paths[module]
            known, bindings = self._kept_bindings(path)
            if known:
                self._bindings_only[path] = bindings
            else:
                todo.append(path)
        if not todo:
            return
        items = [(path, self.sources[path], *self._module_of[path]) for path in todo]
        try:
            encoded = list(self.bindings_batch(items))
        except (SourceError, RecursionError):
            return
        for path, found in zip(todo, encoded, strict=True):
            bindings = decode_bindings(found) if found is not None else None
            self._bindings_only[path] = bindings
            self._keep_bindings(path, bindings)

    def resolve_ahead(self, paths: Iterable[str]) -> None:
        """Read at once the bindings that resolving the from-imports of ``paths`` (see
        :meth:`bound_module_of`) will ask for: one batch per step of the re-export chains
        instead of one file at a time. The answers are those of the one-by-one reads."""
        if self.bindings_batch is None:
            return
        paths = list(paths)
        with contextlib.suppress(SourceError, RecursionError):
            self.prefetch(paths)
        asked: set[tuple[str, str]] = set()
        for path in paths:
            try:
                raw_imports = self.raw_imports(path)
            except (SourceError, RecursionError):
                continue  # it fails when the resolution gets to it, as it would here
            asked |= {
                (raw.source, raw.name)
                for raw in raw_imports
                if raw.name is not None and raw.name != "*"
            }
        step = asked
        for _ in range(_MAX_CHAIN):
            if not step:
                return
            self.prefetch_bindings(sorted({module for module, _ in step}))
            following = set()
            for module, attribute in step:
                found = self._re_export(module, attribute)
                if found is not None and found not in asked:
                    following.add(found)
            asked |= following
            step = following

    def _re_export(self, module: str, attribute: str) -> tuple[str, str] | None:
        """Where :meth:`submodule` goes on from ``module.attribute``, when it goes on and
        the bindings of ``module`` are known already."""
        known, bindings = self._known_bindings(module)
        if not known or bindings is None or attribute not in bindings.names:
            return None
        froms = bindings.from_imports.get(attribute, ())
        if len(froms) != 1 or bindings.module_imports.get(attribute) or froms[0].module is None:
            return None
        return froms[0].module, froms[0].name

    @overload
    def _parse(self, path: str) -> ast.Module | None: ...

    @overload
    def _parse(self, path: str, *, skim: bool) -> Skimmed | ast.Module | None: ...

    def _parse(self, path: str, *, skim: bool = False) -> Skimmed | ast.Module | None:
        """The ``ast`` of ``path`` (None: it does not parse); ``skim``: skimmed when that
        keeps every import fact (see :mod:`compatlint.names.skim`)."""
        text = self.sources[path]
        return parse_for_facts(text, path) if skim else parse_importer(text, path)

    def _read(self, path: str, tree: ast.Module) -> ModuleBindings:
        module, is_package = self._module_of.get(path, (None, False))
        return read_module_bindings(tree, self.sources[path], module, is_package=is_package)

    def submodule(self, module: str, attribute: str, depth: int = 0) -> str | None:
        """The project module ``module.attribute`` names, if it is one: the module's own
        import binding of ``attribute`` when it has one, else the submodule file."""
        bindings = self.bindings_of_module(module)
        if bindings is not None and attribute in bindings.names and depth < _MAX_CHAIN:
            imports = bindings.module_imports.get(attribute, ())
            froms = bindings.from_imports.get(attribute, ())
            if len(imports) + len(froms) != 1:
                return None
            if imports:
                dotted = imports[0]
                return attribute if dotted.split(".")[0] == attribute else dotted
            source = froms[0]
            if source.module is None:
                return None
            return self.submodule(source.module, source.name, depth + 1)
        child = f"{module}.{attribute}"
        return child if child in self.paths else None

    # -- aliases ---------------------------------------------------------------------------

    def aliases(self, module: str, name: str) -> frozenset[Alias]:
        """(module, name) and every (P, Y) that re-exports it: a from-import of an alias,
        or a star import of an alias' module that exports its name — to any depth."""
        found: set[Alias] = {(module, name)}
        changed = True
        while changed:
            changed = False
            names = {alias_name for _, alias_name in found}
            paths = self.mentioning(names, {source for source, _ in found})
            self.prefetch(paths)
            for path in paths:
                parsed = self.parsed(path)
                if parsed is None or parsed.module is None:
                    continue
                for local, imported in parsed.bindings.from_imports.items():
                    if (parsed.module, local) in found:
                        continue
                    if any((item.module, item.name) in found for item in imported):
                        found.add((parsed.module, local))
                        changed = True
                for star in parsed.bindings.star_imports:
                    for source, alias_name in list(found):
                        if (
                            source == star.module
                            and (parsed.module, alias_name) not in found
                            and self._exports(source, alias_name)
                        ):
                            found.add((parsed.module, alias_name))
                            changed = True
        return frozenset(found)

    def _exports(self, module: str, name: str) -> bool:
        """Whether a star import of ``module`` gives ``name`` (unknown: assume it does)."""
        bindings = self.bindings_of_module(module)
        if bindings is None:
            return True
        exported = bindings.exports()
        return exported is None or name in exported

    def mentioning(self, names: Iterable[str], modules: Iterable[str] | None = None) -> list[str]:
        """Python files whose text contains one of ``names`` or a star import of a project
        module (the cheap pre-filter: a star import gives names its text never spells).

        With ``modules``, a file must also spell a dotted part of one of them or hold a
        relative import: an import can reach a module no other way, and names such as
        ``logger`` or ``annotations`` are in every file of a tree, which would otherwise
        all be parsed.
        """
        names = tuple(names)
        parts = {part for module in modules or () for part in module.split(".")}
        # Names searched before (see :meth:`search`) narrow the files for free.
        names_known = bool(names) and self._mentions.keys() >= set(names)
        if (
            modules is not None
            and not names_known
            and len(parts - self._mentions.keys()) <= _SEARCHED_PARTS
        ):
            # The parts narrow the files most (a shim's module parts are asked again and
            # again: searched once): the names are read in those files alone.
            near = self._containing_any(parts) | self._with_relative_imports()
            spells_name = self._text_finder(names)
            found = {path for path in near if spells_name(path)} | self._star_importers()
            return [path for path in self._module_of if path in found]
        # Many parts (every alias of a shim name adds its module's): searching the whole
        # tree for each would grow with importers x tree size; the files spelling a name
        # are read for them instead (a part searched before answers without reading).
        spelled = self._containing_any(names)
        spells_part = self._text_finder(parts)
        found = []
        for path in self._module_of:
            reached = path in spelled and (
                modules is None or spells_part(path) or self._relative(path)
            )
            if reached or self._may_star_import_project(path):
                found.append(path)
        return found

    def search(self, needles: Iterable[str]) -> None:
        """Search the tree for ``needles`` now. A caller that will ask for them anyway
        (prune, for a definition's name) saves :meth:`mentioning` the searches for the
        module parts: the files that spell a name are read for the parts instead."""
        self._containing_any(needles)

    def _text_finder(self, needles: Iterable[str]) -> Callable[[str], bool]:
        """Whether a file's text contains one of ``needles``: from the whole-tree searches
        already made, else read in the file asked about."""
        known = [self._mentions[needle] for needle in needles if needle in self._mentions]
        unknown = [needle for needle in needles if needle not in self._mentions]
        sources = self.sources

        def spells(path: str) -> bool:
            if any(path in paths for paths in known):
                return True
            if self.known is None:  # nothing learnt from earlier runs: the text alone
                text = sources[path]
                return any(needle in text for needle in unknown)
            return any(self._spells(path, needle) for needle in unknown)

        return spells

    def _with_relative_imports(self) -> frozenset[str]:
        if self._relative_files is None:
            self._relative_files = frozenset(p for p in self._module_of if self._relative(p))
        return self._relative_files

    def _star_importers(self) -> frozenset[str]:
        """The files that may star-import a project module (see below), found once."""
        if self._star_paths is None:
            self._star_paths = frozenset(
                path for path in self._module_of if self._may_star_import_project(path)
            )
        return self._star_paths

    def _may_star_import_project(self, path: str) -> bool:
        """Whether ``path`` may star-import a project module: a star import of the
        upstream (common where it is imported everywhere) gives no project name, so a file
        whose every star import is a plain line naming another module is left out."""
        if path not in self._star_files:
            known = self._answers(path)
            found = known.stars(path) if known is not None else None
            if found is None:
                text = self.sources[path]
                stars = len(_ANY_STAR.findall(text)) if "import" in text else 0
                found = (stars, _PLAIN_STAR.findall(text) if stars else [])
            self._learn(path).stars = found
            stars, sources = found
            self._star_files[path] = bool(stars) and (
                len(sources) != stars
                or any(
                    source.startswith(".") or source in self._project_modules for source in sources
                )
            )
        return self._star_files[path]

    def containing(self, needle: str) -> frozenset[str]:
        """The Python files whose text contains ``needle`` (searched once per needle)."""
        return self._containing(needle)

    def _containing(self, needle: str) -> frozenset[str]:
        """The Python files whose text contains ``needle`` (searched once per needle: a
        shim's names and modules are asked about again and again)."""
        if needle not in self._mentions:
            if self.known is None:  # nothing learnt from earlier runs: the texts alone
                sources = self.sources
                # A file spelling ``needle`` spells each needle searched before that it
                # holds (``pkg._compat`` holds ``_compat``): only those files are read.
                within = [paths for part, paths in self._mentions.items() if part in needle]
                paths = min(within, key=len) if within else self._module_of
                found = frozenset(path for path in paths if needle in sources[path])
            else:
                found = frozenset(path for path in self._module_of if self._spells(path, needle))
            self._mentions[needle] = found
        return self._mentions[needle]

    def _spells(self, path: str, needle: str) -> bool:
        """Whether the text of ``path`` contains ``needle`` (known from an earlier run, or
        read and learnt)."""
        if self.known is None:
            return needle in self.sources[path]
        known = self._answers(path)
        answer = known.spells(path, needle) if known is not None else None
        if answer is None:
            answer = needle in self.sources[path]
        self._learn(path).spells[needle] = answer
        return answer

    def _answers(self, path: str) -> TextAnswers | None:
        """``known``, where the text of ``path`` here is the one its answers are about."""
        if self.known is None:
            return None
        if path not in self._as_read:
            self._as_read[path] = self.known.reads(path, self.sources[path])
        return self.known if self._as_read[path] else None

    def _learn(self, path: str) -> Learnt:
        """Where to note what is read in ``path`` (a text edited in the run: nowhere)."""
        if self._answers(path) is None:
            return Learnt()
        learnt = self.learnt.get(path)
        if learnt is None:
            learnt = self.learnt[path] = Learnt()
        return learnt

    def _containing_any(self, needles: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for needle in needles:
            found |= self._containing(needle)
        return found

    def _relative(self, path: str) -> bool:
        """Whether ``path`` may hold a relative import (searched once per file: every
        name of a shim asks)."""
        if path not in self._relatives:
            known = self._answers(path)
            answer = known.relative(path) if known is not None else None
            if answer is None:
                answer = _RELATIVE_IMPORT.search(self.sources[path]) is not None
            self._relatives[path] = self._learn(path).relative = answer
        return self._relatives[path]

    # -- importers ------------------------------------------------------------------------

    def raw_imports(self, path: str) -> tuple[RawImport, ...]:
        """Every import statement of ``path``, in any scope, with relative modules resolved."""
        parsed = self.parsed(path)
        return parsed.facts.raw_imports if parsed is not None else ()

    def bound_module_of(self, raw: RawImport) -> str | None:
        """The module an import binds to its local name (None: it binds a name)."""
        if raw.name is None:
            return raw.source
        if raw.name == "*":
            return None
        return self.submodule(raw.source, raw.name)

    def importers(
        self, module: str, name: str, aliases: frozenset[Alias] | None = None
    ) -> dict[str, list[ImportOf]]:
        """Per file, its imports of any alias of ``module.name`` (the alias modules' own
        files included: a re-export is an import too).

        A file may reach ``module`` without spelling it, through a module that binds it
        under another name (``from app import tools`` or ``import app`` + ``app.tools``
        where ``app`` holds ``from pkg import _compat as tools``): the names it is bound to
        count as its parts, and the bindings as paths that reach it (:meth:`reach_paths`).
        The other alias modules (the modules that re-export the name) are reached where a
        file spells them."""
        aliases = self.aliases(module, name) if aliases is None else aliases
        alias_modules = {source for source, _ in aliases}
        reach = alias_modules | self.reach_paths({module})
        parts = alias_modules | self._module_rebindings(module)
        found: dict[str, list[ImportOf]] = {}
        paths = self.mentioning({alias_name for _, alias_name in aliases}, parts)
        self.resolve_ahead(paths)
        for path in paths:
            imports: list[ImportOf] = []
            for raw in self.raw_imports(path):
                if raw.name == "*":
                    imports += [
                        ImportOf(path, raw.line, alias_name, source, alias_name, star=True)
                        for source, alias_name in sorted(aliases)
                        if source == raw.source and self._exports(source, alias_name)
                    ]
                elif raw.name is not None and (raw.source, raw.name) in aliases:
                    imports.append(ImportOf(path, raw.line, raw.local, raw.source, raw.name))
                else:
                    bound = self.bound_module_of(raw)
                    if bound is not None and reaches(bound, reach):
                        imports.append(ImportOf(path, raw.line, raw.local, bound, None))
            if imports:
                found[path] = imports
        return found

    def importing_by_name(self, aliases: frozenset[Alias]) -> list[str]:
        """The files that import an alias by name (``from <alias module> import <alias
        name>``, no star): those of :meth:`importers` with such an import, in its order.
        Whether an import binds a module is not asked, so no other module is read."""
        paths = self.mentioning({name for _, name in aliases}, {module for module, _ in aliases})
        self.prefetch(paths)
        return [
            path
            for path in paths
            if any(
                raw.name is not None and raw.name != "*" and (raw.source, raw.name) in aliases
                for raw in self.raw_imports(path)
            )
        ]

    def imported_names(self, module: str, exclude: str | None = None) -> dict[str, ImportOf]:
        """The names of ``module`` that some project file imports directly (from-import,
        star import, ``local.name`` on a binding of the module), with one such import
        each. A direct import is enough: every re-export chain starts with one. Attribute
        uses are not scope-checked here: keeping a binding for nothing is harmless. Where
        the module itself is used as a value (:meth:`module_escapes`), any of its names may
        be read: every one counts as imported; so does a name a string names
        (:meth:`strings_naming`: ``mock.patch("pkg.mod.X")``). A string naming the module
        alone (``mod.__name__ == "pkg.mod"`` in a test) reads none of its names here; the
        codemods of the shim itself keep everything for one (``import_module``)."""
        bindings = self.bindings_of_module(module)
        if bindings is None:
            return {}
        found: dict[str, ImportOf] = {}
        for path in self._module_readers(module):
            if path == exclude:
                continue
            for raw in self.raw_imports(path):
                if raw.source == module and raw.name == "*":
                    for name in sorted(bindings.exports() or bindings.names):
                        found.setdefault(name, ImportOf(path, raw.line, name, module, name, True))
                elif raw.source == module and raw.name is not None:
                    imported = ImportOf(path, raw.line, raw.local, module, raw.name)
                    found.setdefault(raw.name, imported)
            for name, imported in self._module_reads(path, module):
                for read in [name] if name is not None else sorted(bindings.names):
                    found.setdefault(read, imported)
        for path, line, name in self.strings_naming(module):
            if path != exclude and name is not None:
                found.setdefault(name, ImportOf(path, line, name, module, name))
        return found

    def strings_naming(self, module: str) -> list[tuple[str, int, str | None]]:
        """``(path, line, name)`` of every string literal of a project file that names
        ``module`` (name None: ``import_module("pkg._compat")``) or a name in it
        (``mock.patch("pkg._compat.X")``): what it names is read at run time. Found once."""
        if module not in self._strings:
            self._strings[module] = [
                (path, line, name)
                for path in self._module_of
                if path in self._containing(module)
                for line, name in string_references(self.sources[path], module)
            ]
        return self._strings[module]

    def module_escapes(self, module: str) -> list[ImportOf]:
        """Where a project file uses ``module`` itself as a value (``c = compat``,
        ``f(compat)``, ``getattr(compat, name)``): any of its names may be read there,
        names its text need not spell. Not scope-checked, as :meth:`imported_names`."""
        needles = {module.rpartition(".")[2], *self._module_rebindings(module)}
        paths = self._module_binding_files(needles)
        self.resolve_ahead(paths)
        return [
            imported
            for path in paths
            for name, imported in self._module_reads(path, module)
            if name is None
        ]

    def _module_binding_files(self, needles: Iterable[str]) -> list[str]:
        """The files that may bind a module under one of ``needles`` (its last part, or a
        name a module binds it to) or use it as a value: those with an occurrence of one
        not followed by ``import`` (``from pkg._compat import X`` binds names, not the
        module) or by ``.`` (an attribute of it, or a module below it). A prune that
        removes nothing an importer reads never parses the plain importers."""
        needles = sorted(set(needles))
        spelled = self._containing_any(needles)
        pattern = _module_occurrence(tuple(needles))
        return [
            path
            for path in self._module_of
            if path in spelled and pattern.search(self.sources[path]) is not None
        ]

    def stored_from_outside(self, module: str) -> dict[str, str]:
        """The names of ``module`` that code elsewhere may set, each with why: ``c.X =``
        or ``del c.X`` on a binding of the module, a string naming ``module.X`` (``mock.patch``
        targets), and every name where the module is used as a value (``setattr(c, ...)``,
        ``mock.patch.object(c, ...)``); ``"*"`` stands for every name."""
        found: dict[str, str] = {}
        for escape in self.module_escapes(module):
            found.setdefault("*", f"{module} is used as a value at {escape.path}:{escape.line}")
        for path, line, name in self.strings_naming(module):
            if name is not None:
                found.setdefault(name, f"a string names {module}.{name} at {path}:{line}")
        for path in self._module_readers(module):
            module_locals = self._module_locals(path, module)
            if not module_locals:
                continue
            tree = self.tree(path)
            assert tree is not None
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.ctx, (ast.Store, ast.Del))
                    and self._naming_head(node.value, module, module_locals) is not None
                ):
                    where = f"{path}:{node.lineno}"
                    found.setdefault(node.attr, f"{module}.{node.attr} is set at {where}")
        return found

    def _module_readers(self, module: str) -> list[str]:
        """The files that may import ``module`` or read it through a binding."""
        needles = {module.rpartition(".")[2], *self._module_rebindings(module)}
        paths = self.mentioning(needles)
        self.resolve_ahead(paths)
        return paths

    def _module_reads(self, path: str, module: str) -> list[tuple[str | None, ImportOf]]:
        """What ``path`` reads of ``module`` through its bindings of the module (or of a
        package it is reached from): each ``local.name`` (the name), and each use of the
        module itself as a value (None); see :meth:`_attribute_uses`. Read once."""
        key = (path, module)
        if key not in self._reads:
            module_locals = self._module_locals(path, module)
            found = list(self._attribute_uses(path, module, module_locals)) if module_locals else []
            self._reads[key] = found
        return self._reads[key]

    def _module_locals(self, path: str, module: str) -> dict[str, tuple[str, int]]:
        """The local names ``path`` binds to ``module`` (or to a package it is reached
        from), each with the module bound and the line."""
        reach = self.reach_paths({module})
        module_locals: dict[str, tuple[str, int]] = {}
        for raw in self.raw_imports(path):
            if raw.name == "*" or (raw.source == module and raw.name is not None):
                continue
            bound = self.bound_module_of(raw)
            if bound is not None and reaches(bound, reach):
                module_locals[raw.local] = (bound, raw.line)
        return module_locals

    def module_importers(self, module: str) -> dict[str, list[ImportOf]]:
        """Per file, its imports that bind ``module`` or a package from which attribute
        access reaches it (``import pkg`` + ``pkg._compat``, ``pkg.compat`` where the
        package rebinds it)."""
        needles = {module.rpartition(".")[2], *self._module_rebindings(module)}
        reach = self.reach_paths({module})
        found: dict[str, list[ImportOf]] = {}
        paths = self.mentioning(needles)
        self.resolve_ahead(paths)
        for path in paths:
            imports = []
            for raw in self.raw_imports(path):
                bound = self.bound_module_of(raw)
                if bound is not None and reaches(bound, reach):
                    imports.append(ImportOf(path, raw.line, raw.local, bound, None))
            if imports:
                found[path] = imports
        return found

    def _module_rebindings(self, module: str) -> set[str]:
        """Local names that project modules bind ``module`` to (``from . import _compat as
        compat``, and ``from pkg import compat as c`` of that): an importer may reach the
        module under them."""
        return {local for _, local in self.rebinding_sites(module)}

    def rebinding_sites(self, module: str) -> frozenset[tuple[str | None, str]]:
        """``(module of the file, local name)`` of every import that binds ``module``
        (directly or through other modules' bindings of it), found once."""
        if module not in self._rebinding_sites:
            sites: set[tuple[str | None, str]] = set()
            names: set[str] = set()
            needles = {module.rpartition(".")[2]}
            while True:
                paths = self._module_binding_files(needles)
                self.resolve_ahead(paths)
                found = {
                    (self.module_of(path), raw.local.split(".")[0])
                    for path in paths
                    for raw in self.raw_imports(path)
                    if self.bound_module_of(raw) == module
                }
                sites |= found
                locals_found = {local for _, local in found}
                if locals_found <= names:
                    break
                names |= locals_found
                needles |= locals_found
            self._rebinding_sites[module] = frozenset(sites)
        return self._rebinding_sites[module]

    def reach_paths(self, modules: Iterable[str]) -> frozenset[str]:
        """``modules``, and the dotted paths through which attribute access reaches one
        of them on a module that binds it under a name: ``app.tools`` where ``app`` holds
        ``from pkg import _compat as tools`` (``import app`` + ``app.tools.X`` reads the
        shim's ``X``). :func:`reaches` of a bound module on these is whether it leads to
        one of ``modules``."""
        modules = set(modules)
        paths = set(modules)
        for module in modules:
            paths |= {f"{owner}.{local}" for owner, local in self.rebinding_sites(module) if owner}
        return frozenset(paths)

    def _attribute_uses(
        self, path: str, module: str, module_locals: Mapping[str, tuple[str, int]]
    ) -> Iterable[tuple[str | None, ImportOf]]:
        """``local.name`` / ``local.a.b.name`` where the chain names ``module`` (the name),
        and the chains that name ``module`` itself and are used as a value (None): the
        module escapes, and any of its names may be read from it."""
        tree = self.tree(path)
        assert tree is not None
        heads = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                head = self._naming_head(node.value, module, module_locals)
                if head is not None:
                    line = module_locals[head][1]
                    yield node.attr, ImportOf(path, line, head, module, None)
            if id(node) in heads or not isinstance(node, (ast.Name, ast.Attribute)):
                continue
            if isinstance(node.ctx, ast.Load):
                head = self._naming_head(node, module, module_locals)
                if head is not None:
                    yield None, ImportOf(path, node.lineno, head, module, None)

    def _naming_head(
        self, node: ast.expr, module: str, module_locals: Mapping[str, tuple[str, int]]
    ) -> str | None:
        """The local binding through which the dotted name ``node`` names ``module``
        (None: it names something else)."""
        dotted = _dotted(node)
        if dotted is None:
            return None
        head, *rest = dotted.split(".")
        if head in module_locals and self.resolve_chain(module_locals[head][0], rest) == module:
            return head
        return None

    def resolve_chain(self, module: str, attributes: Iterable[str]) -> str | None:
        """The module ``module.a.b...`` names (None: not a module of the project):
        ``pkg`` + ``["_compat"]`` → ``pkg._compat``."""
        current: str | None = module
        for attribute in attributes:
            if current is None:
                return None
            current = self.submodule(current, attribute)
        return current


@functools.lru_cache(maxsize=64)
def _module_occurrence(needles: tuple[str, ...]) -> re.Pattern[str]:
    """An occurrence of one of ``needles`` as a whole name, not followed by ``import`` or
    ``.`` on its line (see :meth:`ImporterIndex._module_binding_files`). Each alternative
    starts with its literal (a boundary checked behind it): searched as a literal first."""
    words = "|".join(rf"{re.escape(n)}(?<=\b{re.escape(n)})" for n in needles)
    return re.compile(rf"(?:{words})(?!\w)(?![ \t]*(?:import\b|\.))")


def reaches(bound: str, modules: Iterable[str]) -> bool:
    """Whether attribute access on module ``bound`` can reach one of ``modules``."""
    return any(module == bound or module.startswith(bound + ".") for module in modules)


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))
