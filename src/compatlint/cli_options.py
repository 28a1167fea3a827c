"""The options the commands share, and how their values become settings.

``--config``, ``--floor``, ``--pin``, ``--format`` and the codemods' ``--diff``/``--check``/
``--allow-dirty``: their declarations, and the reading of their values against the
project's configuration (a name no upstream, track or dependency knows is a usage error).
"""

from __future__ import annotations

from pathlib import Path

import click

from compatlint.errors import CompatlintError

__all__ = [
    "codemod_options",
    "config_option",
    "floor_option",
    "floor_overrides",
    "format_option",
    "load_project_config",
    "mode_of",
    "pin_option",
    "pin_overrides",
]


def config_option(function):
    return click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, path_type=Path),
        help="pyproject.toml to use (default: the nearest one with [tool.compatlint]).",
    )(function)


def floor_option(function):
    return click.option(
        "--floor",
        "floors",
        multiple=True,
        metavar="[NAME=]VERSION",
        help="Minimum supported version: 0.5.11 (default upstream), xpu=0.5.19 (a track), "
        "scipy=1.11 (an upstream or a dependency), python=3.10. Repeatable; overrides the "
        "config, which overrides the project's metadata.",
    )(function)


def pin_option(function):
    return click.option(
        "--pin",
        "pins",
        multiple=True,
        metavar="[NAME=]VERSION",
        help="Newest supported version, the window's top: 0.5.16 (default upstream), "
        "xpu=0.5.19 (a track). Repeatable; overrides the config's pin, which overrides an "
        "exact pin (==) in the project's dependencies.",
    )(function)


def pin_overrides(config, pins: tuple[str, ...]):
    """The ``--pin`` values, read as ``--floor`` values are (same names, same errors)."""
    tracks = set(config.floors.tracks) | set(config.pins.tracks)
    return _version_options(config, pins, tracks, config.pin_names, "--pin")


def format_option(*formats: str):
    """``--format``, one of ``formats``; text by default."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(list(formats)),
        default="text",
        show_default=True,
    )


def load_project_config(config_file: Path | None, floors: tuple[str, ...] = ()):
    from compatlint.config_file import find_config, load_config

    path = config_file if config_file is not None else find_config(Path.cwd())
    config = load_config(path)
    return config.with_floors(floor_overrides(config, floors))


def floor_overrides(config, floors: tuple[str, ...]):
    """The ``--floor`` values as floors; a name that is not a configured upstream, ``python``,
    a dependency of the project or a known track, or two versions for one name, is a usage
    error."""
    return _version_options(config, floors, set(config.floors.tracks), config.floor_names)


def _version_options(config, values: tuple[str, ...], tracks: set[str], names_for, option=None):
    """``--floor`` or ``--pin`` values (``name=version`` or a bare version), by the names
    ``names_for(tracks)`` knows; the tracks the tags name join only when a name is unknown."""
    from compatlint.versions import VersionError, floor_option_names, parse_floor_options

    names = names_for(tracks)
    unknown = [
        name
        for name in floor_option_names(values, config.primary)
        if name and names.upstream(name) is None and not names.is_track(name)
    ]
    if unknown:
        tracks |= _tracks_named_in_tags(config)
    extra = {} if option is None else {"option": option}
    try:
        return parse_floor_options(
            values,
            config.upstreams,
            config.primary,
            tracks=tracks,
            dependencies=names.dependencies,
            **extra,
        )
    except VersionError as exc:
        raise click.UsageError(str(exc)) from None


def _tracks_named_in_tags(config) -> set[str]:
    """The tracks the shims' tags name without configuration ("separately pinned XPU").

    Read only when a ``--floor`` name is not configured; a shim that cannot be read or
    parsed names none here (the command itself reports it).
    """
    from compatlint.analysis.project import grammar_for, shim_model
    from compatlint.workspace import Workspace

    workspace, grammar = Workspace(config), grammar_for(config)
    named: set[str] = set()
    for shim in config.shims:
        try:
            model = shim_model(config, shim, workspace.read(shim), grammar)
        except (CompatlintError, OSError, RecursionError):
            continue
        named |= {tag.track for tag in model.tags if tag.track is not None}
    return named


def codemod_options(verb: str):
    """--diff, --check, --allow-dirty and --format text|json, shared by the codemods."""

    def decorate(function):
        options = [
            click.option(
                "--diff", "show_diff", is_flag=True, help="Print a unified diff; write nothing."
            ),
            click.option(
                "--check",
                "check_only",
                is_flag=True,
                help=f"Write nothing; exit 1 if {verb} would change anything.",
            ),
            click.option(
                "--allow-dirty", is_flag=True, help="Write files with uncommitted changes too."
            ),
            format_option("text", "json"),
        ]
        for option in reversed(options):
            function = option(function)
        return function

    return decorate


def mode_of(show_diff: bool, check_only: bool) -> str:
    if show_diff and check_only:
        raise click.UsageError("--diff and --check are mutually exclusive")
    return "diff" if show_diff else "check" if check_only else "write"
