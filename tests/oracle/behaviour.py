"""The behaviour oracle for prune: run the shim and its callers before and after.

For every supported version of the fake upstream, one interpreter imports every module
of the project before prune and one after; each reports its public names, its ``RESULT``
and what every function it defines returns on a few inputs (:mod:`oracle.oracle`'s
driver). Any difference is a break, as is an importer that fails, unless prune's report
lists that importer; the shim is always judged on what its functions do. Prune's output
must also parse, a second run must change nothing, and prune must plan the same edits
under other ``PYTHONHASHSEED`` values (:class:`PruneWorkers`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from helpers import make_config

from compatlint.codemods.plan import PrunePlan
from compatlint.codemods.prune import plan_prune
from oracle.oracle import SHIM, Allowances, apply, import_all, judge, modules_of, write_files
from oracle.upstream import ALL_VERSIONS, SUPPORTED, Upstream

SEEDS = ("0", "1", "2")

_WORKER = r"""
import json, sys

sys.path.insert(0, sys.argv[1])
from helpers import make_config
from compatlint.codemods.prune import plan_prune

for line in sys.stdin:
    plan = plan_prune(make_config(), json.loads(line))
    texts = {path: edit.new_text for path, edit in sorted(plan.edits.items())}
    print(json.dumps({"texts": texts, "report": plan.to_json()}), flush=True)
"""


def outcome(plan: PrunePlan) -> dict[str, Any]:
    """What a prune run decided, as the workers print it."""
    texts = {path: edit.new_text for path, edit in sorted(plan.edits.items())}
    return json.loads(json.dumps({"texts": texts, "report": plan.to_json()}))


class PruneWorkers:
    """One long-lived interpreter per hash seed, each running ``plan_prune`` on demand.

    Long-lived, because importing libcst costs more than most prunes; the seed changes
    set and dict orders, and with them which objects are allocated where.
    """

    def __init__(self, seeds: Sequence[str] = SEEDS) -> None:
        tests = str(Path(__file__).resolve().parent.parent)
        self.processes = {
            seed: subprocess.Popen(
                [sys.executable, "-c", _WORKER, tests],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                env={**os.environ, "PYTHONHASHSEED": seed},
            )
            for seed in seeds
        }

    def run(self, files: Mapping[str, str]) -> dict[str, dict[str, Any]]:
        """Seed → what prune decided on ``files`` in that interpreter."""
        line = json.dumps(dict(files)) + "\n"
        for process in self.processes.values():
            assert process.stdin is not None
            process.stdin.write(line)
            process.stdin.flush()
        found = {}
        for seed, process in self.processes.items():
            assert process.stdout is not None
            answer = process.stdout.readline()
            assert answer, f"the prune worker with PYTHONHASHSEED={seed} died"
            found[seed] = json.loads(answer)
        return found

    def close(self) -> None:
        for process in self.processes.values():
            if process.stdin is not None:
                process.stdin.close()
            process.wait(timeout=60)


@contextmanager
def prune_workers(seeds: Sequence[str] = SEEDS) -> Iterator[PruneWorkers]:
    workers = PruneWorkers(seeds)
    try:
        yield workers
    finally:
        workers.close()


def nondeterminism(
    plan: PrunePlan, files: Mapping[str, str], workers: PruneWorkers | None
) -> list[str]:
    """The seeds under which prune decides something else than it did here."""
    if workers is None:
        return []
    mine = outcome(plan)
    problems = []
    for seed, theirs in workers.run(files).items():
        for path in sorted(mine["texts"].keys() | theirs["texts"].keys()):
            if mine["texts"].get(path) != theirs["texts"].get(path):
                problems.append(
                    f"PYTHONHASHSEED={seed}: prune writes another {path}:\n"
                    f"{theirs['texts'].get(path)}"
                )
        if mine["report"] != theirs["report"]:
            problems.append(f"PYTHONHASHSEED={seed}: prune reports otherwise")
    return problems


def check_behaviour(
    files: Mapping[str, str],
    upstream: Upstream,
    root: Path,
    workers: PruneWorkers | None = None,
    notes: str = "",
) -> PrunePlan:
    """Raise AssertionError naming every way prune changes what ``files`` do at a
    supported version; return prune's plan when it changes nothing."""
    paths = modules_of(files)
    modules = sorted(paths)
    roots = {v: upstream.write(root / f"sglang-{v}", v) for v in ALL_VERSIONS}
    original = write_files(root / "before", files)
    baseline = {v: import_all(original, roots[v], modules, modules) for v in ALL_VERSIONS}
    for version, imports in baseline.items():
        broken = {m: r["error"] for m, r in imports.items() if "error" in r}
        assert not broken, f"the generated project does not import at {version}: {broken}"

    config = make_config()
    plan = plan_prune(config, dict(files))
    try:
        pruned = apply(files, plan)
    except SyntaxError as exc:
        raise AssertionError(f"prune wrote code that does not parse: {exc}\n{notes}") from None
    problems = nondeterminism(plan, files, workers)
    again = plan_prune(config, pruned)
    problems += [f"a second prune changes {path}" for path in sorted(again.edits)]
    allowances = Allowances()
    allowances.add_prune(plan, files)
    allowances.listed.discard(SHIM)  # a listed shim site excuses no change to the shim
    project = write_files(root / "after", pruned)
    for version in SUPPORTED:
        after = import_all(project, roots[version], modules, modules)
        found = judge(baseline[version], after, allowances, paths)
        problems += [f"sglang {version}: {problem}" for problem in found]
    if problems:
        raise AssertionError(_explain(problems, plan, files, pruned, notes))
    return plan


def _explain(
    problems: list[str],
    plan: PrunePlan,
    files: Mapping[str, str],
    pruned: Mapping[str, str],
    notes: str,
) -> str:
    lines = ["prune changed what the program does:", *problems]
    if notes:
        lines.append(notes)
    for path in sorted(plan.edits):
        lines += [f"--- {path} before prune:", files[path]]
        lines += [f"--- {path} after prune:", pruned.get(path, "<deleted>")]
    report = plan.to_json()
    lines.append(f"removed: {json.dumps(report['removed'])}")
    lines.append(f"follow-ups: {json.dumps(report['follow_ups'])}")
    return "\n".join(lines)
