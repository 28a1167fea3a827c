"""SARIF 2.1.0, as read by GitHub code scanning and other static-analysis viewers.

One run; ``tool.driver.rules`` lists the rules that ran (plus, defensively, any code
that produced a finding without being listed) and each result points at its rule by
``ruleId`` and ``ruleIndex``. Locations are relative to ``%SRCROOT%``, the project
root, which this pure function cannot know as an absolute URI: ``originalUriBaseIds``
describes it and leaves the consumer (e.g. ``upload-sarif``'s checkout root) to resolve it.

``partialFingerprints["compatlintFingerprint/v1"]`` identifies a finding across runs:
it hashes the code, the path, the message and the finding's occurrence index among the
findings with the same (code, path, message) in that file, ordered by position. The line
number is deliberately left out, so an edit elsewhere in the file that shifts the
finding up or down keeps its fingerprint (and its alert) stable.
"""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    from collections.abc import Sequence

    from compatlint.model import Diagnostic
    from compatlint.report import CheckResult

__all__ = [
    "FINGERPRINT_KEY",
    "INFORMATION_URI",
    "SARIF_SCHEMA",
    "SARIF_VERSION",
    "SRCROOT",
    "fingerprint",
    "fingerprints",
    "render_sarif",
    "to_sarif_object",
]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://pypi.org/project/compatlint/"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "compatlintFingerprint/v1"


def fingerprint(code: str, path: str, message: str, occurrence: int) -> str:
    """The stable id of the ``occurrence``-th (from 0) finding ``code``/``message`` in ``path``."""
    payload = json.dumps([code, path, message, occurrence], ensure_ascii=False)
    # A file name that is not UTF-8 arrives with its bytes as lone surrogates.
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def fingerprints(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """The fingerprint of each diagnostic, in the order given.

    Occurrence indices count identical (code, path, message) triples ordered by
    (line, column), independent of the order of ``diagnostics``.
    """
    order = sorted(range(len(diagnostics)), key=lambda i: _position(diagnostics[i]))
    seen: dict[tuple[str, str, str], int] = {}
    out = [""] * len(diagnostics)
    for i in order:
        d = diagnostics[i]
        key = (d.code, d.path, d.message)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        out[i] = fingerprint(d.code, d.path, d.message, occurrence)
    return out


def _position(d: Diagnostic) -> tuple[int, int, int, int]:
    return (d.line, d.column, d.end_line, d.end_column)


def _uri(path: str) -> str:
    """A relative URI reference for a '/'-separated project path (spaces, ``%``, ``:`` …).

    A file name that is not valid UTF-8 reaches here as ``os.fsdecode`` made it (its bad
    bytes as lone surrogates); its URI percent-encodes those bytes as they are on disk.
    """
    return quote(path.encode("utf-8", "surrogateescape"), safe="/")


def _rule(code: str, name: str, summary: str) -> dict[str, Any]:
    return {
        "id": code,
        "name": name,
        "shortDescription": {"text": summary},
        "defaultConfiguration": {"level": "error"},
    }


def to_sarif_object(result: CheckResult, *, tool_version: str = "") -> dict[str, Any]:
    """The SARIF log as a Python object (what :func:`render_sarif` serialises)."""
    if not tool_version:
        from compatlint import __version__

        tool_version = __version__

    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for info in result.rules:
        if info.code not in index:
            index[info.code] = len(rules)
            rules.append(_rule(info.code, info.name, info.summary))
    for d in result.diagnostics:
        if d.code not in index:  # a finding from a rule the caller did not list
            index[d.code] = len(rules)
            rules.append(_rule(d.code, d.name, d.name))

    results = []
    for d, fprint in zip(result.diagnostics, fingerprints(result.diagnostics), strict=True):
        results.append(
            {
                "ruleId": d.code,
                "ruleIndex": index[d.code],
                "level": "error",
                "message": {"text": d.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": _uri(d.path), "uriBaseId": SRCROOT},
                            "region": {
                                "startLine": d.line,
                                "startColumn": d.column,
                                "endLine": d.end_line,
                                "endColumn": d.end_column,
                            },
                        }
                    }
                ],
                "partialFingerprints": {FINGERPRINT_KEY: fprint},
            }
        )

    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "compatlint",
                        "version": tool_version,
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "originalUriBaseIds": {
                    SRCROOT: {
                        "description": {
                            "text": "The root of the checked project; result URIs are "
                            "relative to it."
                        }
                    }
                },
                "results": results,
            }
        ],
    }


def render_sarif(result: CheckResult, *, tool_version: str = "") -> str:
    """Render ``result`` as a SARIF 2.1.0 log (indented JSON and a trailing newline)."""
    return json.dumps(to_sarif_object(result, tool_version=tool_version), indent=2) + "\n"
