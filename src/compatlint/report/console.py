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


def print_reasons(console, title: str, label: str, rows) -> None:
    """Print a ``location | <label> | why`` table: the shape of every list of things a
    codemod kept or left for a person. ``rows`` are (location, label, reason) strings."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, box=box.SIMPLE_HEAD)
    table.add_column("location", no_wrap=True)
    table.add_column(label, no_wrap=True)
    table.add_column("why", overflow="fold")
    for cells in rows:
        table.add_row(*(Text(cell) for cell in cells))
    console.print(table)
