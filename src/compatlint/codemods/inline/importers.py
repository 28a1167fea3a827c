"""What each importer takes from a shim, in the terms the rewrite needs.

Nothing here resolves a name: which files reach the shim, through which chains, comes from
the project's :class:`~compatlint.names.importers.ImporterIndex`; which aliases bind a shim
name and which accesses read ``shim.X`` comes from the scope-aware finders of
:mod:`compatlint.names`. This module only sorts their answers into what can be rewritten
(an import on a line of its own) and what blocks an importer (a star import of the shim,
an import sharing a line with other code, a file that does not parse).

An importer whose imports of the shim are plain lines (see
:mod:`compatlint.codemods.inline.plain`) is read from ``ast`` alone, and a run that meets
only such importers never imports libcst: its parts are imported where they are used.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from compatlint.codemods.inline.heads import head_end
from compatlint.codemods.inline.plain import plain_statement
from compatlint.codemods.inline.shim_facts import ShimFacts, parse
from compatlint.errors import SourceError
from compatlint.names.importer_facts import FromImport, ImporterFacts
from compatlint.names.importers import Alias, ImporterIndex
from compatlint.names.modules import module_name, package_of, resolve_relative

if TYPE_CHECKING:
    import libcst as cst
    from libcst.metadata import Scope

    from compatlint.names.module_uses import ModuleBinding
    from compatlint.names.uses import ResolvedFile

    #: The line of an import statement, if it is on one of its own (None: shared).
    LineOf = Callable[[ResolvedFile, cst.CSTNode], cst.SimpleStatementLine | None]
    #: A module-level statement of libcst, and the small statement of it (None: compound).
    TopLevel = tuple[cst.BaseStatement, cst.BaseSmallStatement | None]

__all__ = ["DirectImport", "Importer", "ModuleImport", "scan_importers"]

SHARED_LINE = "imports the shim on a line shared with other code"

#: Take an importer's from-imports of the shim from ``ast`` where that is exact (tests
#: turn it off to compare with the scope-aware path).
QUICK = True
#: Parse with libcst only the head of an importer whose edit is its quick from-imports
#: (tests turn it off to compare with whole-file parses).
HEADS = True
#: Rewrite as text, unparsed, an importer whose quick from-imports are plain lines (see
#: :mod:`compatlint.codemods.inline.plain`; tests turn it off to compare with libcst).
PLAIN = True


@dataclass
class DirectImport:
    """``from <shim> import name [as bound]``: the alias that moves to the upstream."""

    name: str
    bound: str
    alias: cst.ImportAlias | None  # None: a plain line, read from ``ast`` (see Importer)
    statement: cst.ImportFrom | None
    line: cst.SimpleStatementLine | None
    index: int
    lineno: int
    scope: Scope | None
    sole: bool = False  # the file binds ``bound`` nowhere else (read from ``ast``)


@dataclass
class ModuleImport:
    """An import binding the shim module, or a package it is reached from."""

    binding: ModuleBinding
    line: cst.SimpleStatementLine
    index: int
    lineno: int
    scope: Scope | None


@dataclass
class Importer:
    """One file's imports of the shim, and what keeps it from being rewritten."""

    path: str
    text: str
    file: ResolvedFile | None  # None: it does not parse, or it is plain
    head: int | None = None  # the length of the head ``file`` holds (None: the whole text)
    # Its imports of the shim are plain lines, rewritten as text (``file`` is None).
    plain: bool = False
    direct: list[DirectImport] = field(default_factory=list)
    modules: list[ModuleImport] = field(default_factory=list)
    stars: list[int] = field(default_factory=list)
    blocked: list[tuple[int, str, str]] = field(default_factory=list)
    pinned: set[str] = field(default_factory=set)  # shim names it needs, not rewritable
    pins_all: bool = False  # it may use any shim name (star, module import left alone)

    def line_of(self, node: cst.CSTNode) -> int:
        assert self.file is not None
        return self.file.line_of(node)

    def uses(self, name: str) -> bool:
        """Whether this importer takes the shim's ``name`` (by import or attribute)."""
        return any(d.name == name for d in self.direct) or any(
            name in m.binding.reads for m in self.modules
        )

    def stores(self) -> dict[str, int]:
        """Shim names this importer assigns or deletes (``compat.A = ...``), first line."""
        found: dict[str, int] = {}
        for module in self.modules:
            for name, lines in module.binding.stores.items():
                found[name] = min(found.get(name, lines[0]), *lines)
        return found


