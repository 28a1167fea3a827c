"""The machine format: exactly one JSON object.

Schema (version 1)::

    {
      "version": 1,
      "floors": {"sglang": "0.5.11", "track:xpu": "0.5.19"},
      "diagnostics": [Diagnostic.to_json(), ...],
      "summary": {"files": 12, "diagnostics": 3, "by_code": {"CL101": 2, "CL203": 1}}
    }

``by_code`` is sorted by code. The output is indented by two spaces and ends with a
newline. Non-ASCII text is ``\\u``-escaped so the bytes are plain ASCII whatever the
encoding of the stream they are written to.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from compatlint.report import CheckResult

__all__ = ["JSON_SCHEMA_VERSION", "render_json", "to_json_object"]

JSON_SCHEMA_VERSION = 1


def to_json_object(result: CheckResult) -> dict[str, Any]:
    """The JSON report as a Python object (what :func:`render_json` serialises)."""
    counts = Counter(d.code for d in result.diagnostics)
    return {
        "version": JSON_SCHEMA_VERSION,
        "floors": dict(result.floors),
        "diagnostics": [d.to_json() for d in result.diagnostics],
        "summary": {
            "files": result.files,
            "diagnostics": len(result.diagnostics),
            "by_code": {code: counts[code] for code in sorted(counts)},
        },
    }


def render_json(result: CheckResult) -> str:
    """Render ``result`` as one indented JSON object followed by a newline."""
    return json.dumps(to_json_object(result), indent=2) + "\n"
