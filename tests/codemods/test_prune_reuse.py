"""Prune reads each shim text's tree once: the passes, the pass that changes nothing and
the clean-up share it. Reusing a tree must give exactly what parsing the text afresh for
every step gives (the planner before the reuse), on generated shims and the example."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import examples, make_config
from hypothesis import HealthCheck, given, settings
from libcst.metadata import MetadataWrapper
from test_prune_properties import projects

from compatlint.analysis.project import shim_model
from compatlint.codemods import locate
from compatlint.codemods.prune import _Planner, plan_prune
from compatlint.commands.common import project_sources
from compatlint.config import Config
from compatlint.config_file import load_config
from compatlint.versions import parse_floor_options
from compatlint.workspace import Workspace

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sglang-backend"


def _fresh_index(
    self: locate.Trees, path: str, text: str, *, scopes: bool = False
) -> locate.NodeIndex:
    """Every step parses (and copies) its own tree, as the planner did before the reuse,
    and resolves its scopes only when a step asks for them."""
    return locate.NodeIndex(MetadataWrapper(locate.parse_module(text, path)), text)


def _fresh_model(self: _Planner, path: str, text: str):  # type: ignore[no-untyped-def]
    return shim_model(self.config, path, text, self.grammar)


def _both(config: Config, sources: dict[str, str]) -> tuple[object, object]:
    """The plan with trees and models reused, and the plan with every step reading afresh."""
    reused = plan_prune(config, sources, config.floors)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(locate.Trees, "index", _fresh_index)
        patch.setattr(_Planner, "model", _fresh_model)
        fresh = plan_prune(config, sources, config.floors)
    return reused, fresh


@settings(
    max_examples=examples(100),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(projects())
def test_reused_trees_plan_what_fresh_parses_plan(project) -> None:  # type: ignore[no-untyped-def]
    sources, _, floors, overrides = project
    config = make_config(overrides)
    config = config.with_floors(parse_floor_options(floors, config.upstreams, config.primary))
    reused, fresh = _both(config, sources)
    assert reused == fresh


@pytest.mark.parametrize("floor", ["0.5.10", "0.5.11", "0.5.12"])
def test_reused_trees_plan_what_fresh_parses_plan_on_the_example(floor: str) -> None:
    config = load_config(EXAMPLE / "pyproject.toml")
    config = config.with_floors(parse_floor_options([floor], config.upstreams, config.primary))
    sources, _ = project_sources(Workspace(config))
    reused, fresh = _both(config, sources)
    assert reused.edits  # the example has something to prune at every floor here
    assert reused == fresh
