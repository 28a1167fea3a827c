"""What a prune run decided: the new texts and the structured report behind them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from compatlint.model import Edit, Site, Tag
from compatlint.versions import Floors

_SENTENCE = re.compile(r"(?<=[.;!?])\s+")
_TAG_WORDS = re.compile(r"\b(?:remove|drop|delete|fall-?back|compat(?:ibility)?)\b", re.I)


def tag_text(tag: Tag | None) -> str:
    """A tag's text on one line, without comment marks; of a docstring, only the
    sentences that talk about the fallback or its removal."""
    if tag is None:
        return ""
    parts = []
    for line in tag.raw.splitlines():
        stripped = line.strip()
        while stripped.startswith("#"):
            stripped = stripped[1:].lstrip()
        if stripped:
            parts.append(stripped)
    text = " ".join(" ".join(parts).split())
    if tag.raw.lstrip().startswith("#"):
        return text
    sentences = [s for s in _SENTENCE.split(text) if _TAG_WORDS.search(s)]
    return " ".join(sentences) or text


@dataclass(frozen=True)
class CallSiteEdit:
    """One edit made outside the shim for a removed definition."""

    path: str
    line: int
    action: str
    name: str

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line, "action": self.action, "name": self.name}


@dataclass(frozen=True)
class RemovedSite:
    """One site prune removed, with what it covered and what was done around it."""

    path: str
    line: int
    kind: str
    names: tuple[str, ...]
    covers: str | None
    removal: str | None
    track: str | None
    tag: str
    action: str
    call_sites: tuple[CallSiteEdit, ...] = ()

    @classmethod
    def of(cls, site: Site, action: str, call_sites: tuple[CallSiteEdit, ...] = ()) -> RemovedSite:
        tag = site.tag
        return cls(
            path=site.path,
            line=site.line,
            kind=site.kind.value,
            names=site.names,
            covers=tag.covers_text() if tag else None,
            removal=str(tag.removal) if tag and tag.removal else None,
            track=tag.track if tag else None,
            tag=tag_text(tag),
            action=action,
            call_sites=call_sites,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "kind": self.kind,
            "names": list(self.names),
            "covers": self.covers,
            "removal": self.removal,
            "track": self.track,
            "tag": self.tag,
            "action": self.action,
            "call_sites": [edit.to_json() for edit in self.call_sites],
        }


@dataclass(frozen=True)
class FollowUp:
    """A site prune left alone and a person has to look at."""

    path: str
    line: int
    kind: str
    reason: str
    tag: str = ""

    @classmethod
    def of(cls, site: Site, reason: str) -> FollowUp:
        return cls(site.path, site.line, site.kind.value, reason, tag_text(site.tag))

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "kind": self.kind,
            "reason": self.reason,
            "tag": self.tag,
        }


@dataclass(frozen=True)
class StubAddition:
    """A module added to the test stub list."""

    path: str
    list_name: str
    module: str

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "list": self.list_name, "module": self.module}


@dataclass
class PrunePlan:
    """New texts per path (``Edit.new_text`` None: delete) and the report behind them."""

    floors: Floors
    edits: dict[str, Edit] = field(default_factory=dict)
    removed: list[RemovedSite] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    stubs: list[StubAddition] = field(default_factory=list)
    passes: int = 0

    @property
    def changed(self) -> bool:
        return any(edit.new_text != edit.old_text for edit in self.edits.values())

    @property
    def call_site_edits(self) -> list[CallSiteEdit]:
        return [edit for site in self.removed for edit in site.call_sites]

    def new_text(self, path: str, default: str) -> str:
        edit = self.edits.get(path)
        if edit is None or edit.new_text is None:
            return default
        return edit.new_text

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "floors": self.floors.to_json(),
            "changed": self.changed,
            "files": sorted(self.edits),
            "removed": [site.to_json() for site in self.removed],
            "call_sites": [edit.to_json() for edit in self.call_site_edits],
            "stubs": [stub.to_json() for stub in self.stubs],
            "follow_ups": [item.to_json() for item in self.follow_ups],
        }
