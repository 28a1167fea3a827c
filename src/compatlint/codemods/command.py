"""Moved to :mod:`compatlint.commands.common`; kept only for ``codemods/inline_command.py``
until it moves to ``commands/`` too. Delete with it."""

from compatlint.commands.common import selected_shims as _selected_shims

__all__ = ["_selected_shims"]
