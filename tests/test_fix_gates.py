"""check --fix folds dead version gates (CL112) through prune's own folds, and only when
CL112 is among the codes fixed."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from click.testing import CliRunner
from helpers import make_config
from packaging.version import Version

from compatlint.cli import main
from compatlint.codemods.fix import FIXABLE, plan_fixes

GATE = "import sys\n\nif sys.version_info >= (3, 9):\n    A = 1\nelse:\n    A = 2\n"
SHIM = (
    "try:\n    from sglang.new import thing\n"
    "except ImportError:  # Fallback for sglang 0.5.9. Remove when min supported version is"
    " 0.5.10+\n    from sglang.old import thing\n"
)


def _config():
    return dataclasses.replace(make_config(), python_floor=Version("3.10"))


def test_cl112_is_fixable_and_folds_gates_only() -> None:
    assert "CL112" in FIXABLE
    sources = {"pkg/mod.py": GATE, "pkg/_compat.py": SHIM}
    edits = plan_fixes(_config(), sources, {"CL112"})
    assert set(edits) == {"pkg/mod.py"}
    assert edits["pkg/mod.py"].new_text == "A = 1\n"


def test_cl102_alone_leaves_the_gates() -> None:
    sources = {"pkg/mod.py": GATE, "pkg/_compat.py": SHIM}
    edits = plan_fixes(_config(), sources, {"CL102"})
    assert set(edits) == {"pkg/_compat.py"}


def test_check_fix_folds_a_dead_gate(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nrequires-python = ">=3.10"\n\n'
        '[tool.compatlint]\nupstream = "sglang"\nshim = []\n'
    )
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    module = tmp_path / "pkg" / "mod.py"
    module.write_text(GATE)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--fix"])
    assert "Fixed CL112 in 1 file." in result.output, result.output
    assert module.read_text() == "A = 1\n"
    assert result.exit_code == 0, result.output
