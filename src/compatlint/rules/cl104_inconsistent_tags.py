"""CL104 inconsistent-tags: one covered version, different removal versions."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from compatlint.analysis.project import ProjectFacts
from compatlint.model import Diagnostic, Tag
from compatlint.rules.base import Case, Located, Rule


class InconsistentTags(Rule):
    code = "CL104"
    name = "inconsistent-tags"
    summary = "Tags that cover the same version disagree on when it goes."
    what = """
Groups the shim's tags by upstream, track and covered version and flags the tags whose
removal version differs from the rest of their group (all of them when there is no
majority).
"""
    why = """
The covered version is the N-1 of some bump; it falls out of the window at one
release, so every fallback for it goes at the same time. Diverging removal versions mean
a typo or a guess, and the next prune keeps half of a version's fallbacks alive.
"""
    example = """
# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
...
# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.11+
"""
    use_instead = """
# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
...
# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
"""
    VALID = (
        Case(
            "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+\nX = 1\n"
            "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+\nY = 1\n"
        ),
        Case(
            "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+\nX = 1\n"
            "# Fallback for the separately pinned XPU SGLang 0.5.9.\n"
            "# Remove when the XPU pin is upgraded to 0.5.12+.\nY = 1\n"
        ),
    )
    INVALID = (
        Case(
            "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+\nX = 1\n"
            "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+\nY = 1\n"
            "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.11+\nZ = 1\n",
            lines=(5,),
        ),
        Case(
            "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+\nX = 1\n"
            "# Fallback for sglang <= 0.5.9. Remove when min supported version is 0.5.11+\n"
            "Y = 1\n",
            lines=(1, 3),
        ),
    )

    def check(self, project: ProjectFacts) -> Iterator[Diagnostic]:
        groups: dict[tuple[str, str | None, str], list[tuple[str, Tag]]] = defaultdict(list)
        for path, shim in project.shims.items():
            for tag in shim.tags:
                if tag.is_vague or tag.covers is None or tag.removal is None:
                    continue
                upstream = tag.upstream or project.config.primary
                groups[(upstream, tag.track, str(tag.covers))].append((path, tag))
        for (upstream, _track, covers), members in groups.items():
            counts = Counter(str(tag.removal) for _, tag in members)
            if len(counts) < 2:
                continue
            ranked = counts.most_common()
            majority = ranked[0][0] if ranked[0][1] > ranked[1][1] else None
            for path, tag in members:
                removal = str(tag.removal)
                if removal == majority:
                    continue
                others = sorted(r for r in counts if r != removal)
                yield self.report(
                    path,
                    Located(tag.line, 1, tag.end_line),
                    f"covers {upstream} {covers} but says remove at {removal}+, while other "
                    f"tags for {covers} say {', '.join(o + '+' for o in others)}",
                    tag=tag,
                )
