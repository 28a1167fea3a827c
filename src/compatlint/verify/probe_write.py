"""``verify --write``: fold the probes the evidence decides, through prune's gate fold (pure).

A probe is folded only when CL301 reports it (so a suppressed or unjudged one is not):
its answer is the same in every given release at or above the floor, none unknown, and
that answer is the value of the probe expression (``getattr(m, "X", None)`` of a plain
value is not). The fold is :func:`compatlint.codemods.gate_folds.fold_gates`, with the
probe as a decided operand: the same refusals as prune's (a name bound only in the arm
that goes, a ``yield``, a test whose other operands must still run) list the probe
instead. A call probe (``try: f(a, b) except TypeError``) is never folded, only listed.
Every probe not folded is listed with why.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field

from compatlint.analysis.version_gates import GateEnv, GateResult
from compatlint.codemods.gate_folds import fold_gates
from compatlint.codemods.gate_scan import Decide
from compatlint.model import Edit
from compatlint.verify.findings import VerifyResult
from compatlint.verify.probes import Probe, ProbeKind, find_probes
from compatlint.verify.resolve import Presence

__all__ = ["ProbeFolds", "fold_probes"]

_DEAD_PROBE = "CL301"
Span = tuple[int, int, int, int]


@dataclass
class ProbeFolds:
    """The new texts and, per probe, what happened: ``folded`` and ``listed`` hold
    ``path:line: text — why`` lines."""

    texts: dict[str, str] = field(default_factory=dict)
    folded: list[str] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)

    def edits(self, old: Mapping[str, str]) -> dict[str, Edit]:
        return {
            path: Edit(path, text, old[path])
            for path, text in self.texts.items()
            if text != old[path]
        }


def fold_probes(
    texts: Mapping[str, str], result: VerifyResult, package: str, hints: Mapping[str, str]
) -> ProbeFolds:
    """Fold every decided probe of the shims in ``texts`` (which may differ from the texts
    ``result`` was computed from by comment lines only: probes are found again and
    matched in order)."""
    outcome = ProbeFolds()
    matrix, window = result.probes, result.window
    flagged = {(d.path, d.line, d.column) for d in result.diagnostics if d.code == _DEAD_PROBE}
    by_path: dict[str, list[int]] = {}
    for index, probe in enumerate(matrix.probes):
        by_path.setdefault(probe.path, []).append(index)
    for path, indices in sorted(by_path.items()):
        if path not in texts:
            continue
        text = texts[path]
        now = find_probes(path, ast.parse(text), package, hints)
        if len(now) != len(indices):
            outcome.listed += [
                f"{_where(matrix.probes[i])} — the file changed since verify read it"
                for i in indices
            ]
            continue
        decided: dict[Span, tuple[Probe, GateResult]] = {}
        reasons: dict[int, str] = {}
        for index, current in zip(indices, now, strict=True):
            probe = matrix.probes[index]
            truth = matrix.truth(index, window)
            if (probe.path, probe.line, probe.column) not in flagged:
                reasons[index] = _undecided(result, index)
            elif probe.kind is ProbeKind.CALL:
                reasons[index] = "a `try`/`except TypeError` call probe: a person decides"
            elif truth is None or current.span is None:
                reasons[index] = "its value is not its presence (a plain value may be None)"
            elif current.root_line is None:
                reasons[index] = "not in an `if`, ternary or `assert` test: a person decides"
            else:
                why = f"verify: {probe.subject} decided in every given release"
                decided[current.span] = (current, GateResult(truth, (package,), why))

        folds = fold_gates(path, text, GateEnv(), decide=_decider(decided)) if decided else None
        folded_lines = {site.line for site in folds.folded} if folds else set()
        listed_lines = {f.line: f.reason for f in folds.listed} if folds else {}
        for index, current in zip(indices, now, strict=True):
            probe = matrix.probes[index]
            if index in reasons:
                outcome.listed.append(f"{_where(probe)} — {reasons[index]}")
            elif current.root_line in listed_lines:
                reason = listed_lines[current.root_line].removeprefix("version gate ")
                outcome.listed.append(f"{_where(probe)} — {reason}")
            elif current.root_line in folded_lines:
                outcome.folded.append(_where(probe))
            else:
                outcome.listed.append(f"{_where(probe)} — the fold did not take it")
        if folds is not None and folds.text != text:
            outcome.texts[path] = folds.text
    return outcome


def _decider(decided: Mapping[Span, tuple[Probe, GateResult]]) -> Decide:
    """The fold's hook: a test operand that is a decided probe has its value."""

    def decide(leaf: ast.expr) -> GateResult | None:
        span = (leaf.lineno, leaf.col_offset, leaf.end_lineno or 0, leaf.end_col_offset or 0)
        found = decided.get(span)
        return found[1] if found is not None else None

    return decide


def _where(probe: Probe) -> str:
    return f"{probe.path}:{probe.line}: `{probe.text}`"


def _undecided(result: VerifyResult, index: int) -> str:
    """Why the evidence does not decide probe ``index`` (or why it is not reported)."""
    answers = result.probes.answers[index]
    window = result.window
    if not window:
        return "no given release is at or above the floor"
    for column in window:
        if answers[column].presence is Presence.UNKNOWN:
            version = result.matrix.versions[column]
            return f"unknown in {version}: {answers[column].resolution.reason}"
    if len({answers[c].presence for c in window}) > 1:
        return "the answer differs across the given releases: the probe is live"
    return "suppressed, or on a track the given releases do not judge"
