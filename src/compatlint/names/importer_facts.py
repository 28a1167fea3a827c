"""What the importer scan asks of one file's ``ast``, read once, as plain data that keeps.

:class:`~compatlint.names.importers.ImporterIndex` and ``inline``'s scan used to hold each
parsed file's tree and walk it again for each question. Every question they ask is
answered by these facts: the module-level bindings, every import statement (in any
scope), every from-import with its place in the module body, how many places bind each
name a from-import binds, and the lines of the module-level statements. Being plain data,
they are cached by content hash (see :func:`encode_facts`), so a file that did not change
is not parsed again; ``ast``'s trees themselves are re-parsed only for the rare question
that needs one.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from compatlint.deepstack import TOO_DEEP
from compatlint.errors import SourceError
from compatlint.names.bindings import (
    AllEntry,
    ImportedName,
    ModuleBindings,
    StarImport,
    read_bindings,
    statements,
)
from compatlint.names.modules import package_of, resolve_relative
from compatlint.names.quick import binding_facts
from compatlint.names.skim import Skimmed, piece_bindings, skim

__all__ = [
    "FromImport",
    "ImporterFacts",
    "RawImport",
    "decode_bindings",
    "decode_facts",
    "encode_bindings",
    "encode_facts",
    "encoded_bindings_of",
    "encoded_facts_of",
    "facts_of",
    "parse_for_facts",
    "parse_importer",
    "read",
    "read_module_bindings",
]


@dataclass(frozen=True)
class RawImport:
    """One imported name of one import statement: ``from source import name [as local]``
    (``name`` ``"*"`` for a star import), or ``import ...`` binding the module ``source``
    to ``local`` (``name`` None)."""

    line: int
    local: str
    source: str
    name: str | None


@dataclass(frozen=True)
class FromImport:
    """A ``from`` import statement anywhere in a file: its module as written (``level``
    dots before it), its line, its index in the module body (None: not at module level),
    and its names as ``(name, asname, line)``."""

    module: str | None
    level: int
    line: int
    top: int | None
    names: tuple[tuple[str, str | None, int], ...]


@dataclass(frozen=True)
class ImporterFacts:
    """One file, as the importer scan sees it.

    ``counts``: for each name a from-import binds, how many places bind it anywhere in the
    file (see :class:`~compatlint.names.quick.BindingFacts`); ``body``: the first and last
    line of each module-level statement (``ast``'s one per small statement of a ``;``
    line); ``left_out``: the lines of the definitions :func:`~compatlint.names.skim.skim`
    left out of the tree the facts were read from (``counts`` leaves out what they bind
    inside; :meth:`count` adds it), ``spelling``: for each name a from-import binds, the
    left-out definitions that spell it."""

    bindings: ModuleBindings
    raw_imports: tuple[RawImport, ...]
    from_imports: tuple[FromImport, ...]
    counts: dict[str, int]
    body: tuple[tuple[int, int | None], ...]
    left_out: tuple[tuple[int, int], ...] = ()
    spelling: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # What each left-out definition binds, parsed when a count first needs it (None: it
    # does not parse): a scan asks about the same names again, and one definition often
    # spells several of them.
    _pieces: dict[int, Counter[str] | None] = field(
        init=False, default_factory=dict, compare=False, repr=False
    )

    def count(self, name: str, text: str) -> int | None:
        """How many places bind ``name`` (a name a from-import binds) anywhere in ``text``,
        the file the facts were read from (None: a left-out definition that spells it does
        not parse)."""
        found = self.counts[name]
        lines: list[str] | None = None
        for index in self.spelling.get(name, ()):
            if index not in self._pieces:
                lines = text.split("\n") if lines is None else lines
                try:
                    self._pieces[index] = piece_bindings(lines, self.left_out[index])
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    self._pieces[index] = None
            bindings = self._pieces[index]
            if bindings is None:
                return None
            found += bindings[name]
        return found


def facts_of(
    found: Skimmed | ast.Module, text: str, module: str | None, *, is_package: bool
) -> ImporterFacts:
    """The facts of ``text``, the file of ``module``, from its :func:`parse_for_facts`."""
    if isinstance(found, ast.Module):
        return read(found, text, module, is_package=is_package)
    facts = read(found.tree, text, module, is_package=is_package)
    spelling = found.spelling(text, facts.counts)
    return replace(facts, left_out=found.left_out, spelling=spelling)


def read(tree: ast.Module, text: str, module: str | None, *, is_package: bool) -> ImporterFacts:
    """The facts of ``tree`` (parsed from ``text``), the file of ``module``."""
    package = package_of(module, is_package)
    bindings = read_module_bindings(tree, text, module, is_package=is_package)
    found = binding_facts(tree)
    tops = {id(statement): index for index, statement in enumerate(tree.body)}
    from_imports = tuple(
        FromImport(
            node.module,
            node.level,
            node.lineno,
            tops.get(id(node)),
            tuple((alias.name, alias.asname, alias.lineno) for alias in node.names),
        )
        for node in found.from_imports
    )
    bound = {asname or name for node in from_imports for name, asname, _ in node.names}
    return ImporterFacts(
        bindings=bindings,
        raw_imports=_raw_imports(tree, package),
        from_imports=from_imports,
        counts={name: found.counts[name] for name in sorted(bound)},
        body=tuple((statement.lineno, statement.end_lineno) for statement in tree.body),
    )


def read_module_bindings(
    tree: ast.Module, text: str, module: str | None, *, is_package: bool
) -> ModuleBindings:
    """The module-level bindings of ``tree`` (parsed from ``text``), the file of ``module``:
    no ``:=`` in the text, no expression is walked for a walrus."""
    return read_bindings(tree, module, is_package=is_package, walrus=":=" in text)


def encoded_bindings_of(item: tuple[str, str, str | None, bool]) -> list[Any] | None:
    """The encoded bindings of one ``(path, text, module, is_package)`` (None: the text
    does not parse), as :func:`encode_bindings` writes them; a text the parser gives up on
    is a :class:`SourceError` naming ``path``."""
    path, text, module, is_package = item
    found = parse_for_facts(text, path)
    if found is None:
        return None
    tree = found if isinstance(found, ast.Module) else found.tree
    return encode_bindings(read_module_bindings(tree, text, module, is_package=is_package))


def encoded_facts_of(item: tuple[str, str, str | None, bool]) -> list[Any] | None:
    """The encoded facts of one ``(path, text, module, is_package)`` (None: the text does
    not parse); a text the parser gives up on is a :class:`SourceError` naming ``path``."""
    path, text, module, is_package = item
    found = parse_for_facts(text, path)
    if found is None:
        return None
    return encode_facts(facts_of(found, text, module, is_package=is_package))


def parse_for_facts(text: str, path: str) -> Skimmed | ast.Module | None:
    """What the facts of ``text`` are read from: a big module skimmed (see
    :func:`~compatlint.names.skim.skim`), else its whole ``ast`` (None: it does not
    parse); a text the parser gives up on is a :class:`SourceError` naming ``path``."""
    skimmed = _skim(text, path)
    return skimmed if skimmed is not None else parse_importer(text, path)


def _skim(text: str, path: str) -> Skimmed | None:
    try:
        return skim(text)
    except SyntaxError:
        return None  # the whole parse tells
    except (RecursionError, MemoryError):
        raise SourceError(TOO_DEEP, path) from None


def parse_importer(text: str, path: str) -> ast.Module | None:
    """The ``ast`` of ``text`` (None: it does not parse); a text the parser gives up on is a
    :class:`SourceError` naming ``path``, never "no importer"."""
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    except (RecursionError, MemoryError):
        raise SourceError(TOO_DEEP, path) from None


def _raw_imports(tree: ast.Module, package: str | None) -> tuple[RawImport, ...]:
    found: list[RawImport] = []
    for node in statements(tree.body):
        if isinstance(node, ast.ImportFrom):
            source = (
                resolve_relative(node.module, node.level, package) if node.level else node.module
            )
            if source is None:
                continue
            for item in node.names:
                found.append(RawImport(node.lineno, item.asname or item.name, source, item.name))
        elif isinstance(node, ast.Import):
            for item in node.names:
                head = item.name.split(".")[0]
                bound = item.name if item.asname else head
                found.append(RawImport(node.lineno, item.asname or head, bound, None))
    return tuple(found)


# -- the cache's form: nested lists of strings, numbers, booleans and nulls ------------------


def encode_facts(facts: ImporterFacts) -> list[Any]:
    """A compact JSON-able form of ``facts`` (:func:`decode_facts` reads it back)."""
    return [
        encode_bindings(facts.bindings),
        [[r.line, r.local, r.source, r.name] for r in facts.raw_imports],
        [
            [f.module, f.level, f.line, f.top, [list(n) for n in f.names]]
            for f in facts.from_imports
        ],
        list(facts.counts.items()),
        [list(span) for span in facts.body],
        [list(piece) for piece in facts.left_out],
        [[name, list(pieces)] for name, pieces in facts.spelling.items()],
    ]


def encode_bindings(b: ModuleBindings) -> list[Any]:
    """A compact JSON-able form of a module's bindings (:func:`decode_bindings` reads it
    back)."""
    from_imports = [
        [local, [[item.module, item.name, item.line] for item in found]]
        for local, found in b.from_imports.items()
    ]
    entries = b.all_entries
    return [
        list(b.names.items()),
        from_imports,
        [[local, list(dotted)] for local, dotted in b.module_imports.items()],
        [[star.module, star.line] for star in b.star_imports],
        None if entries is None else [[e.name, e.line, e.column] for e in entries],
        b.all_is_literal,
        sorted(b.global_names),
        b.writes_globals,
    ]


def decode_facts(data: Sequence[Any]) -> ImporterFacts:
    """The facts :func:`encode_facts` wrote (lists may come back as tuples); raises
    ValueError, TypeError or KeyError on anything else."""
    bindings, raw, froms, counts, body, left_out, spelling = data
    return ImporterFacts(
        bindings=decode_bindings(bindings),
        raw_imports=tuple(
            RawImport(_number(line), _text(local), _text(source), name)
            for line, local, source, name in raw
        ),
        from_imports=tuple(_decode_from_import(*item) for item in froms),
        counts={_text(name): _number(count) for name, count in counts},
        body=tuple((_number(first), last) for first, last in body),
        left_out=tuple((_number(first), _number(last)) for first, last in left_out),
        spelling={_text(name): tuple(map(_number, pieces)) for name, pieces in spelling},
    )


def decode_bindings(data: Sequence[Any]) -> ModuleBindings:
    """The bindings :func:`encode_bindings` wrote; raises ValueError, TypeError or KeyError
    on anything else."""
    names, from_imports, module_imports, stars, entries, literal, global_names, writes = data
    return ModuleBindings(
        names={_text(name): _number(line) for name, line in names},
        from_imports={
            _text(local): tuple(ImportedName(m, _text(n), _number(line)) for m, n, line in found)
            for local, found in from_imports
        },
        module_imports={
            _text(local): tuple(_text(item) for item in dotted) for local, dotted in module_imports
        },
        star_imports=tuple(StarImport(module, _number(line)) for module, line in stars),
        all_entries=None
        if entries is None
        else tuple(AllEntry(_text(n), _number(line), _number(c)) for n, line, c in entries),
        all_is_literal=bool(literal),
        global_names=frozenset(_text(name) for name in global_names),
        writes_globals=bool(writes),
    )


def _decode_from_import(
    module: str | None, level: int, line: int, top: int | None, names: Sequence[Any]
) -> FromImport:
    aliases = tuple((_text(name), asname, _number(at)) for name, asname, at in names)
    return FromImport(module, _number(level), _number(line), top, aliases)


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("a string was expected")
    return value


def _number(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("an integer was expected")
    return value
