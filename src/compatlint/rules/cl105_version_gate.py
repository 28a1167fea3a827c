"""CL105 version-gate: a comparison on the upstream's version string."""

from __future__ import annotations

from collections.abc import Iterator

from compatlint.analysis.gate_verdicts import project_verdicts
from compatlint.analysis.project import ProjectFacts
from compatlint.model import Diagnostic
from compatlint.rules.base import Case, Rule
from compatlint.rules.gate_cases import located


class VersionGate(Rule):
    code = "CL105"
    name = "version-gate"
    summary = "Code branches on the upstream's `__version__` instead of probing the API."
    what = """
Flags comparisons (and `startswith` checks) that involve the upstream's version:
`sglang.__version__` through any import alias, `from sglang import __version__`, or
`importlib.metadata.version("sglang")`, in any file of the project — also through a
module constant that holds it (`SGL_VERSION = Version(sglang.__version__)`, then
`SGL_VERSION < Version("0.5.10")` in that module or in one that imports it).
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
        Case(
            "import sglang\nfrom packaging.version import Version\n\n"
            "SGL_VERSION = Version(sglang.__version__)\n",
            path="pkg/versions.py",
            files={
                "pkg/handler.py": "from packaging.version import Version\n"
                "from pkg.versions import SGL_VERSION\n\n"
                "def f():\n    return SGL_VERSION < Version('0.5.10')\n"
            },
            lines=(5,),
        ),
    )

    def check(self, project: ProjectFacts) -> Iterator[Diagnostic]:
        seen = set()
        for path, facts in project.files.items():
            for gate in facts.version_gates:
                seen.add((path, gate.line, gate.column))
                yield self.report(path, gate, _message(gate.text))
        for verdict in project_verdicts(project).constant_compares:
            site = verdict.site
            if (verdict.path, site.line, site.column) not in seen:
                message = _message(site.text[:80], f" ({verdict.reason})")
                yield self.report(verdict.path, located(verdict), message)


def _message(text: str, why: str = "") -> str:
    return (
        f"version gate `{text}`{why}: probe the API (try/except ImportError, "
        "getattr, inspect.signature) instead of comparing versions"
    )
