"""The import sorter that is ruff itself: ``ruff check --select I001`` on each edited file.

Each edited file is checked twice through stdin, before and after the edit, with
``--stdin-filename`` naming the real file under the project root, so that ruff applies the
settings it applies to that file (``per-file-ignores`` included) and looks for first-party
packages on disk as it does. The JSON output holds, per unsorted block, the fix that
sorts it; :func:`compatlint.codemods.sorting.resort` picks the ones to apply.

Which settings: the project's ruff configuration (``.ruff.toml``, ``ruff.toml``, or a
``pyproject.toml`` with ``[tool.ruff]``, in ruff's order of precedence) passed with
``--config``; else, for a project sorted by isort, ruff's defaults with the ``[tool.isort]``
settings that mean the same in ruff; else ruff's defaults (``--isolated``: no user-level
configuration either). The project's top-level packages are passed as
``known-first-party`` unless the project sets that itself.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compatlint import ruff_mirror
from compatlint.codemods.sorting import BlockEdit, Finding, Replacement, resort
from compatlint.errors import CompatlintError

if TYPE_CHECKING:
    from compatlint.ruff_answers import RuffAnswers

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

RUFF_FILES = (".ruff.toml", "ruff.toml")
_WORKERS = 4

# ``[tool.isort]`` keys whose ruff setting (``lint.isort.<key with dashes>``) means the same.
_ISORT_LISTS = (
    "known_first_party",
    "known_third_party",
    "known_local_folder",
    "extra_standard_library",
)
_ISORT_FLAGS = (
    "force_single_line",
    "force_sort_within_sections",
    "combine_as_imports",
    "order_by_type",
    "case_sensitive",
)
_ISORT_LINE_LENGTH = 79  # isort's default; its black profile uses 88


class RuffNotFound(CompatlintError):
    """Neither the ``ruff`` package's binary nor a ``ruff`` on PATH exists."""


def find_ruff() -> str:
    """The ruff binary: the one the ``ruff`` package installed, else ``ruff`` on PATH."""
    try:
        from ruff import find_ruff_bin

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("ruff")
        if found is None:
            raise RuffNotFound(
                "ruff is needed to place imports and was not found (pip install ruff)"
            ) from None
        return found


@dataclass(frozen=True)
class RuffSettings:
    """How to call ruff for a project: a config file or ``--isolated``, and overrides."""

    config_file: Path | None = None
    overrides: tuple[str, ...] = ()
    source: str = "ruff defaults"

    def arguments(self, config_file: Path | None = None) -> list[str]:
        """Ruff's options; ``config_file``: where the configuration file is read from, if not
        from its place (a mirror's copy)."""
        config = config_file or self.config_file
        head = ["--config", str(config)] if config else ["--isolated"]
        return [*head, *(arg for item in self.overrides for arg in ("--config", item))]

    def mirrorable(self, root: Path) -> bool:
        """Whether ruff resolves this configuration's paths in a mirror of ``root`` as in
        ``root`` (:mod:`compatlint.ruff_mirror`): no file, or one inside ``root`` without an
        ``extend`` (the file it names is not mirrored)."""
        if self.config_file is None:
            return True
        try:
            self.config_file.resolve().relative_to(root.resolve())
        except (OSError, ValueError):
            return False
        data = load_toml(self.config_file) or {}
        return all("extend" not in (found or {}) for found in (data, table(data, "tool", "ruff")))

    def source_dirs(self) -> list[str]:
        """The ``src`` directories the configuration file names (top level or
        ``[tool.ruff]``), where ruff looks for first-party modules."""
        if self.config_file is None:
            return []
        data = load_toml(self.config_file) or {}
        found: list[str] = []
        for candidate in (data, table(data, "tool", "ruff")):
            value = candidate.get("src") if candidate else None
            if isinstance(value, list):
                found += [item for item in value if isinstance(item, str)]
        return found

    def mirrored(self, root: Path, mirror: Path) -> Path | None:
        """Where the configuration file is in ``mirror`` (a mirror of ``root``)."""
        if self.config_file is None:
            return None
        return mirror / self.config_file.resolve().relative_to(root.resolve())


def _touches(edit: BlockEdit, findings: Sequence[Finding]) -> bool:
    """Whether a finding covers a row of an edited block of ``edit.after``."""
    return any(finding.covers(anchor.after) for finding in findings for anchor in edit.anchors)


