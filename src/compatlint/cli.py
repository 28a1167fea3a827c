"""The command line: parse flags, call the library, choose a reporter, set the exit code.

Exit codes: 0 clean, 1 findings or changes, 2 usage, config or parse error.
"""

from __future__ import annotations

import sys

import click

from compatlint import __version__
from compatlint.errors import CompatlintError

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


class _Group(click.Group):
    """A group that turns a user's mistake into one line on stderr and exit 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CompatlintError as exc:
            click.echo(f"compatlint: error: {exc}", err=True)
            ctx.exit(EXIT_ERROR)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="compatlint")
def main() -> None:
    """Keep a project's compat shim honest: lint, prune, inline, verify."""


def _register_walk() -> None:
    from compatlint.runner.command import walk

    main.add_command(walk)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
