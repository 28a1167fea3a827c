"""CL103 vague-tag: removal or fallback talk that names no usable version."""

from __future__ import annotations

from collections.abc import Iterator

from compatlint.analysis.project import ProjectFacts
from compatlint.model import Diagnostic
from compatlint.rules.base import Case, Located, Rule


class VagueTag(Rule):
    code = "CL103"
    name = "vague-tag"
    summary = "A tag talks about removal but names no release to act on."
    what = """
Flags a comment or docstring in the shim that says a fallback should go, or what it is a
fallback for, without a release version: no version at all, a version keyed to an
upstream pull request, a condition ("when all supported pins accept --x"), or a
wildcard such as `0.5.x`.
"""
    why = """
Pruning is mechanical only when every tag names the release that retires it. A vague
tag cannot be judged against the floor, so compatlint never acts on it — and the
fallback survives every bump until someone reads the upstream history by hand.
"""
    example = """
except ImportError:
    # Remove when the minimum supported release contains that move.
    from sglang.srt.managers.io_struct import GenerateReqInput
"""
    use_instead = """
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    from sglang.srt.managers.io_struct import GenerateReqInput
"""
    VALID = (
        Case("# removed in numpy 2.4\nimport numpy\n"),
        Case("# intended for removal in pytest 9.0\nX = 1\n"),
        Case("# from sglang >= 0.5.11 the kwarg exists. Pass it through.\nX = 1\n"),
    )
    INVALID = (
        Case(
            "# Remove when the minimum supported release contains that move.\nX = 1\n", lines=(1,)
        ),
        Case("# Remove when sgl #36972 is released.\nX = 1\n", lines=(1,)),
        Case("X = 1\n\n\n# Fallback for sglang 0.5.x.\nY = 2\n", lines=(4,)),
        Case("# Remove when all supported pins accept --x\nX = 1\n", lines=(1,)),
    )

    def check(self, project: ProjectFacts) -> Iterator[Diagnostic]:
        for path, shim in project.shims.items():
            for tag in shim.tags:
                if tag.is_vague:
                    yield self.report(
                        path,
                        Located(tag.line, 1, tag.end_line),
                        f"vague tag: it {tag.vague_reason}; name the release that retires "
                        "the fallback ('Remove when min supported version is X.Y+')",
                        tag=tag,
                    )
