"""CL101 untagged-fallback: a fallback branch or probe with no removal tag."""

from __future__ import annotations

from collections.abc import Iterator

from compatlint.analysis.project import ProjectFacts
from compatlint.model import Diagnostic
from compatlint.rules.base import Case, Rule
from compatlint.sitekinds import needs_tag


class UntaggedFallback(Rule):
    code = "CL101"
    name = "untagged-fallback"
    summary = "A fallback branch or probe in the shim carries no removal tag."
    what = """
Flags an `except ImportError` branch that binds a fallback, and an `if hasattr(...)` /
`getattr(..., default)` probe in the shim, when no comment or docstring around it says
which upstream version it covers and when it may go.
"""
    why = """
The policy: every fallback carries a "remove when" tag naming the version that retires
it. Without that line no future bump can prune it safely, and untagged branches accrete
forever — the N / N-1 window silently becomes "everything is supported".
"""
    example = """
try:
    from sglang.srt.utils.network import NetworkAddress
except ImportError:
    from sglang.srt.utils import NetworkAddress
"""
    use_instead = """
try:
    from sglang.srt.utils.network import NetworkAddress
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    from sglang.srt.utils import NetworkAddress
"""
    fix = "No automatic fix: only a person knows which release the fallback covers."
    VALID = (
        Case(
            "try:\n    from sglang.srt.a import X\nexcept ImportError:\n"
            "    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+\n"
            "    from sglang.srt.b import X\n"
        ),
        Case(
            "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+\n"
            "try:\n    from sglang.srt.a import X\nexcept ImportError:\n    X = None\n"
        ),
        Case("try:\n    import sglang\nexcept ImportError:\n    pass\n"),
        Case(
            "try:\n    from sglang.srt.a import X\nexcept ImportError:\n"
            "    raise RuntimeError('install sglang')\n"
        ),
        Case(
            "try:\n    from sglang.srt.a import X\n"
            "except ImportError:  # compatlint: ignore[CL101]\n    X = None\n"
        ),
        Case(
            "def probe(engine):\n"
            '    """Probe.\n\n'
            '    Remove this wrapper when min supported version is 0.5.12+.\n    """\n'
            "    if hasattr(engine, 'info'):\n        return engine.info\n    return None\n"
        ),
    )
    INVALID = (
        Case(
            "try:\n    from sglang.srt.a import X\nexcept ImportError:\n"
            "    from sglang.srt.b import X\n",
            lines=(3,),
        ),
        Case(
            "def probe(engine):\n    if hasattr(engine, 'info'):\n        return engine.info\n"
            "    return None\n",
            lines=(2,),
        ),
    )

    def check(self, project: ProjectFacts) -> Iterator[Diagnostic]:
        for path, shim in project.shims.items():
            for site in shim.sites:
                if needs_tag(site) and site.tag is None:
                    what = f"fallback for {', '.join(site.names)}" if site.names else "probe"
                    yield self.report(
                        path,
                        site,
                        f"{what} has no removal tag: say which version it covers and when "
                        "it goes ('# Fallback for <upstream> X. Remove when min supported "
                        "version is Y+')",
                    )
