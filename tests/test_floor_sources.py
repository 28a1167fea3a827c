"""Floors from the project's metadata: the bounds of ``[project] dependencies`` and
``requires-python``, where each floor came from, and the names a floor may be set for."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.requirements import Requirement
from packaging.version import Version

from compatlint import config_file as config_module
from compatlint.analysis.version_gates import GateEnv, evaluate_gate
from compatlint.analysis.version_subjects import module_context
from compatlint.config_file import load_config
from compatlint.errors import ConfigError
from compatlint.floor_sources import (
    ACROSS_MARKERS,
    COMMAND_LINE,
    CONFIG,
    dependency_bounds,
    dependency_names,
    floor_sources,
)
from compatlint.report.floors import floor_block
from compatlint.versions import FloorNames, Floors, VersionError, parse_floor_options

V = Version

BOUNDS = [
    pytest.param(["numpy>=1.24"], "1.24", None, id="lower-bound"),
    pytest.param(["numpy>=1.24,<2"], "1.24", ("2", False), id="exclusive-top"),
    pytest.param(["numpy >= 1.24, <= 1.26"], "1.24", ("1.26", True), id="inclusive-top"),
    pytest.param(["numpy==1.26.4"], "1.26.4", ("1.26.4", True), id="pin"),
    pytest.param(["numpy==1.24.*"], "1.24", ("1.25", False), id="wildcard-pin"),
    pytest.param(["numpy~=1.24.1"], "1.24.1", ("1.25", False), id="compatible-patch"),
    pytest.param(["numpy~=1.24"], "1.24", ("2", False), id="compatible-minor"),
    pytest.param(["numpy>1.23,!=1.24.0"], "1.23", None, id="strict-and-not-equal"),
    pytest.param(["numpy>=1.22,>=1.24,<3,<2"], "1.24", ("2", False), id="tightest-of-a-line"),
    pytest.param(["numpy[extra1,extra2]>=1.24"], "1.24", None, id="extras"),
    pytest.param(["numpy"], None, None, id="no-specifier"),
    pytest.param(["numpy<2"], None, ("2", False), id="only-a-top"),
    pytest.param(["numpy @ https://example.org/numpy.whl"], None, None, id="url"),
    pytest.param(["numpy>=2.0.0rc1"], None, None, id="pre-release-bound"),
    pytest.param(["numpy>=>1.24"], None, None, id="does-not-parse"),
    pytest.param(
        ["numpy>=1.21,<1.27; python_version<'3.10'", "numpy>=1.24,<2; python_version>='3.10'"],
        "1.21",
        ("2", False),
        id="markers-lowest-floor-highest-top",
    ),
    pytest.param(
        ["numpy>=1.21,<1.27; python_version<'3.10'", "numpy>=1.24; python_version>='3.10'"],
        "1.21",
        None,
        id="markers-one-without-top",
    ),
    pytest.param(
        ["numpy; python_version<'3.10'", "numpy>=1.24; python_version>='3.10'"],
        None,
        None,
        id="markers-one-without-floor",
    ),
    pytest.param(
        ["numpy==1.26; sys_platform=='win32'", "numpy<=1.26,>=1.25; sys_platform!='win32'"],
        "1.25",
        ("1.26", True),
        id="markers-inclusive-tops",
    ),
]


@pytest.mark.parametrize(("lines", "floor", "top"), BOUNDS)
def test_the_bounds_of_a_dependency(
    lines: list[str], floor: str | None, top: tuple[str, bool] | None
) -> None:
    (bound,) = dependency_bounds(lines).values()
    assert bound.name == "numpy"
    assert bound.floor == (V(floor) if floor else None)
    assert bound.top == ((V(top[0]), top[1]) if top else None)
    assert bound.lines == tuple(line.strip() for line in lines)
    assert bound.has_markers == any(";" in line for line in lines)


def test_names_are_compared_as_pep_503_writes_them() -> None:
    bounds = dependency_bounds(["Foo_Bar>=1.0", "foo.bar>=2; python_version<'3.12'", "Baz>=3"])
    assert set(bounds) == {"foo-bar", "baz"}
    assert bounds["foo-bar"].floor == V("1.0")
    assert bounds["foo-bar"].has_markers


def test_a_line_that_does_not_parse_leaves_its_package_without_a_floor() -> None:
    bounds = dependency_bounds(["numpy>=1.24; python_version>='3.10'", "numpy>=>1.0", "= junk"])
    assert set(bounds) == {"numpy"}
    assert bounds["numpy"].floor is None
    assert bounds["numpy"].why_no_floor == "does not parse"


# -- where each floor comes from -----------------------------------------------------


DEPENDENCIES = (
    "numpy>=1.21,<2; python_version<'3.12'",
    "numpy>=1.26,<2.3; python_version>='3.12'",
    "Foo_Bar==2.1",
    "scipy>=1.11",
    "rich",
)


def test_command_line_then_config_then_metadata() -> None:
    sources = floor_sources(
        configured=Floors(
            primary="sglang",
            upstreams={"sglang": V("0.5.10"), "scipy": V("1.12")},
            tracks={"xpu": V("0.5.11")},
        ),
        command_line=Floors(primary="sglang", upstreams={"numpy": V("1.25")}),
        requires_python=">=3.10,<4",
        dependencies=DEPENDENCIES,
    )
    by_name = {entry.name: entry for entry in sources.entries}
    assert list(by_name) == ["sglang", "scipy", "numpy", "python", "foo-bar", "xpu"]
    assert (by_name["sglang"].source, by_name["scipy"].source) == (CONFIG, CONFIG)
    assert by_name["numpy"].source == COMMAND_LINE
    assert by_name["numpy"].top == (V("2.3"), False)  # the top holds whoever set the floor
    assert by_name["python"].source == "requires-python: >=3.10,<4"
    assert (by_name["python"].version, by_name["python"].top) == (V("3.10"), (V("4"), False))
    assert by_name["foo-bar"].source == "dependencies: Foo_Bar==2.1"
    assert by_name["foo-bar"].window_text() == ">=2.1,<=2.1"
    assert by_name["xpu"].is_track and by_name["xpu"].source == CONFIG
    assert "rich" not in by_name  # no lower bound: no window
    assert sources.floors().upstreams["python"] == V("3.10")
    assert sources.floors().tracks == {"xpu": V("0.5.11")}
    assert sources.tops() == {
        "numpy": (V("2.3"), False),
        "python": (V("4"), False),
        "foo-bar": (V("2.1"), True),
    }


def test_a_floor_from_markers_says_so() -> None:
    sources = floor_sources(configured=Floors(primary="x"), dependencies=DEPENDENCIES)
    (numpy,) = [entry for entry in sources.entries if entry.name == "numpy"]
    assert (numpy.version, numpy.top, numpy.note) == (V("1.21"), (V("2.3"), False), ACROSS_MARKERS)
    assert numpy.source == "dependencies: " + " | ".join(DEPENDENCIES[:2])
    single = floor_sources(configured=Floors(), dependencies=["numpy>=1.2; os_name=='nt'"])
    assert single.entries[0].note == "a requirement with a marker"
    assert single.to_json()["numpy"]["note"] == "a requirement with a marker"


def test_a_floor_given_above_the_top_drops_the_top() -> None:
    sources = floor_sources(
        configured=Floors(),
        command_line=Floors(upstreams={"numpy": V("2.0"), "python": V("3.13")}),
        requires_python=">=3.10,<3.13",
        dependencies=["numpy>=1.24,<2"],
    )
    numpy, python = sources.entries
    assert numpy.top is None and "above the metadata's <2: no top" in numpy.note
    assert python.top is None and python.window_text() == ">=3.13"
    assert sources.tops() == {}


def test_an_explicit_python_floor_wins_over_requires_python() -> None:
    sources = floor_sources(
        configured=Floors(upstreams={"python": V("3.11")}), requires_python=">=3.9"
    )
    assert [(e.name, e.version, e.source) for e in sources.entries] == [
        ("python", V("3.11"), CONFIG)
    ]


def test_the_report_block_and_json() -> None:
    sources = floor_sources(
        configured=Floors(upstreams={"sglang": V("0.5.10")}, tracks={"xpu": V("0.5.11")}),
        requires_python=">=3.10",
        dependencies=["numpy>=1.24,<2"],
    )
    assert floor_block(sources) == [
        "Floors",
        "  sglang     >=0.5.10   config",
        "  python     >=3.10     requires-python: >=3.10",
        "  numpy      >=1.24,<2  dependencies: numpy>=1.24,<2",
        "  xpu track  >=0.5.11   config",
    ]
    assert sources.to_json()["numpy"] == {
        "version": "1.24",
        "source": "dependencies: numpy>=1.24,<2",
        "top": "<2",
        "note": None,
    }
    assert "track:xpu" in sources.to_json()
    assert floor_block(floor_sources(configured=Floors())) == ["Floors: none"]


def test_the_windows_decide_gates_up_to_the_top() -> None:
    sources = floor_sources(configured=Floors(), dependencies=["numpy>=1.24,<2"])
    context = module_context(
        ast.parse("import numpy as np\nfrom packaging.version import Version\n"), "pkg.m"
    )
    env = GateEnv(sources.windows())
    gate = ast.parse("Version(np.__version__) < Version('2')", mode="eval").body
    assert evaluate_gate(gate, context, env).value is True
    old = ast.parse("Version(np.__version__) < Version('1.22')", mode="eval").body
    assert evaluate_gate(old, context, env).value is False


# -- the bounds never leave out a version the requirement admits ----------------------

_RELEASES = st.lists(st.integers(0, 4), min_size=1, max_size=3).map(
    lambda parts: ".".join(map(str, parts))
)
_OPERATORS = st.sampled_from([">=", ">", "<", "<=", "==", "!=", "~=", "==*"])


@st.composite
def _specifier(draw) -> str:
    operator, release = draw(_OPERATORS), draw(_RELEASES)
    if operator == "==*":
        return f"=={release}.*"
    if operator == "~=" and "." not in release:
        release += ".0"
    return operator + release


_LINE = st.lists(_specifier(), min_size=0, max_size=3).map(lambda specs: "pkg" + ",".join(specs))


@settings(deadline=None, max_examples=300)
@given(
    lines=st.lists(_LINE, min_size=1, max_size=3),
    candidate=st.lists(st.integers(0, 5), min_size=1, max_size=4),
)
def test_every_admitted_release_is_in_the_window(lines: list[str], candidate: list[int]) -> None:
    version = V(".".join(map(str, candidate)))
    marked = [f"{line}; python_version>='3.{i}'" for i, line in enumerate(lines)]
    bound = dependency_bounds(marked)["pkg"]
    if not any(Requirement(line).specifier.contains(version) for line in lines):
        return
    if bound.floor is not None:
        assert bound.floor <= version
    if bound.top is not None:
        top, inclusive = bound.top
        assert version < top or (inclusive and version == top)


# -- the names a floor may be set for -------------------------------------------------


NAMES = FloorNames.of(["sglang", "PIL"], tracks=["xpu"], dependencies=["Foo_Bar", "numpy"])


@pytest.mark.parametrize(
    ("key", "upstream"),
    [
        ("sglang", "sglang"),
        ("pil", "PIL"),
        ("python", "python"),
        ("Python", "python"),
        ("numpy", "numpy"),
        ("foo-bar", "foo-bar"),
        ("FOO.BAR", "foo-bar"),
        ("foo_bar", "foo-bar"),
        ("xpu", None),
        ("scipy", None),
    ],
)
def test_the_upstream_a_floor_name_names(key: str, upstream: str | None) -> None:
    assert NAMES.upstream(key) == upstream
    assert NAMES.is_track(key) == (key == "xpu")


def test_floor_options_for_python_and_dependencies() -> None:
    floors = parse_floor_options(
        ["python=3.10", "NumPy=1.24", "foo_bar=2", "0.5.11"],
        ["sglang"],
        "sglang",
        dependencies=["numpy", "Foo-Bar"],
    )
    assert floors.upstreams == {
        "python": V("3.10"),
        "numpy": V("1.24"),
        "foo-bar": V("2"),
        "sglang": V("0.5.11"),
    }
    with pytest.raises(VersionError, match="two floors for foo-bar"):
        parse_floor_options(
            ["foo-bar=2", "Foo_Bar=3"], ["sglang"], "sglang", dependencies=["foo-bar"]
        )
    with pytest.raises(VersionError, match="did you mean 'numpy'"):
        parse_floor_options(["numpi=2"], ["sglang"], "sglang", dependencies=["numpy"])


# -- the config: floors for python and dependencies, metadata read with the table -----

PROJECT = """\
[project]
name = "demo"
requires-python = ">=3.10"
dependencies = ["numpy>=1.24,<2", "Foo_Bar>=2; python_version>='3.11'", 3]

