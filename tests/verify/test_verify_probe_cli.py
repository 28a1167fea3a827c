"""API probes end to end: the ``[tool.compatlint.verify.types]`` table, ``verify`` on
probes, and ``verify --write`` folding the decided ones without changing what any given
release runs (the shim is run before and after against each fake release)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from oracle.oracle import Imports, import_all
from verify_fakes import write_tree

from compatlint.cli import main
from compatlint.config_file import load_config
from compatlint.errors import ConfigError

PYPROJECT = """\
[tool.compatlint]
upstream = "sglang"
shim = ["pkg/_compat.py"]
floor = "0.5.10"

[tool.compatlint.verify.types]
server_args = "sglang.srt.server_args.ServerArgs"
"""

# Runnable fake releases: both have the probed members except `new_in_11`.
_COMMON = {
    "sglang/__init__.py": (
        "from sglang.utils import LazyImport, encode\n"
        'Engine = LazyImport("sglang.srt.engine", "Engine")\n'
    ),
    "sglang/utils.py": textwrap.dedent(
        """\
        import importlib


        def LazyImport(module, name):
            return getattr(importlib.import_module(module), name)


        def encode(x, flag=False):
            return (x, flag)
        """
    ),
    "sglang/srt/__init__.py": "",
    "sglang/srt/server_args.py": textwrap.dedent(
        """\
        import dataclasses


        @dataclasses.dataclass
        class ServerArgs:
            port: int = 1
            ssl_port: int = 443
        """
    ),
}
_ENGINE = """\
class Engine:
    def generate(self, prompt, sampling="default"):
        return ("generated", prompt, sampling)

    def stop(self):
        return "stopped"
"""
RELEASES = {
    "0.5.10": {**_COMMON, "sglang/srt/engine.py": _ENGINE},
    "0.5.11": {**_COMMON, "sglang/srt/engine.py": _ENGINE + "\n    new_in_11 = True\n"},
}

SHIM = '''\
"""Shim."""

import inspect
from typing import Any

import sglang as sgl
from sglang.srt.engine import Engine


def ssl_port(server_args: Any):
    if hasattr(server_args, "ssl_port"):
        return server_args.ssl_port
    return None


def make_engine():
    if not hasattr(sgl, "Engine"):
        return "no engine"
    return sgl.Engine


def generate(engine: Engine, prompt):
    if "sampling" in inspect.signature(engine.generate).parameters:
        return engine.generate(prompt, sampling="given")
    return engine.generate(prompt)


def stop(engine: Engine):
    return engine.stop() if callable(getattr(engine, "stop", None)) else "no stop"


def live(engine: Engine):
    if hasattr(engine, "new_in_11"):
        return 1
    return 0


def encode(x):
    try:
        return sgl.encode(x, True)
    except TypeError:
        return sgl.encode(x)
'''

USE = """\
from sglang.srt.server_args import ServerArgs

from pkg._compat import Engine, encode, generate, live, make_engine, ssl_port, stop

