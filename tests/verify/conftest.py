"""Fixtures for the ``verify`` tests: the fake upstreams on disk and a project using them."""

from __future__ import annotations

from pathlib import Path

import pytest
from verify_fakes import (
    PYPROJECT,
    SERVER,
    SHIM,
    V0_5_9,
    V0_5_10,
    V0_5_11,
    write_tree,
    write_wheel,
)


@pytest.fixture(scope="session")
def upstreams(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The three fake versions on disk: version → PATH to give ``--upstream``."""
    base = tmp_path_factory.mktemp("upstreams")
    wheel = write_wheel(base / "sglang-0.5.9-py3-none-any.whl", V0_5_9)
    unpacked = write_tree(base / "sglang-0.5.10-unpacked", V0_5_10)
    (unpacked / "sglang-0.5.10.dist-info").mkdir()
    checkout = base / "sglang-checkout"
    write_tree(checkout / "python", V0_5_11)
    (checkout / "README.md").write_text("not the package\n")
    return {"0.5.9": wheel, "0.5.10": unpacked, "0.5.11": checkout}


@pytest.fixture
def upstream_args(upstreams: dict[str, Path]) -> list[str]:
    args: list[str] = []
    for version, path in upstreams.items():
        args += ["--upstream", f"{version}={path}"]
    return args


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with the shim above and one more module with an unguarded import."""
    root = tmp_path / "project"
    write_tree(
        root,
        {
            "pyproject.toml": PYPROJECT,
            "pkg/__init__.py": "",
            "pkg/_compat.py": SHIM,
            "pkg/server.py": SERVER,
        },
    )
    monkeypatch.chdir(root)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return root