[project.optional-dependencies]
test = ["pytest>=8"]

[tool.compatlint]
upstream = "sglang"
shim = []
"""


def _load(tmp_path: Path, text: str):
    (tmp_path / "pyproject.toml").write_text(text)
    return load_config(tmp_path / "pyproject.toml")


def test_config_floors_for_python_and_dependencies(tmp_path: Path) -> None:
    config = _load(
        tmp_path, PROJECT + 'floor = { sglang = "0.5.10", python = "3.11", foo-bar = "2.2" }\n'
    )
    assert config.upstreams == ("sglang",)  # python is no shim upstream
    assert config.floors.upstreams == {
        "sglang": V("0.5.10"),
        "python": V("3.11"),
        "foo-bar": V("2.2"),
    }
    assert config.dependencies == ("numpy>=1.24,<2", "Foo_Bar>=2; python_version>='3.11'")
    sources = {e.name: e.source for e in config.floor_sources.entries}
    assert sources == {
        "sglang": CONFIG,
        "python": CONFIG,
        "foo-bar": CONFIG,
        "numpy": "dependencies: numpy>=1.24,<2",
    }
    overridden = config.with_floors(Floors(upstreams={"numpy": V("1.26")}))
    assert {e.name: e.source for e in overridden.floor_sources.entries}["numpy"] == COMMAND_LINE
    assert {e.name: e.source for e in overridden.floor_sources.entries}["python"] == CONFIG


@pytest.mark.parametrize(
    ("floor", "says"),
    [
        ('{ pytest = "8" }', "'pytest' is not a configured upstream"),  # an extra's only
        ('{ numpi = "1.24" }', "did you mean 'numpy'?"),
        ('{ pyhton = "3.10" }', "did you mean 'python'?"),
        ('{ numpy = "1.24", NumPy = "1.25" }', "names 'numpy' twice"),
    ],
)
def test_a_config_floor_for_an_unknown_name_is_refused(
    tmp_path: Path, floor: str, says: str
) -> None:
    with pytest.raises(ConfigError, match=re.escape(says)) as raised:
        _load(tmp_path, PROJECT + f"floor = {floor}\n")
    assert raised.value.line == PROJECT.count("\n") + 1


def test_a_predicates_upstream_takes_a_floor(tmp_path: Path) -> None:
    text = (
        PROJECT
        + 'floor = { vllm = "0.23" }\n'
        + '[tool.compatlint.predicates]\n"a.b.is_v" = { upstream = "vllm", op = "==" }\n'
    )
    assert _load(tmp_path, text).floors.upstreams == {"vllm": V("0.23")}


def test_the_pyproject_is_parsed_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = config_module.tomllib.loads

    def counting(text: str):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(config_module.tomllib, "loads", counting)
    config = _load(tmp_path, PROJECT)
    assert len(calls) == 1
    assert config.python_floor == V("3.10")


def test_the_cheap_names_are_the_names_the_bounds_read() -> None:
    lines = [*DEPENDENCIES, "numpy>=>1", "  Zope.Interface [x] >= 5 ; os_name == 'nt'", "= junk"]
    assert dependency_names(lines) == list(dependency_bounds(lines))