_engine = Engine()
RESULT = {
    "ssl_port": ssl_port(ServerArgs()),
    "engine": make_engine(),
    "generate": generate(_engine, "p"),
    "stop": stop(_engine),
    "live": live(_engine),
    "encode": encode(1),
}
"""


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["verify", *args], catch_exceptions=False)


@pytest.fixture
def releases(tmp_path: Path) -> dict[str, Path]:
    found = {}
    for version, files in RELEASES.items():
        root = write_tree(tmp_path / f"sglang-{version}", files)
        (root / f"sglang-{version}.dist-info").mkdir()
        found[version] = root
    return found


@pytest.fixture
def probe_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_tree(
        tmp_path / "project",
        {
            "pyproject.toml": PYPROJECT,
            "pkg/__init__.py": "",
            "pkg/_compat.py": SHIM,
            "pkg/use.py": USE,
        },
    )
    monkeypatch.chdir(root)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    return root


def upstream_args(releases: dict[str, Path]) -> list[str]:
    return [arg for v, p in releases.items() for arg in ("--upstream", f"{v}={p}")]


def behaviour(project: Path, releases: dict[str, Path]) -> dict[str, Imports]:
    """What the shim and its importer hold (names, ``RESULT``) at each release, each
    imported in a fresh interpreter by the behaviour oracle."""
    return {
        v: import_all(project, root, ["pkg._compat", "pkg.use"]) for v, root in releases.items()
    }


def test_verify_reports_the_dead_probes_with_member_and_releases(
    probe_project: Path, releases: dict[str, Path]
) -> None:
    result = run(*upstream_args(releases))
    assert result.exit_code == 1
    dead = [line for line in result.stdout.splitlines() if " CL301 " in line]
    assert [line.split(":")[1] for line in dead] == ["11", "17", "23", "29", "40"]
    assert dead[0].endswith(
        "CL301 dead probe: sglang.srt.server_args.ServerArgs.ssl_port is present in every "
        "given version at or above the floor 0.5.10 (0.5.10, 0.5.11): "
        "`hasattr(server_args, 'ssl_port')` is always True; fold it "
        "(sglang.srt.server_args.ServerArgs.ssl_port (sglang.srt.server_args:7))"
    )
    assert "the call sglang.encode(_, _) binds" in dead[-1]
    assert not any(":33:" in line for line in result.stdout.splitlines())  # live: new_in_11


def test_write_folds_the_decided_probes_and_every_release_runs_the_same(
    probe_project: Path, releases: dict[str, Path]
) -> None:
    before = behaviour(probe_project, releases)
    results = {v: imports["pkg.use"]["result"] for v, imports in before.items()}
    assert results["0.5.10"]["live"] == 0 and results["0.5.11"]["live"] == 1  # it is live
    assert results["0.5.10"]["generate"] == ["generated", "p", "given"]

    result = run(*upstream_args(releases), "--write", "--allow-dirty")
    shim = (probe_project / "pkg" / "_compat.py").read_text()
    assert behaviour(probe_project, releases) == before

    assert 'hasattr(server_args, "ssl_port")' not in shim and "return None\n" not in shim
    assert "no engine" not in shim and "inspect.signature" not in shim
    assert "return engine.stop()\n" in shim
    assert 'if hasattr(engine, "new_in_11"):' in shim  # live: kept
    assert "except TypeError:" in shim  # a call probe is only listed
    messages = result.stderr.splitlines()
    assert sum(line.startswith("compatlint: --write: folded probe ") for line in messages) == 4
    left = [line for line in messages if line.startswith("compatlint: --write: left probe ")]
    assert any("new_in_11" in line and "differs across" in line for line in left)
    assert any("sgl.encode(x, True)" in line and "call probe" in line for line in left)

    again = run(*upstream_args(releases))
    assert [line for line in again.stdout.splitlines() if " CL301 " in line] == [
        line for line in again.stdout.splitlines() if " CL301 " in line and "call" in line
    ]


def test_a_suppressed_dead_probe_is_neither_reported_nor_folded(
    probe_project: Path, releases: dict[str, Path]
) -> None:
    shim = probe_project / "pkg" / "_compat.py"
    text = SHIM.replace(
        'if hasattr(server_args, "ssl_port"):',
        'if hasattr(server_args, "ssl_port"):  # compatlint: ignore[CL301]',
    )
    shim.write_text(text)
    result = run(*upstream_args(releases), "--write", "--allow-dirty")
    assert ":11:" not in result.stdout
    assert 'hasattr(server_args, "ssl_port")' in shim.read_text()
    assert any(
        ":11: `hasattr(server_args, 'ssl_port')` — suppressed" in line
        for line in result.stderr.splitlines()
    )


# -- the types table ----------------------------------------------------------------------


def test_the_types_table_is_read(probe_project: Path) -> None:
    config = load_config(probe_project / "pyproject.toml")
    assert config.verify_types == {"server_args": "sglang.srt.server_args.ServerArgs"}


@pytest.mark.parametrize(
    ("old", "new", "message", "line"),
    [
        (
            'server_args = "sglang.srt.server_args.ServerArgs"',
            "server_args = 3",
            "'verify.types.server_args' must name an upstream class",
            7,
        ),
        (
            'server_args = "sglang.srt.server_args.ServerArgs"',
            'server_args = "ServerArgs"',
            "must name an upstream class",
            7,
        ),
        (
            'server_args = "sglang.srt.server_args.ServerArgs"',
            '"server-args" = "sglang.srt.server_args.ServerArgs"',
            "'server-args' is not a Python name",
            7,
        ),
        ("[tool.compatlint.verify.types]", "[tool.compatlint.verify]\ntipes = 1", "tipes", 7),
    ],
)
def test_a_bad_types_table_is_one_line_naming_the_file_and_line(
    probe_project: Path, old: str, new: str, message: str, line: int
) -> None:
    path = probe_project / "pyproject.toml"
    path.write_text(PYPROJECT.replace(old, new))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    text = str(info.value)
    assert message in text and "\n" not in text
    assert text.startswith(f"{path}:{line}: ")


def test_a_bad_types_table_exits_2_on_the_command_line(
    probe_project: Path, releases: dict[str, Path]
) -> None:
    (probe_project / "pyproject.toml").write_text(PYPROJECT.replace('"sglang.srt', "3 #"))
    result = CliRunner().invoke(main, ["verify", *upstream_args(releases)])
    assert result.exit_code == 2
    assert "pyproject.toml:7:" in result.stderr and len(result.stderr.splitlines()) == 1


def test_write_folds_in_a_shim_with_a_bom_and_crlf_and_keeps_both(
    probe_project: Path, releases: dict[str, Path]
) -> None:
    shim = probe_project / "pkg" / "_compat.py"
    shim.write_bytes(b"\xef\xbb\xbf" + SHIM.replace("\n", "\r\n").encode())
    result = run(*upstream_args(releases), "--write", "--allow-dirty")
    data = shim.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\n" not in data.replace(b"\r\n", b"")
    text = data.decode("utf-8-sig").replace("\r\n", "\n")
    assert "no engine" not in text
    shim.write_text(text)
    after = behaviour(probe_project, releases)
    shim.write_text(SHIM)
    assert after == behaviour(probe_project, releases)
    assert "folded probe pkg/_compat.py:17:" in result.stderr


def test_json_and_text_carry_each_probe_with_its_answer_per_release(
    probe_project: Path, releases: dict[str, Path]
) -> None:
    """verify's evidence for the API probes is in its output, not only in messages: one
    JSON record per probe and a "Probes" table in the text report."""
    import json

    payload = json.loads(run("--format", "json", *upstream_args(releases)).stdout)
    probes = {record["line"]: record for record in payload["probes"]}
    assert sorted(probes) == [11, 17, 23, 29, 33, 40]
    assert probes[11] == {
        "path": "pkg/_compat.py",
        "line": 11,
        "column": 8,
        "kind": "attribute",
        "form": "hasattr",
        "subject": "sglang.srt.server_args.ServerArgs.ssl_port",
        "member": "ssl_port",
        "text": "hasattr(server_args, 'ssl_port')",
        "cells": {
            version: {
                "presence": "present",
                "value": True,
                "reason": probes[11]["cells"][version]["reason"],
            }
            for version in ("0.5.10", "0.5.11")
        },
    }
    assert "sglang.srt.server_args:7" in probes[11]["cells"]["0.5.10"]["reason"]
    live = probes[33]["cells"]
    assert (live["0.5.10"]["presence"], live["0.5.11"]["presence"]) == ("absent", "present")
    assert (live["0.5.10"]["value"], live["0.5.11"]["value"]) == (False, True)
    assert probes[23]["kind"] == "parameter" and probes[23]["member"] == "sampling"
    assert probes[40]["kind"] == "call" and probes[40]["subject"] == "sglang.encode(_, _)"

    text = run(*upstream_args(releases)).stdout
    table = text[text.index("Probes\n") :].split("\n\n")[0].splitlines()
    assert table[1].split() == ["location", "probe", "0.5.10", "0.5.11"]
    rows = {row.split()[0]: row.split()[-2:] for row in table[2:]}
    assert rows["pkg/_compat.py:33"] == ["absent", "present"]
    assert rows["pkg/_compat.py:11"] == ["present", "present"]
    assert len(rows) == 6
