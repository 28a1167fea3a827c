"""CL102 expired-fallback: a tag says the fallback may go at the current floor."""

from __future__ import annotations

from collections.abc import Iterator

from compatlint.analysis.project import ProjectFacts
from compatlint.model import Diagnostic, Fate
from compatlint.rules.base import Case, Rule
from compatlint.sitekinds import needs_tag


class ExpiredFallback(Rule):
    code = "CL102"
    name = "expired-fallback"
    summary = "A fallback whose tag says it may go at or below the floor is still there."
    what = """
Flags a tagged site (import fallback, temporary try body, probe branch, probe path or
tagged definition) whose removal version is at or below the floor of its track — the
minimum supported upstream version from `floor` / `[tool.compatlint.tracks]` or `--floor`.
A tag with only a covered version C expires once the floor is above C.
"""
    why = """
Support window N and N-1: after a bump, anything older is dead code and must be removed
in the same change. A fallback that outlives its window keeps untested paths alive and
hides which versions the project really supports.
"""
    example = """
# floor = "0.5.10"
try:
    from sglang.srt.utils.network import NetworkAddress
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    from sglang.srt.utils import NetworkAddress
"""
    use_instead = """
from sglang.srt.utils.network import NetworkAddress
"""
    fixable = True
    fix = "`compatlint prune --floor V` removes expired sites and everything only they used."
    VALID = (
        Case(
            "try:\n    from sglang.srt.a import X\nexcept ImportError:\n"
            "    # Fallback for sglang 0.5.10. Remove when min supported version is 0.5.11+\n"
            "    from sglang.srt.b import X\n"
        ),
        Case(
            "try:\n    from sglang.srt.a import X\nexcept ImportError:\n"
            "    # Fallback for the separately pinned XPU SGLang 0.5.9.\n"
            "    # Remove when the XPU pin is upgraded to 0.5.12+.\n"
            "    from sglang.srt.b import X\n"
        ),
        Case(
            "try:\n    from sglang.srt.a import X\nexcept ImportError:\n"
            "    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+\n"
            "    from sglang.srt.b import X\n",
            config={"floor": "0.5.9"},
        ),
    )
    INVALID = (
        Case(
            "try:\n    from sglang.srt.a import X\nexcept ImportError:\n"
            "    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+\n"
            "    from sglang.srt.b import X\n",
            lines=(3,),
        ),
        Case(
            "_PATHS = (\n    'sglang.srt.new.base',\n"
            "    # Fallback for sglang 0.5.8. Remove when min supported version is 0.5.9+\n"
            "    'sglang.srt.old.base',\n)\n",
            lines=(4,),
        ),
        Case(
            "try:\n    from sglang.srt.a import X\nexcept ImportError:\n"
            "    # XPU compatibility for SGLang 0.5.10. Remove when the XPU SGLang pin is\n"
            "    # upgraded to 0.5.11+.\n"
            "    from sglang.srt.b import X\n",
            lines=(3,),
        ),
    )

    def check(self, project: ProjectFacts) -> Iterator[Diagnostic]:
        floors = project.config.floors
        for path, shim in project.shims.items():
            for site in shim.sites:
                tag = site.tag
                if not needs_tag(site) or tag is None:
                    continue
                primary = project.config.primary
                if floors.fate(tag, site.upstream, primary) is not Fate.EXPIRED:
                    continue
                floor = floors.governing(tag, site.upstream, primary)
                track = f" {tag.track} track" if tag.track else ""
                when = f"at {tag.removal}+" if tag.removal else f"after {tag.covers_text()}"
                yield self.report(
                    path,
                    site,
                    f"expired {site.kind.value}: its tag says remove {when}, and the{track} "
                    f"floor is {floor}",
                    tag=tag,
                )
