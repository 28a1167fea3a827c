"""verify's evidence for the shim's API probes (issue 14 §2), as output: one JSON record
per probe and a "Probes" table (pure). The findings name a dead probe; these show every
probe's answer in every given release with the evidence, so a reviewer can check a
verdict — or see why a probe is not decided — without reading the upstream's files."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from compatlint.verify.probe_evidence import ProbeMatrix
from compatlint.verify.probes import Probe

__all__ = ["probe_records", "probe_table"]


def probe_records(probes: ProbeMatrix, versions: Sequence[str]) -> list[dict[str, Any]]:
    """Per probe: where, what it asks, and per release the presence (``present`` /
    ``absent`` / ``unknown``), the value the probe expression takes (None: the files do
    not tell) and the evidence."""
    return [
        {
            "path": probe.path,
            "line": probe.line,
            "column": probe.column,
            "kind": probe.kind.value,
            "form": probe.form.value,
            "subject": probe.subject,
            "member": probe.name or None,
            "text": probe.text,
            "cells": {
                version: {
                    "presence": answer.presence.value,
                    "value": answer.truth,
                    "reason": answer.resolution.reason,
                }
                for version, answer in zip(versions, answers, strict=True)
            },
        }
        for probe, answers in zip(probes.probes, probes.answers, strict=True)
    ]


def probe_table(probes: ProbeMatrix, versions: Sequence[str]) -> list[str]:
    """The "Probes" block of the text report: location, the probe's source, the presence
    per release (empty without probes)."""
    if not probes.probes:
        return []
    headers = ("location", "probe", *versions)
    rows = [
        (_location(probe), probe.text, *(answer.presence.value for answer in answers))
        for probe, answers in zip(probes.probes, probes.answers, strict=True)
    ]
    widths = [max(len(cells[i]) for cells in (headers, *rows)) for i in range(len(headers))]
    lines = ["Probes"]
    for cells in (headers, *rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip())
    return lines


def _location(probe: Probe) -> str:
    return f"{probe.path}:{probe.line}"
