"""CL107 stale-all: ``__all__`` names that the shim never defines."""

from __future__ import annotations

from collections.abc import Iterator

from compatlint.analysis.project import ProjectFacts
from compatlint.model import Diagnostic
from compatlint.rules.base import Case, Rule


class StaleAll(Rule):
    code = "CL107"
    name = "stale-all"
    summary = "`__all__` lists a name the shim does not define."
    what = """
Flags each string in the shim's `__all__` that no statement at module level binds — in
any branch, so a name bound only in a fallback still counts as defined.
"""
    why = """
When a fallback or wrapper is removed, its `__all__` entry must go with it. A stale
entry makes `from shim import *` fail and misleads readers about what the shim
still offers.
"""
    example = """
from sglang.srt.server_args import ServerArgs

__all__ = ["ServerArgs", "get_scheduler_info"]
"""
    use_instead = """
from sglang.srt.server_args import ServerArgs

__all__ = ["ServerArgs"]
"""
    VALID = (
        Case("from sglang.srt.a import X\n\n__all__ = ['X']\n"),
        Case(
            "try:\n    from sglang.srt.a import X\nexcept ImportError:\n"
            "    # Fallback for sglang 0.5.10. Remove when min supported version is 0.5.11+\n"
            "    X = None\n\n__all__ = ['X']\n"
        ),
        Case("from sglang.srt.a import *\n\n__all__ = ['Y']\n"),
    )
    INVALID = (
        Case("from sglang.srt.a import X\n\n__all__ = [\n    'X',\n    'gone',\n]\n", lines=(5,)),
        Case("X = 1\n__all__ = ['X']\n__all__ += ['Y']\n", lines=(3,)),
    )

    def check(self, project: ProjectFacts) -> Iterator[Diagnostic]:
        for path, shim in project.shims.items():
            if shim.all_entries is None or shim.star_import:
                continue
            for entry in shim.all_entries:
                if entry.name not in shim.defined:
                    yield self.report(
                        path,
                        entry,
                        f"{entry.name!r} is listed in __all__ but never defined in the shim",
                    )
