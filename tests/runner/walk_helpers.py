"""Helpers shared by the ``compatlint walk`` tests (the fixtures are in conftest.py)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from collections.abc import Callable
from pathlib import Path

# The example project's launch scripts ship the stub server; the tests use that copy.
STUB = (
    Path(__file__).resolve().parents[2]
    / "examples"
    / "sglang-backend"
    / "launch"
    / "stub_server.py"
)
PY = sys.executable
TAG_VAR = "COMPATLINT_TEST_TAG"
#: The cap on every wait for something that should happen: long enough for a machine busy
#: with other work, free when things go well (waits poll and return as soon as they can).
#: A short cap belongs only where the test wants the wait to run out.
PATIENCE = 120.0


def _state(stat: bytes) -> bytes:
    # "pid (comm) state ...": comm may hold spaces and parentheses.
    return stat[stat.rfind(b")") + 2 :].split()[0]


def tagged_pids(tag: str) -> list[int]:
    """Live processes whose environment carries ``COMPATLINT_TEST_TAG=tag``."""
    needle = f"{TAG_VAR}={tag}".encode()
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_bytes()
            environ = Path(f"/proc/{name}/environ").read_bytes()
        except OSError:
            continue
        if _state(stat) not in (b"Z", b"X") and needle in environ.split(b"\0"):
            found.append(int(name))
    return found


def is_alive(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    return _state(stat) not in (b"Z", b"X")


def pgid_of(pid: int) -> int:
    """The process group of ``pid``."""
    stat = Path(f"/proc/{pid}/stat").read_bytes()
    return int(stat[stat.rfind(b")") + 2 :].split()[2])


#: The walk marker the ``bystanders`` fixture gives its marked process.
BYSTANDER_MARKER = uuid.uuid4().hex


def wait_for(predicate: Callable[[], bool], timeout: float = PATIENCE) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def port_is_free(port: int) -> bool:
    """Whether nothing accepts connections on loopback ``port``."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def set_gpus(bin_dir: Path, count: int | None) -> None:
    """Make the fake ``nvidia-smi`` in ``bin_dir`` list ``count`` GPUs (None: make it fail)."""
    lines = "".join(f"echo 'GPU {i}: Fake GPU (UUID: GPU-{i})'\n" for i in range(count or 0))
    body = "echo 'NVIDIA-SMI has failed' >&2\nexit 9\n" if count is None else lines
    script = bin_dir / "nvidia-smi"
    script.write_text(f"#!/bin/sh\n{body}")
    script.chmod(0o755)


def assert_bystanders_alive(processes: list[subprocess.Popen[bytes]]) -> None:
    """Every process started outside the walk is still running."""
    for process in processes:
        assert process.poll() is None, f"bystander {process.pid} was killed"


def write_project(root: Path, walk_toml: str, scripts: dict[str, str]) -> Path:
    """A project in ``root``: pyproject.toml with ``walk_toml`` and ``launch/<name>`` scripts.

    Script texts may use ``{py}``, ``{stub}`` and ``{root}`` (this Python, the stub server,
    the project root).
    """
    root.mkdir(parents=True, exist_ok=True)
    header = '[tool.compatlint]\nupstream = "sglang"\nshim = "compat.py"\n\n'
    (root / "pyproject.toml").write_text(header + textwrap.dedent(walk_toml))
    launch = root / "launch"
    launch.mkdir(exist_ok=True)
    for name, text in scripts.items():
        body = textwrap.dedent(text)
        for key, value in (("{py}", PY), ("{stub}", str(STUB)), ("{root}", str(root))):
            body = body.replace(key, value)
        (launch / name).write_text(body)
    return root
