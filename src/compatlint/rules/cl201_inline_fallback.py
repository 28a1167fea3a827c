"""CL201 inline-fallback: a try/except upstream import outside the shim."""

from __future__ import annotations

from collections.abc import Iterator

from compatlint.analysis.project import ProjectFacts
from compatlint.model import Diagnostic
from compatlint.rules.base import Case, Rule


class InlineFallback(Rule):
    code = "CL201"
    name = "inline-fallback"
    summary = "A try/except upstream import with a fallback lives outside the shim."
    what = """
Flags `try: from <upstream>... except ImportError: <fallback>` blocks in any file that
is not a configured shim (handlers, init and register modules).
"""
    why = """
Policy: every upstream import-shape change goes in the compat shim. Component code
imports the upstream either directly (when stable) or from the shim (when
version-dependent), never through inline try/except — scattered fallbacks are untagged,
unpruned and invisible to the next bump.
"""
    example = """
# handlers/multimodal.py
try:
    from sglang.srt.multimodal.mm_utils import load_image
except ImportError:
    from sglang.srt.utils import load_image
"""
    use_instead = """
# handlers/multimodal.py
from servo._compat import load_image
"""
    VALID = (
        Case(
            "try:\n    from sglang.srt.a import X\nexcept ImportError:\n"
            "    # Fallback for sglang 0.5.10. Remove when min supported version is 0.5.11+\n"
            "    from sglang.srt.b import X\n"
        ),
        Case(
            "try:\n    import sglang\nexcept ImportError:\n    raise SystemExit('no sglang')\n",
            path="pkg/handler.py",
        ),
        Case(
            "try:\n    from fancy import X\nexcept ImportError:\n    X = None\n",
            path="pkg/handler.py",
        ),
    )
    INVALID = (
        Case(
            "import os\n\ntry:\n    from sglang.srt.a import X\nexcept ImportError:\n"
            "    from sglang.srt.b import X\n",
            path="pkg/handler.py",
            lines=(3,),
        ),
        Case(
            "def load():\n    try:\n        from sglang.srt.a import X\n"
            "    except ModuleNotFoundError:\n        X = None\n    return X\n",
            path="pkg/handler.py",
            lines=(2,),
        ),
    )

    def check(self, project: ProjectFacts) -> Iterator[Diagnostic]:
        shims = project.config.shims
        target = shims[0] if len(shims) == 1 else "the compat shim"
        for path, facts in project.files.items():
            if path in shims:
                continue
            for block in facts.inline_fallbacks:
                yield self.report(
                    path,
                    block,
                    f"try/except import of {block.text} outside the shim: move the fallback "
                    f"into {target} and import it from there",
                )
