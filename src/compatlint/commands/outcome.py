"""What a command prints and returns, shaped the same way for every verb."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Outcome:
    """Stdout text, stderr lines and the exit code of one command run (and its plan).

    ``notices`` go to stderr before the output (what was done on the way to it, like the
    fixes ``check --fix`` applied); ``messages`` after it.
    """

    output: str
    messages: list[str] = field(default_factory=list)
    exit_code: int = 0
    plan: Any = None
    notices: list[str] = field(default_factory=list)


def present(
    outcome: Outcome,
    *,
    mode: str,
    output_format: str,
    changed: bool,
    payload: Callable[[], dict[str, Any]],
    diff: Callable[[], str],
    text: Callable[[], str],
    summary: Callable[[], str],
    extra: dict[str, Any] | None = None,
) -> Outcome:
    """Fill ``outcome`` the way every codemod reports: JSON, a diff, or a summary.

    ``--diff`` prints the diff on stdout and the summary on stderr; ``--diff`` and
    ``--check`` exit 1 when the codemod would change anything.
    """
    if output_format == "json":
        body = {**payload(), "mode": mode, "written": mode == "write" and changed}
        if mode == "diff":
            body["diff"] = diff()
        body.update(extra or {})
        outcome.output = json.dumps(body, indent=2) + "\n"
    elif mode == "diff":
        outcome.output = diff()
        outcome.messages.append(summary())
    else:
        outcome.output = text()
    if mode in ("diff", "check") and changed:
        outcome.exit_code = 1
    return outcome
