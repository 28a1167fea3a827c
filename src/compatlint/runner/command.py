"""``compatlint walk``: the click command around :func:`compatlint.runner.walk.walk`.

Exit codes: 0 every script PASSED or was SKIPPED; 1 a script FAILED or TIMED OUT; 2 a config
or usage error; 130 interrupted (Ctrl-C or SIGTERM) after tearing down the running script.
Logs go to ``--logdir``, by default a fresh temporary directory whose path is printed.
"""

from __future__ import annotations

import contextlib
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import click

from compatlint.config_file import find_config, read_tool_table
from compatlint.errors import CompatlintError, ConfigError, WorkspaceError
from compatlint.runner.config import WalkConfig, parse_walk_config
from compatlint.runner.gpus import count_gpus
from compatlint.runner.walk import (
    ScriptResult,
    WalkInterrupted,
    check_unique_names,
    discover_scripts,
    select_scripts,
)
from compatlint.runner.walk import walk as run_walk

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


def _names(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> list[str]:
    return [name.strip() for item in value for name in item.split(",") if name.strip()]


@click.command("walk", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("scripts", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--only", metavar="NAMES", multiple=True, callback=_names, help="Run only these scripts."
)
@click.option(
    "--skip", metavar="NAMES", multiple=True, callback=_names, help="Do not run these scripts."
)
@click.option(
    "--logdir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where <script>.log files go (default: a fresh temporary directory).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="S",
    help="Seconds each script may run in all (overrides 'timeout').",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Also write the results as a Markdown table to FILE.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Results on stdout as a table or as JSON.",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="FILE",
    help="The pyproject.toml to use (default: the nearest one with [tool.compatlint]).",
)
@click.pass_context
def walk(
    ctx: click.Context,
    scripts: tuple[Path, ...],
    only: list[str],
    skip: list[str],
    logdir: Path | None,
    timeout: float | None,
    report_path: Path | None,
    output_format: str,
    config_file: Path | None,
) -> None:
    """Run each launch script, wait until it is ready, probe it, then tear it all down.

    SCRIPTS are script paths to run instead of the configured 'scripts' glob, in the given
    order. NAMES are comma-separated script names (agg.sh or agg).
    """
    from rich.console import Console

    err = Console(stderr=True, highlight=False, soft_wrap=True)
    try:
        config, root, chosen = _plan(scripts, only, skip, timeout, config_file)
        logdir = _make_logdir(logdir)
    except CompatlintError as exc:
        click.echo(f"compatlint: error: {exc}", err=True)
        ctx.exit(EXIT_ERROR)

    gpus = count_gpus()
    err.print(
        f"compatlint walk: {len(chosen)} script(s), {gpus} GPU(s), logs in {logdir}", markup=False
    )

    def started(index: int, script: Path) -> None:
        err.print(f"[{index}/{len(chosen)}] {script.name} …", markup=False)

    def finished(index: int, result: ScriptResult) -> None:
        err.print(
            f"[{index}/{len(chosen)}] {result.script}: {result.status.value} "
            f"({result.seconds:.1f}s) {result.notes}",
            markup=False,
        )

    code = EXIT_OK
    try:
        with _sigterm_as_interrupt():
            results = run_walk(
                config,
                chosen,
                root=root,
                logdir=logdir,
                gpus=gpus,
                on_start=started,
                on_result=finished,
            )
    except WalkInterrupted as stop:
        err.print(
            f"interrupted while running {stop.script}; its processes were torn down", markup=False
        )
        results, code = stop.results, EXIT_INTERRUPTED
    except KeyboardInterrupt:
        err.print("interrupted")
        ctx.exit(EXIT_INTERRUPTED)
    if code == EXIT_OK and any(result.failed for result in results):
        code = EXIT_FAILED

    from compatlint.runner.report import render_json, render_markdown, render_table, summary

    if output_format == "json":
        click.echo(render_json(results, gpus=gpus, logdir=logdir), nl=False)
    else:
        out = Console(highlight=False)
        out.print(render_table(results, gpus=gpus))
        out.print(f"{summary(results)}. Logs: {logdir}", markup=False)
    if report_path is not None:
        try:
            report_path.write_text(render_markdown(results, gpus=gpus, logdir=logdir), "utf-8")
        except OSError as exc:
            click.echo(
                f"compatlint: error: {WorkspaceError(exc.strerror or str(exc), str(report_path))}",
                err=True,
            )
            ctx.exit(EXIT_ERROR)
    ctx.exit(code)


def _plan(
    scripts: tuple[Path, ...],
    only: list[str],
    skip: list[str],
    timeout: float | None,
    config_file: Path | None,
) -> tuple[WalkConfig, Path, list[Path]]:
    """The validated config, the project root and the scripts to run, in order."""
    path = config_file if config_file is not None else find_config(Path.cwd())
    table, text = read_tool_table(path)
    raw = table.get("walk", {})
    if not isinstance(raw, dict):
        raise ConfigError("[tool.compatlint] 'walk' must be a table", str(path))
    config = parse_walk_config(raw, source=str(path), text=text)
    if timeout is not None:
        config = config.with_timeout(timeout)
    root = path.resolve().parent
    if scripts:
        candidates = [script.resolve() for script in scripts]
    else:
        candidates = discover_scripts(config, root, source=str(path))
    chosen = select_scripts(candidates, only=only, skip=skip)
    check_unique_names(chosen)
    return config, root, chosen


def _make_logdir(logdir: Path | None) -> Path:
    if logdir is None:
        return Path(tempfile.mkdtemp(prefix="compatlint-walk-"))
    try:
        logdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WorkspaceError(
            f"cannot create the log directory: {exc.strerror}", str(logdir)
        ) from None
    return logdir.resolve()


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Treat SIGTERM like Ctrl-C while the walk runs, so the running script is torn down."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL if previous is None else previous)
