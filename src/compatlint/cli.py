"""The command line: parse flags, call the library, choose a reporter, set the exit code.

Exit codes: 0 clean, 1 findings or changes, 2 usage, config or parse error.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
from pathlib import Path

import click

from compatlint import __version__
from compatlint.cli_options import (
    codemod_options,
    config_option,
    floor_option,
    floor_overrides,
    format_option,
    load_project_config,
    mode_of,
    pin_option,
    pin_overrides,
)
from compatlint.errors import CompatlintError

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2

#: Allocations between two collections of the youngest generation in a run (see :func:`run`).
GC_ALLOCATIONS = 200_000


# Commands whose modules are imported only when they run (start-up time matters).
_LAZY_COMMANDS: dict[str, str] = {}


class _Analysis(click.Command):
    """A command that reads Python runs with room to recurse (:mod:`compatlint.deepstack`):
    deeply nested valid code is analysed, and where even that runs out, it is one line."""

    def invoke(self, ctx: click.Context):
        from compatlint.deepstack import TOO_DEEP, run_deep

        try:
            return run_deep(super().invoke, ctx)
        except RecursionError:  # a walk no per-file guard covers: still one line, exit 2
            raise CompatlintError(f"{TOO_DEEP}: a file nests deeper than it can follow") from None


class _Group(click.Group):
    """A group that turns a user's mistake into one line on stderr and exit 2.

    Its commands are :class:`_Analysis` commands; ``walk`` (its own class) keeps the main
    thread, where it handles signals.
    """

    command_class = _Analysis

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _LAZY_COMMANDS and cmd_name not in self.commands:
            import importlib

            module_name, _, attribute = _LAZY_COMMANDS[cmd_name].partition(":")
            self.add_command(getattr(importlib.import_module(module_name), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

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


def run() -> None:
    """The ``compatlint`` script and ``python -m compatlint``: :func:`main` in a process of
    its own, ended without Python's shutdown.

    That shutdown frees every object of the run one at a time (the trees and texts of a
    whole project) and costs a run on a big tree tens of milliseconds for nothing. Here the
    output is flushed and the exit handlers run (``atexit``: temporary directories, pools),
    then the process ends with the exit code. A bug's traceback goes as usual.

    The garbage collector runs every :data:`GC_ALLOCATIONS` allocations, not every 700: a
    run allocates millions of objects (imports, trees) and frees almost all of them by
    reference counting, so the default's thousands of collections find next to nothing.
    """
    gc.set_threshold(GC_ALLOCATIONS, 30, 30)
    try:
        main(prog_name="compatlint")
    except SystemExit as done:
        code = done.code
    else:  # pragma: no cover - click's standalone mode always exits
        code = 0
    if isinstance(code, int) or code is None:
        status = code or 0
    else:
        click.echo(code, err=True)
        status = 1
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_handlers is None:  # pragma: no cover - every CPython and PyPy has it
        sys.exit(status)
    run_exit_handlers()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a reader that went away: as Python's own exit
            status = status or 120
    os._exit(status)


def _use_color(stream) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def _text_color(output_format: str) -> bool:
    """Colour for the text format on a terminal (NO_COLOR / FORCE_COLOR respected)."""
    return output_format == "text" and _use_color(sys.stdout)


def _finish(outcome, color: bool = False) -> None:
    """Print a command outcome (stderr notices, stdout, then stderr lines) and exit with
    its code."""
    _write_undecodable_names_as_bytes(sys.stdout)
    for notice in outcome.notices:
        click.echo(notice, err=True)
    click.echo(outcome.output, nl=False, color=color or None)
    for message in outcome.messages:
        click.echo(message, err=True)
    sys.exit(outcome.exit_code)


def _write_undecodable_names_as_bytes(stream) -> None:
    """A file name that is not valid UTF-8 is printed as its bytes on disk, as ``ls``
    does, instead of failing the whole output (stdout is strict in a UTF-8 locale)."""
    if getattr(stream, "errors", None) == "strict" and hasattr(stream, "reconfigure"):
        stream.reconfigure(errors="surrogateescape")


def _split_codes(values: tuple[str, ...]) -> list[str]:
    return [code for value in values for code in value.split(",") if code.strip()]


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@floor_option
@pin_option
@click.option("--select", multiple=True, help="Rule codes or prefixes to run (comma-separated).")
@click.option("--ignore", multiple=True, help="Rule codes or prefixes to skip (comma-separated).")
@format_option("text", "json", "github", "sarif")
@click.option("--statistics", is_flag=True, help="Count findings per rule instead of listing them.")
@click.option(
    "--fix",
    is_flag=True,
    help="Apply the safe fixes: prune (CL102), inline (CL108), mocks (CL202).",
)
@click.option("--diff", "show_diff", is_flag=True, help="Print the fixes as a diff; write nothing.")
@click.option("--no-cache", is_flag=True, help="Ignore and do not update .compatlint_cache/.")
@click.option(
    "--changed-since",
    metavar="REF",
    help="Check only the files changed since the git revision REF (and untracked ones).",
)
@click.option(
    "--max-annotations",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="github format: annotate at most this many findings (0: no limit).",
)
@config_option
def check(
    paths: tuple[Path, ...],
    floors: tuple[str, ...],
    pins: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    output_format: str,
    statistics: bool,
    fix: bool,
    show_diff: bool,
    no_cache: bool,
    changed_since: str | None,
    max_annotations: int,
    config_file: Path | None,
) -> None:
    """Lint the compat shim and the code around it. Exit 1 when there are findings."""
    from compatlint.checker import select_rules
    from compatlint.commands.check import run_check

    def load():
        config = load_project_config(config_file, floors)
        return config.with_pins(pin_overrides(config, pins))

    outcome = run_check(
        load(),
        select_rules(_split_codes(select), _split_codes(ignore)),
        paths,
        reload=load,
        output_format=output_format,
        statistics=statistics,
        fix=fix,
        show_diff=show_diff,
        use_cache=not no_cache,
        changed_since=changed_since,
        max_annotations=max_annotations or None,
        color=_text_color(output_format),
    )
    _finish(outcome)


@main.command()
@floor_option
@pin_option
@format_option("text", "json", "markdown")
@config_option
def report(
    floors: tuple[str, ...], pins: tuple[str, ...], output_format: str, config_file: Path | None
) -> None:
    """List every site of every shim: kind, covers, removal, track and fate at the floors."""
    from compatlint.commands.report import run_report

    config = load_project_config(config_file, floors)
    config = config.with_pins(pin_overrides(config, pins))
    outcome = run_report(config, output_format=output_format, color=_text_color(output_format))
    _finish(outcome)


@main.command()
@click.argument("code", required=False)
def rule(code: str | None) -> None:
    """Show a rule's documentation, or the table of all rules."""
    from compatlint.catalog import documented_rules

    rules = {rule_class.code: rule_class for rule_class in documented_rules()}
    if code is None:
        for rule_class in rules.values():
            fix = "[*]" if rule_class.fixable else "   "
            click.echo(f"{rule_class.code}  {fix}  {rule_class.name:<22} {rule_class.summary}")
        return
    rule_class = rules.get(code.upper())
    if rule_class is None:
        raise CompatlintError(f"unknown rule {code!r}; `compatlint rule` lists them")
    click.echo(rule_class.doc(), nl=False)


