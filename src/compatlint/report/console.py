"""The rich console the codemods' text reports print into (imported only to render)."""

from __future__ import annotations

import io


def text_console(*, color: bool, width: int):
    """A rich console writing into a buffer (colour only when asked), and the buffer."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        color_system="standard" if color else None,
        width=width,
        highlight=False,
    )
    return console, buffer
