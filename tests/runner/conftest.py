"""Fixtures for the ``compatlint walk`` tests: fake GPUs, free ports, stubs, clean-up.

Clean-up never goes by name either: every test runs with a fresh ``COMPATLINT_TEST_TAG`` in
the environment, which every process a walk starts inherits; after the test, whatever still
carries that tag is killed and the test errors.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from walk_helpers import (
    BYSTANDER_MARKER,
    PATIENCE,
    PY,
    STUB,
    TAG_VAR,
    port_is_free,
    set_gpus,
    tagged_pids,
    wait_for,
)


@pytest.fixture(autouse=True)
def _kill_tagged_leftovers(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    tag = uuid.uuid4().hex
    monkeypatch.setenv(TAG_VAR, tag)
    yield tag
    leftovers = tagged_pids(tag)
    for pid in leftovers:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    assert not leftovers, f"processes left running after the test: {leftovers}"


@pytest.fixture(autouse=True)
def _private_tmpdir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Default log dirs and stub outputs land under pytest's tmp dir, not in /tmp."""
    private = tmp_path_factory.mktemp("tmpdir")
    monkeypatch.setenv("TMPDIR", str(private))
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    return private


@pytest.fixture(autouse=True)
def fake_bin(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A bin dir first on PATH: ``nvidia-smi`` listing 1 GPU, ``python3`` = this Python."""
    bin_dir = tmp_path_factory.mktemp("bin")
    (bin_dir / "python3").symlink_to(PY)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    set_gpus(bin_dir, 1)
    return bin_dir


@pytest.fixture
def free_port() -> Callable[[], int]:
    """A function returning a loopback port that nothing listens on (distinct per call)."""
    handed_out: set[int] = set()

    def pick() -> int:
        while True:
            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                port = sock.getsockname()[1]
            if port not in handed_out:
                handed_out.add(port)
                return port

    return pick


@pytest.fixture
def bystanders() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes started outside any walk; one even carries a (different) walk marker,
    ``walk_helpers.BYSTANDER_MARKER``."""
    plain = subprocess.Popen(["sleep", "60"])
    env = {**os.environ, "COMPATLINT_WALK_MARKER": BYSTANDER_MARKER}
    marked = subprocess.Popen(["sleep", "60"], env=env, start_new_session=True)
    started = [plain, marked]
    yield started
    for process in started:
        process.kill()
        process.wait(timeout=PATIENCE)


@pytest.fixture
def stub() -> Iterator[Callable[..., str]]:
    """Start the stub server (outside any walk); returns its base URL once it listens."""
    started: list[subprocess.Popen[bytes]] = []

    def start(port: int, *args: str) -> str:
        process = subprocess.Popen(
            [PY, str(STUB), "--port", str(port), *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(process)
        assert wait_for(lambda: not port_is_free(port)), "stub server did not start"
        return f"http://127.0.0.1:{port}"

    yield start
    for process in started:
        process.kill()
        process.wait(timeout=PATIENCE)
