"""One removal function per site kind, found through a registry.

Each function receives the :class:`RemovalContext` (the concrete tree, its positions and
the actions collected so far) and one expired site. It finds the site's nodes by position
and records what must happen to them; it never edits a tree itself. The transformer in
:mod:`compatlint.codemods.prune` then applies all recorded actions in one walk. A function
that meets a shape it cannot prune safely raises :class:`Unhandled`; the site is then left
alone and listed as manual work.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import libcst as cst
import libcst.matchers as m
from libcst.metadata import GlobalScope, Scope, ScopeProvider
from packaging.version import InvalidVersion, Version

from compatlint.codemods.blocks import EditActions
from compatlint.codemods.locate import NodeIndex
from compatlint.model import Site, SiteKind
from compatlint.sitekinds import REMOVAL_ORDER
from compatlint.versions import Floors, release_of

_EXCEPT_STAR = "prune does not rewrite try/except* (an except* clause)"
_VERSION_IN_COMMENT = re.compile(r"(?<![\w.])[vV]?(\d+(?:\.\d+)+)(?![\w])")


class Unhandled(Exception):
    """A site whose shape prune does not rewrite; it is reported, never guessed at."""


@dataclass(frozen=True)
class Promotion:
    """A temporary try: the handler whose body replaces the try, minus its guard lines."""

    handler: int
    skip: int


@dataclass
class PruneActions(EditActions):
    """Everything one prune pass will do to one shim, keyed by original node ids."""

    remove_handlers: set[int] = field(default_factory=set)
    promote: dict[int, Promotion] = field(default_factory=dict)
    drop_branch: set[int] = field(default_factory=set)
    sentinel_names: set[int] = field(default_factory=set)

    def is_empty(self) -> bool:
        return super().is_empty() and not (
            self.remove_handlers or self.promote or self.drop_branch or self.sentinel_names
        )


@dataclass(frozen=True)
class DefinitionDecision:
    """Whether a tagged definition may go, and the bare calls of it in the shim."""

    blocked: str | None
    bare_calls: tuple[cst.CSTNode, ...] = ()
    call_site_note: str = ""


Action = str | Callable[[], str]


@dataclass
class RemovalContext:
    """The concrete tree of one shim pass and the actions recorded on it."""

    index: NodeIndex
    floors: Floors
    primary: str
    actions: PruneActions = field(default_factory=PruneActions)
    expired_handlers: set[tuple[int, int]] = field(default_factory=set)
    removed_handler_lines: set[int] = field(default_factory=set)
    definitions: dict[str, DefinitionDecision] = field(default_factory=dict)
    protected_lines: set[int] = field(default_factory=set)
    notes: list[tuple[Site, str]] = field(default_factory=list)
    _drops: dict[int, int] = field(default_factory=dict)
    _tries: dict[int, tuple[cst.Try, Site]] = field(default_factory=dict)
    _scopes: Mapping[cst.CSTNode, Scope | None] | None = None

    # -- helpers ------------------------------------------------------------------------

    def scopes(self) -> Mapping[cst.CSTNode, Scope | None]:
        """libcst scope analysis of the shim, resolved on first use."""
        if self._scopes is None:
            self._scopes = dict(self.index.wrapper.resolve(ScopeProvider))
        return self._scopes

    def floor_of(self, site: Site) -> Version | None:
        tag = site.tag
        if tag is None:
            return None
        return self.floors.governing(tag, site.upstream, self.primary)

    def find(self, site: Site, *types: type[cst.CSTNode]) -> cst.CSTNode:
        node = self.index.at(site.line, site.column, *types)
        if node is None:
            raise Unhandled("its code could not be located")
        return node

    def drop_tag_comments(self, nodes: Iterable[cst.CSTNode], site: Site) -> None:
        """Drop the comment lines among ``nodes`` that hold ``site``'s tag."""
        tag_lines = _comment_tag_lines(site)
        for node in nodes:
            if _comment_of(node) is not None and self.index.line_of(node) in tag_lines:
                self._drops[id(node)] = self.index.line_of(node)

    def drop_leading(self, lines: Sequence[cst.EmptyLine], site: Site, *, paragraph: bool) -> None:
        """Drop ``site``'s tag among ``lines`` (the lines above a statement or clause) and,
        with ``paragraph``, the comment lines directly above that name only versions at or
        below the site's floor: they describe nothing but the removed fallback."""
        self.drop_tag_comments(lines, site)
        if not paragraph:
            return
        floor = self.floor_of(site)
        if floor is None:
            return
        tag_lines = _comment_tag_lines(site)
        run: list[cst.EmptyLine] = []
        for line in reversed(lines):
            if line.comment is None:
                break
            if self.index.line_of(line) not in tag_lines:
                run.append(line)
        if any(self.index.line_of(line) in self.protected_lines for line in run):
            return
        if run and _only_old_versions([line.comment.value for line in run], floor):  # type: ignore[union-attr]
            self._drops.update((id(line), self.index.line_of(line)) for line in run)

    def note_try(self, node: cst.Try, site: Site) -> None:
        self._tries.setdefault(id(node), (node, site))

    def protect(self, site: Site) -> None:
        """Keep ``site``'s tag comment wherever another removal would drop it."""
        self.protected_lines.update(_comment_tag_lines(site))

    def finalize(self) -> None:
        """Decide what happens to the comments above tries that lost handlers, and which
        comment lines go: never the tag of a site that stays."""
        for node, site in self._tries.values():
            removed = [h for h in node.handlers if id(h) in self.actions.remove_handlers]
            unwrapped = len(removed) == len(node.handlers) and node.finalbody is None
            self.drop_leading(node.leading_lines, site, paragraph=unwrapped)
        self.actions.drop_comments.update(
            node for node, line in self._drops.items() if line not in self.protected_lines
        )

    def unwrapped(self, node: cst.Try) -> bool:
        return (
            all(id(h) in self.actions.remove_handlers for h in node.handlers)
            and node.finalbody is None
        )


