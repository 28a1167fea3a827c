"""Moved to :mod:`compatlint.report.prune_text`, :mod:`compatlint.report.console` and
:mod:`compatlint.codemods.edits`; kept only for ``codemods/inline_command.py`` until it
moves to ``commands/``. Delete with it."""

from compatlint.codemods.edits import diff_edits
from compatlint.report.console import text_console


def unified_diff(plan) -> str:
    """A ``git apply``-able diff of every edit in ``plan``."""
    return diff_edits(plan.edits)


__all__ = ["text_console", "unified_diff"]