@main.command()
@click.option(
    "--upstream",
    "upstreams",
    multiple=True,
    metavar="VERSION=PATH",
    help="An upstream version as files: a wheel, an sdist, an unpacked tree or a checkout. "
    "Give at least two (typically N-1 and N).",
)
@floor_option
@format_option("text", "json", "markdown")
@click.option("--suggest-tags", is_flag=True, help="Print the tag the evidence supports.")
@click.option("--write", is_flag=True, help="Insert the suggested tags (implies --suggest-tags).")
@click.option(
    "--allow-dirty", is_flag=True, help="With --write: write files with uncommitted changes too."
)
@config_option
def verify(
    upstreams: tuple[str, ...],
    floors: tuple[str, ...],
    output_format: str,
    suggest_tags: bool,
    write: bool,
    allow_dirty: bool,
    config_file: Path | None,
) -> None:
    """Check the shim's import paths against the upstream's files. Exit 1 on findings."""
    from compatlint.commands.verify import run_verify

    config = load_project_config(config_file, floors)
    color = _text_color(output_format)
    outcome = run_verify(
        config,
        upstreams,
        output_format=output_format,
        suggest=suggest_tags,
        write=write,
        allow_dirty=allow_dirty,
        color=color,
    )
    _finish(outcome)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@floor_option
