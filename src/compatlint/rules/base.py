"""The rule framework: one small class per rule, carrying its docs and its own examples.

A rule reads :class:`~compatlint.analysis.project.ProjectFacts` and yields diagnostics.
Its ``VALID`` and ``INVALID`` cases are tiny projects (a shim by default) that one
parametrised test runs, so the examples in the docs are always true.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from compatlint.analysis.project import ProjectFacts
from compatlint.model import Diagnostic, Tag

SHIM_PATH = "pkg/_compat.py"


@dataclass(frozen=True)
class Case:
    """A tiny project for a rule's examples: ``code`` at ``path`` plus other ``files``.

    ``config`` overrides keys of the test project's ``[tool.compatlint]`` table; for an
    invalid case ``lines`` are the lines the rule must flag, in order.
    """

    code: str
    path: str = SHIM_PATH
    files: Mapping[str, str] = field(default_factory=dict)
    config: Mapping[str, Any] = field(default_factory=dict)
    lines: tuple[int, ...] = ()


@dataclass(frozen=True)
class Located:
    """Anything with a span (sites, facts, entries) reduced to what a diagnostic needs."""

    line: int
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None


class Rule:
    """Base class: subclasses set the class attributes and implement :meth:`check`."""

    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]
    what: ClassVar[str]
    why: ClassVar[str]
    example: ClassVar[str]
    use_instead: ClassVar[str]
    fix: ClassVar[str] = "No automatic fix."
    fixable: ClassVar[bool] = False
    VALID: ClassVar[tuple[Case, ...]] = ()
    INVALID: ClassVar[tuple[Case, ...]] = ()

    def check(self, project: ProjectFacts) -> Iterator[Diagnostic]:
        raise NotImplementedError

    def report(
        self,
        path: str,
        where: Any,
        message: str,
        *,
        tag: Tag | None = None,
        fixable: bool | None = None,
    ) -> Diagnostic:
        """A diagnostic of this rule at ``where`` (anything with line/column/end positions)."""
        line = where.line
        column = getattr(where, "column", 1) or 1
        end_line = getattr(where, "end_line", None) or line
        end_column = getattr(where, "end_column", None) or column
        return Diagnostic(
            code=self.code,
            name=self.name,
            path=path,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            message=message,
            fixable=self.fixable if fixable is None else fixable,
            tag=tag,
        )

    @classmethod
    def doc(cls) -> str:
        """The rule's documentation in Markdown, in ruff's fixed shape."""
        fixable = " (fixable)" if cls.fixable else ""
        return "\n".join(
            [
                f"# {cls.code} {cls.name}{fixable}",
                "",
                cls.summary,
                "",
                "## What it does",
                cls.what.strip(),
                "",
                "## Why is this bad?",
                cls.why.strip(),
                "",
                "## Example",
                "```python",
                cls.example.strip("\n"),
                "```",
                "",
                "## Use instead",
                "```python",
                cls.use_instead.strip("\n"),
                "```",
                "",
                "## Fix",
                cls.fix.strip(),
                "",
            ]
        )
