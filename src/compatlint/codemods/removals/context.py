"""What every removal function works with: the context of one prune pass and its actions.

A removal function receives the :class:`RemovalContext` (the concrete tree, its positions
and the actions collected so far) and one expired site; it records what must happen to
the site's nodes and never edits a tree itself. A function that meets a shape it cannot
prune safely raises :class:`Unhandled`; the site is then left alone and listed as manual
work.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import Scope, ScopeProvider
from packaging.version import InvalidVersion, Version

from compatlint.codemods.blocks import EditActions
from compatlint.codemods.locate import NodeIndex
from compatlint.model import Site
from compatlint.versions import Floors, release_of

EXCEPT_STAR = "prune does not rewrite try/except* (an except* clause)"
_VERSION_IN_COMMENT = re.compile(r"(?<![\w.])[vV]?(\d+(?:\.\d+)+)(?![\w])")


class Unhandled(Exception):
    """A site whose shape prune does not rewrite; it is reported, never guessed at."""


@dataclass(frozen=True)
class Promotion:
    """A temporary try: the handler whose body replaces the try, minus its guard lines."""

    handler: cst.ExceptHandler
    skip: int


@dataclass
class PruneActions(EditActions):
    """Everything one prune pass will do to one shim, keyed by its original nodes."""

    remove_handlers: set[cst.CSTNode] = field(default_factory=set)
    promote: dict[cst.CSTNode, Promotion] = field(default_factory=dict)
    drop_branch: set[cst.CSTNode] = field(default_factory=set)
    keep_branch: set[cst.CSTNode] = field(default_factory=set)
    sentinel_names: set[cst.CSTNode] = field(default_factory=set)

    def is_empty(self) -> bool:
        return super().is_empty() and not (
            self.remove_handlers
            or self.promote
            or self.drop_branch
            or self.keep_branch
            or self.sentinel_names
        )


@dataclass(frozen=True)
class DefinitionDecision:
    """Whether a tagged definition may go, and the bare calls of it in the shim."""

    blocked: str | None
    bare_calls: tuple[cst.CSTNode, ...] = ()
    call_site_note: str = ""


#: What a removal returns: the description of what it did (a callable when that is known
#: only once the whole pass is planned).
Action = str | Callable[[], str]
Removal = Callable[["RemovalContext", Site], Action]


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
    #: the shim's names code elsewhere may set, with why ("*": every name)
    stored_outside: Mapping[str, str] = field(default_factory=dict)
    _drops: dict[cst.CSTNode, int] = field(default_factory=dict)
    _tries: dict[cst.Try, Site] = field(default_factory=dict)
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
                self._drops[node] = self.index.line_of(node)

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
            self._drops.update((line, self.index.line_of(line)) for line in run)

    def note_try(self, node: cst.Try, site: Site) -> None:
        self._tries.setdefault(node, site)

    def protect(self, site: Site) -> None:
        """Keep ``site``'s tag comment wherever another removal would drop it."""
        self.protected_lines.update(_comment_tag_lines(site))

    def finalize(self) -> None:
        """Decide what happens to the comments above tries that lost handlers, and which
        comment lines go: never the tag of a site that stays."""
        for node, site in self._tries.items():
            removed = [h for h in node.handlers if h in self.actions.remove_handlers]
            unwrapped = len(removed) == len(node.handlers) and node.finalbody is None
            self.drop_leading(node.leading_lines, site, paragraph=unwrapped)
        self.actions.drop_comments.update(
            node for node, line in self._drops.items() if line not in self.protected_lines
        )

    def unwrapped(self, node: cst.Try) -> bool:
        return (
            all(h in self.actions.remove_handlers for h in node.handlers) and node.finalbody is None
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
