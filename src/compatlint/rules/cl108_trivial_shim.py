"""CL108 trivial-shim: the shim holds nothing but re-exports."""

from __future__ import annotations

from collections.abc import Iterator

from compatlint.analysis.project import ProjectFacts
from compatlint.model import Diagnostic
from compatlint.rules.base import Case, Located, Rule


class TrivialShim(Rule):
    code = "CL108"
    name = "trivial-shim"
    summary = "The shim is only re-exports: inline them and delete it."
    what = """
Flags a shim whose module body is only a docstring, imports, `__all__` and a logger —
no try/except, no polyfill, no probe, nothing that defines anything.
"""
    why = """
The shim is meant to be temporary. When pruning leaves it as trivial re-exports, the
policy says: inline the imports at call sites and delete the file, so the code imports
the upstream directly again.
"""
    example = """
\"\"\"Compat shim.\"\"\"

from sglang.srt.server_args import ServerArgs

__all__ = ["ServerArgs"]
"""
    use_instead = """
# in every importer
from sglang.srt.server_args import ServerArgs
"""
    fixable = True
    fix = "`compatlint inline` rewrites the importers and deletes the shim."
    VALID = (
        Case(
            "try:\n    from sglang.srt.a import X\nexcept ImportError:\n"
            "    # Fallback for sglang 0.5.10. Remove when min supported version is 0.5.11+\n"
            "    from sglang.srt.b import X\n"
        ),
        Case("from sglang.srt.a import X\n\n\ndef helper():\n    return X\n"),
    )
    INVALID = (
        Case(
            '"""Compat shim."""\nimport logging\n\nfrom sglang.srt.a import X\n\n'
            "logger = logging.getLogger(__name__)\n__all__ = ['X']\n",
            lines=(1,),
        ),
    )

    def check(self, project: ProjectFacts) -> Iterator[Diagnostic]:
        for path, shim in project.shims.items():
            if shim.trivial:
                yield self.report(
                    path,
                    Located(1, 1),
                    "the shim only re-exports upstream names: import them from the upstream "
                    "at the call sites and delete the shim",
                )
