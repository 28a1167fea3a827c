"""CL203 stale-policy-doc: a policy doc's example tag names a version out of the window."""

from __future__ import annotations

from collections.abc import Iterator

from compatlint.analysis.project import ProjectFacts
from compatlint.model import Diagnostic
from compatlint.rules.base import Case, Located, Rule

_DOCS = {"policy-docs": ["docs/policy.md"]}


class StalePolicyDoc(Rule):
    code = "CL203"
    name = "stale-policy-doc"
    summary = "A policy doc's example tag names a removal version at or below the floor."
    what = """
Reads the files in `policy-docs` (Markdown or text) and flags each tag-shaped example
whose removal version is at or below the floor of its track.
"""
    why = """
The policy doc is what the next person copies when they add a fallback. At every bump
its example snippet must move to the new N-1; an example that names versions outside
the window teaches stale tags.
"""
    example = """
Tag every fallback like this:
    # Fallback for sglang 0.5.8. Remove when min supported version is 0.5.9+
"""
    use_instead = """
Tag every fallback like this:
    # Fallback for sglang 0.5.10. Remove when min supported version is 0.5.11+
"""
    VALID = (
        Case(
            "X = 1\n",
            files={
                "docs/policy.md": "Use:\n\n    # Fallback for sglang 0.5.10. Remove when min "
                "supported version is 0.5.11+\n\nor `# Fallback for sglang <vX.Y>`.\n"
            },
            config=_DOCS,
        ),
    )
    INVALID = (
        Case(
            "X = 1\n",
            path="pkg/_compat.py",
            files={
                "docs/policy.md": "# Policy\n\n```python\n# Fallback for sglang 0.5.8. Remove "
                "when min supported version is 0.5.9+\n```\n"
            },
            config=_DOCS,
        ),
    )

    def check(self, project: ProjectFacts) -> Iterator[Diagnostic]:
        floors = project.config.floors
        for path, tags in project.doc_tags.items():
            for tag in tags:
                floor = floors.governing(tag, None, project.config.primary)
                if floor is None or tag.removal is None or tag.removal > floor:
                    continue
                yield self.report(
                    path,
                    Located(tag.line, 1, tag.end_line),
                    f"example tag says remove at {tag.removal}+, at or below the floor "
                    f"{floor}: move the example to the current N-1",
                    tag=tag,
                )
