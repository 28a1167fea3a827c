"""``compatlint report``: read every shim and list its sites with their fate at the floors."""

from __future__ import annotations

from compatlint.commands.outcome import Outcome
from compatlint.config import Config


def run_report(config: Config, *, output_format: str = "text", color: bool = False) -> Outcome:
    """The sites table of every configured shim (text, JSON or Markdown), under the floors
    and pins and where each came from."""
    from compatlint.analysis.project import grammar_for, shim_model
    from compatlint.report.sites import render_sites, site_rows
    from compatlint.workspace import Workspace

    workspace = Workspace(config)
    grammar = grammar_for(config)
    shims = [shim_model(config, path, workspace.read(path), grammar) for path in config.shims]
    rows = site_rows(shims, config.floors, config.primary)
    text = render_sites(
        rows,
        output_format,
        floors=config.floors,
        sources=config.floor_sources,
        pins=config.pin_sources,
        color=color,
    )
    return Outcome(text)
