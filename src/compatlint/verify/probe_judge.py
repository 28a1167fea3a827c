"""What the CL3xx rules say about API probes (pure): dead probes (CL301) and probe tags
the upstream's files contradict (CL303)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from compatlint.verify.judge import Finding, VerifyContext, tag_needs_fallback, versions_text
from compatlint.verify.probe_evidence import probe_site
from compatlint.verify.probes import Form, Probe, ProbeKind
from compatlint.verify.resolve import Presence

if TYPE_CHECKING:
    from compatlint.verify.judge import VerifyRule

__all__ = ["dead_probes", "probe_tag_contradictions"]


def _dead_text(probe: Probe, presence: Presence, truth: bool | None) -> tuple[str, str]:
    """What never changes, and what that makes dead."""
    present = presence is Presence.PRESENT
    if probe.kind is ProbeKind.CALL:
        if present:
            return f"the call {probe.subject} binds", "the `except TypeError` arm never runs"
        return f"the call {probe.subject} fails to bind", "the `try` call always fails"
    if probe.form is Form.GETATTR:
        answers = f"`{probe.text}` always returns {'the member' if present else 'None'}"
    elif truth is not None:
        answers = f"`{probe.text}` is always {truth}"
    else:
        answers = "the answer never changes"
    return f"{probe.subject} is {'present' if present else 'absent'}", f"{answers}; fold it"


def dead_probes(rule: VerifyRule, context: VerifyContext) -> Iterator[Finding]:
    """A probe whose answer is the same in every given release at or above the floor."""
    window = context.window()
    if not window:
        return
    floor = context.floor()
    where = f" at or above the floor {floor}" if floor is not None else ""
    releases = versions_text([context.versions[c] for c in window])
    matrix = context.probes
    for index, probe in enumerate(matrix.probes):
        presence = matrix.decided(index, window)
        if presence is None:
            continue
        site = probe_site(context.project, probe)
        if site is not None and not context.judged(site):
            continue
        fact, dead = _dead_text(probe, presence, matrix.truth(index, window))
        evidence = matrix.answers[index][window[-1]].resolution.reason
        message = (
            f"dead probe: {fact} in every given version{where} ({releases}): {dead} ({evidence})"
        )
        tag = site.tag if site is not None else None
        if tag is not None:
            message += ", whatever its tag says"
        yield Finding(rule.report(probe.path, probe, message, tag=tag))


def probe_tag_contradictions(rule: VerifyRule, context: VerifyContext) -> Iterator[Finding]:
    """A tagged probe branch whose tag says a release needs the fallback arm (or not) where
    the probe's answer there says the other arm runs."""
    matrix = context.probes
    for index, probe in enumerate(matrix.probes):
        site = probe_site(context.project, probe)
        if site is None or site.tag is None or site.tag.is_vague or site.outcome is None:
            continue
        if not context.judged(site):
            continue
        keeps, drops = [], []
        for column, version in enumerate(context.versions):
            truth = matrix.answers[index][column].truth
            needed = tag_needs_fallback(site.tag, version)
            if truth is None or needed is None:
                continue
            new_arm_runs = (truth != probe.negated) == site.outcome
            if needed and new_arm_runs:
                keeps.append(version)
            elif not needed and not new_arm_runs:
                drops.append(version)
        if not keeps and not drops:
            continue
        parts = []
        if keeps:
            parts.append(
                f"it keeps the fallback arm for {versions_text(keeps)}, but `{probe.text}` "
                "takes the new arm there"
            )
        if drops:
            parts.append(
                f"it drops the fallback arm for {versions_text(drops)}, but `{probe.text}` "
                "still takes it there"
            )
        message = f"tag contradicts the upstream ({probe.subject}): " + "; ".join(parts)
        yield rule.finding(site, message, (), tag=site.tag)
