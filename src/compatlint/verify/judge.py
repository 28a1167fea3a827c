"""The evidence resolved per version, and what it means for a fallback and its tag (pure).

:func:`build_matrix` resolves every path of the :class:`~compatlint.verify.evidence.Evidence`
in every given upstream version. :class:`VerifyContext` is what the CL3xx rules read: the
project, the evidence, the matrix, and helpers for the questions they ask — which given
versions are inside a site's support window, is a fallback's preferred path present in a
version, does a tag say a version still needs the fallback, and which tag would the
evidence support.

The CL3xx rules subclass :class:`VerifyRule`. They are not part of ``check``'s registry:
they need the upstream's files, so their ``check`` finds nothing and ``verify`` calls
their :meth:`VerifyRule.findings` instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from packaging.version import Version

from compatlint.analysis.project import ProjectFacts
from compatlint.model import CoverOp, Diagnostic, Site, Tag
from compatlint.rules.base import Rule
from compatlint.sitekinds import KINDS
from compatlint.verify.evidence import Evidence, Fallback, ImportPath
from compatlint.verify.probe_evidence import ProbeMatrix
from compatlint.verify.resolve import (
    Presence,
    Resolution,
    all_of,
    any_of,
    dotted_exists,
    module_exists,
    name_exists,
)
from compatlint.verify.sources import UpstreamTree

__all__ = [
    "Finding",
    "Matrix",
    "SuggestedTag",
    "VerifyCase",
    "VerifyContext",
    "VerifyRule",
    "build_matrix",
    "fallback_kind",
    "resolve_path",
    "tag_needs_fallback",
    "versions_text",
]


@dataclass(frozen=True)
class Matrix:
    """``cells[row][column]``: the resolution of evidence row ``row`` in ``versions[column]``."""

    versions: tuple[Version, ...]
    cells: tuple[tuple[Resolution, ...], ...]


def resolve_path(tree: UpstreamTree, row: ImportPath) -> Resolution:
    """Whether ``row`` exists in ``tree``."""
    if row.name is not None:
        return name_exists(tree, row.module, row.name)
    if row.dotted:
        return dotted_exists(tree, row.module)
    return module_exists(tree, row.module)


def build_matrix(evidence: Evidence, trees: Sequence[UpstreamTree]) -> Matrix:
    """Resolve every row in every tree; columns are in ascending version order."""
    ordered = sorted(trees, key=lambda tree: tree.version)
    cells = tuple(tuple(resolve_path(tree, row) for tree in ordered) for row in evidence.rows)
    return Matrix(tuple(tree.version for tree in ordered), cells)


@dataclass(frozen=True)
class SuggestedTag:
    """The tag the evidence supports: the newest version without the new path (``covers``)
    and the oldest one with it (``removal``)."""

    upstream: str
    covers: Version
    removal: Version

    @property
    def text(self) -> str:
        return (
            f"Fallback for {self.upstream} <= {self.covers}. "
            f"Remove when min supported version is {self.removal}+"
        )

    @property
    def comment(self) -> str:
        return f"# {self.text}"


@dataclass(frozen=True)
class Finding:
    """A diagnostic of a CL3xx rule and the evidence rows it is about."""

    diagnostic: Diagnostic
    rows: tuple[int, ...] = ()


def tag_needs_fallback(tag: Tag, version: Version) -> bool | None:
    """Whether ``tag`` says ``version`` still needs the fallback (None: it does not say).

    A removal version R says versions below R need it and R and later do not. Without
    one, a covered version C says C and older need it (``< C``: older than C only) and
    later ones do not.
    """
    if tag.is_vague:
        return None
    if tag.removal is not None:
        return version < tag.removal
    if tag.covers is not None:
        if tag.covers_op is CoverOp.LT:
            return version < tag.covers
        return version <= tag.covers
    return None


@dataclass(frozen=True)
class VerifyContext:
    """Everything a CL3xx rule reads."""

    project: ProjectFacts
    evidence: Evidence
    matrix: Matrix
    #: The shim's API probes answered per version (same columns as ``matrix``).
    probes: ProbeMatrix = field(default_factory=ProbeMatrix)

    @property
    def versions(self) -> tuple[Version, ...]:
        return self.matrix.versions

    @property
    def upstream(self) -> str:
        return self.project.config.primary

    def row(self, index: int) -> ImportPath:
        return self.evidence.rows[index]

    def cells(self, index: int) -> tuple[Resolution, ...]:
        return self.matrix.cells[index]

    def floor(self) -> Version | None:
        """The floor of the default track of the primary upstream."""
        return self.project.config.floors.governing(None, None, self.upstream)

    def window(self) -> tuple[int, ...]:
        """Columns of the given versions at or above the floor (all of them without a floor)."""
        floor = self.floor()
        return tuple(
            column
            for column, version in enumerate(self.versions)
            if floor is None or version >= floor
        )

    def judged(self, site: Site) -> bool:
        """Whether the given versions can judge ``site``: a tag on a separately pinned
        track, or one that names another upstream, is about builds that were not given."""
        tag = site.tag
        if tag is None:
            return True
        if tag.track is not None:
            return False
        return tag.upstream is None or tag.upstream.split(".")[0] == self.evidence.package

    def preferred(self, fallback: Fallback) -> tuple[Resolution, ...]:
        """Per version: does a path preferred over ``fallback`` exist (so it is not taken)?"""
        return tuple(
            any_of(
                all_of(self.matrix.cells[index][column] for index in group)
                for group in fallback.preferred
            )
            for column in range(len(self.versions))
        )

    def preferred_text(self, fallback: Fallback) -> str:
        rows = [self.row(i) for i in fallback.preferred_rows]
        if not rows:
            return "no preferred path"
        more = f" (and {len(rows) - 1} more)" if len(rows) > 1 else ""
        return f"{rows[-1].target}{more}"

    def supported_tag(self, fallback: Fallback) -> tuple[SuggestedTag | None, str]:
        """The tag the evidence supports, or None and why there is none.

        It exists when the preferred path is absent in the oldest given versions and
        present in all the newer ones, with nothing unknown.
        """
        presence = [r.presence for r in self.preferred(fallback)]
        versions = self.versions
        if Presence.UNKNOWN in presence:
            column = presence.index(Presence.UNKNOWN)
            return None, f"the preferred path is unknown in {versions[column]}"
        if Presence.ABSENT not in presence:
            return None, "the preferred path is present in every given version"
        if Presence.PRESENT not in presence:
            return None, "the preferred path is absent in every given version"
        first_present = presence.index(Presence.PRESENT)
        if Presence.ABSENT in presence[first_present:]:
            return None, "the preferred path comes and goes across the given versions"
        return (
            SuggestedTag(self.upstream, versions[first_present - 1], versions[first_present]),
            "",
        )


@dataclass(frozen=True)
class VerifyCase:
    """A rule example with fake upstream versions, run by ``tests/verify``.

    ``upstreams`` maps a version to the files of that version
    (``{"sglang/srt/a.py": "X = 1"}``); the package's ``__init__.py`` files are added
    when missing. ``config`` overrides keys of the test project's ``[tool.compatlint]``
    table (floor 0.5.10 by default); ``lines`` are the lines an invalid case must flag.
    """

    code: str
    upstreams: Mapping[str, Mapping[str, str]]
    path: str = "pkg/_compat.py"
    files: Mapping[str, str] = field(default_factory=dict)
    config: Mapping[str, Any] = field(default_factory=dict)
    lines: tuple[int, ...] = ()


class VerifyRule(Rule):
    """A rule judged against the upstream's files by ``compatlint verify``.

    Subclasses implement :meth:`findings`; their examples are ``VERIFY_VALID`` and
    ``VERIFY_INVALID`` (:class:`VerifyCase`), since the generic ``Case`` has no upstream.
    """

    VERIFY_VALID: ClassVar[tuple[VerifyCase, ...]] = ()
    VERIFY_INVALID: ClassVar[tuple[VerifyCase, ...]] = ()

    def check(self, project: ProjectFacts) -> Iterator[Diagnostic]:
        """Nothing: without upstream files there is no evidence (``verify`` runs these)."""
        return iter(())

    def findings(self, context: VerifyContext) -> Iterator[Finding]:
        """Every finding of this rule in ``context`` (suppressions are applied later)."""
        raise NotImplementedError

    def finding(
        self, where: Site | ImportPath, message: str, rows: Sequence[int], *, tag: Tag | None = None
    ) -> Finding:
        """A finding at ``where`` (a site or an import path) about evidence ``rows``."""
        return Finding(self.report(where.path, where, message, tag=tag), tuple(rows))


def versions_text(versions: Sequence[Version]) -> str:
    """``0.5.10, 0.5.11``."""
    return ", ".join(str(v) for v in versions)


def fallback_kind(site: Site) -> str:
    """How a message names the fallback: ``fallback`` or ``probe path``."""
    return KINDS[site.kind].label