def _toml_value(value: Any) -> str:
    """A TOML literal for a string list, a bool or an int (JSON spells them alike)."""
    return json.dumps(value)


def load_toml(path: Path) -> dict[str, Any] | None:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None


def table(data: Mapping[str, Any] | None, *keys: str) -> Mapping[str, Any] | None:
    current: Any = data
    for key in keys:
        if not isinstance(current, Mapping):
            return None
        current = current.get(key)
    return current if isinstance(current, Mapping) else None


def _sets_first_party(ruff: Mapping[str, Any]) -> bool:
    return any(
        "known-first-party" in (found or {})
        for found in (table(ruff, "lint", "isort"), table(ruff, "isort"))
    )


def isort_overrides(isort: Mapping[str, Any]) -> list[str]:
    """The ``[tool.isort]`` settings that mean the same in ruff, as ruff ``--config`` items."""
    items: list[str] = []
    for key in _ISORT_LISTS:
        value = isort.get(key)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            items.append(f"lint.isort.{key.replace('_', '-')} = {_toml_value(value)}")
    for key in _ISORT_FLAGS:
        value = isort.get(key)
        if isinstance(value, bool):
            items.append(f"lint.isort.{key.replace('_', '-')} = {_toml_value(value)}")
    length = isort.get("line_length")
    if not (isinstance(length, int) and not isinstance(length, bool) and length > 0):
        length = 88 if isort.get("profile") == "black" else _ISORT_LINE_LENGTH
    items.append(f"line-length = {length}")
    return items


def project_settings(
    root: Path, pyproject: Path | None, first_party: Iterable[str] = ()
) -> RuffSettings:
    """The settings ruff sorts the project's files with (see the module docstring)."""
    roots = sorted(set(first_party))
    first_party_item = [f"lint.isort.known-first-party = {_toml_value(roots)}"] if roots else []
    for name in RUFF_FILES:
        path = root / name
        if path.is_file():
            data = load_toml(path) or {}
            extra = [] if _sets_first_party(data) else first_party_item
            return RuffSettings(path, tuple(extra), name)
    data = load_toml(pyproject) if pyproject is not None else None
    ruff = table(data, "tool", "ruff")
    if ruff is not None and pyproject is not None:
        extra = [] if _sets_first_party(ruff) else first_party_item
        return RuffSettings(pyproject, tuple(extra), f"{pyproject.name} [tool.ruff]")
    isort = table(data, "tool", "isort")
    if isort is not None and pyproject is not None:
        items = isort_overrides(isort)
        if "known_first_party" not in isort:
            items += first_party_item
        return RuffSettings(None, tuple(items), f"{pyproject.name} [tool.isort]")
    return RuffSettings(None, tuple(first_party_item))


def encode_findings(found: Sequence[Finding]) -> list[Any]:
    """``found`` as plain lists (:func:`decode_findings` reads them back)."""
    return [
        [
            f.first_row,
            f.last_row,
            [[r.row, r.column, r.end_row, r.end_column, r.content] for r in f.replacements],
        ]
        for f in found
    ]


def decode_findings(encoded: list[Any]) -> list[Finding]:
    return [
        Finding(first, last, tuple(Replacement(*replacement) for replacement in replacements))
        for first, last, replacements in encoded
    ]


def findings(output: str) -> list[Finding]:
    """The I001 findings in ruff's JSON output."""
    return [finding for found in findings_by_file(output).values() for finding in found]


def findings_by_file(output: str) -> dict[str, list[Finding]]:
    """The I001 findings in ruff's JSON output, by the file name ruff reports."""
    found: dict[str, list[Finding]] = {}
    for item in json.loads(output or "[]"):
        if item.get("code") != "I001":
            continue
        fix = item.get("fix") or {}
        replacements = tuple(
            Replacement(
                edit["location"]["row"],
                edit["location"]["column"],
                edit["end_location"]["row"],
                edit["end_location"]["column"],
                edit["content"],
            )
            for edit in fix.get("edits", ())
        )
        finding = Finding(item["location"]["row"], item["end_location"]["row"], replacements)
        found.setdefault(item.get("filename", ""), []).append(finding)
    return found


