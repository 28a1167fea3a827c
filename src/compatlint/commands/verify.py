"""``compatlint verify`` without click: load the upstreams, analyse, judge, render, write.

:func:`run_verify` returns what to print and the exit code; ``cli.py`` prints it. Every
user mistake (a bad ``--upstream``, a missing package, a dirty file to write) is a
:class:`~compatlint.errors.CompatlintError`, which the CLI turns into one line and exit 2.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from compatlint.commands.outcome import Outcome
from compatlint.config import Config
from compatlint.errors import WorkspaceError
from compatlint.model import Edit
from compatlint.verify.sources import UpstreamError, load_upstream, parse_upstream_option

if TYPE_CHECKING:
    from compatlint.verify.findings import VerifyResult
    from compatlint.workspace import Workspace

__all__ = ["run_verify"]

EXIT_CLEAN = 0
EXIT_FINDINGS = 1


def run_verify(
    config: Config,
    upstream_options: Sequence[str],
    *,
    output_format: str = "text",
    suggest: bool = False,
    write: bool = False,
    allow_dirty: bool = False,
    color: bool = False,
) -> Outcome:
    """Verify the project of ``config`` against the ``VERSION=PATH`` upstreams given."""
    from compatlint.analysis.project import analyze_project
    from compatlint.report.verify import render_verify
    from compatlint.verify.findings import verify_project
    from compatlint.workspace import Workspace

    specs = [parse_upstream_option(value) for value in upstream_options]
    if len(specs) < 2:
        raise UpstreamError(
            "give at least two --upstream VERSION=PATH (typically N-1 and N), "
            "e.g. --upstream 0.5.10=wheels/sglang-0.5.10-py3-none-any.whl"
        )
    seen: dict[str, str] = {}
    for version, path in specs:
        if str(version) in seen:
            raise UpstreamError(
                f"--upstream {version} is given twice ({seen[str(version)]}, {path})"
            )
        seen[str(version)] = str(path)
    package = config.primary.split(".")[0]
    messages: list[str] = []
    with contextlib.ExitStack() as stack:
        trees = []
        for version, path in specs:
            tree = load_upstream(version, path, package)
            stack.callback(tree.close)
            trees.append(tree)
            if tree.detected_version is not None and tree.detected_version != version:
                messages.append(
                    f"compatlint: warning: --upstream {version}={path}: the file name says "
                    f"{tree.detected_version}"
                )
        workspace = Workspace(config)
        checked = workspace.python_files()
        sources = workspace.sources([*checked, *workspace.context_files()])
        project = analyze_project(config, sources)
        result = verify_project(project, sources, trees)
    output = render_verify(
        result,
        output_format,
        floors=config.floors,
        package=package,
        files=len(checked),
        suggest=suggest or write,
        color=color,
    )
    if write:
        messages.append(_write_suggestions(workspace, result, allow_dirty=allow_dirty))
    return Outcome(
        output,
        messages=messages,
        exit_code=EXIT_FINDINGS if result.findings else EXIT_CLEAN,
        notices=workspace.warnings,
    )


def _write_suggestions(workspace: Workspace, result: VerifyResult, *, allow_dirty: bool) -> str:
    """Insert every writable suggested tag and fold every probe the evidence decides, with
    prune's safety: files with uncommitted changes are refused (``--allow-dirty`` skips the
    check), and so is a file that changed on disk since the analysis read it; then every
    file is written or none. Probes not folded are listed."""
    from compatlint.verify import write
    from compatlint.verify.probe_write import fold_probes

    config = workspace.config
    paths = sorted({s.path for s in result.suggestions if s.writable and s.tag is not None})
    probe_paths = sorted({p.path for p in result.probes.probes})
    texts = {path: workspace.read(path) for path in sorted({*paths, *probe_paths})}
    tagged = {
        path: edit.new_text or ""
        for path, edit in write.tag_edits(texts, result.suggestions).items()
    }
    package = config.primary.split(".")[0]
    folds = fold_probes({**texts, **tagged}, result, package, config.verify_types)
    final = {**tagged, **folds.texts}
    edits = {
        path: Edit(path, text, texts[path]) for path, text in final.items() if text != texts[path]
    }
    written: list[str] = []
    if edits:
        changed = sorted(edits)
        workspace.ensure_clean(changed, allow_dirty=allow_dirty)
        for path in changed:
            if (workspace.root / path).read_bytes() != workspace.read_bytes(path):
                raise WorkspaceError("changed on disk since it was read; run verify again", path)
        written = workspace.apply(edits[path] for path in changed)
    lines = []
    count = write.inserted_count(Edit(p, tagged[p], texts[p]) for p in written if p in tagged)
    if count:
        files = ", ".join(p for p in written if p in tagged)
        lines.append(
            f"compatlint: --write: inserted {count} tag{'s' if count != 1 else ''} in {files}"
        )
    if folds.folded and written:
        lines += [f"compatlint: --write: folded probe {where}" for where in folds.folded]
    lines += [f"compatlint: --write: left probe {where}" for where in folds.listed]
    if not count and not (folds.folded and written):
        nothing = "no tag to insert" + (", no probe to fold" if result.probes.probes else "")
        lines.insert(0, f"compatlint: --write: {nothing}")
    return "\n".join(lines)