def scan_importers(
    index: ImporterIndex,
    src_roots: Sequence[str],
    shim: str,
    facts: ShimFacts,
    shim_names: Collection[str],
) -> list[Importer]:
    """Every file that imports the shim, directly or through re-export chains."""
    scan = _Scan(index, src_roots, shim, facts)
    names = sorted(set(shim_names) | set(facts.candidates) | set(facts.kept))
    wanted = {name: scan.wanted(name) for name in names}
    if QUICK and HEADS:
        scan.choose_heads(wanted)
    for name in names:
        scan.direct_imports(name, *wanted[name])
    scan.module_imports()
    scan.star_imports()
    scan.unparsable()
    return [scan.found[path] for path in sorted(scan.found)]


class _Scan:
    def __init__(
        self, index: ImporterIndex, src_roots: Sequence[str], shim: str, facts: ShimFacts
    ) -> None:
        self.index = index
        self.src_roots = src_roots
        self.shim = shim
        self.module = facts.module
        self.candidates = facts.candidates
        self.found: dict[str, Importer] = {}
        self.seen: set[object] = set()  # the aliases found (a plain one: path, line, index)
        # Files whose head alone is parsed: (the head's length, its ``ast`` statements, the
        # aliases each of its quick from-imports binds).
        self.heads: dict[str, tuple[int, int, list[frozenset[Alias]]]] = {}
        self.plain: set[str] = set()  # heads whose from-imports of the shim are plain lines

    def importer(self, path: str) -> Importer:
        if path not in self.found:
            text = self.index.sources[path]
            if path in self.plain:
                self.found[path] = Importer(path, text, None, self.heads[path][0], plain=True)
                return self.found[path]
            importer = self._head_importer(path, text) if path in self.heads else None
            if importer is None:
                importer = self._parsed_importer(path, text, len(text))
            self.found[path] = importer
        return self.found[path]

    def _parsed_importer(self, path: str, text: str, end: int) -> Importer:
        from libcst.metadata import MetadataWrapper

        from compatlint.names.uses import ResolvedFile

        try:
            wrapper = MetadataWrapper(parse(text[:end], path), unsafe_skip_copy=True)
        except SourceError as exc:
            blocked = Importer(path, text, None, blocked=[(exc.line or 1, "", exc.message)])
            blocked.pinned = {n for n in self.candidates if re.search(rf"\b{n}\b", text)}
            return blocked
        name, is_package = module_name(path, self.src_roots)
        file = ResolvedFile(wrapper, package_of(name, is_package))
        return Importer(path, text, file, None if end == len(text) else end)

    def _head_importer(self, path: str, text: str) -> Importer | None:
        """The importer with its head alone parsed, when every from-import of it that the
        scan will ask about takes the quick path there (None: parse the whole file)."""
        end, _, wanted = self.heads[path]
        importer = self._parsed_importer(path, text, end)
        file = importer.file
        if file is None or any(self.quick_import(path, file, a) is None for a in wanted):
            self.heads.pop(path)
            return None
        return importer

    def wanted(self, name: str) -> tuple[frozenset[Alias], list[str]]:
        """The aliases of the shim's ``name``, and the files that import one by name."""
        aliases = self.index.aliases(self.module, name)
        paths = [path for path in self.index.importing_by_name(aliases) if path != self.shim]
        return aliases, paths

    def choose_heads(self, wanted: Mapping[str, tuple[frozenset[Alias], list[str]]]) -> None:
        """The importers whose head alone is parsed: each from-import the scan asks about
        is, by ``ast``, a quick one at module level, the file is no module or star importer
        of the shim, and a clean cut exists after the last of them (see :func:`head_end`)."""
        per_path: dict[str, list[frozenset[Alias]]] = {}
        for aliases, paths in wanted.values():
            for path in paths:
                per_path.setdefault(path, []).append(aliases)
        whole = set(self.index.module_importers(self.module)) | set(self._star_importers())
        for path, all_aliases in per_path.items():
            parsed = self.index.parsed(path)
            if path in whole or parsed is None:
                continue
            name, is_package = module_name(path, self.src_roots)
            package = package_of(name, is_package)
            text = self.index.sources[path]
            found = [self._quick_match(parsed.facts, package, a, text) for a in all_aliases]
            matches = [match for match in found if match is not None]
            if len(matches) != len(found):
                continue
            cut = head_end(parsed.facts.body, text, max(match[3] for match in matches))
            if cut is not None:
                self.heads[path] = (*cut, all_aliases)
                if PLAIN and _all_plain(parsed.facts, text, matches):
                    self.plain.add(path)

    def direct_imports(self, name: str, aliases: frozenset[Alias], paths: Sequence[str]) -> None:
        """``from <shim> import name`` aliases, in files that reach the shim's ``name``
        under any alias (a re-exporter of it imports it from the shim too)."""
        for path in paths:
            importer = self.importer(path)
            if importer.plain:
                self._plain_import(importer, name, aliases)
            elif importer.file is not None:
                self._parsed_imports(importer, importer.file, name, aliases)

    def _parsed_imports(
        self, importer: Importer, file: ResolvedFile, name: str, aliases: frozenset[Alias]
    ) -> None:
        """:meth:`direct_imports` in a file libcst parsed."""
        import libcst as cst

        from compatlint.names.uses import find_uses

        quick = self.quick_import(importer.path, file, aliases) if QUICK else None
        if quick is None:
            found = [
                (alias, file.parents.get(alias), _own_line)
                for alias in find_uses(file, aliases, self.index).imports
            ]
        else:
            found = [quick]
        for alias, statement, line_of_statement in found:
            if alias in self.seen or not isinstance(statement, cst.ImportFrom):
                continue
            if file.source_of(statement) != self.module:
                continue  # bound from a re-exporter: that file is rewritten instead
            self.seen.add(alias)
            line = line_of_statement(file, statement)
            if line is None:
                importer.blocked.append((file.line_of(statement), "", SHARED_LINE))
                importer.pinned.add(name)
                continue
            index = list(statement.names).index(alias)  # type: ignore[arg-type]
            bound = alias.evaluated_alias or name
            scope = None if quick is not None else file.scopes.get(statement)
            lineno = file.line_of(alias)
            importer.direct.append(
                DirectImport(
                    name, bound, alias, statement, line, index, lineno, scope, quick is not None
                )
            )

    def _plain_import(self, importer: Importer, name: str, aliases: frozenset[Alias]) -> None:
        """The direct import of a plain importer, from its ``ast`` facts alone (the quick
        match :meth:`choose_heads` found, on a plain line)."""
        path = importer.path
        parsed = self.index.parsed(path)
        assert parsed is not None
        module, is_package = module_name(path, self.src_roots)
        package = package_of(module, is_package)
        match = self._quick_match(parsed.facts, package, aliases, importer.text)
        assert match is not None
        node, position, (_, asname, line_number), _ = match
        if resolve_relative(node.module, node.level, package) != self.module:
            return  # bound from a re-exporter: that file is rewritten instead
        key = (path, line_number, position)
        if key not in self.seen:
            self.seen.add(key)
            bound = asname or name
            direct = DirectImport(name, bound, None, None, None, position, line_number, None, True)
            importer.direct.append(direct)

    def quick_import(
        self, path: str, file: ResolvedFile, aliases: frozenset[Alias]
    ) -> tuple[cst.ImportAlias, cst.ImportFrom, LineOf] | None:
        """The one import alias binding an alias in ``path``, read from ``ast`` — when it
        is a module-level from-import and the only binding of its name in the file, which
        is when the scope-aware :func:`find_uses` finds the same alias and nothing can
        conflict with it. None: not sure, ask the scopes."""
        import libcst as cst
        from libcst.helpers import get_full_name_for_node

        parsed = self.index.parsed(path)
        if parsed is None:
            return None
        facts = parsed.facts
        match = self._quick_match(facts, file.package, aliases, self.index.sources[path])
        if match is None:
            return None
        node, position, (name, asname, line_number), top = match
        bound = asname or name
        body = facts.body if path not in self.heads else facts.body[: self.heads[path][1]]
        pairs = top_level_pairs(body, file.module)
        if pairs is None:
            return None
        line, small = pairs[top]
        if not isinstance(small, cst.ImportFrom) or isinstance(small.names, cst.ImportStar):
            return None
        found = small.names[position]
        if (get_full_name_for_node(found.name), found.evaluated_alias or name) != (name, bound):
            return None
        first = next(index for index, (top_line, _) in enumerate(pairs) if top_line is line)
        file.known_lines.update({found: line_number, small: node.line, line: facts.body[first][0]})
        alone = isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1
        own_line = line if alone else None
        return found, small, lambda file, statement: own_line

    def _quick_match(
        self, facts: ImporterFacts, package: str | None, aliases: frozenset[Alias], text: str
    ) -> tuple[FromImport, int, tuple[str, str | None, int], int] | None:
        """The ``ast`` half of :meth:`quick_import`: the one from-import binding an alias,
        the alias' position in it, the alias, and the statement's index in the module body
        — when it is at module level and the only binding of its name in the file
        (``text``, the file the facts were read from)."""
        matches = [
            (node, position, alias)
            for node in facts.from_imports
            for position, alias in enumerate(node.names)
            if (resolve_relative(node.module, node.level, package), alias[0]) in aliases
        ]
        if len(matches) != 1:
            return None
        node, position, alias = matches[0]
        if node.top is None or facts.count(alias[1] or alias[0], text) != 1:
            return None
        return node, position, alias, node.top

    def module_imports(self) -> None:
        """Bindings of the shim module (or a package it is reached from) and their uses."""
        paths = [path for path in self.index.module_importers(self.module) if path != self.shim]
        if not paths:
            return
        from compatlint.names.module_uses import find_module_uses

        for path in paths:
            importer = self.importer(path)
            if importer.file is None:
                continue
            file = importer.file
            reach = self.index.reach_paths({self.module})
            for binding in find_module_uses(file, self.module, self.index, reach):
                if not (binding.names_target or binding.reads or binding.stores or binding.values):
                    continue  # `import pkg` for something else of the package
                line = _statement_line(file.parents, binding.statement)
                if line is None:
                    importer.blocked.append((file.line_of(binding.statement), "", SHARED_LINE))
                    importer.pins_all = True
                    continue
                names = list(binding.statement.names)  # type: ignore[arg-type]
                scope = file.scopes.get(binding.statement)
                lineno = file.line_of(binding.alias)
                index = names.index(binding.alias)
                importer.modules.append(ModuleImport(binding, line, index, lineno, scope))

    def star_imports(self) -> None:
        for path, lines in self._star_importers().items():
            importer = self.importer(path)
            importer.stars += lines
            importer.pins_all = True

    def _star_importers(self) -> dict[str, list[int]]:
        """Per file star-importing the shim, the lines of those imports."""
        found: dict[str, list[int]] = {}
        for path in self.index.mentioning(()):
            if path == self.shim:
                continue
            lines = [
                raw.line
                for raw in self.index.raw_imports(path)
                if raw.name == "*" and raw.source == self.module
            ]
            if lines:
                found[path] = lines
        return found

    def unparsable(self) -> None:
        """Files that may import the shim but do not parse: they block, nothing more."""
        spelled = self.index.containing(self.module.rpartition(".")[2])
        for path in self.index.sources:
            if path == self.shim or not path.endswith(".py") or path in self.found:
                continue
            if path in spelled and self.index.parsed(path) is None:
                self.importer(path)


