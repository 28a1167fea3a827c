"""The pin — the newest supported release — from the config, ``--pin`` and exact pins in
the project's dependencies; and CL111's range check against it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from packaging.version import Version

from compatlint.analysis.project import analyze_project
from compatlint.checker import run_rules
from compatlint.cli import main
from compatlint.config import parse_config
from compatlint.floor_sources import exact_pins, pin_of, pin_sources
from compatlint.rules.cl111_stale_version_note import StaleVersionNote
from compatlint.versions import Floors

RANGE_SHIM = (
    "def patch_lock(tm):\n"
    '    """SGLang 0.5.13 through 0.5.15 assume the tokenizer manager has a lock."""\n'
    "    tm.lock = None\n"
)


def test_exact_pins_read_equals_only_and_the_highest_across_lines() -> None:
    pins = exact_pins(
        [
            "sglang[all]==0.5.16",
            "sglang==0.5.15; platform_machine == 'aarch64'",
            "numpy==1.26.*",
            "torch>=2.4,<=2.5",
            "not a requirement ==",
            "Foo_Bar===1.2",
        ]
    )
    assert {name: str(version) for name, (version, _) in pins.items()} == {
        "sglang": "0.5.16",
        "foo-bar": "1.2",
    }
    assert pins["sglang"][1] == "sglang[all]==0.5.16"


def test_the_command_line_wins_over_the_config_which_wins_over_the_dependencies() -> None:
    configured = Floors(primary="sglang", upstreams={"sglang": Version("0.5.15")})
    given = Floors(primary="sglang", upstreams={"sglang": Version("0.5.17")})
    merged = configured.merged(given)
    sources = pin_sources(pins=merged, command_line=given, dependencies=["sglang==0.5.16"])
    pin = pin_of(sources, "sglang")
    assert pin is not None and (pin.version, pin.source) == (Version("0.5.17"), "command line")
    sources = pin_sources(pins=configured, command_line=Floors(), dependencies=["sglang==0.5.16"])
    pin = pin_of(sources, "SGLang")
    assert pin is not None and (pin.version, pin.source) == (Version("0.5.15"), "config")
    sources = pin_sources(pins=Floors(), command_line=Floors(), dependencies=["sglang==0.5.16"])
    pin = pin_of(sources, "sglang")
    assert pin is not None and pin.source == "dependencies: sglang==0.5.16"
    assert pin_of(sources, "sglang", "xpu") is None


def _findings(dependencies=(), optional=(), **table) -> list[str]:
    config = parse_config(
        {"upstream": "sglang", "shim": ["pkg/_compat.py"], "floor": "0.5.13", **table},
        root=Path("/project"),
        config_path=Path("/project/pyproject.toml"),
        dependencies=dependencies,
        optional_dependencies=optional,
    )
    project = analyze_project(config, {"pkg/_compat.py": RANGE_SHIM})
    return [d.message for d in run_rules(project, (StaleVersionNote,))]


def test_the_range_check_takes_its_pin_from_an_extra_exact_pin() -> None:
    # The project is tested against 0.5.16; the note was written when 0.5.15 was newest.
    (message,) = _findings(optional=["sglang[diffusion]==0.5.16"])
    assert "the pin is 0.5.16 (dependencies: sglang[diffusion]==0.5.16)" in message
    assert "check the workaround against 0.5.16 and update the range" in message


def test_no_pin_means_no_range_check() -> None:
    assert _findings(dependencies=["sglang>=0.5.13"]) == []


def test_a_range_ending_at_the_pin_is_current() -> None:
    assert _findings(dependencies=["sglang==0.5.15"]) == []


def test_a_configured_pin_for_a_track_judges_a_note_naming_the_track() -> None:
    shim = RANGE_SHIM.replace("SGLang 0.5.13", "XPU SGLang 0.5.13")
    config = parse_config(
        {
            "upstream": "sglang",
            "shim": ["pkg/_compat.py"],
            "floor": "0.5.13",
            "tracks": {"xpu": "0.5.13"},
            "pin": {"sglang": "0.5.15", "xpu": "0.5.19"},
        },
        root=Path("/project"),
        config_path=Path("/project/pyproject.toml"),
    )
    project = analyze_project(config, {"pkg/_compat.py": shim})
    (finding,) = run_rules(project, (StaleVersionNote,))
    assert "the pin is 0.5.19 (config)" in finding.message


PYPROJECT = """\
[project]
name = "p"
dependencies = ["sglang[all]==0.5.15"]

[tool.compatlint]
upstream = "sglang"
shim = ["pkg/_compat.py"]
floor = "0.5.13"
"""


def test_check_pin_overrides_the_dependencies_pin(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "_compat.py").write_text(RANGE_SHIM)
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    quiet = runner.invoke(main, ["check", "--no-cache", "--select", "CL111"])
    assert quiet.exit_code == 0, quiet.output
    bumped = runner.invoke(main, ["check", "--no-cache", "--select", "CL111", "--pin", "0.5.16"])
    assert bumped.exit_code == 1, bumped.output
    assert "CL111" in bumped.output and "the pin is 0.5.16 (command line)" in bumped.output
