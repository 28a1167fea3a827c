"""A shim that does work when imported (patches the upstream) stays imported by the files
that relied on it: ``inline`` leaves such a file as it is, and lists it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from helpers import make_config
from test_module_rebindings import _run

from compatlint.analysis.shim import acts_at_import
from compatlint.codemods.inline import plan_inline

SHIM = "pkg/_compat.py"
PATCHING_SHIM = '''
"""Compat shim."""

import sglang.srt.a
from sglang.srt.a import A, B


def _patch():
    sglang.srt.a.B.extra = 1


_patch()

__all__ = ["A", "B"]
'''


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("import os\n\nLOG = os.getenv('X')\n__all__ = ['LOG']\n", None),
        ("def f():\n    g()\n\n\nclass C:\n    x = 1\n", None),
        ("import sglang\n\nsglang.extra = 1\n", 3),
        ("REG = {}\nREG['k'] = 1\n", 2),
        ("try:\n    import a\nexcept ImportError:\n    patch()\n", 4),
        ("if True:\n    del x\n", 2),
        ("async def f():\n    pass\n\nawait_me = 1\n", None),
    ],
)
def test_what_acts_at_import(source: str, line: int | None) -> None:
    import ast

    assert acts_at_import(ast.parse(source)) == line


def _inline(files: dict[str, str]) -> tuple[object, dict[str, str | None]]:
    sources = {path: textwrap.dedent(text).lstrip() for path, text in files.items()}
    plan = plan_inline(make_config(), sources)
    return plan, {path: plan.new_text(path, text) for path, text in sources.items()}  # type: ignore[attr-defined]


def test_a_file_that_would_stop_importing_a_patching_shim_is_left_alone(tmp_path: Path) -> None:
    user = "from pkg._compat import B\n\nprint(B.extra)\n"
    files = {SHIM: PATCHING_SHIM, "pkg/__init__.py": "", "app/__init__.py": "", "app/main.py": user}
    plan, after = _inline(files)
    assert after["app/main.py"] == user
    assert "B" in (after[SHIM] or "")
    [item] = plan.manual  # type: ignore[attr-defined]
    assert (item.path, item.line) == ("app/main.py", 1)
    assert "does work when imported (line 11)" in item.reason
    sources = {path: textwrap.dedent(text).lstrip() for path, text in files.items()}
    assert _run(tmp_path, "before", sources, "app.main") == _run(
        tmp_path, "after", after, "app.main"
    )


def test_a_file_that_still_imports_the_shim_is_rewritten() -> None:
    user = "from pkg._compat import B, _patch\n\nprint(B.extra, _patch)\n"
    files = {SHIM: PATCHING_SHIM, "pkg/__init__.py": "", "pkg/user.py": user}
    plan, after = _inline(files)
    text = after["pkg/user.py"]
    assert text is not None
    assert "from sglang.srt.a import B\n" in text
    assert "from pkg._compat import _patch\n" in text
    assert plan.manual == []  # type: ignore[attr-defined]
