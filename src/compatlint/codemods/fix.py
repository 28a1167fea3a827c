"""The safe fixes of the findings check reports, chained: a pure planner.

CL102 (expired fallback) and CL112 (dead version gate) are fixed by prune at the floors,
each only when selected (prune's shims for CL102, its gate folds for CL112); CL108
(trivial shim) by inline; CL202 (unmocked import) by mocks. CL114 (stale flag) is not
fixable yet: a flag's uses in other modules must fold with it. Each planner is pure, so
they run one after the other on the texts the previous one produced;
:mod:`compatlint.commands.fix` reads the project and applies the result all-or-nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Mapping

from compatlint.analysis.project import analyze_project
from compatlint.codemods.formatting import Formatter
from compatlint.codemods.inline import plan_inline
from compatlint.codemods.mocks import plan_mocks
from compatlint.codemods.prune import plan_prune
from compatlint.codemods.sorting import ImportSorter
from compatlint.config import Config
from compatlint.model import Edit
from compatlint.names.importers import BatchReader, FactsCache, TextAnswers

FIXABLE = ("CL102", "CL108", "CL112", "CL202")


def plan_fixes(
    config: Config,
    sources: Mapping[str, str],
    codes: Collection[str],
    *,
    sorter: ImportSorter | None = None,
    formatter: Formatter | None = None,
    facts_cache: FactsCache | None = None,
    digest: Callable[[str], str] | None = None,
    known: TextAnswers | None = None,
    batch: BatchReader | None = None,
    bindings_batch: BatchReader | None = None,
) -> dict[str, Edit]:
    """Whole-file edits that fix the findings with ``codes`` (path → edit); ``sorter``
    and ``formatter`` tidy what prune and inline touch, as those commands do, and
    ``facts_cache`` keeps what they read of each file (keyed by ``digest`` of its text),
    ``known`` what they searched the texts as read for (see
    :class:`~compatlint.names.importers.TextAnswers`)."""
    current: dict[str, str | None] = dict(sources)

    def take(edits: Mapping[str, Edit]) -> None:
        for path, edit in edits.items():
            current[path] = edit.new_text

    def live() -> dict[str, str]:
        return {path: text for path, text in current.items() if text is not None}

    if codes & {"CL102", "CL112"}:
        # CL112 alone: no shim is pruned (an empty shim list), every gate under src folds
        pruned = config if "CL102" in codes else dataclasses.replace(config, shims=())
        gates = "CL112" in codes
        plan = plan_prune(
            pruned,
            live(),
            config.floors,
            sorter=sorter,
            formatter=formatter,
            gates=gates,
            facts_cache=facts_cache,
            digest=digest,
            known=known,
            batch=batch,
            bindings_batch=bindings_batch,
        )
        take(plan.edits)
    if "CL108" in codes:
        inlined = plan_inline(
            config,
            live(),
            sorter=sorter,
            formatter=formatter,
            facts_cache=facts_cache,
            digest=digest,
            known=known,
            batch=batch,
            bindings_batch=bindings_batch,
        )
        take(inlined.edits)
    if "CL202" in codes and config.mocks is not None and config.mocks.file in current:
        texts = live()
        project = analyze_project(config, texts)
        take(plan_mocks(project, texts[config.mocks.file]).edits)
    return {
        path: Edit(path, text, sources[path])
        for path, text in current.items()
        if path in sources and text != sources[path]
    }
