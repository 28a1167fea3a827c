"""The site-kind table: every kind has a row and (unless permanent) a removal function,
and every reader of per-kind facts agrees with it."""

from __future__ import annotations

import pytest

from compatlint.codemods.removals import ORDER, REMOVALS
from compatlint.model import Fate, Site, SiteKind, Tag
from compatlint.report.verify import short_tag
from compatlint.sitekinds import KINDS, REMOVAL_ORDER, needs_tag, site_fate
from compatlint.versions import Floors, parse_version


def _site(kind: SiteKind, tag: Tag | None = None) -> Site:
    return Site(
        kind=kind, path="pkg/_compat.py", line=1, column=1, end_line=1, end_column=1, tag=tag
    )


def test_every_kind_has_a_row() -> None:
    assert set(KINDS) == set(SiteKind)


def test_every_removable_kind_has_a_removal_function_and_only_those() -> None:
    removable = {kind for kind, info in KINDS.items() if not info.permanent}
    assert set(REMOVALS) == removable
    assert set(ORDER) == removable
    assert ORDER == REMOVAL_ORDER


def test_removal_order_is_a_branch_before_what_lives_inside_it() -> None:
    orders = [info.removal_order for info in KINDS.values() if info.removal_order is not None]
    assert len(set(orders)) == len(orders)
    assert ORDER.index(SiteKind.IMPORT_FALLBACK) < ORDER.index(SiteKind.POLYFILL)
    assert ORDER.index(SiteKind.IMPORT_FALLBACK) < ORDER.index(SiteKind.SENTINEL)


@pytest.mark.parametrize("kind", list(SiteKind), ids=lambda k: k.value)
def test_permanent_kinds_are_never_judged_against_a_floor(kind: SiteKind) -> None:
    tag = Tag(raw="t", line=1, end_line=1, removal=parse_version("0.5.1"))
    floors = Floors(primary="sglang", upstreams={"sglang": parse_version("0.5.10")})
    expected = Fate.PERMANENT if KINDS[kind].permanent else Fate.EXPIRED
    assert site_fate(_site(kind, tag), floors, "sglang") is expected


@pytest.mark.parametrize("kind", list(SiteKind), ids=lambda k: k.value)
def test_the_verify_matrix_calls_untagged_only_what_needs_a_tag(kind: SiteKind) -> None:
    """It once called an untagged sentinel "untagged": a sentinel shares its handler's tag."""
    assert (short_tag(None, kind) == "untagged") is needs_tag(_site(kind))
