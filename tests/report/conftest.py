"""Shared builders for the reporter tests."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from packaging.version import Version

from compatlint.model import Diagnostic, Tag
from compatlint.report import CheckResult, RuleInfo

RULES = (
    RuleInfo("CL101", "expired-fallback", "A fallback whose removal tag has expired."),
    RuleInfo("CL102", "untagged-fallback", "A fallback without a removal tag."),
    RuleInfo("CL203", "vague-tag", "A removal tag that names no usable version."),
)
NAMES = {rule.code: rule.name for rule in RULES}

MakeDiag = Callable[..., Diagnostic]
MakeResult = Callable[..., CheckResult]


def _diag(
    code: str = "CL101",
    path: str = "pkg/compat.py",
    line: int = 1,
    column: int = 1,
    *,
    end_line: int | None = None,
    end_column: int | None = None,
    message: str = "fallback for sglang 0.5.9 has expired",
    fixable: bool = False,
    tag: Tag | None = None,
    **extra: Any,
) -> Diagnostic:
    return Diagnostic(
        code=code,
        name=extra.get("name", NAMES.get(code, "some-rule")),
        path=path,
        line=line,
        column=column,
        end_line=line if end_line is None else end_line,
        end_column=column + 10 if end_column is None else end_column,
        message=message,
        fixable=fixable,
        tag=tag,
    )


def _result(
    diagnostics: Sequence[Diagnostic] = (),
    files: int = 3,
    floors: dict[str, str] | None = None,
    rules: Sequence[RuleInfo] = RULES,
) -> CheckResult:
    return CheckResult(
        diagnostics=tuple(sorted(diagnostics, key=Diagnostic.sort_key)),
        files=files,
        floors={"sglang": "0.5.11"} if floors is None else floors,
        rules=tuple(rules),
    )


@pytest.fixture
def diag() -> MakeDiag:
    return _diag


@pytest.fixture
def make_result() -> MakeResult:
    return _result


@pytest.fixture
def sample(diag: MakeDiag, make_result: MakeResult) -> CheckResult:
    """Four findings in two files, two of them fixable, one carrying a tag."""
    tag = Tag(
        raw="# Remove when min supported version is 0.5.10+",
        line=9,
        end_line=9,
        removal=Version("0.5.10"),
        upstream="sglang",
    )
    return make_result(
        [
            diag("CL101", "pkg/compat.py", 10, 5, fixable=True, tag=tag),
            diag("CL102", "pkg/compat.py", 20, 1, message="fallback has no removal tag"),
            diag("CL101", "pkg/other.py", 3, 1, fixable=True),
            diag("CL203", "pkg/other.py", 7, 9, message="tag names no version"),
        ],
        files=5,
    )