def _comment_of(node: cst.CSTNode) -> cst.Comment | None:
    if isinstance(node, (cst.EmptyLine, cst.TrailingWhitespace)):
        return node.comment
    return None


def _comment_tag_lines(site: Site) -> set[int]:
    tag = site.tag
    if tag is None or not tag.raw.lstrip().startswith("#"):
        return set()
    return set(range(tag.line, tag.end_line + 1))


def _only_old_versions(comments: Sequence[str], floor: Version) -> bool:
    versions = []
    for comment in comments:
        for match in _VERSION_IN_COMMENT.finditer(comment):
            try:
                versions.append(release_of(Version(match.group(1))))
            except InvalidVersion:  # pragma: no cover - the pattern admits digits and dots
                return False
    return bool(versions) and all(version <= release_of(floor) for version in versions)


# -- the registry -------------------------------------------------------------------------

Removal = Callable[[RemovalContext, Site], Action]
REMOVALS: dict[SiteKind, Removal] = {}

#: The order sites are handled in: a branch before what lives inside it.
ORDER = REMOVAL_ORDER


def removal(kind: SiteKind) -> Callable[[Removal], Removal]:
    """Register the removal function of one site kind."""

    def register(function: Removal) -> Removal:
        REMOVALS[kind] = function
        return function

    return register


@removal(SiteKind.IMPORT_FALLBACK)
def remove_import_fallback(ctx: RemovalContext, site: Site) -> Action:
    """``try: <new> except ImportError: <old>`` → the handler goes; a try left without
    handlers (and without ``finally``) becomes its body, then its ``else`` body."""
    handler = ctx.find(site, cst.ExceptHandler, cst.ExceptStarHandler)
    if isinstance(handler, cst.ExceptStarHandler):
        raise Unhandled(_EXCEPT_STAR)
    node = ctx.index.parent(handler)
    if not isinstance(node, cst.Try):
        raise Unhandled("the except clause is not part of a plain try")
    ctx.actions.remove_handlers.add(id(handler))
    ctx.removed_handler_lines.add(site.line)
    ctx.drop_leading(handler.leading_lines, site, paragraph=True)
    ctx.note_try(node, site)

    def describe() -> str:
        if ctx.unwrapped(node):
            return "except branch removed, try unwrapped"
        if node.finalbody is not None and not any(
            id(h) not in ctx.actions.remove_handlers for h in node.handlers
        ):
            return "except branch removed, try kept for its finally"
        return "except branch removed"

    return describe


