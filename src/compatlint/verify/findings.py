"""Run the CL3xx rules and derive tag suggestions from the evidence (pure).

:func:`verify_project` is the whole of ``compatlint verify`` without the I/O: project
facts + source texts + upstream trees in, a :class:`VerifyResult` out. Findings are
:class:`~compatlint.model.Diagnostic`\\ s like ``check``'s, sorted the same way, and a
``# compatlint: ignore[CL30x]`` comment suppresses them the same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from compatlint.analysis.project import ProjectFacts, is_suppressed, suppresses
from compatlint.model import Diagnostic, SiteKind
from compatlint.verify.evidence import Evidence, Fallback, collect_evidence
from compatlint.verify.judge import (
    Finding,
    Matrix,
    SuggestedTag,
    VerifyContext,
    VerifyRule,
    build_matrix,
)
from compatlint.verify.probe_evidence import ProbeMatrix, collect_probes, probe_matrix
from compatlint.verify.rules import VERIFY_RULES
from compatlint.verify.sources import UpstreamTree

__all__ = ["VERIFY_RULES", "Suggestion", "VerifyResult", "run_verify_rules", "verify_project"]

_UNTAGGED_CODE = "CL101"


@dataclass(frozen=True)
class Suggestion:
    """The tag the evidence supports for an untagged (or vaguely tagged) fallback.

    ``tag`` is None when the evidence supports none; ``reason`` then says why.
    """

    fallback: Fallback
    tag: SuggestedTag | None
    reason: str = ""

    @property
    def path(self) -> str:
        return self.fallback.site.path

    @property
    def line(self) -> int:
        return self.fallback.site.line

    @property
    def replaces_vague_tag(self) -> bool:
        return self.fallback.site.tag is not None

    @property
    def writable(self) -> bool:
        """Whether ``--write`` can insert it: an untagged handler whose body starts on a
        line of its own."""
        return (
            self.tag is not None
            and not self.replaces_vague_tag
            and self.fallback.site.kind is SiteKind.IMPORT_FALLBACK
            and self.fallback.body_line > self.fallback.header_line > 0
        )


@dataclass(frozen=True)
class VerifyResult:
    """One ``verify`` run: evidence, matrix, findings and suggestions."""

    evidence: Evidence
    matrix: Matrix
    findings: tuple[Finding, ...]
    suggestions: tuple[Suggestion, ...]
    origins: tuple[str, ...]
    probes: ProbeMatrix = field(default_factory=ProbeMatrix)
    #: The columns at or above the floor (the window a probe must be decided in to fold).
    window: tuple[int, ...] = ()

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return tuple(finding.diagnostic for finding in self.findings)


def run_verify_rules(
    context: VerifyContext, rules: Sequence[type[VerifyRule]] = VERIFY_RULES
) -> list[Finding]:
    """Every unsuppressed finding of ``rules``, sorted like ``check``'s diagnostics."""
    found: dict[Diagnostic, Finding] = {}
    for rule in rules:
        for finding in rule().findings(context):
            if not is_suppressed(context.project, finding.diagnostic):
                found.setdefault(finding.diagnostic, finding)
    return sorted(found.values(), key=lambda f: f.diagnostic.sort_key())


def suggest_tags(context: VerifyContext) -> list[Suggestion]:
    """A suggestion for every untagged or vaguely tagged import fallback.

    A fallback whose ``except`` line carries ``# compatlint: ignore[CL101]`` is untagged
    on purpose and gets none.
    """
    suggestions = []
    for fallback in context.evidence.fallbacks:
        site = fallback.site
        if site.kind is not SiteKind.IMPORT_FALLBACK or not context.judged(site):
            continue
        if site.tag is not None and not site.tag.is_vague:
            continue
        facts = context.project.files.get(site.path)
        if facts is not None and suppresses(facts.suppressed_codes(site.line), _UNTAGGED_CODE):
            continue
        tag, reason = context.supported_tag(fallback)
        suggestions.append(Suggestion(fallback, tag, reason))
    return suggestions


def verify_project(
    project: ProjectFacts,
    sources: Mapping[str, str],
    trees: Sequence[UpstreamTree],
    rules: Sequence[type[VerifyRule]] = VERIFY_RULES,
) -> VerifyResult:
    """Resolve the project's upstream imports in ``trees`` and judge them."""
    package = trees[0].package if trees else None
    evidence = collect_evidence(project, sources, package)
    matrix = build_matrix(evidence, trees)
    probes = probe_matrix(collect_probes(project, sources, evidence.package), trees)
    context = VerifyContext(project, evidence, matrix, probes)
    ordered = sorted(trees, key=lambda tree: tree.version)
    return VerifyResult(
        evidence=evidence,
        matrix=matrix,
        findings=tuple(run_verify_rules(context, rules)),
        suggestions=tuple(suggest_tags(context)),
        origins=tuple(tree.origin for tree in ordered),
        probes=probes,
        window=context.window(),
    )
