"""``compatlint inline``: read the project, plan, then show, check or write (the I/O).

The click command in :mod:`compatlint.cli` only parses flags and calls :func:`run_inline`;
everything here returns text and an exit code instead of printing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from compatlint import ruff_mirror
from compatlint.cache import IMPORTER_FACTS, FactCache, text_hash
from compatlint.codemods.edits import compile_error
from compatlint.codemods.formatting import Formatter
from compatlint.codemods.inline import first_party_roots, plan_inline
from compatlint.codemods.sorting import ImportSorter
from compatlint.commands.common import (
    check_mode,
    index_readers,
    read_sources,
    selected_shims,
    text_records,
    unreadable_warning,
    write_edits,
)
from compatlint.commands.outcome import Outcome, present
from compatlint.config import Config, config_name
from compatlint.formatters import RuffFormatter, project_formatter
from compatlint.pool import RunPool, batch_on
from compatlint.report.inline_text import plan_diff, render_text, summary_line
from compatlint.ruff_answers import RuffAnswers, fingerprint
from compatlint.ruff_sorter import RuffSorter, find_ruff, project_settings
from compatlint.workspace import Workspace

# -- settings and sources -------------------------------------------------------------------


def project_sorter(config: Config, sources: Mapping[str, str]) -> RuffSorter:
    """Ruff, sorting with the project's settings; the project's top-level modules are first
    party unless the settings say which are."""
    roots = first_party_roots(config, sources)
    return RuffSorter(config.root, project_settings(config.root, config.config_path, roots))


def project_formatter_for(config: Config, sources: Mapping[str, str]) -> Formatter | None:
    """The project's formatter (ruff format, or black), for the lines a codemod touched."""
    roots = sorted(first_party_roots(config, sources))
    return project_formatter(config.root, config.config_path, roots)


def importer_paths(workspace: Workspace) -> list[str]:
    """The files that may import a shim: Python files under ``src`` and ``mocks.collect``."""
    config = workspace.config
    roots = list(config.src)
    if config.mocks is not None:
        roots += [root for root in config.mocks.collect if root not in roots]
    return workspace.python_files(roots)


def keep_ruff_answers(
    config: Config,
    sources: Mapping[str, str],
    cache: FactCache,
    sorter: ImportSorter | None,
    formatter: Formatter | None,
) -> None:
    """Let ruff's sorter and formatter keep their answers in ``cache`` between runs (see
    :mod:`compatlint.ruff_answers`)."""
    for tool in (sorter, formatter):
        if isinstance(tool, (RuffSorter, RuffFormatter)):
            binary = tool.binary or find_ruff()
            settings = tool.settings
            inputs = fingerprint(
                config.root,
                binary,
                [settings.source, *settings.arguments()],
                settings.config_file,
                sorted(path for path in sources if path.endswith(".py")),
                settings.source_dirs(),
            )
            tool.answers = RuffAnswers(cache, inputs, text_hash)


def inline_sources(workspace: Workspace) -> tuple[dict[str, str], list[str]]:
    """The texts :func:`plan_inline` needs, and the files skipped because not UTF-8."""
    required = [*workspace.config.shims, config_name(workspace.config)]
    return read_sources(workspace, required, importer_paths(workspace))


# -- the command ----------------------------------------------------------------------------


def run_inline(
    config: Config,
    paths: Sequence[Path] = (),
    *,
    only: Sequence[str] = (),
    mode: str = "write",
    allow_dirty: bool = False,
    output_format: str = "text",
    color: bool = False,
    sorter: ImportSorter | None = None,
    use_cache: bool = True,
) -> Outcome:
    """Inline the trivial re-exports of the shims under ``paths`` (default: all).
    ``use_cache``: keep each importer's facts in ``.compatlint_cache/`` by content hash."""
    check_mode(mode)
    workspace = Workspace(config)
    shims = selected_shims(workspace, paths)
    sources, unreadable = inline_sources(workspace)
    sorter = sorter if sorter is not None else project_sorter(config, sources)
    formatter = project_formatter_for(config, sources) if mode != "check" else None
    cache = FactCache(config.root, IMPORTER_FACTS) if use_cache else None
    if cache is not None:
        keep_ruff_answers(config, sources, cache, sorter, formatter)
    with RunPool() as pool, ruff_mirror.reused():
        batch, bindings_batch = index_readers(pool)
        plan = plan_inline(
            config,
            sources,
            only or None,
            shims=shims,
            sorter=sorter,
            formatter=formatter,
            facts_cache=cache,
            digest=text_hash,
            batch=batch,
            compiler=batch_on(pool, compile_error, lambda item: len(item[1])),
            known=text_records(cache, workspace, sources),
            bindings_batch=bindings_batch,
        )
    if cache is not None:
        cache.save()
    outcome = Outcome("", plan=plan, notices=workspace.warnings)
    if unreadable:
        outcome.messages.append(unreadable_warning("importers", unreadable))
    for name in plan.unknown_only:
        outcome.messages.append(f"compatlint: warning: --only {name}: no shim re-exports it")
    if mode == "write" and plan.changed:
        write_edits(workspace, plan.edits, allow_dirty=allow_dirty)

    verb = "inlined" if mode == "write" else "would be inlined"
    present(
        outcome,
        mode=mode,
        output_format=output_format,
        changed=plan.changed,
        payload=plan.to_json,
        diff=lambda: plan_diff(plan, cache, text_hash),
        text=lambda: render_text(plan, verb, color=color),
        summary=lambda: summary_line(plan, verb),
    )
    if cache is not None:
        cache.save()  # the diffs it learnt
    return outcome
