"""CL302 broken-path: an import path of the shim that exists in none of the given versions."""

from __future__ import annotations

from collections.abc import Iterator

from compatlint.verify.evidence import Role
from compatlint.verify.judge import Finding, VerifyCase, VerifyContext, VerifyRule, versions_text

_NEW = {"sglang/srt/new.py": "class X: ...\n"}
_OLD = {"sglang/srt/old.py": "class X: ...\n"}


class BrokenPath(VerifyRule):
    code = "CL302"
    name = "broken-path"
    summary = "An import path of the shim exists in none of the upstream versions given."
    what = """
Flags an import path of a shim — an import in a `try` body or an `except` handler, a
string of a probe-path tuple, an `importlib.import_module("...")` literal — that is
absent in every version given to `compatlint verify --upstream`: no such module, or no
such name in it (after following re-exports and star imports). Unconditional imports
are CL304's. Unknown is not absent: a module `__getattr__` or a compiled extension
never makes a path broken. Paths of a fallback tagged for a separately pinned track are
not judged: that build was not given.
"""
    why = """
A path that exists in no supported version is a typo, a move the shim never caught up
with, or a fallback for a version far outside the window. Either way that branch can
only fail, and a fallback chain that ends in it fails with a confusing ImportError.
"""
    example = """
try:
    from sglang.srt.new import X
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    from sglang.srt.olde import X  # typo: the module is sglang.srt.old
"""
    use_instead = """
try:
    from sglang.srt.new import X
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    from sglang.srt.old import X
"""
    fix = "Correct the path from the upstream's source, or remove the branch if nothing needs it."
    VERIFY_VALID = (
        VerifyCase(
            "try:\n    from sglang.srt.new import X\nexcept ImportError:\n"
            "    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+\n"
            "    from sglang.srt.old import X\n",
            {"0.5.9": _OLD, "0.5.10": _NEW},
        ),
        VerifyCase(
            "try:\n    from sglang.srt.lazy import X\nexcept ImportError:\n    X = None\n",
            {"0.5.10": {"sglang/srt/lazy.py": "def __getattr__(name): ...\n"}, "0.5.11": {}},
        ),
    )
    VERIFY_INVALID = (
        VerifyCase(
            "try:\n    from sglang.srt.new import X\nexcept ImportError:\n"
            "    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+\n"
            "    from sglang.srt.olde import X\n",
            {"0.5.9": _OLD, "0.5.10": _NEW},
            lines=(5,),
        ),
        VerifyCase(
            "import importlib\n\n\ndef load():\n"
            "    return importlib.import_module('sglang.srt.gone')\n",
            {"0.5.10": _NEW, "0.5.11": _NEW},
            lines=(5,),
        ),
    )

    def findings(self, context: VerifyContext) -> Iterator[Finding]:
        given = versions_text(context.versions)
        oldest = context.versions[0] if context.versions else None
        for index, row in enumerate(context.evidence.rows):
            if row.role is Role.UNGUARDED or row.path not in context.project.shims:
                continue
            if row.site is not None and not context.judged(row.site):
                continue  # a separately pinned track: its paths may exist only in that build
            cells = context.cells(index)
            if not cells or not all(cell.absent for cell in cells):
                continue
            message = f"broken path: {row.target} is absent in every given version ({given}): "
            message += cells[-1].reason
            tag = row.site.tag if row.site is not None else None
            if (
                tag is not None
                and row.role is Role.FALLBACK
                and tag.covers is not None
                and oldest is not None
                and tag.covers < oldest
            ):
                message += f" (its tag covers {tag.covers_text()}, older than every given version)"
            yield self.finding(row, message, (index,), tag=tag)
