"""What the version-gate rules (CL112–CL114) share: the example project's floors and how
a verdict becomes a message."""

from __future__ import annotations

from typing import Any

from compatlint.analysis.gate_verdicts import Verdict
from compatlint.rules.base import Located

#: The examples' project: numpy is an upstream with floor 1.24 (sglang's floor as usual).
NUMPY_FLOORS: dict[str, Any] = {
    "upstream": ["sglang", "numpy"],
    "floor": {"sglang": "0.5.10", "numpy": "1.24"},
}
UTIL = "pkg/util.py"
NP = "import numpy as np\nfrom packaging.version import Version\n\n"
NP_VERSION = NP + "NP_VERSION = Version(np.__version__)\n"


def located(verdict: Verdict) -> Located:
    site = verdict.site
    return Located(site.line, site.column, site.end_line, site.end_column)


def short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def always(verdict: Verdict) -> str:
    """ "`X` is always true: numpy floor is 1.24", naming the site's own text when the
    evaluator's reason is about one part of it."""
    head = f"`{short(verdict.site.text)}` is always {'true' if verdict.value else 'false'}"
    reason = verdict.reason
    return reason if reason.startswith(head) else f"{head} ({reason})"
