"""Which scripts run, and in what order: the glob, ``order``, ``--only`` and ``--skip``."""

from __future__ import annotations

from pathlib import Path

import pytest

from compatlint.errors import CompatlintError, ConfigError
from compatlint.runner.config import WalkConfig
from compatlint.runner.walk import (
    check_unique_names,
    discover_scripts,
    order_scripts,
    script_env,
    select_scripts,
)


def paths(*names: str) -> list[Path]:
    return [Path("launch") / name for name in names]


def names(found: list[Path]) -> list[str]:
    return [path.name for path in found]


def test_order_first_then_alphabetical() -> None:
    found = order_scripts(paths("c.sh", "agg.sh", "b.sh", "disagg.sh"), ["disagg", "agg.sh"])
    assert names(found) == ["disagg.sh", "agg.sh", "b.sh", "c.sh"]


def test_no_order_is_alphabetical() -> None:
    assert names(order_scripts(paths("b.sh", "a.sh", "a_embed.sh"), [])) == [
        "a.sh",
        "a_embed.sh",
        "b.sh",
    ]


def test_order_name_that_matches_nothing_is_an_error() -> None:
    with pytest.raises(ConfigError, match=r"'order' names 'agg_embd', which matches no script"):
        order_scripts(paths("agg.sh", "agg_embed.sh"), ["agg_embd"])


def test_order_may_repeat_a_name() -> None:
    assert names(order_scripts(paths("a.sh", "b.sh"), ["b", "b.sh"])) == ["b.sh", "a.sh"]


def test_discover_uses_the_glob_and_skips_directories(tmp_path: Path) -> None:
    launch = tmp_path / "launch"
    (launch / "sub.sh").mkdir(parents=True)
    for name in ("b.sh", "a.sh", "stub_server.py"):
        (launch / name).write_text("")
    config = WalkConfig(order=("b",))
    assert names(discover_scripts(config, tmp_path)) == ["b.sh", "a.sh"]


def test_discover_with_no_match_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"'scripts' = 'launch/\*.sh' matches no file"):
        discover_scripts(WalkConfig(), tmp_path, source="pyproject.toml")


def test_only_and_skip() -> None:
    found = paths("agg.sh", "agg_embed.sh", "disagg.sh")
    assert names(select_scripts(found, only=["agg", "disagg.sh"])) == ["agg.sh", "disagg.sh"]
    assert names(select_scripts(found, skip=["disagg"])) == ["agg.sh", "agg_embed.sh"]
    assert names(select_scripts(found, only=["agg"], skip=["agg.sh"])) == []
    assert select_scripts(found) == found


@pytest.mark.parametrize("flag", ["only", "skip"])
def test_unknown_names_in_only_or_skip_are_errors(flag: str) -> None:
    with pytest.raises(CompatlintError, match=rf"--{flag} names 'agg_embd', which matches no"):
        select_scripts(paths("agg.sh"), **{flag: ["agg_embd"]})


def test_scripts_must_have_distinct_names() -> None:
    check_unique_names(paths("a.sh", "b.sh"))
    with pytest.raises(CompatlintError, match="two scripts are both named 'run'"):
        check_unique_names([Path("x/run.sh"), Path("y/run.sh")])


def test_script_env_layers_config_over_ours() -> None:
    config = WalkConfig(env={"SGLANG_DISABLE_CUDNN_CHECK": "1", "PYTHONUNBUFFERED": "0"})
    base = {"PATH": "/bin", "COMPATLINT_WALK_MARKER": "stale", "SGLANG_DISABLE_CUDNN_CHECK": "0"}
    assert script_env(config, base) == {
        "PATH": "/bin",
        "SGLANG_DISABLE_CUDNN_CHECK": "1",
        "PYTHONUNBUFFERED": "0",
    }
    assert script_env(WalkConfig(), {})["PYTHONUNBUFFERED"] == "1"
