"""``compatlint verify``: check the shim's import paths against the upstream's own files.

The pieces, from the edge to the report:

* :mod:`~compatlint.verify.sources` — read an upstream PATH (wheel, sdist, unpacked
  tree or checkout) into an :class:`UpstreamTree` (the only I/O besides ``--write``);
* :mod:`~compatlint.verify.resolve` — does a module / a name exist in a tree
  (:class:`Presence`: present, absent, unknown, with a reason);
* :mod:`~compatlint.verify.evidence` — every upstream import path of the project, tied
  to its shim site, and the fallbacks the evidence can judge;
* :mod:`~compatlint.verify.judge` — the matrix and the questions the rules ask;
* :mod:`~compatlint.verify.rules` — the CL301-CL304 rules (``VERIFY_RULES``);
* :mod:`~compatlint.verify.findings` — run them and derive tag suggestions:
  :func:`verify_project`;
* :mod:`~compatlint.verify.write` — the text edits that insert suggested tags (``--write``).

The report (text / JSON / Markdown) is :mod:`compatlint.report.verify`; the command
itself (read the upstreams and the project, render, write) is
:mod:`compatlint.commands.verify`.

Names are imported lazily, so importing a rule module does not pull in the rest.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "UpstreamTree": "sources",
    "UpstreamError": "sources",
    "load_upstream": "sources",
    "Presence": "resolve",
    "Resolution": "resolve",
    "module_exists": "resolve",
    "name_exists": "resolve",
    "Evidence": "evidence",
    "collect_evidence": "evidence",
    "VerifyContext": "judge",
    "VerifyRule": "judge",
    "VERIFY_RULES": "rules",
    "VerifyResult": "findings",
    "verify_project": "findings",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
