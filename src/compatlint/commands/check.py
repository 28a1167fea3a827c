"""``compatlint check``: choose the files, gather facts, run the rules, fix, render.

Kept free of libcst and rich at import time: a pre-commit run on three files
must not pay for them (the fixes and ``--changed-since`` import what they need).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from compatlint import __version__
from compatlint.commands.outcome import Outcome
from compatlint.config import Config
from compatlint.model import Diagnostic
from compatlint.rules.base import Rule
from compatlint.workspace import Workspace

EXIT_CLEAN = 0
EXIT_FINDINGS = 1


def checked_files(
    workspace: Workspace, paths: Sequence[Path], changed_since: str | None
) -> tuple[list[str], set[str] | None]:
    """The Python files to check, and the files to report on (None: the whole project).

    A configured policy doc among ``paths`` (or changed since ``changed_since``) is
    reported on too (CL203): the pre-commit hook passes the changed docs with the code.
    Any other file that is not Python is passed over, as a hook's file list may hold it.
    """
    given = [workspace.relative(p) for p in paths]
    docs = {rel for rel in given if rel in workspace.config.policy_docs}
    given = [rel for rel in given if rel not in docs]
    if changed_since is not None:
        from compatlint.vcs import changed_files

        changed = changed_files(workspace.root, changed_since)
        checked = [rel for rel in workspace.python_files() if rel in changed]
        if paths:
            chosen = set(workspace.python_files(given))
            checked = [rel for rel in checked if rel in chosen]
        else:
            docs = {doc for doc in workspace.config.policy_docs if doc in changed}
        return checked, {*checked, *(doc for doc in docs if doc in changed)}
    if paths:
        checked = workspace.python_files(given)
        return checked, {*checked, *docs}
    return workspace.python_files(), None


def run_check(
    config: Config,
    rules: Sequence[Rule],
    paths: Sequence[Path] = (),
    *,
    reload: Callable[[], Config],
    output_format: str = "text",
    statistics: bool = False,
    fix: bool = False,
    show_diff: bool = False,
    use_cache: bool = True,
    changed_since: str | None = None,
    max_annotations: int | None = None,
    color: bool = False,
) -> Outcome:
    """Lint the project of ``config`` with ``rules``; with ``fix``, apply the safe fixes
    first and report what remains (``reload`` reads the config again: a fix may have
    deleted a shim). ``show_diff`` returns the fixes as a diff instead."""
    from compatlint.checker import run_rules
    from compatlint.engine import gate_files, gather_facts
    from compatlint.report import CheckResult, RuleInfo, render

    def lint(config: Config) -> tuple[Workspace, list[str], set[str] | None, list[Diagnostic]]:
        workspace = Workspace(config)
        checked, only = checked_files(workspace, paths, changed_since)
        gated = gate_files(workspace) if only is None else ()
        project = gather_facts(
            workspace, checked, use_cache=use_cache, gate_paths=gated, report_on=only
        )
        return workspace, checked, only, run_rules(project, rules, only_paths=only)

    workspace, checked, only, diagnostics = lint(config)
    warnings = workspace.warnings  # the files a walk skipped
    notices: list[str] = []
    if fix or show_diff:
        from compatlint.commands.fix import apply_fixes

        fixed = apply_fixes(workspace, diagnostics, write=not show_diff, use_cache=use_cache)
        warnings = workspace.warnings
        if show_diff:
            exit_code = EXIT_FINDINGS if fixed.edits else EXIT_CLEAN
            return Outcome(fixed.diff, exit_code=exit_code, notices=warnings)
        if fixed.edits:
            notices.append(fixed.summary)
            config = reload()
            workspace, checked, only, diagnostics = lint(config)
            warnings = list(dict.fromkeys([*warnings, *workspace.warnings]))
    result = CheckResult(
        diagnostics=tuple(diagnostics),
        files=len(checked) if only is None else len(only),
        floors=config.floors.to_json(),
        rules=tuple(RuleInfo(r.code, r.name, r.summary) for r in rules),
        changed=tuple(sorted(only or ())),
    )
    rendered = render(
        result,
        output_format,
        color=color,
        statistics=statistics,
        tool_version=__version__,
        max_annotations=max_annotations,
    )
    exit_code = EXIT_FINDINGS if diagnostics else EXIT_CLEAN
    return Outcome(rendered, exit_code=exit_code, notices=[*warnings, *notices])
