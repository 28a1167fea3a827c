"""[tool.compatlint]: discovery, validation and one-line errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.version import Version

from compatlint.config_file import find_config, load_config
from compatlint.errors import ConfigError

GOOD = """\
[project]
name = "demo"

[tool.compatlint]
upstream = "sglang"
shim = ["pkg/_compat.py"]
src = ["."]
floor = "0.5.10"
heavy-imports = ["sgl_kernel"]
policy-docs = ["POLICY.md"]
exclude = ["build/*"]

[tool.compatlint.tracks]
xpu = "0.5.11"

[tool.compatlint.mocks]
file = "tests/stubs.py"
name = "STUBS"
collect = ["pkg"]
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "_compat.py").write_text("")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "stubs.py").write_text("STUBS = []\n")
    (tmp_path / "POLICY.md").write_text("policy\n")
    (tmp_path / "pyproject.toml").write_text(GOOD)
    return tmp_path


def test_loads_every_key(project: Path) -> None:
    config = load_config(project / "pyproject.toml")
    assert config.upstreams == ("sglang",)
    assert config.shims == ("pkg/_compat.py",)
    assert config.floors.upstreams == {"sglang": Version("0.5.10")}
    assert config.floors.tracks == {"xpu": Version("0.5.11")}
    assert config.heavy_imports == ("sgl_kernel",)
    assert config.policy_docs == ("POLICY.md",)
    assert config.mocks is not None and config.mocks.name == "STUBS"
    assert config.mocks.collect == ("pkg",)
    assert config.exclude == ("build/*",)


def test_find_config_walks_up_and_skips_other_pyprojects(project: Path) -> None:
    nested = project / "pkg" / "sub"
    nested.mkdir()
    (nested / "pyproject.toml").write_text("[project]\nname = 'other'\n")
    assert find_config(nested) == (project / "pyproject.toml").resolve()


def test_find_config_none(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no pyproject.toml with \[tool.compatlint\]"):
        find_config(tmp_path)


def test_floor_table_for_several_upstreams(project: Path) -> None:
    text = GOOD.replace('upstream = "sglang"', 'upstream = ["scipy", "numpy"]').replace(
        'floor = "0.5.10"', 'floor = {scipy = "1.10", numpy = "1.24"}'
    )
    (project / "pyproject.toml").write_text(text)
    config = load_config(project / "pyproject.toml")
    assert config.primary == "scipy"
    assert config.floors.upstreams == {"scipy": Version("1.10"), "numpy": Version("1.24")}


@pytest.mark.parametrize(
    ("old", "new", "message", "line"),
    [
        ('shim = ["pkg/_compat.py"]', 'shims = ["pkg/_compat.py"]', "unknown key 'shims'", 6),
        ('floor = "0.5.10"', 'floor = "latest"', "'latest' is not a version", 8),
        ('floor = "0.5.10"', "floor = 5", "version must be a string", 8),
        ('xpu = "0.5.11"', 'xpu = "soon"', "'soon' is not a version", 14),
        ('shim = ["pkg/_compat.py"]', 'shim = ["pkg/missing.py"]', "does not exist", 6),
        ('policy-docs = ["POLICY.md"]', 'policy-docs = ["NOPE.md"]', "does not exist", 10),
        ('name = "STUBS"', 'nam = "STUBS"', "unknown key 'mocks.nam'", 18),
        ('upstream = "sglang"', "upstream = 3", "'upstream' must be a package name", 5),
        ('upstream = "sglang"', 'upstream = "not a name"', "must be a package name", 5),
        ('shim = ["pkg/_compat.py"]', 'shim = "pkg/_compat.py"\nx = 1', "unknown key 'x'", 7),
    ],
)
def test_config_errors_name_file_line_and_key(
    project: Path, old: str, new: str, message: str, line: int
) -> None:
    (project / "pyproject.toml").write_text(GOOD.replace(old, new))
    with pytest.raises(ConfigError) as info:
        load_config(project / "pyproject.toml")
    text = str(info.value)
    assert message in text
    assert text.startswith(f"{project / 'pyproject.toml'}:{line}: ")
    assert "\n" not in text


def test_missing_shim_key(project: Path) -> None:
    (project / "pyproject.toml").write_text(GOOD.replace('shim = ["pkg/_compat.py"]\n', ""))
    with pytest.raises(ConfigError, match="missing key 'shim'"):
        load_config(project / "pyproject.toml")


def test_invalid_toml(project: Path) -> None:
    (project / "pyproject.toml").write_text(GOOD + "\n[tool.compatlint\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(project / "pyproject.toml")


def test_did_you_mean(project: Path) -> None:
    (project / "pyproject.toml").write_text(GOOD.replace("heavy-imports", "heavy_imports"))
    with pytest.raises(ConfigError, match="did you mean 'heavy-imports'"):
        load_config(project / "pyproject.toml")


def test_digest_ignores_floor_values_but_not_the_analysis_keys(project: Path) -> None:
    config = load_config(project / "pyproject.toml")
    other = GOOD.replace('floor = "0.5.10"', 'floor = "0.5.11"')
    (project / "pyproject.toml").write_text(other)
    assert load_config(project / "pyproject.toml").digest() == config.digest()
    (project / "pyproject.toml").write_text(GOOD.replace('xpu = "0.5.11"', 'gaudi = "0.5.11"'))
    assert load_config(project / "pyproject.toml").digest() != config.digest()
    (project / "pyproject.toml").write_text(GOOD.replace('"sgl_kernel"', '"sgl_kernel", "x"'))
    assert load_config(project / "pyproject.toml").digest() != config.digest()
