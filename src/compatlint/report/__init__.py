"""Reporters: turn a finished check into text, JSON, GitHub annotations or SARIF.

The other renderers live beside them: the sites table (``sites``), verify's report
(``verify``), prune's tables and worklog (``prune_text``, ``worklog``) and mocks' lines
(``mocks_text``). Every reporter is a pure function from a result to a string: nothing here
prints, reads files or looks at the terminal. The caller decides where the string goes
(and whether colour is wanted).

Start-up speed matters (a pre-commit run on three files should not pay for ``rich``), so
the format modules are imported only when :func:`render` needs them and ``rich`` only for
coloured text.
"""

from __future__ import annotations

from dataclasses import dataclass

from compatlint.model import Diagnostic

__all__ = ["FORMATS", "CheckResult", "RuleInfo", "render"]

FORMATS = ("text", "json", "github", "sarif")


@dataclass(frozen=True)
class RuleInfo:
    """A rule that ran: its code, kebab-case name and a one-line description."""

    code: str
    name: str
    summary: str


@dataclass(frozen=True)
class CheckResult:
    """Everything a reporter needs to know about one ``compatlint check`` run.

    ``diagnostics`` are already sorted (by path, line, column, code); ``files`` is the
    number of files checked; ``floors`` is ``Floors.to_json()``; ``rules`` are the rules
    that ran, in the order they ran.
    """

    diagnostics: tuple[Diagnostic, ...]
    files: int
    floors: dict[str, str]
    rules: tuple[RuleInfo, ...]
    changed: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Accept any iterable (a list is the usual slip) but keep the record immutable.
        object.__setattr__(self, "diagnostics", tuple(self.diagnostics))
        object.__setattr__(self, "rules", tuple(self.rules))


def render(
    result: CheckResult,
    fmt: str,
    *,
    color: bool = False,
    statistics: bool = False,
    tool_version: str = "",
    max_annotations: int | None = None,
) -> str:
    """Render ``result`` in output format ``fmt`` (one of :data:`FORMATS`).

    ``color`` and ``statistics`` apply to ``text`` only; ``tool_version`` goes into the
    SARIF ``tool.driver.version`` (the installed compatlint version when empty). The
    returned string ends with a newline. Raises :class:`ValueError` for an unknown format.
    """
    if fmt == "text":
        from compatlint.report.text import render_text

        return render_text(result, color=color, statistics=statistics)
    if fmt == "json":
        from compatlint.report.json_format import render_json

        return render_json(result)
    if fmt == "github":
        from compatlint.report.github import render_github

        return render_github(result, max_annotations=max_annotations)
    if fmt == "sarif":
        from compatlint.report.sarif import render_sarif

        return render_sarif(result, tool_version=tool_version)
    raise ValueError(f"unknown output format {fmt!r}; expected one of {', '.join(FORMATS)}")
