"""Moved to :mod:`compatlint.commands.outcome`; kept only for ``codemods/inline_command.py``
until it moves to ``commands/`` too. Delete with it."""

from compatlint.commands.outcome import Outcome, present

__all__ = ["Outcome", "present"]
