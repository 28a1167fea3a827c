"""``compatlint mocks``: keep the test-collection stub list in step with the imports.

Pure: from the project's facts and the stub file's text, the entries to add (the modules
of every unconditional module-level upstream import under ``mocks.collect``, with their
parent packages — exactly what rule CL202 asks for) and, on request, the entries no
collected file imports any more. The list is edited by :func:`add_stub_entries`, so new
entries follow the list's own style; the file is never imported or run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from compatlint.analysis.mocklist import MockEntry, required_modules
from compatlint.analysis.project import ProjectFacts, stub_imports
from compatlint.analysis.shapes import root_of
from compatlint.model import Edit


@dataclass(frozen=True)
class MocksPlan:
    """The stub-list edit (if any), what it adds, and the stale entries found."""

    path: str
    name: str
    edits: dict[str, Edit]
    added: tuple[str, ...]
    stale: tuple[MockEntry, ...]

    @property
    def changed(self) -> bool:
        return bool(self.edits)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "name": self.name,
            "added": list(self.added),
            "stale": [{"module": e.module, "line": e.line} for e in self.stale],
        }


def required_stubs(project: ProjectFacts) -> set[str]:
    """Every module the stub list must hold (CL202's requirement, as one set; an import
    under ``# compatlint: ignore[CL202]`` requires nothing, as in ``check``)."""
    needed: set[str] = set()
    for facts in project.stub_scope():
        for fact in stub_imports(facts, project.upstream_roots):
            needed.update(required_modules(fact.module))
    return needed


def imported_anywhere(project: ProjectFacts) -> set[str]:
    """Upstream modules (and parents) any collected file imports, conditionally or not."""
    found: set[str] = set()
    for facts in project.stub_scope():
        for fact in facts.imports:
            if root_of(fact.module) in project.upstream_roots:
                found.update(required_modules(fact.module))
    return found


def plan_mocks(project: ProjectFacts, stub_text: str) -> MocksPlan:
    """Add the missing entries to the stub list; find the stale ones (never removed)."""
    stub_list = project.mock_list
    mocks = project.config.mocks
    if stub_list is None or mocks is None:
        raise ValueError("the project has no [tool.compatlint.mocks] list")
    missing = sorted(required_stubs(project) - stub_list.modules)
    new_text = stub_text
    if missing:  # nothing to add leaves the text as it is: no libcst to import
        from compatlint.codemods.stubs import add_stub_entries

        new_text = add_stub_entries(stub_text, stub_list.name, missing)
    edits = {}
    if new_text != stub_text:
        edits[stub_list.path] = Edit(stub_list.path, new_text, stub_text)
    used = imported_anywhere(project)
    stale = tuple(
        entry
        for entry in stub_list.entries
        if root_of(entry.module) in project.upstream_roots and entry.module not in used
    )
    return MocksPlan(stub_list.path, stub_list.name, edits, tuple(missing), stale)
