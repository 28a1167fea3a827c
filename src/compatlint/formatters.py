"""The formatters a codemod's edit goes through: ``ruff format``, or black (processes).

Each edited file is formatted through stdin with ``--stdin-filename`` naming the real file,
so that the project's settings apply as they do to that file. A file is formatted only if
it was formatted before the edit (its text comes back unchanged from the formatter): a
project that formats its files gets formatted edits, one that does not gets its bytes
back. Only the lines the edit touched are formatted (``--range``, black's
``--line-ranges``).

Which formatter: black when the project configures ``[tool.black]`` and not
``[tool.ruff.format]`` — if black is not installed, none (compatlint does not install the
project's formatter for it); otherwise ruff, with the settings the import sorter uses
(:func:`compatlint.ruff_sorter.project_settings`).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compatlint import ruff_mirror
from compatlint.codemods.formatting import FormatEdit, Formatter
from compatlint.errors import CompatlintError
from compatlint.ruff_answers import RuffAnswers
from compatlint.ruff_sorter import RuffSettings, find_ruff, load_toml, project_settings, table

_WORKERS = 4


def _run(command: list[str], text: str, cwd: Path, path: str, name: str) -> str:
    try:
        result = subprocess.run(
            command, input=text.encode("utf-8"), cwd=cwd, capture_output=True, check=False
        )
    except OSError as exc:
        raise CompatlintError(f"cannot run {name}: {exc}", path) from None
    if result.returncode != 0:
        detail = ruff_mirror.failure_detail(result)
        raise CompatlintError(f"{name} failed while formatting: {detail}", path)
    return result.stdout.decode("utf-8")


def _each(edits: Sequence[FormatEdit], one: Any) -> list[str]:
    if not edits:
        return []
    from concurrent.futures import ThreadPoolExecutor  # not on check's start-up path

    with ThreadPoolExecutor(max_workers=min(_WORKERS, len(edits))) as pool:
        return list(pool.map(one, edits))


def _flag(kept: Any) -> bool:
    if not isinstance(kept, bool):
        raise TypeError("not a flag")
    return kept


@dataclass
class RuffFormatter:
    """A :class:`~compatlint.codemods.formatting.Formatter` that runs ``ruff format``."""

    root: Path
    settings: RuffSettings = field(default_factory=RuffSettings)
    binary: str | None = None
    #: Answers of earlier runs (see :mod:`compatlint.ruff_answers`), if kept.
    answers: RuffAnswers | None = None

    def describe(self) -> dict[str, Any]:
        return {"formatter": "ruff", "settings": self.settings.source}

    def format(self, edits: Sequence[FormatEdit]) -> list[str]:
        binary = self.binary or (find_ruff() if edits else "")
        if len(edits) >= ruff_mirror.MIN_BATCH and self.settings.mirrorable(self.root):
            try:
                return self._format_mirrored(binary, edits)
            except ruff_mirror.MirrorUnavailable:
                pass
        return _each(edits, lambda edit: self._one(binary, edit))

    def _format_mirrored(self, binary: str, edits: Sequence[FormatEdit]) -> list[str]:
        """:meth:`format` with one ruff process for the texts before the edits and one for
        the texts after them, each formatted whole. A text after the edit that comes back
        unchanged needs nothing (formatting any range of it changes nothing either); one
        that changes is formatted on its touched lines only (``--range``), through stdin
        — formatting it whole may change lines the edit did not touch (blank lines before
        a definition, say), which formatting the range leaves."""
        befores = {edit.path: edit.before for edit in edits}
        kept_as_is = self._formatted_as_is(binary, befores, "before")
        wanted = {e.path: e.after for e in edits if kept_as_is[e.path]}
        whole = self._formatted_as_is(binary, wanted, "after") if wanted else {}
        ranged = [e for e in edits if e.path in whole and not whole[e.path]]
        done = dict(zip(ranged, _each(ranged, lambda e: self._range(binary, e)), strict=True))
        return [done.get(edit, edit.after) for edit in edits]

    def _formatted_as_is(self, binary: str, texts: Mapping[str, str], side: str) -> dict[str, bool]:
        """Whether each of ``texts`` comes back from formatting it whole as it is, from one
        ruff process on a mirror (for the texts without a kept answer; ``side``: before or
        after the edit, each kept apart)."""

        def ask(unknown: Mapping[str, str]) -> dict[str, bool]:
            formatted = self._ask_all(binary, unknown)
            return {path: formatted[path] == text for path, text in unknown.items()}

        if self.answers is None:
            return ask(texts)
        return self.answers.memoized(f"format-{side}", texts, ask, bool, _flag)

    def _ask_all(self, binary: str, texts: Mapping[str, str]) -> dict[str, str]:
        with ruff_mirror.mirror(self.root, texts, self.settings.config_file) as mirror:
            command = [
                binary,
                *("format", "--no-cache", "--quiet"),
                *self.settings.arguments(self.settings.mirrored(self.root, mirror)),
                *("--", *texts),
            ]
            ruff_mirror.run(command, mirror, self.root, "formatting")
            return ruff_mirror.read_back(mirror, list(texts))

    def _one(self, binary: str, edit: FormatEdit) -> str:
        if self._format(binary, edit.path, edit.before) != edit.before:
            return edit.after
        return self._range(binary, edit)

    def _range(self, binary: str, edit: FormatEdit) -> str:
        """``edit.after`` formatted on its touched lines (none: as it is)."""
        if edit.span is None:
            return edit.after
        first, last = edit.span
        # The end of --range is exclusive: up to the first column of the next line.
        return self._format(binary, edit.path, edit.after, f"--range={first}-{last + 1}")

    def _format(self, binary: str, path: str, text: str, *extra: str) -> str:
        command = [
            binary,
            *("format", "--no-cache", *self.settings.arguments(), *extra),
            *("--stdin-filename", str(self.root / path), "-"),
        ]
        return _run(command, text, self.root, path, "ruff")


@dataclass
class BlackFormatter:
    """A :class:`~compatlint.codemods.formatting.Formatter` that runs black."""

    root: Path
    binary: str

    def describe(self) -> dict[str, Any]:
        return {"formatter": "black", "settings": "pyproject.toml [tool.black]"}

    def format(self, edits: Sequence[FormatEdit]) -> list[str]:
        return _each(edits, self._one)

    def _one(self, edit: FormatEdit) -> str:
        if edit.span is None or self._format(edit.path, edit.before) != edit.before:
            return edit.after
        first, last = edit.span
        return self._format(edit.path, edit.after, f"--line-ranges={first}-{last}")

    def _format(self, path: str, text: str, *extra: str) -> str:
        command = [self.binary, "-q", *extra, "--stdin-filename", str(self.root / path), "-"]
        return _run(command, text, self.root, path, "black")


def project_formatter(
    root: Path, pyproject: Path | None, first_party: Sequence[str] = ()
) -> Formatter | None:
    """The project's formatter (see the module docstring); None when it uses black and
    black is not installed."""
    data = load_toml(pyproject) if pyproject is not None else None
    if table(data, "tool", "black") is not None and table(data, "tool", "ruff", "format") is None:
        binary = shutil.which("black")
        return BlackFormatter(root, binary) if binary else None
    return RuffFormatter(root, project_settings(root, pyproject, first_party))
