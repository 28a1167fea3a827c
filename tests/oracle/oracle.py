"""Import every module of a project before and after prune + inline, and judge the change.

One subprocess per (project, upstream version, before/after) imports every module and
prints, per module, either its public names with stable labels and its ``RESULT`` values,
or the exception; for the modules asked, also what each function defined there returns
(or raises) on a few inputs. :func:`judge` then holds the codemods to their first rule: a module
that imported before imports after with the same names and results, unless the report
lists it for a person (or says it removed or added that very name there).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from helpers import make_config
from hypothesis import settings

from compatlint.analysis.project import module_name
from compatlint.codemods.inline import InlinePlan, plan_inline
from compatlint.codemods.plan import PrunePlan
from compatlint.codemods.prune import plan_prune
from oracle.upstream import VERSIONS, Upstream

SHIM = "pkg/_compat.py"


def example_count(quick: int) -> int:
    """How many examples an oracle property runs: ``COMPATLINT_ORACLE_EXAMPLES`` wins; a
    hypothesis profile that asks for more than hypothesis' default of 100 is honoured;
    otherwise ``quick``, the count ``make test`` runs."""
    wanted = os.environ.get("COMPATLINT_ORACLE_EXAMPLES")
    if wanted:
        return int(wanted)
    profile = settings.default.max_examples
    return profile if profile > 100 else quick


DRIVER = r"""
import importlib, json, sys, types

sys.path[:0] = [sys.argv[1], sys.argv[2]]


def label(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [label(item) for item in value]
    if isinstance(value, types.ModuleType):
        return "module " + value.__name__
    if isinstance(value, (type, types.FunctionType, types.BuiltinFunctionType)):
        return value.__module__ + "." + value.__qualname__
    kind = type(value)
    return "instance of " + kind.__module__ + "." + kind.__qualname__


# What each public function of a module returns or raises on a few inputs; a list
# argument is shown after the call too, so that work done on it counts.
def calls(module):
    found = {}
    for key, value in sorted(vars(module).items()):
        if key.startswith("_") or not isinstance(value, types.FunctionType):
            continue
        if value.__module__ != module.__name__:
            continue
        outcomes = {}
        for text, make in INPUTS:
            argument = make()
            try:
                outcome = label(value(argument))
            except Exception as exc:
                outcome = "raises " + type(exc).__name__
            outcomes[text] = [outcome, label(argument)] if text == "[]" else outcome
        found[key] = outcomes
    return found


INPUTS = (("1", lambda: 1), ("2", lambda: 2), ("[]", list))
called = set(json.loads(sys.argv[4])) if len(sys.argv) > 4 else set()
report = {}
for name in json.loads(sys.argv[3]):
    try:
        module = importlib.import_module(name)
    except Exception as exc:
        report[name] = {"error": type(exc).__name__ + ": " + str(exc)}
        continue
    names = {
        key: label(value)
        for key, value in vars(module).items()
        if not key.startswith("_") and key != "RESULT" and not isinstance(value, types.ModuleType)
    }
    result = {key: label(value) for key, value in getattr(module, "RESULT", {}).items()}
    report[name] = {"names": names, "result": result}
    if name in called:
        report[name]["calls"] = calls(module)
print(json.dumps(report))
"""

Imports = dict[str, dict[str, Any]]  # module -> {"names", "result"} or {"error"}


def write_files(root: Path, files: Mapping[str, str]) -> Path:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def modules_of(files: Mapping[str, str]) -> dict[str, str]:
    """Dotted module → path, for every Python file of the project."""
    found: dict[str, str] = {}
    for path in sorted(files):
        name, _ = module_name(path, ["."])
        if path.endswith(".py") and name is not None:
            found[name] = path
    return found


def import_all(
    project: Path, upstream: Path, modules: list[str], call: Sequence[str] = ()
) -> Imports:
    """Import every module in one fresh interpreter and read what each one holds; call
    the functions of the modules in ``call``."""
    completed = subprocess.run(
        [
            sys.executable,
            "-I",
            "-S",
            "-B",
            "-c",
            DRIVER,
            str(project),
            str(upstream),
            json.dumps(modules),
            json.dumps(list(call)),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=project,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout.replace(json.dumps(str(project))[1:-1], "<project>"))


@dataclass
class Allowances:
    """What the codemods' reports own up to: listed paths, names removed or added where."""

    listed: set[str] = field(default_factory=set)
    removed: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    added: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    deleted: set[str] = field(default_factory=set)

    def add_prune(self, plan: PrunePlan, sources: Mapping[str, str]) -> None:
        self.listed |= {item.path for item in plan.follow_ups}
        for edit in plan.call_site_edits:
            self.removed[edit.path] |= _bound_by(sources[edit.path], edit.line, edit.name)

    def add_inline(self, plan: InlinePlan) -> None:
        self.listed |= {item.path for item in plan.manual}
        self.deleted |= set(plan.deleted)
        for item in plan.inlined:
            for edit in item.importers:
                self.added[edit.path].add(item.name)


def _bound_by(text: str, line: int, name: str) -> set[str]:
    """The names an import of the shim's ``name`` on ``line`` binds (``as`` aliases too)."""
    bound = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ImportFrom) and node.lineno <= line <= (node.end_lineno or 0):
            bound |= {alias.asname or alias.name for alias in node.names if alias.name == name}
    return bound


