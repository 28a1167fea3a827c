"""CL202 unmocked-import: a module-level upstream import missing from the stub list."""

from __future__ import annotations

from collections.abc import Iterator

from compatlint.analysis.mocklist import required_modules
from compatlint.analysis.project import ProjectFacts
from compatlint.model import Diagnostic
from compatlint.rules.base import Case, Rule

_MOCKS = {"mocks": {"file": "tests/stubs.py", "name": "STUBS", "collect": ["pkg"]}}
_ALL = {"mocks": {**_MOCKS["mocks"], "scope": "all"}}
#: a test file that collection imports, and that imports the handler
_TEST = {"tests/test_handler.py": "import pkg.handler\n"}


class UnmockedImport(Rule):
    code = "CL202"
    name = "unmocked-import"
    summary = "An unconditional upstream import is missing from the test stub-module list."
    what = """
For every file that pytest collection imports, takes each upstream import that runs
unconditionally at import time (module level, not under `try/except ImportError`, not
under `if TYPE_CHECKING`, not in a function) and flags it when the module or one of its
parent packages is missing from the stub list (`mocks.file`, variable `mocks.name`).

The files collection imports are the closure of the test files (pytest's
`python_files`, `test_*.py` and `*_test.py` by default) and `conftest.py` files under
pytest's `testpaths` (the project root when unset), with the `__init__.py` of their
packages, through every module-level import (also inside `try` and `if`, and a literal
`importlib.import_module("...")`; not in functions, not under `if TYPE_CHECKING`) into
the project's own modules. A module no test reaches cannot break collection, so its
imports are not asked for. `[tool.compatlint.mocks] scope = "all"` asks for the imports
of every file under `mocks.collect` instead.
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
            files={"tests/stubs.py": "STUBS = ['sglang', 'sglang.srt', 'sglang.srt.a']\n", **_TEST},
            config=_MOCKS,
        ),
        Case(  # no test imports the module
            "from sglang.srt.a import X\n",
            path="pkg/handler.py",
            files={"tests/stubs.py": "STUBS = []\n", "tests/test_other.py": "import os\n"},
            config=_MOCKS,
        ),
        Case(
            "from typing import TYPE_CHECKING\n\n"
            "if TYPE_CHECKING:\n    from sglang.srt.a import X\n"
            "\n\ndef f():\n    from sglang.srt.b import Y\n    return Y\n",
            path="pkg/handler.py",
            files={"tests/stubs.py": "STUBS = []\n", **_TEST},
            config=_MOCKS,
        ),
        Case(
            "try:\n    from sglang.srt.a import X\nexcept ImportError:\n"
            "    # Fallback for sglang 0.5.10. Remove when min supported version is 0.5.11+\n"
            "    from sglang.srt.b import X\n",
            path="pkg/handler.py",
            files={"tests/stubs.py": "STUBS = ()\n", **_TEST},
            config=_MOCKS,
        ),
        Case(
            "from sglang.srt.a import X\n",
            path="other/handler.py",
            files={
                "tests/stubs.py": "STUBS = []\n",
                "tests/test_other.py": "import other.handler\n",
            },
            config=_ALL,
        ),
    )
    INVALID = (
        Case(
            "import os\nfrom sglang.srt.a import X\nimport sglang.srt.b as b\n",
            path="pkg/handler.py",
            files={"tests/stubs.py": "STUBS = {'sglang', 'sglang.srt', 'sglang.srt.a'}\n", **_TEST},
            config=_MOCKS,
            lines=(3,),
        ),
        Case(  # scope = "all": every file under mocks.collect, tested or not
            "from sglang.srt.a import X\n",
            path="pkg/handler.py",
            files={"tests/stubs.py": "STUBS = []\n"},
            config=_ALL,
            lines=(1,),
        ),
    )

    def check(self, project: ProjectFacts) -> Iterator[Diagnostic]:
        mocks = project.config.mocks
        stub_list = project.mock_list
        if mocks is None or stub_list is None:
            return
        present = stub_list.modules
        roots = project.upstream_roots
        for facts in project.stub_scope():
            path = facts.path
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