@dataclass
class RuffSorter:
    """An :class:`~compatlint.codemods.sorting.ImportSorter` that runs ruff.

    ``root``: where the files are (ruff runs there and sees them as ``root / path``).
    """

    root: Path
    settings: RuffSettings = field(default_factory=RuffSettings)
    binary: str | None = None
    #: Answers of earlier runs (see :mod:`compatlint.ruff_answers`), if kept.
    answers: RuffAnswers | None = None

    def describe(self) -> dict[str, Any]:
        return {
            "sorter": "ruff",
            "settings": self.settings.source,
            "options": list(self.settings.overrides),
        }

    def sort(self, edits: Sequence[BlockEdit]) -> list[str]:
        if not edits:
            return []
        binary = self.binary or find_ruff()
        if len(edits) >= ruff_mirror.MIN_BATCH and self.settings.mirrorable(self.root):
            try:
                return self._sort_mirrored(binary, edits)
            except ruff_mirror.MirrorUnavailable:
                pass
        return self._sort_each(binary, edits)

    def _sort_mirrored(self, binary: str, edits: Sequence[BlockEdit]) -> list[str]:
        """:meth:`sort` with one ruff process for all the texts after the edits and one for
        the texts before them that matter (see :meth:`_sort_each`)."""
        afters = self._check_mirrored(binary, {edit.path: edit.after for edit in edits}, "after")
        wanted = {e.path: e.before for e in edits if _touches(e, afters.get(e.path, ()))}
        befores = self._check_mirrored(binary, wanted, "before") if wanted else {}
        return [
            resort(edit, befores.get(edit.path, ()), afters.get(edit.path, ())) for edit in edits
        ]

    def _check_mirrored(
        self, binary: str, texts: Mapping[str, str], side: str
    ) -> dict[str, list[Finding]]:
        """The findings in each of ``texts`` (by path), from one ruff process on a mirror
        (for the texts without a kept answer; ``side``: before or after the edit, each
        kept apart)."""
        if self.answers is None:
            return self._ask_mirrored(binary, texts)
        return self.answers.memoized(
            f"isort-{side}",
            texts,
            lambda unknown: self._ask_mirrored(binary, unknown),
            encode_findings,
            decode_findings,
            absent=[],
        )

    def _ask_mirrored(self, binary: str, texts: Mapping[str, str]) -> dict[str, list[Finding]]:
        with ruff_mirror.mirror(self.root, texts, self.settings.config_file) as mirror:
            command = [
                binary,
                *("check", "--no-cache", "--exit-zero", "--output-format", "json"),
                *self.settings.arguments(self.settings.mirrored(self.root, mirror)),
                *("--select", "I001", "--", *texts),
            ]
            result = ruff_mirror.run(command, mirror, self.root, "sorting imports")
            by_file: dict[str, list[Finding]] = {}
            for name, found in findings_by_file(result.stdout.decode("utf-8")).items():
                by_file[Path(name).relative_to(mirror).as_posix()] = found
        return by_file

    def _sort_each(self, binary: str, edits: Sequence[BlockEdit]) -> list[str]:
        """:meth:`sort` with one ruff process per text, through stdin."""
        from concurrent.futures import ThreadPoolExecutor  # not on check's start-up path

        with ThreadPoolExecutor(max_workers=min(_WORKERS, len(edits))) as pool:
            afters = list(pool.map(lambda edit: self._check(binary, edit.path, edit.after), edits))
            # The text before the edit matters only where a finding after it covers an
            # edited block (which was unsorted before is then kept as it was): otherwise
            # ``resort`` returns the edit's text whatever ``before`` holds.
            wanted = [index for index, edit in enumerate(edits) if _touches(edit, afters[index])]
            found = pool.map(lambda i: self._check(binary, edits[i].path, edits[i].before), wanted)
            befores = dict(zip(wanted, found, strict=True))
        return [
            resort(edit, befores.get(index, ()), afters[index]) for index, edit in enumerate(edits)
        ]

    def _check(self, binary: str, path: str, text: str) -> list[Finding]:
        command = [
            binary,
            *("check", "--no-cache", "--exit-zero", "--output-format", "json"),
            *self.settings.arguments(),
            *("--select", "I001", "--stdin-filename", str(self.root / path), "-"),
        ]
        try:
            result = subprocess.run(
                command,
                input=text.encode("utf-8"),
                cwd=self.root,
                capture_output=True,
                check=False,
            )
        except OSError as exc:
            raise RuffNotFound(f"cannot run ruff: {exc}") from None
        if result.returncode != 0:
            detail = ruff_mirror.failure_detail(result)
            raise CompatlintError(f"ruff failed while sorting imports: {detail}", path)
        return findings(result.stdout.decode("utf-8"))
