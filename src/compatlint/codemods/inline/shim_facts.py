"""Which of a shim's re-exports are trivial (inlinable) and which stay, and why.

libcst is imported where it is used: a shim decided from its ``ast`` and cut as text
(see :mod:`compatlint.codemods.inline.plain`) needs none of it.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from compatlint.analysis.project import grammar_for, shim_model, suppressed_lines, suppresses
from compatlint.analysis.shapes import root_of
from compatlint.analysis.shim import acts_at_import
from compatlint.analysis.source import parse_python
from compatlint.codemods.inline.plain import plain_shim_without
from compatlint.codemods.inline.plan import KeptName
from compatlint.codemods.inline.quick_exports import quick_re_exports
from compatlint.config import Config
from compatlint.errors import SourceError
from compatlint.model import SiteKind

if TYPE_CHECKING:
    import libcst as cst

    from compatlint.names.uses import ResolvedFile

__all__ = [
    "ReExport",
    "ShimFacts",
    "decode_shim_facts",
    "encode_shim_facts",
    "facts_inputs",
    "parse",
    "shim_facts",
    "shim_without",
]

#: Cut a shim whose lines to cut are plain as text (see
#: :func:`~compatlint.codemods.inline.plain.plain_shim_without`; tests turn it off).
PLAIN_CUT = True

_TRIVIAL_RULE = "CL108"
_SUPPRESSED = f"suppressed (# compatlint: ignore[{_TRIVIAL_RULE}]): kept in the shim"


@dataclass(frozen=True)
class ReExport:
    """A name the shim binds with an unconditional ``from upstream.x import``."""

    name: str
    module: str
    original: str
    line: int


@dataclass
class ShimFacts:
    """The shim's trivial re-exports (``candidates``, with their import aliases) and the
    re-exports it keeps (``kept``, with the reason). ``suppressed``: a
    ``# compatlint: ignore[CL108]`` keeps a name (or the whole shim), so the shim stays.
    ``file`` and ``aliases`` are the shim's tree and its candidates' import aliases (None
    and empty for facts read back from a cache: :func:`shim_without` parses then).
    ``acts``: the first line where importing the shim does work others may see (a patch
    call, a store into an upstream object; see
    :func:`~compatlint.analysis.shim.acts_at_import`), None if it does none."""

    path: str
    module: str
    text: str
    candidates: dict[str, ReExport] = field(default_factory=dict)
    aliases: dict[str, cst.ImportAlias] = field(default_factory=dict)
    kept: dict[str, KeptName] = field(default_factory=dict)
    file: ResolvedFile | None = None
    suppressed: bool = False
    acts: int | None = None  # the first line where importing the shim does work (see below)


def parse(text: str, path: str) -> cst.Module:
    import libcst as cst

    try:
        return cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        raise SourceError(f"cannot parse: {exc.message}", path or None, exc.raw_line) from None


def shim_facts(
    config: Config, path: str, text: str, shim_module: str, *, quick: bool = True
) -> ShimFacts:
    """The shim's re-export sites, split into trivial candidates and kept names.

    Decided from the ``ast`` when every re-export is certainly trivial there (see
    :mod:`~compatlint.codemods.inline.quick_exports`; ``quick=False`` never does), else
    by libcst's scopes; the facts are the same either way."""
    model = shim_model(config, path, text, grammar_for(config))
    tree = parse_python(text, path)
    facts = ShimFacts(path, shim_module, text, acts=acts_at_import(tree))
    lines = {site.line for site in model.sites if site.kind is SiteKind.RE_EXPORT}
    if not lines:
        return facts
    upstream_roots = {root_of(upstream) for upstream in config.upstreams}
    suppressed = suppressed_lines(text)

    def kept_by_comment(*lines: int) -> bool:
        """``check`` reports CL108 on line 1: a suppression there keeps the whole shim;
        one on a re-export's line keeps that name."""
        return any(
            suppresses(suppressed.get(line, frozenset()), _TRIVIAL_RULE) for line in (1, *lines)
        )

    found = quick_re_exports(tree, text, lines, upstream_roots) if quick else None
    if found is not None:
        for export, reason in found:
            if kept_by_comment(export.statement_line, export.line):
                facts.suppressed = True
                reason = reason or _SUPPRESSED
            if reason is not None:
                facts.kept[export.name] = KeptName(path, export.line, export.name, reason)
                continue
            facts.candidates[export.name] = ReExport(
                export.name, export.module, export.original, export.line
            )
        return facts
    import libcst as cst
    from libcst.helpers import get_full_name_for_node
    from libcst.metadata import MetadataWrapper

    from compatlint.names.uses import ResolvedFile

    file = ResolvedFile(MetadataWrapper(parse(text, path)), None)
    facts.file = file
    for statement in file.module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        if file.line_of(statement) not in lines:
            continue
        for small in statement.body:
            if not isinstance(small, cst.ImportFrom) or isinstance(small.names, cst.ImportStar):
                continue
            if small.relative or small.module is None:
                continue
            module = get_full_name_for_node(small.module) or ""
            if root_of(module) not in upstream_roots:
                continue
            for alias in small.names:
                original = get_full_name_for_node(alias.name) or ""
                bound = alias.evaluated_alias or original
                where = file.line_of(alias)
                reason = _shim_use(file, bound, small)
                if kept_by_comment(file.line_of(statement), where):
                    facts.suppressed = True
                    reason = reason or _SUPPRESSED
                if reason is not None:
                    facts.kept[bound] = KeptName(path, where, bound, reason)
                    continue
                facts.candidates[bound] = ReExport(bound, module, original, where)
                facts.aliases[bound] = alias
    return facts


