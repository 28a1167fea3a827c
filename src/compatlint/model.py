"""The small immutable records every part of compatlint shares.

Nothing here does I/O or imports libcst: these are plain facts that the analysis
produces and the rules, codemods and reporters consume.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from packaging.version import Version


class CoverOp(str, enum.Enum):
    """How a tag's covered version reads: ``0.5.9``, ``<= 0.5.12`` or ``< 0.5.10``."""

    EQ = "=="
    LE = "<="
    LT = "<"


@dataclass(frozen=True)
class Tag:
    """A parsed removal tag: the comment or docstring text that says when a fallback goes.

    ``removal`` is the version R of "Remove when min supported version is R+";
    ``covers`` is the version the fallback exists for ("Fallback for sglang 0.5.9"),
    read with ``covers_op``. A tag is *vague* when the text talks about removal but
    names no usable version; ``vague_reason`` then says why and both versions are None.
    """

    raw: str
    line: int
    end_line: int
    removal: Version | None = None
    covers: Version | None = None
    covers_op: CoverOp = CoverOp.EQ
    track: str | None = None
    upstream: str | None = None
    vague_reason: str | None = None

    @property
    def is_vague(self) -> bool:
        return self.vague_reason is not None

    def covers_text(self) -> str | None:
        if self.covers is None:
            return None
        prefix = "" if self.covers_op is CoverOp.EQ else f"{self.covers_op.value} "
        return f"{prefix}{self.covers}"

    def to_json(self) -> dict[str, Any]:
        return {
            "raw": self.raw,
            "line": self.line,
            "end_line": self.end_line,
            "removal": str(self.removal) if self.removal else None,
            "covers": self.covers_text(),
            "track": self.track,
            "upstream": self.upstream,
            "vague": self.vague_reason,
        }


class SiteKind(str, enum.Enum):
    """The shapes of compat code a shim holds (DESIGN §4); what each means is in
    :data:`compatlint.sitekinds.KINDS`."""

    IMPORT_FALLBACK = "import-fallback"
    TEMPORARY_TRY = "temporary-try"
    POLYFILL = "polyfill"
    SENTINEL = "sentinel"
    PROBE_BRANCH = "probe-branch"
    PROBE_PATH = "probe-path"
    TAGGED_DEFINITION = "tagged-definition"
    RE_EXPORT = "re-export"


class Fate(str, enum.Enum):
    """What a site's tag means at the given floors."""

    KEEP = "keep"
    EXPIRED = "expired"
    UNTAGGED = "untagged"
    VAGUE = "vague"
    NO_FLOOR = "no-floor"
    PERMANENT = "permanent"


@dataclass(frozen=True)
class Site:
    """One piece of compat code in a shim, with the tag that governs it (if any).

    ``outcome``: for a guarded ``if``, the value its test takes on every version the tag's
    claim leaves (True: the body stays, the other arm goes). ``undecided``: why prune may
    not act on the site even once its tag expires (a version gate, a wrapper that does
    work); the site is listed with it instead.
    """

    kind: SiteKind
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    tag: Tag | None = None
    names: tuple[str, ...] = ()
    upstream: str | None = None
    detail: str = ""
    parent_line: int | None = None
    outcome: bool | None = None
    undecided: str = ""


@dataclass(frozen=True)
class MisplacedTag:
    """A tag that governs no guarded choice (or contradicts its guard), and why."""

    tag: Tag
    line: int
    column: int
    end_line: int
    end_column: int
    reason: str


@dataclass(frozen=True)
class Diagnostic:
    """One finding of one rule, located in a file relative to the project root."""

    code: str
    name: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    fixable: bool = False
    tag: Tag | None = None

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "message": self.message,
            "fixable": self.fixable,
            "tag": self.tag.to_json() if self.tag else None,
        }


@dataclass(frozen=True)
class ImportFact:
    """An import of an upstream module somewhere in the project.

    ``unconditional`` is True for an import that runs whenever the module is
    imported: at module level, not under ``try/except ImportError``, not under
    ``if TYPE_CHECKING`` and not inside a function.
    """

    path: str
    line: int
    column: int
    module: str
    names: tuple[str, ...] = ()
    unconditional: bool = True
    in_function: bool = False
    guarded: bool = False
    type_checking: bool = False


@dataclass(frozen=True)
class Edit:
    """A whole-file change planned by a codemod: new text, or ``None`` to delete."""

    path: str
    new_text: str | None
    old_text: str = field(default="", repr=False)
