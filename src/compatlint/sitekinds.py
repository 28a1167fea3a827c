"""What compatlint knows about each kind of site, in one table (:data:`KINDS`).

Adding a site kind is a member of :class:`~compatlint.model.SiteKind`, one row here and
one removal function (with its cases) in :mod:`compatlint.codemods.removals`; a test
holds the three together. The fate of a site at given floors is computed here too, so
that the codemods and the reports ask the same place.
"""

from __future__ import annotations

from dataclasses import dataclass

from compatlint.model import Fate, Site, SiteKind
from compatlint.versions import Floors


@dataclass(frozen=True)
class KindInfo:
    """The facts about one site kind that rules, reports and codemods read.

    ``label`` is how a message names such a site. ``needs_tag``: the policy asks for a tag
    of its own (CL101 when it has none, CL102 reports it when expired); a polyfill or a
    sentinel shares its handler's tag and goes with it, and a re-export needs none.
    ``removal_order`` places it among the removals of one prune pass (a branch before what
    lives inside it); None means it is permanent: never judged against a floor, never
    removed.
    """

    label: str
    needs_tag: bool
    removal_order: int | None

    @property
    def permanent(self) -> bool:
        return self.removal_order is None


KINDS: dict[SiteKind, KindInfo] = {
    SiteKind.IMPORT_FALLBACK: KindInfo("fallback", needs_tag=True, removal_order=0),
    SiteKind.TEMPORARY_TRY: KindInfo("temporary try", needs_tag=True, removal_order=1),
    SiteKind.POLYFILL: KindInfo("polyfill", needs_tag=False, removal_order=2),
    SiteKind.SENTINEL: KindInfo("sentinel", needs_tag=False, removal_order=3),
    SiteKind.PROBE_BRANCH: KindInfo("probe", needs_tag=True, removal_order=4),
    SiteKind.PROBE_PATH: KindInfo("probe path", needs_tag=True, removal_order=5),
    SiteKind.TAGGED_DEFINITION: KindInfo("tagged definition", needs_tag=True, removal_order=6),
    SiteKind.RE_EXPORT: KindInfo("re-export", needs_tag=False, removal_order=None),
}

#: The kind prune's report gives a folded (or listed) version gate. Not a shim site: a
#: gate is found in any module and decided by arithmetic over the floors, not by a tag
#: (:mod:`compatlint.codemods.gate_folds`).
VERSION_GATE = "version-gate"

#: The kinds prune can remove, in the order it handles them.
REMOVAL_ORDER: tuple[SiteKind, ...] = tuple(
    sorted(
        (kind for kind, info in KINDS.items() if info.removal_order is not None),
        key=lambda kind: KINDS[kind].removal_order or 0,
    )
)


def needs_tag(site: Site) -> bool:
    """Whether the policy requires ``site`` to carry a tag of its own."""
    return KINDS[site.kind].needs_tag


def site_fate(site: Site, floors: Floors, primary: str) -> Fate:
    """What the floors mean for ``site`` (a permanent kind is never judged against them)."""
    if KINDS[site.kind].permanent:
        return Fate.PERMANENT
    return floors.fate(site.tag, site.upstream, primary)


__all__ = ["KINDS", "REMOVAL_ORDER", "VERSION_GATE", "KindInfo", "needs_tag", "site_fate"]
