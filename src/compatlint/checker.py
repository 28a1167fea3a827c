"""Run the rules over project facts: selection, suppression, ordering (pure)."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from compatlint.analysis.project import ProjectFacts, is_suppressed
from compatlint.errors import CompatlintError
from compatlint.model import Diagnostic
from compatlint.rules import ALL_RULES, Rule


def select_rules(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> tuple[type[Rule], ...]:
    """Rules whose code starts with a selected prefix (all if none) and no ignored one."""
    selected = [code.strip().upper() for code in select if code.strip()]
    ignored = [code.strip().upper() for code in ignore if code.strip()]
    for code in (*selected, *ignored):
        if code != "ALL" and not any(rule.code.startswith(code) for rule in ALL_RULES):
            raise CompatlintError(f"unknown rule code or prefix {code!r}")
    chosen = []
    for rule in ALL_RULES:
        if (
            selected
            and "ALL" not in selected
            and not any(rule.code.startswith(c) for c in selected)
        ):
            continue
        if any(rule.code.startswith(c) for c in ignored):
            continue
        chosen.append(rule)
    return tuple(chosen)


def run_rules(
    project: ProjectFacts,
    rules: Iterable[type[Rule]],
    *,
    only_paths: Collection[str] | None = None,
) -> list[Diagnostic]:
    """Every unsuppressed diagnostic of ``rules``, limited to ``only_paths`` when given."""
    found: list[Diagnostic] = []
    for rule_class in rules:
        for diagnostic in rule_class().check(project):
            if only_paths is not None and diagnostic.path not in only_paths:
                continue
            if is_suppressed(project, diagnostic):
                continue
            found.append(diagnostic)
    return sorted(set(found), key=Diagnostic.sort_key)
