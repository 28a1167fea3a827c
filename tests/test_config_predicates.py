"""[tool.compatlint.predicates] and the python floor from requires-python."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.version import Version

from compatlint.config_file import load_config
from compatlint.errors import ConfigError
from compatlint.predicates import Predicate, lower_bound

HEAD = """\
[project]
name = "demo"
requires-python = ">=3.10,<4"

[tool.compatlint]
upstream = "vllm"
shim = []
"""

ISSUE_EXAMPLE = """
[tool.compatlint.predicates]
"vllm_ascend.utils.vllm_version_is" = { upstream = "vllm", op = "==" }
"accelerate.utils.is_torch_version" = { upstream = "torch", op-arg = 0, version-arg = 1 }
"astropy.utils.minversion" = { upstream-arg = 0, op = ">=", version-arg = 1 }
"xarray.namedarray.utils.module_available" = { upstream-arg = 0, op = ">=", \
version-arg = "minversion", optional = true }
"pkg.compat.is_available" = { upstream-arg = 0, op = ">=", version-arg = [1, "minversion"] }
"""


def _load(tmp_path: Path, text: str):
    (tmp_path / "pyproject.toml").write_text(text)
    return load_config(tmp_path / "pyproject.toml")


def test_the_issue_example_reads(tmp_path: Path) -> None:
    config = _load(tmp_path, HEAD + ISSUE_EXAMPLE)
    assert config.predicates == {
        "vllm_ascend.utils.vllm_version_is": Predicate(
            "vllm_ascend.utils.vllm_version_is", upstream="vllm", op="==", version_arg=0
        ),
        "accelerate.utils.is_torch_version": Predicate(
            "accelerate.utils.is_torch_version", upstream="torch", op_arg=0, version_arg=1
        ),
        "astropy.utils.minversion": Predicate(
            "astropy.utils.minversion", upstream_arg=0, op=">=", version_arg=1
        ),
        "xarray.namedarray.utils.module_available": Predicate(
            "xarray.namedarray.utils.module_available",
            upstream_arg=0,
            op=">=",
            version_arg="minversion",
            optional=True,
        ),
        "pkg.compat.is_available": Predicate(
            "pkg.compat.is_available", upstream_arg=0, op=">=", version_arg=(1, "minversion")
        ),
    }


def test_version_arg_defaults_to_the_first_free_position(tmp_path: Path) -> None:
    text = HEAD + '[tool.compatlint.predicates]\n"a.b.f" = { upstream-arg = 0, op-arg = 1 }\n'
    assert _load(tmp_path, text).predicates["a.b.f"].version_arg == 2


def test_python_floor_from_requires_python(tmp_path: Path) -> None:
    assert _load(tmp_path, HEAD).python_floor == Version("3.10")
    without = HEAD.replace('requires-python = ">=3.10,<4"\n', "")
    assert _load(tmp_path, without).python_floor is None
    assert _load(tmp_path, without).predicates == {}


def test_a_config_without_predicates_keeps_its_digest(tmp_path: Path) -> None:
    plain = _load(tmp_path, HEAD)
    with_predicates = _load(tmp_path, HEAD + ISSUE_EXAMPLE)
    assert plain.digest() != with_predicates.digest()
    assert plain.with_floors(plain.floors).python_floor == Version("3.10")
    assert with_predicates.with_floors(plain.floors).predicates == with_predicates.predicates


@pytest.mark.parametrize(
    ("specifier", "floor"),
    [
        (">=3.10", "3.10"),
        (">=3.8, >=3.9", "3.9"),
        (">3.9", "3.9"),
        ("~=3.11", "3.11"),
        ("==3.12.*", "3.12"),
        ("<4", None),
        ("", None),
        ("not a specifier", None),
    ],
)
def test_lower_bound(specifier: str, floor: str | None) -> None:
    assert lower_bound(specifier) == (None if floor is None else Version(floor))


BAD = [
    ('"f" = { upstream = "x", op = "==" }', "qualified name"),
    ('"a.f" = "vllm"', "must be a table"),
    ('"a.f" = { upstream = "x", op = "==", opp = 1 }', "unknown key 'opp'"),
    ('"a.f" = { op = "==" }', "exactly one of 'upstream' and 'upstream-arg'"),
    ('"a.f" = { upstream = "x", upstream-arg = 0, op = "==" }', "exactly one of 'upstream'"),
    ('"a.f" = { upstream = "x" }', "exactly one of 'op' and 'op-arg'"),
    ('"a.f" = { upstream = "x", op = "=>" }', "'op' must be one of"),
    ('"a.f" = { upstream = "not a name", op = "==" }', "'upstream' must be a package name"),
    ('"a.f" = { upstream = "x", op = "==", optional = "yes" }', "'optional' must be true"),
    ('"a.f" = { upstream-arg = -1, op = "==" }', "'upstream-arg' must be a position"),
    ('"a.f" = { upstream = "x", op = "==", version-arg = "two words" }', "'version-arg'"),
    ('"a.f" = { upstream = "x", op = "==", version-arg = [1] }', "or both as"),
    ('"a.f" = { upstream-arg = 1, op = "==", version-arg = 1 }', "the same argument"),
    ('"a.f" = { upstream = "x", op-arg = 1, version-arg = [1, "v"] }', "the same argument"),
]


@pytest.mark.parametrize(("entry", "message"), BAD)
def test_a_bad_entry_is_one_line_naming_its_line(tmp_path: Path, entry: str, message: str) -> None:
    text = HEAD + "\n[tool.compatlint.predicates]\n" + entry + "\n"
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, text)
    assert message in str(caught.value)
    assert caught.value.line == text.splitlines().index(entry) + 1
    assert "\n" not in str(caught.value)


def test_predicates_must_be_a_table(tmp_path: Path) -> None:
    text = HEAD + 'predicates = ["a.f"]\n'
    with pytest.raises(ConfigError, match="'predicates' must be a table") as caught:
        _load(tmp_path, text)
    assert caught.value.line == text.splitlines().index('predicates = ["a.f"]') + 1
