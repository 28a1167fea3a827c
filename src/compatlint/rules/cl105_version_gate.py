"""CL105 version-gate: a comparison on the upstream's version string."""

from __future__ import annotations

from collections.abc import Iterator

from compatlint.analysis.project import ProjectFacts
from compatlint.model import Diagnostic
from compatlint.rules.base import Case, Rule


class VersionGate(Rule):
    code = "CL105"
    name = "version-gate"
    summary = "Code branches on the upstream's `__version__` instead of probing the API."
    what = """
Flags comparisons (and `startswith` checks) that involve the upstream's version:
`sglang.__version__` through any import alias, `from sglang import __version__`, or
`importlib.metadata.version("sglang")`, in any file of the project.
"""
    why = """
Policy: never gate on `__version__`. An upstream's version string does not always
reflect its internal layout (nightlies, `.post1` rebuilds, vendored forks). Moved
symbols are handled by `try/except ImportError`; changed signatures by
`inspect.signature` or `getattr` probes, which test what is actually there.
"""
    example = """
import sglang

if sglang.__version__ >= "0.5.10":
    from sglang.srt.utils.network import NetworkAddress
"""
    use_instead = """
try:
    from sglang.srt.utils.network import NetworkAddress
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    from sglang.srt.utils import NetworkAddress
"""
    VALID = (
        Case("import sglang\n\nprint(sglang.__version__)\n", path="pkg/handler.py"),
        Case("import numpy\n\nif numpy.__version__ > '2':\n    pass\n", path="pkg/handler.py"),
    )
    INVALID = (
        Case("import sglang\n\nif sglang.__version__ < '0.5.10':\n    pass\n", lines=(3,)),
        Case(
            "import sglang as sgl\nfrom packaging.version import Version\n\n"
            "NEW = Version(sgl.__version__) >= Version('0.5.11')\n",
            path="pkg/handler.py",
            lines=(4,),
        ),
        Case(
            "from importlib.metadata import version\n\n"
            "OLD = version('sglang').startswith('0.5.9')\n",
            path="pkg/handler.py",
            lines=(3,),
        ),
        Case(
            "from sglang import __version__ as v\n\nOLD = v < '0.5'\n",
            path="pkg/handler.py",
            lines=(3,),
        ),
    )

    def check(self, project: ProjectFacts) -> Iterator[Diagnostic]:
        for path, facts in project.files.items():
            for gate in facts.version_gates:
                yield self.report(
                    path,
                    gate,
                    f"version gate `{gate.text}`: probe the API (try/except ImportError, "
                    "getattr, inspect.signature) instead of comparing versions",
                )
