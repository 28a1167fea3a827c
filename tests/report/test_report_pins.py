"""The pin (the window's top, issue 14) beside its floor in ``compatlint report``: the
text "Floors" block and the JSON ``pins`` list say which release it is and where it came
from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from packaging.version import Version

from compatlint.cli import main
from compatlint.floor_sources import FloorSource, FloorSources, PinSource
from compatlint.report.floors import floor_block
from compatlint.report.sites import render_sites
from compatlint.versions import Floors

SOURCES = FloorSources(
    (
        FloorSource("sglang", Version("0.5.10"), "config"),
        FloorSource("python", Version("3.10"), "requires-python: >=3.10"),
        FloorSource("xpu", Version("0.5.11"), "config", is_track=True),
    )
)
PINS = (
    PinSource("sglang", Version("0.5.16"), "dependencies: sglang[all]==0.5.16"),
    PinSource("xpu", Version("0.5.19"), "command line", is_track=True),
    PinSource("torch", Version("2.4.1"), "dependencies: torch==2.4.1"),
)


def test_each_pin_stands_under_its_floor_and_a_pin_without_one_after() -> None:
    text = render_sites([], "text", floors=Floors(), sources=SOURCES, pins=PINS)
    block = text.split("\n\n")[0].splitlines()
    assert block == [
        "Floors",
        "  sglang     >=0.5.10  config",
        "    pin 0.5.16 (dependencies: sglang[all]==0.5.16)",
        "  python     >=3.10    requires-python: >=3.10",
        "  xpu track  >=0.5.11  config",
        "    pin 0.5.19 (command line)",
        "  torch      no floor",
        "    pin 2.4.1 (dependencies: torch==2.4.1)",
    ]


def test_without_pins_the_block_is_as_before() -> None:
    text = render_sites([], "text", floors=Floors(), sources=SOURCES)
    assert text.split("\n\n")[0].splitlines() == ["Floors", *floor_block(SOURCES)[1:]]


def test_json_lists_the_pins() -> None:
    payload = json.loads(render_sites([], "json", floors=Floors(), sources=SOURCES, pins=PINS))
    assert payload["pins"] == [
        {"name": "sglang", "track": False, "version": "0.5.16",
         "source": "dependencies: sglang[all]==0.5.16"},
        {"name": "xpu", "track": True, "version": "0.5.19", "source": "command line"},
        {"name": "torch", "track": False, "version": "2.4.1",
         "source": "dependencies: torch==2.4.1"},
    ]  # fmt: skip
    assert list(payload) == ["version", "floors", "floor_sources", "pins", "sites"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "0"\nrequires-python = ">=3.10"\n'
        'dependencies = ["sglang[all]==0.5.16"]\n\n'
        '[tool.compatlint]\nupstream = "sglang"\nshim = ["pkg/_compat.py"]\nsrc = ["."]\n'
        'floor = "0.5.10"\n'
    )
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "_compat.py").write_text("X = 1\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_report_command_shows_the_pin_from_the_metadata_and_the_command_line(
    project: Path,
) -> None:
    text = CliRunner().invoke(main, ["report"], catch_exceptions=False).output
    assert "    pin 0.5.16 (dependencies: sglang[all]==0.5.16)" in text.splitlines()
    given = CliRunner().invoke(main, ["report", "--pin", "0.5.17", "--format", "json"])
    assert json.loads(given.output)["pins"] == [
        {"name": "sglang", "track": False, "version": "0.5.17", "source": "command line"}
    ]
