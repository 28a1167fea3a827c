"""The errors a user can cause: each becomes one line naming the file (and line), exit 2."""

from __future__ import annotations


class CompatlintError(Exception):
    """A problem with the user's input, reported as one line and exit code 2."""

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message, path, line)  # all three, so the error survives pickling
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


class ConfigError(CompatlintError):
    """``[tool.compatlint]`` is missing, malformed or names something that does not exist."""


class SourceError(CompatlintError):
    """A source file is missing, not UTF-8, or does not parse."""


class WorkspaceError(CompatlintError):
    """A file cannot be written safely (dirty in git, not writable, ...)."""
