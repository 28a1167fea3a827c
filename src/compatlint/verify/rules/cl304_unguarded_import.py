"""CL304 unguarded-import: an unconditional upstream import missing in a supported version."""

from __future__ import annotations

from collections.abc import Iterator

from compatlint.verify.evidence import Role
from compatlint.verify.judge import Finding, VerifyCase, VerifyContext, VerifyRule, versions_text

_BOTH = {"sglang/srt/utils/__init__.py": "def get_ip(): ...\n"}
_MOVED = {"sglang/srt/utils/network.py": "def get_ip(): ...\n"}


class UnguardedImport(VerifyRule):
    code = "CL304"
    name = "unguarded-import"
    summary = "An unconditional upstream import is missing in a supported version given."
    what = """
Flags an unconditional module-level import of the upstream — in the shim or anywhere in
the project, as `check`'s import facts see it: not under `try/except ImportError`, not
under `if TYPE_CHECKING`, not in a function — whose module or name is absent in a
version given to `compatlint verify --upstream` at or above the floor.
"""
    why = """
The import fails the moment the module is imported on that version: the whole package
is broken there, not one feature. Either the path moved and needs a fallback in the
shim, or that version is not really supported and the floor is wrong.
"""
    example = """
# sglang 0.5.11 moved get_ip to sglang.srt.utils.network
from sglang.srt.utils import get_ip
"""
    use_instead = """
try:
    from sglang.srt.utils.network import get_ip
except ImportError:
    # Fallback for sglang <= 0.5.10. Remove when min supported version is 0.5.11+
    from sglang.srt.utils import get_ip
"""
    fix = "Add a fallback in the shim and import the name from the shim, or raise the floor."
    VERIFY_VALID = (
        VerifyCase("from sglang.srt.utils import get_ip\n", {"0.5.10": _BOTH, "0.5.11": _BOTH}),
        VerifyCase(
            "from sglang.srt.utils import get_ip\n",
            {"0.5.10": _BOTH, "0.5.11": _MOVED},
            config={"floor": "0.5.12"},
        ),
    )
    VERIFY_INVALID = (
        VerifyCase(
            '"""Shim."""\n\nfrom sglang.srt.utils import get_ip\n',
            {"0.5.10": _BOTH, "0.5.11": _MOVED},
            lines=(3,),
        ),
        VerifyCase(
            "import sglang.srt.utils.network\n",
            {"0.5.10": _BOTH, "0.5.11": _MOVED},
            path="pkg/server.py",
            files={"pkg/_compat.py": ""},
            lines=(1,),
        ),
    )

    def findings(self, context: VerifyContext) -> Iterator[Finding]:
        window = context.window()
        for index, row in enumerate(context.evidence.rows):
            if row.role is not Role.UNGUARDED:
                continue
            cells = context.cells(index)
            missing = [column for column in window if cells[column].absent]
            if not missing:
                continue
            versions = versions_text([context.versions[column] for column in missing])
            plural = "s" if len(missing) > 1 else ""
            yield self.finding(
                row,
                f"unguarded import: {row.target} is absent in supported version{plural} "
                f"{versions} ({cells[missing[0]].reason}); it needs a fallback in the shim, "
                "or the floor is wrong",
                (index,),
            )
