"""CL202 unmocked-import: a module-level upstream import missing from the stub list."""

from __future__ import annotations

from collections.abc import Iterator

from compatlint.analysis.mocklist import required_modules, under
from compatlint.analysis.project import ProjectFacts
from compatlint.model import Diagnostic
from compatlint.rules.base import Case, Rule

_MOCKS = {"mocks": {"file": "tests/stubs.py", "name": "STUBS", "collect": ["pkg"]}}


class UnmockedImport(Rule):
    code = "CL202"
    name = "unmocked-import"
    summary = "An unconditional upstream import is missing from the test stub-module list."
    what = """
For every file under `[tool.compatlint.mocks] collect`, takes each upstream import that
runs unconditionally at import time (module level, not under `try/except ImportError`,
not under `if TYPE_CHECKING`, not in a function) and flags it when the module or one of
its parent packages is missing from the stub list (`mocks.file`, variable `mocks.name`).
"""
    why = """
Tests are collected in an environment without the upstream installed (an isolated
pre-commit venv), where an allow-list of stub modules stands in for it. Making a
previously conditional import unconditional — typically by pruning a fallback — without
adding its module to the list breaks collection of every test, and only in CI.
"""
    example = """
# src/servo/handlers/chat.py
from sglang.srt.managers.io_struct import GenerateReqInput

# tests/stub_modules.py
STUB_MODULES = ["sglang", "sglang.srt"]
"""
    use_instead = """
STUB_MODULES = [
    "sglang",
    "sglang.srt",
    "sglang.srt.managers",
    "sglang.srt.managers.io_struct",
]
"""
    fixable = True
    fix = "`compatlint mocks` adds the missing entries in the list's own style."
    VALID = (
        Case(
            "from sglang.srt.a import X\n",
            path="pkg/handler.py",
            files={"tests/stubs.py": "STUBS = ['sglang', 'sglang.srt', 'sglang.srt.a']\n"},
            config=_MOCKS,
        ),
        Case(
            "from typing import TYPE_CHECKING\n\n"
            "if TYPE_CHECKING:\n    from sglang.srt.a import X\n"
            "\n\ndef f():\n    from sglang.srt.b import Y\n    return Y\n",
            path="pkg/handler.py",
            files={"tests/stubs.py": "STUBS = []\n"},
            config=_MOCKS,
        ),
        Case(
            "try:\n    from sglang.srt.a import X\nexcept ImportError:\n"
            "    # Fallback for sglang 0.5.10. Remove when min supported version is 0.5.11+\n"
            "    from sglang.srt.b import X\n",
            files={"tests/stubs.py": "STUBS = ()\n"},
            config=_MOCKS,
        ),
        Case(
            "from sglang.srt.a import X\n",
            path="other/handler.py",
            files={"tests/stubs.py": "STUBS = []\n"},
            config=_MOCKS,
        ),
    )
    INVALID = (
        Case(
            "import os\nfrom sglang.srt.a import X\nimport sglang.srt.b as b\n",
            path="pkg/handler.py",
            files={"tests/stubs.py": "STUBS = {'sglang', 'sglang.srt', 'sglang.srt.a'}\n"},
            config=_MOCKS,
            lines=(3,),
        ),
    )

    def check(self, project: ProjectFacts) -> Iterator[Diagnostic]:
        mocks = project.config.mocks
        stub_list = project.mock_list
        if mocks is None or stub_list is None:
            return
        present = stub_list.modules
        roots = project.upstream_roots
        for path, facts in project.files.items():
            if not under(path, mocks.collect):
                continue
            for fact in facts.imports:
                if not fact.unconditional or fact.module.split(".")[0] not in roots:
                    continue
                missing = [m for m in required_modules(fact.module) if m not in present]
                if missing:
                    where = f"{stub_list.name} in {stub_list.path}"
                    what = "" if missing == [fact.module] else f" ({', '.join(missing)})"
                    yield self.report(
                        path,
                        fact,
                        f"{fact.module} is imported at module level but missing from {where}{what}",
                    )
