"""The bundled example project: `compatlint check` prints the findings designed into it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from compatlint.cli import main

EXAMPLE = Path(__file__).parent.parent / "examples" / "sglang-backend"
SHIM = "src/servo/_compat.py"

AT_0_5_10 = [
    ("CL203", "docs/compat-policy.md", 30),
    ("CL106", SHIM, 22),
    ("CL107", SHIM, 50),
    ("CL102", SHIM, 64),
    ("CL102", SHIM, 88),
    ("CL102", SHIM, 104),
    ("CL102", SHIM, 108),
    ("CL101", SHIM, 129),
    ("CL103", SHIM, 135),
    ("CL102", SHIM, 147),
    ("CL104", SHIM, 155),
    ("CL102", SHIM, 173),
    ("CL102", SHIM, 191),
    ("CL101", SHIM, 208),
    ("CL102", SHIM, 251),
    ("CL202", "src/servo/handlers/chat.py", 9),
    ("CL105", "src/servo/handlers/embed.py", 31),
    ("CL201", "src/servo/handlers/multimodal.py", 11),
]
NEWLY_EXPIRED_AT_0_5_11 = [
    ("CL203", "docs/compat-policy.md", 23),
    ("CL102", SHIM, 70),
    ("CL102", SHIM, 94),
    ("CL102", SHIM, 99),
    ("CL102", SHIM, 114),
    ("CL102", SHIM, 154),
    ("CL102", SHIM, 203),
    ("CL112", "src/servo/handlers/embed.py", 31),
]


@pytest.fixture(autouse=True)
def in_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(EXAMPLE, tmp_path / "example")
    monkeypatch.chdir(tmp_path / "example")


def findings(*args: str) -> list[tuple[str, str, int]]:
    result = CliRunner().invoke(main, ["check", "--format", "json", *args])
    assert result.exit_code == 1, result.output
    payload = json.loads(result.output)
    return [(d["code"], d["path"], d["line"]) for d in payload["diagnostics"]]


def test_designed_findings_at_the_configured_floor() -> None:
    assert findings() == AT_0_5_10


def test_raising_the_floor_expires_the_next_window() -> None:
    expected = sorted(AT_0_5_10 + NEWLY_EXPIRED_AT_0_5_11, key=lambda f: (f[1], f[2], f[0]))
    assert findings("--floor", "0.5.11") == expected


def test_the_suppressed_fallback_is_not_reported() -> None:
    text = (Path.cwd() / SHIM).read_text().splitlines()
    assert "compatlint: ignore[CL101]" in text[161]
    assert all(line != 162 for _, _, line in findings())


def test_xpu_track_follows_its_own_floor() -> None:
    lines = [line for code, _, line in findings("--floor", "xpu=0.5.19") if code == "CL102"]
    assert 140 in lines and 147 in lines
    assert 147 not in [
        line for code, _, line in findings("--floor", "xpu=0.5.10") if code == "CL102"
    ]