_GUARD = m.If(
    test=m.Comparison(
        left=m.Attribute(attr=m.Name("name")),
        comparisons=[m.ComparisonTarget(operator=m.NotEqual() | m.NotIn() | m.IsNot())],
    ),
    body=m.IndentedBlock(body=[m.SimpleStatementLine(body=[m.Raise(exc=None)])])
    | m.SimpleStatementSuite(body=[m.Raise(exc=None)]),
    orelse=None,
)


@removal(SiteKind.TEMPORARY_TRY)
def remove_temporary_try(ctx: RemovalContext, site: Site) -> Action:
    """The tag leads the try body: the body goes and the handler's body takes its place."""
    node = ctx.find(site, cst.Try, cst.TryStar)
    if isinstance(node, cst.TryStar):
        raise Unhandled(_EXCEPT_STAR)
    assert isinstance(node, cst.Try)
    if len(node.handlers) != 1:
        raise Unhandled(f"a temporary try with {len(node.handlers)} except clauses")
    handler = node.handlers[0]
    handler_pos = ctx.index.positions[handler].start
    if (handler_pos.line, handler_pos.column + 1) in ctx.expired_handlers:
        raise Unhandled("both the try body and its except branch are tagged as expired")
    if node.orelse is not None:
        raise Unhandled("a temporary try with an else clause")
    body = handler.body
    statements = list(body.body) if isinstance(body, cst.IndentedBlock) else [body]
    skip = 0
    name = handler.name.name if handler.name is not None else None
    if isinstance(name, cst.Name):
        while skip < len(statements) and m.matches(statements[skip], _GUARD):
            skip += 1
        rest = statements[skip:]
        if any(m.findall(statement, m.Name(name.value)) for statement in rest):
            raise Unhandled(f"the except body uses the exception {name.value!r}")
    if skip == len(statements):
        raise Unhandled("the except body holds nothing but its guard")
    ctx.actions.promote[id(node)] = Promotion(id(handler), skip)
    if isinstance(node.body, cst.IndentedBlock):
        ctx.drop_tag_comments([node.body.header], site)
    ctx.drop_leading(node.leading_lines, site, paragraph=True)
    ctx.drop_leading(handler.leading_lines, site, paragraph=True)
    return "try body removed; except body promoted in its place"


@removal(SiteKind.POLYFILL)
def remove_polyfill(ctx: RemovalContext, site: Site) -> Action:
    """A class/def in an except branch goes with the branch."""
    if site.parent_line not in ctx.removed_handler_lines:
        raise Unhandled("its except branch stays")
    return "removed with its except branch"


@removal(SiteKind.SENTINEL)
def remove_sentinel(ctx: RemovalContext, site: Site) -> Action:
    """``X = None`` in a removed branch: X is now always bound, so tests of X fold."""
    if site.parent_line not in ctx.removed_handler_lines:
        raise Unhandled("its except branch stays")
    names = ", ".join(site.names)
    assign = ctx.find(site, cst.Assign)
    scope = ctx.scopes().get(assign)
    try_node = _enclosing_try(ctx.index, assign)
    if not isinstance(scope, GlobalScope) or try_node is None:
        ctx.notes.append((site, f"tests of {names} against None not folded (not module level)"))
        return "removed with its except branch"
    span = ctx.index.positions[try_node]
    accesses: list[cst.CSTNode] = []
    for name in site.names:
        assignments = list(scope.assignments[name])
        for assignment in assignments:
            where = ctx.index.positions.get(assignment.node)
            if where is None or not (span.start.line <= where.start.line <= span.end.line):
                reason = f"tests of {name} against None not folded: it is also assigned elsewhere"
                ctx.notes.append((site, reason))
                return "removed with its except branch"
        accesses += [access.node for a in assignments for access in a.references]
    ctx.actions.sentinel_names.update(id(node) for node in accesses)
    return f"removed with its except branch; tests of {names} against None folded"