@codemod_options("prune")
@click.option("--commit", "make_commit", is_flag=True, help="Commit the files prune touched.")
@click.option(
    "--worklog",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the deprecation table (Markdown) to this file.",
)
@click.option("--no-cache", is_flag=True, help="Ignore and do not update .compatlint_cache/.")
@config_option
def prune(
    paths: tuple[Path, ...],
    floors: tuple[str, ...],
    show_diff: bool,
    check_only: bool,
    allow_dirty: bool,
    output_format: str,
    make_commit: bool,
    worklog: Path | None,
    no_cache: bool,
    config_file: Path | None,
) -> None:
    """Remove every fallback whose tag expired at the floors (PATHS: only these shims).

    Writes in place; --diff and --check exit 1 when prune would change anything.
    """
    if not floors:
        raise click.UsageError("--floor is required: the new minimum supported version")
    mode = mode_of(show_diff, check_only)
    if make_commit and mode != "write":
        raise click.UsageError("--commit writes; it cannot be combined with --diff or --check")
    from compatlint.commands.prune import run_prune

    config = load_project_config(config_file, floors)
    overrides = floor_overrides(config, floors)
    color = _text_color(output_format)
    outcome = run_prune(
        config,
        paths,
        overrides=overrides,
        mode=mode,
        allow_dirty=allow_dirty,
        commit=make_commit,
        worklog=worklog,
        output_format=output_format,
        color=color,
        use_cache=not no_cache,
    )
    _finish(outcome, color)


@main.command()
@codemod_options("mocks")
@click.option("--stale", is_flag=True, help="Also report entries nothing imports any more.")
@config_option
def mocks(
    show_diff: bool,
    check_only: bool,
    allow_dirty: bool,
    output_format: str,
    stale: bool,
    config_file: Path | None,
) -> None:
    """Add the modules the test stub list is missing (rule CL202), in its own style."""
    from compatlint.commands.mocks import run_mocks

    mode = mode_of(show_diff, check_only)
    config = load_project_config(config_file)
    outcome = run_mocks(
        config, mode=mode, stale=stale, allow_dirty=allow_dirty, output_format=output_format
    )
    _finish(outcome)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@codemod_options("inline")
@click.option(
    "--only",
    "only",
    multiple=True,
    metavar="NAME",
    help="Inline only this re-exported name (repeatable).",
)
@click.option("--no-cache", is_flag=True, help="Ignore and do not update .compatlint_cache/.")
@config_option
def inline(
    paths: tuple[Path, ...],
    show_diff: bool,
    check_only: bool,
    allow_dirty: bool,
    output_format: str,
    only: tuple[str, ...],
    no_cache: bool,
    config_file: Path | None,
) -> None:
    """Import trivial re-exports from the upstream directly (PATHS: only these shims).

    Every importer of a name the shim only re-exports imports it from the upstream
    instead; the shim loses the name, and a shim left trivial is deleted. Writes in
    place; --diff and --check exit 1 when inline would change anything.
    """
    mode = mode_of(show_diff, check_only)
    from compatlint.commands.inline import run_inline

    config = load_project_config(config_file)
    color = _text_color(output_format)
    outcome = run_inline(
        config,
        paths,
        only=only,
        mode=mode,
        allow_dirty=allow_dirty,
        output_format=output_format,
        color=color,
        use_cache=not no_cache,
    )
    _finish(outcome, color)


def _register_walk() -> None:
    _LAZY_COMMANDS["walk"] = "compatlint.runner.command:walk"


_register_walk()

if __name__ == "__main__":  # pragma: no cover
    run()