def facts_inputs(config: Config) -> str:
    """What of ``config`` the facts of a shim depend on besides its text (the upstreams and
    the tracks its tags may name), in a stable spelling: part of their cache key."""
    return json.dumps([list(config.upstreams), sorted(config.floors.tracks)])


def encode_shim_facts(facts: ShimFacts) -> list[Any]:
    """``facts`` as plain lists (:func:`decode_shim_facts` reads them back)."""
    candidates = [[e.name, e.module, e.original, e.line] for e in facts.candidates.values()]
    kept = [[k.shim, k.line, k.name, k.reason] for k in facts.kept.values()]
    return [candidates, kept, facts.suppressed, facts.acts]


def decode_shim_facts(path: str, module: str, text: str, encoded: list[Any]) -> ShimFacts:
    """The facts :func:`encode_shim_facts` wrote, of the shim ``path`` holding ``text``."""
    candidates, kept, suppressed, acts = encoded
    if acts is not None and not isinstance(acts, int):
        raise TypeError("not a line")
    facts = ShimFacts(path, module, text, suppressed=bool(suppressed), acts=acts)
    for name, source, original, line in candidates:
        facts.candidates[name] = ReExport(name, source, original, line)
    for shim, line, name, reason in kept:
        facts.kept[name] = KeptName(shim, line, name, reason)
    return facts


def _shim_use(file: ResolvedFile, bound: str, node: cst.ImportFrom) -> str | None:
    """Why the shim's ``bound`` is not a trivial re-export, or None if it is one."""
    from compatlint.names.uses import bindings_of

    scope = file.scopes.get(node)
    bindings = [binding for binding in bindings_of(file, bound) if binding.scope is scope]
    if len(bindings) != 1 or bindings[0].node is not node:
        return "bound more than once in the shim"
    if bindings[0].references:
        return f"used by the shim itself (line {bindings[0].references[0]})"
    return None


def shim_without(facts: ShimFacts, names: Collection[str]) -> str:
    """The shim text without the imports of ``names`` (and their ``__all__`` entries)."""
    if not names:
        return facts.text
    cut = plain_shim_without(facts.text, names) if PLAIN_CUT else None
    if cut is not None:
        return cut
    from compatlint.codemods.blocks import BlockEditor, EditActions
    from compatlint.codemods.inline.exports import DropExports

    if facts.file is not None:
        module, aliases = facts.file.module, facts.aliases
    else:  # decided from the ast, or read back from a cache: parsed now, no metadata
        module = parse(facts.text, facts.path)
        aliases = _import_aliases(module, names)
    actions = EditActions()
    for name in names:
        actions.remove_aliases.add(aliases[name])
    edited = module.visit(BlockEditor(actions))
    return edited.visit(DropExports(set(names))).code


def _import_aliases(module: cst.Module, names: Collection[str]) -> dict[str, cst.ImportAlias]:
    """The alias of each of ``names`` in the top-level from-imports of ``module``. Each is
    a trivial re-export, so bound exactly once in the module's scope: by that alias."""
    import libcst as cst
    from libcst.helpers import get_full_name_for_node

    found: dict[str, list[cst.ImportAlias]] = {name: [] for name in names}
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not isinstance(small, cst.ImportFrom) or isinstance(small.names, cst.ImportStar):
                continue
            for alias in small.names:
                bound = alias.evaluated_alias or get_full_name_for_node(alias.name) or ""
                if bound in found:
                    found[bound].append(alias)
    if any(len(aliases) != 1 for aliases in found.values()):  # pragma: no cover - a bug
        raise AssertionError(f"not one import each: {sorted(found)}")
    return {name: aliases[0] for name, aliases in found.items()}
