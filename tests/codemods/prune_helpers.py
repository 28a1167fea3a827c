"""Helpers for the codemod tests: prune in-memory projects and read the result."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

from helpers import make_config

from compatlint.codemods.plan import PrunePlan
from compatlint.codemods.prune import plan_prune
from compatlint.versions import parse_floor_options

SHIM = "pkg/_compat.py"


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def prune(
    files: Mapping[str, str] | str,
    *floors: str,
    overrides: Mapping[str, Any] | None = None,
) -> PrunePlan:
    """Prune an in-memory project (a shim text, or path → text) at ``floors``."""
    sources = {SHIM: files} if isinstance(files, str) else dict(files)
    config = make_config(overrides)
    if floors:
        config = config.with_floors(
            parse_floor_options(
                floors, config.upstreams, config.primary, tracks=config.floors.tracks
            )
        )
    return plan_prune(config, sources, config.floors)


def pruned(shim: str, *floors: str, overrides: Mapping[str, Any] | None = None) -> str:
    """The shim text after prune (the input is dedented first)."""
    text = dedent(shim)
    return prune(text, *floors, overrides=overrides).new_text(SHIM, text)