def judge(
    before: Imports, after: Imports, allowances: Allowances, paths: Mapping[str, str]
) -> list[str]:
    """The silent breaks: modules that no longer import, or hold other names or results,
    or whose functions return other values, that the reports do not list. The shim may
    lose names (its importers are the judges)."""
    problems: list[str] = []
    for module, old in sorted(before.items()):
        path = paths[module]
        if "error" in old or path in allowances.deleted or path in allowances.listed:
            continue
        new = after.get(module, {"error": "not imported"})
        if "error" in new:
            problems.append(f"{path}: imported before, now {new['error']}")
            continue
        lost = old["names"].keys() - new["names"].keys() - allowances.removed[path]
        if path == SHIM:
            lost = set()
        gained = new["names"].keys() - old["names"].keys() - allowances.added[path]
        changed = {
            key
            for key in old["names"].keys() & new["names"].keys()
            if old["names"][key] != new["names"][key]
        }
        for key in sorted(lost):
            problems.append(f"{path}: lost {key} (was {old['names'][key]})")
        for key in sorted(gained):
            problems.append(f"{path}: gained {key} ({new['names'][key]})")
        for key in sorted(changed):
            problems.append(f"{path}: {key} was {old['names'][key]}, now {new['names'][key]}")
        for key in sorted(old["result"].keys() | new["result"].keys()):
            was, now = old["result"].get(key), new["result"].get(key)
            if was != now:
                problems.append(f"{path}: RESULT[{key!r}] was {was!r}, now {now!r}")
        problems += _changed_calls(path, old.get("calls", {}), new.get("calls", {}))
    return problems


def _changed_calls(path: str, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Functions in both runs that return (or raise, or leave in a list) something else."""
    return [
        f"{path}: {function}({argument}) was {outcome!r}, now {new[function][argument]!r}"
        for function in sorted(old.keys() & new.keys())
        for argument, outcome in old[function].items()
        if new[function].get(argument) != outcome
    ]


def apply(files: Mapping[str, str], plan: PrunePlan | InlinePlan) -> dict[str, str]:
    """The project after a plan (a deleted file is gone); every new text must parse."""
    result: dict[str, str] = {}
    for path, text in files.items():
        new = plan.new_text(path, text)
        if new is None:
            continue
        compile(new, path, "exec", dont_inherit=True)
        result[path] = new
    return result


@dataclass
class Run:
    """The codemods applied to one project, and their reports."""

    sources: dict[str, str]
    pruned: dict[str, str]
    final: dict[str, str]
    prune: PrunePlan
    inline: InlinePlan


def run_codemods(files: Mapping[str, str]) -> Run:
    """prune, then inline on prune's output; each must be a no-op on its own output."""
    config = make_config()
    prune = plan_prune(config, dict(files))
    pruned = apply(files, prune)
    again = plan_prune(config, pruned)
    assert not again.changed, {path: edit.new_text for path, edit in again.edits.items()}
    inline = plan_inline(config, pruned)
    final = apply(pruned, inline)
    twice = plan_inline(config, final)
    assert not twice.changed, {path: edit.new_text for path, edit in twice.edits.items()}
    return Run(dict(files), pruned, final, prune, inline)


def check_project(files: Mapping[str, str], upstream: Upstream, root: Path) -> Run:
    """Raise AssertionError naming every silent break prune or inline makes in ``files``.

    Each codemod is judged on its own step (prune against the original project, inline
    against prune's output), so that one codemod's report cannot excuse the other's break.
    """
    paths = modules_of(files)
    modules = sorted(paths)
    uproots = {v: upstream.write(root / f"sglang-{v}", v) for v in VERSIONS}
    baseline = {
        v: import_all(write_files(root / "before", files), uproots[v], modules) for v in VERSIONS
    }
    for version, imports in baseline.items():
        broken = {m: r["error"] for m, r in imports.items() if "error" in r}
        assert not broken, f"the generated project does not import at {version}: {broken}"

    run = run_codemods(files)
    for_prune, for_inline = Allowances(), Allowances()
    for_prune.add_prune(run.prune, run.sources)
    for_inline.add_inline(run.inline)
    problems: list[str] = []
    steps = (("prune", run.pruned, for_prune), ("inline", run.final, for_inline))
    for step, texts, allowances in steps:
        project = write_files(root / step, texts)
        for version in VERSIONS:
            after = import_all(project, uproots[version], modules)
            found = judge(baseline[version], after, allowances, paths)
            problems += [f"{step}, sglang {version}: {problem}" for problem in found]
            baseline[version] = after
    if problems:
        raise AssertionError(_explain(problems, run))
    return run


def _explain(problems: list[str], run: Run) -> str:
    """The failure message: the breaks, the files each codemod changed, the reports."""
    lines = ["silent breaks (not in the reports):", *problems]
    for step, plan, texts in (("prune", run.prune, run.pruned), ("inline", run.inline, run.final)):
        for path in sorted(plan.edits):
            text = texts.get(path)
            lines += [f"--- {path} after {step}:", "<deleted>" if text is None else text]
    lines.append(f"prune follow-ups: {json.dumps(run.prune.to_json()['follow_ups'])}")
    lines.append(f"inline manual items: {json.dumps(run.inline.to_json()['manual'])}")
    return "\n".join(lines)
