"""Removing a deleted shim from [tool.compatlint] shim, and nothing else of the file."""

from __future__ import annotations

import pytest

from compatlint.codemods.config_edit import remove_shim_entry

HEAD = (
    '[project]\nname = "demo"\nshim = ["not/this.py"]\n\n[tool.compatlint]\nupstream = "sglang"\n'
)
TAIL = '\nfloor = "0.5.10"\n\n[tool.other]\nshim = ["pkg/_compat.py"]\n'


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ('shim = ["pkg/_compat.py"]', "shim = []"),
        ('shim = ["pkg/_compat.py", "pkg/_xpu.py"]', 'shim = ["pkg/_xpu.py"]'),
        ("shim = ['pkg/_xpu.py', 'pkg/_compat.py']", "shim = ['pkg/_xpu.py']"),
        ('shim = "pkg/_compat.py"', "shim = []"),
        (
            'shim = [\n    "pkg/_xpu.py",  # XPU\n    "pkg/_compat.py",\n]',
            'shim = [\n    "pkg/_xpu.py",  # XPU\n]',
        ),
        ('shim = [\n    "pkg/_compat.py",\n]', "shim = [\n]"),
    ],
)
def test_removes_only_that_entry(before: str, after: str) -> None:
    text = HEAD + before + TAIL
    assert remove_shim_entry(text, "pkg/_compat.py") == HEAD + after + TAIL


def test_declines_what_it_cannot_find() -> None:
    assert remove_shim_entry(HEAD + 'shim = ["other.py"]' + TAIL, "pkg/_compat.py") is None
    assert remove_shim_entry('[tool.other]\nshim = ["pkg/_compat.py"]\n', "pkg/_compat.py") is None