def _all_plain(
    facts: ImporterFacts, text: str, matches: Sequence[tuple[FromImport, int, object, int]]
) -> bool:
    """Whether each matched from-import is a plain line (see :func:`plain_statement`)."""
    lines = text.split("\n")
    return all(
        facts.body[top][0] == node.line
        and plain_statement(
            lines, facts.body[top], node.level, node.module, [n[:2] for n in node.names]
        )
        is not None
        for node, _, _, top in matches
    )


def _own_line(file: ResolvedFile, node: cst.CSTNode) -> cst.SimpleStatementLine | None:
    return _statement_line(file.parents, node)


def _statement_line(
    parents: Mapping[cst.CSTNode, cst.CSTNode], node: cst.CSTNode
) -> cst.SimpleStatementLine | None:
    """The line of an import statement, if it is on one of its own in a block."""
    import libcst as cst

    line = parents.get(node)
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return None
    if not isinstance(parents.get(line), (cst.Module, cst.IndentedBlock)):
        return None
    return line


def top_level_pairs(body: Sequence[ast.stmt], module: cst.Module) -> list[TopLevel] | None:
    """libcst's module-level statements, one per ``ast`` statement of ``body`` (a module's,
    or the first of them when ``module`` is its head) in the same order (a ``;`` line
    gives one per small statement); None if the counts differ."""
    import libcst as cst

    pairs: list[TopLevel] = []
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine):
            pairs += [(statement, small) for small in statement.body]
        else:
            pairs.append((statement, None))
    return pairs if len(pairs) == len(body) else None
