"""What ``inline`` reports: the names inlined, the importers edited, what a person must do."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from compatlint.model import Edit

__all__ = ["ImporterEdit", "InlinePlan", "InlinedName", "KeptName", "ManualItem"]


@dataclass(frozen=True)
class ImporterEdit:
    """One importer's change for one name: an import moved, or ``module.name`` rewritten."""

    path: str
    line: int
    action: str

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "action": self.action}


@dataclass(frozen=True)
class InlinedName:
    """A re-export the importers now take from the upstream directly."""

    shim: str
    name: str
    module: str
    upstream_name: str
    removed_from_shim: bool
    importers: tuple[ImporterEdit, ...] = ()

    @property
    def statement(self) -> str:
        alias = "" if self.name == self.upstream_name else f" as {self.name}"
        return f"from {self.module} import {self.upstream_name}{alias}"

    def to_json(self) -> dict[str, Any]:
        return {
            "shim": self.shim,
            "name": self.name,
            "module": self.module,
            "upstream_name": self.upstream_name,
            "removed_from_shim": self.removed_from_shim,
            "importers": [edit.to_json() for edit in self.importers],
        }


@dataclass(frozen=True)
class ManualItem:
    """Something inline left alone that a person has to look at."""

    path: str
    line: int
    name: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "name": self.name, "reason": self.reason}


@dataclass(frozen=True)
class KeptName:
    """A re-export with importers that stays in the shim, and why."""

    shim: str
    line: int
    name: str
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"shim": self.shim, "line": self.line, "name": self.name, "reason": self.reason}


@dataclass
class InlinePlan:
    """New texts per path (``Edit.new_text`` None: delete) and the report behind them."""

    edits: dict[str, Edit] = field(default_factory=dict)
    inlined: list[InlinedName] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    manual: list[ManualItem] = field(default_factory=list)
    kept: list[KeptName] = field(default_factory=list)
    unknown_only: list[str] = field(default_factory=list)
    sorter: dict[str, Any] = field(default_factory=lambda: {"sorter": None})

    @property
    def changed(self) -> bool:
        return any(edit.new_text != edit.old_text for edit in self.edits.values())

    def new_text(self, path: str, default: str) -> str | None:
        """The planned text of ``path`` (None: deleted; ``default``: untouched)."""
        edit = self.edits.get(path)
        return default if edit is None else edit.new_text

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "changed": self.changed,
            "files": sorted(self.edits),
            "inlined": [item.to_json() for item in self.inlined],
            "deleted": list(self.deleted),
            "manual": [item.to_json() for item in self.manual],
            "kept": [item.to_json() for item in self.kept],
            "unknown_only": list(self.unknown_only),
            "sorter": dict(self.sorter),
        }
