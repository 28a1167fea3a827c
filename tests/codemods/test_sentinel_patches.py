"""A sentinel that code elsewhere may set (a test patching it to None) keeps its tests:
folding ``X is None`` to False would change what the patched run does."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import make_config
from test_module_rebindings import _run

from compatlint.codemods.prune import plan_prune

OLD = "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+"
SHIM_TEXT = f"""try:
    from sglang.srt.fast import FastPath
except ImportError:
    {OLD}
    FastPath = None


def mode():
    return "slow" if FastPath is None else "fast"
"""
PATCHES = {
    "string": "with mock.patch('pkg._compat.FastPath', None):\n    print(c.mode())\n",
    "object": "with mock.patch.object(c, 'FastPath', None):\n    print(c.mode())\n",
    "setattr": "setattr(c, 'FastPath', None)\nprint(c.mode())\n",
    "store": "c.FastPath = None\nprint(c.mode())\n",
}


@pytest.mark.parametrize("patch", sorted(PATCHES))
def test_a_patched_sentinel_keeps_its_tests(patch: str, tmp_path: Path) -> None:
    user = "from unittest import mock\n\nimport pkg._compat as c\n\n" + PATCHES[patch]
    files = {
        "pkg/_compat.py": SHIM_TEXT,
        "pkg/__init__.py": "",
        "app/__init__.py": "",
        "app/main.py": user,
    }
    plan = plan_prune(make_config(), files, make_config().floors)
    after = {path: plan.new_text(path, text) for path, text in files.items()}
    assert "FastPath is None" in after["pkg/_compat.py"]
    assert any("not folded" in item.reason for item in plan.follow_ups)
    fast = {"sglang/srt/fast.py": "class FastPath:\n    pass\n"}
    before_run = _run(tmp_path, "before", {**files, **fast}, "app.main")
    assert before_run == _run(tmp_path, "after", {**after, **fast}, "app.main")
    assert "slow" in before_run


def test_an_unpatched_sentinel_folds() -> None:
    files = {"pkg/_compat.py": SHIM_TEXT, "pkg/__init__.py": "", "app.py": "import pkg\n"}
    plan = plan_prune(make_config(), files, make_config().floors)
    assert "FastPath is None" not in plan.new_text("pkg/_compat.py", SHIM_TEXT)