def _enclosing_try(index: NodeIndex, node: cst.CSTNode) -> cst.Try | None:
    current = index.parent(node)
    while current is not None and not isinstance(current, cst.Try):
        current = index.parent(current)
    return current


@removal(SiteKind.PROBE_BRANCH)
def remove_probe_branch(ctx: RemovalContext, site: Site) -> Action:
    """A tagged statement goes; an ``if`` whose first branch carries the tag loses that
    branch (its ``elif`` / ``else`` takes over); a tagged ``elif`` branch goes."""
    node = ctx.find(site, cst.BaseCompoundStatement, cst.BaseSmallStatement)
    tag = site.tag
    inside = tag is not None and tag.line >= ctx.index.line_of(node)
    parent = ctx.index.parent(node)
    is_elif = isinstance(node, cst.If) and isinstance(parent, cst.If) and parent.orelse is node
    if isinstance(node, cst.If) and (inside or is_elif):
        ctx.actions.drop_branch.add(id(node))
        ctx.drop_leading(node.leading_lines, site, paragraph=is_elif)
        if is_elif:
            return "elif branch removed"
        if node.orelse is None:
            return "if statement removed"
        kind = "elif" if isinstance(node.orelse, cst.If) else "else"
        return f"first branch removed; its {kind} promoted"
    if isinstance(node, cst.BaseSmallStatement):
        line = ctx.index.line_statement(node)
        ctx.actions.remove.add(id(node))
        if isinstance(line, cst.SimpleStatementLine):
            ctx.drop_leading(line.leading_lines, site, paragraph=True)
            ctx.drop_tag_comments([line.trailing_whitespace], site)
        return "statement removed"
    ctx.actions.remove.add(id(node))
    ctx.drop_leading(node.leading_lines, site, paragraph=True)
    return "statement removed"


@removal(SiteKind.PROBE_PATH)
def remove_probe_path(ctx: RemovalContext, site: Site) -> Action:
    """A tagged module path in a tuple/list/set of paths goes, with its tag line."""
    value = ctx.find(site, cst.SimpleString, cst.ConcatenatedString)
    element = ctx.index.parent(value)
    if not isinstance(element, cst.Element):
        raise Unhandled("the path is not an element of a literal")
    container = ctx.index.parent(element)
    ctx.actions.remove_elements.add(id(element))
    if container is not None:
        lines = m.findall(container, m.EmptyLine() | m.TrailingWhitespace())
        ctx.drop_tag_comments(lines, site)
        statement = ctx.index.line_statement_of(container)
        if statement is not None:  # a one-line literal: the tag trails the statement
            ctx.drop_tag_comments([statement.trailing_whitespace], site)
    return "module path removed"


@removal(SiteKind.TAGGED_DEFINITION)
def remove_tagged_definition(ctx: RemovalContext, site: Site) -> Action:
    """A def/class whose tag says *it* goes: removed with its bare calls in the shim; its
    ``__all__`` entry and the calls at call sites go in later steps."""
    node = ctx.find(site, cst.FunctionDef, cst.ClassDef)
    if not isinstance(ctx.index.parent(node), cst.Module):
        raise Unhandled("only module-level definitions are removed")
    name = site.names[0]
    decision = ctx.definitions.get(name)
    if decision is None:
        raise Unhandled("its uses were not analysed")
    if decision.blocked:
        raise Unhandled(decision.blocked)
    ctx.actions.remove.add(id(node))
    ctx.drop_leading(node.leading_lines, site, paragraph=True)
    for call in decision.bare_calls:
        ctx.actions.remove.add(id(call))
    calls = len(decision.bare_calls)
    shim_note = (
        f"; {calls} bare call{'s' if calls != 1 else ''} in the shim removed" if calls else ""
    )
    return f"definition removed{shim_note}{decision.call_site_note}"
