"""The five probes against the stub server (and the readiness check)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from walk_helpers import PATIENCE, STUB, port_is_free, wait_for

from compatlint.runner.config import ProbeConfig
from compatlint.runner.probes import (
    file_url_path,
    file_urls,
    http_status,
    is_loopback,
    probe_chat,
    probe_command,
    probe_embeddings,
    probe_file,
    probe_log,
    run_probe,
)

Stub = Callable[..., str]


def test_file_urls_are_found_anywhere() -> None:
    body = {"a": [{"b": "see file:///tmp/x.png and file:///tmp/y%20z.mp4"}], "c": 3, "d": None}
    assert list(file_urls(body)) == ["file:///tmp/x.png", "file:///tmp/y%20z.mp4"]
    assert list(file_urls({"text": "no files"})) == []


def test_file_url_path(tmp_path: Path) -> None:
    assert file_url_path("file:///tmp/y%20z.mp4", tmp_path) == Path("/tmp/y z.mp4")
    assert file_url_path("file://localhost/tmp/x", tmp_path) == Path("/tmp/x")
    assert file_url_path("file://out/x.png", tmp_path) == tmp_path / "out/x.png"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost", True),
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("0.0.0.0", True),
        ("10.0.0.2", False),
        ("example.com", False),
        (None, False),
    ],
)
def test_is_loopback(host: str | None, expected: bool) -> None:
    assert is_loopback(host) is expected


@pytest.mark.integration
def test_http_probes_pass_against_the_stub(
    stub: Stub, free_port: Callable[[], int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A proxy from the environment must not capture loopback requests.
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    base = stub(free_port(), "--dimension", "16", "--output-dir", str(tmp_path / "out"))
    assert http_status(f"{base}/health", PATIENCE) == 200
    assert http_status(f"{base}/", PATIENCE) == 404

    chat = probe_chat(ProbeConfig(kind="chat", url=f"{base}/v1/chat/completions"), PATIENCE)
    assert chat == (True, "chat completion answered (1 choice(s))")
    embed = ProbeConfig(kind="embeddings", url=f"{base}/v1/embeddings", dimension=16)
    assert probe_embeddings(embed, PATIENCE) == (True, "embedding has 16 entries")
    file_probe = ProbeConfig(kind="file", url=f"{base}/v1/generate")
    ok, reason = probe_file(file_probe, tmp_path, PATIENCE)
    assert ok, reason
    assert reason.startswith(f"wrote file://{tmp_path}/out/output-")


@pytest.mark.integration
def test_http_probes_fail_with_a_reason(
    stub: Stub, free_port: Callable[[], int], tmp_path: Path
) -> None:
    base = stub(free_port(), "--chat-status", "500", "--empty-output")
    chat = probe_chat(ProbeConfig(kind="chat", url=f"{base}/v1/chat/completions"), PATIENCE)
    assert chat[0] is False and chat[1].startswith(f"HTTP 500 from {base}/v1/chat/completions")
    embed = ProbeConfig(kind="embeddings", url=f"{base}/v1/embeddings", dimension=1024)
    assert probe_embeddings(embed, PATIENCE) == (False, "embedding has 8 entries, expected 1024")
    file_probe = ProbeConfig(kind="file", url=f"{base}/v1/generate")
    ok, reason = probe_file(file_probe, tmp_path, PATIENCE)
    assert not ok and reason.endswith(" is empty")
    not_json = probe_embeddings(
        ProbeConfig(kind="embeddings", url=f"{base}/v1/nope", dimension=1), PATIENCE
    )
    assert not_json[0] is False and "HTTP 404" in not_json[1]
    # Nothing listens on a fresh port.
    dead = f"http://127.0.0.1:{free_port()}"
    assert http_status(f"{dead}/health", 1) is None
    refused = probe_chat(ProbeConfig(kind="chat", url=f"{dead}/v1/chat/completions"), 1)
    assert refused[0] is False and refused[1].startswith(f"cannot reach {dead}/v1/chat")


@pytest.mark.integration
def test_log_probe_sends_a_request_then_reads_only_newer_lines(
    stub: Stub, free_port: Callable[[], int], tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    log.write_text("Selected worker: 0 (from start-up, must not count)\n")
    with open(log, "ab") as out:
        server = subprocess.Popen(
            [sys.executable, str(STUB), "--port", str(port), "--log-selected-worker"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        assert wait_for(lambda: not port_is_free(port))
        probe = ProbeConfig(
            kind="log",
            url=f"http://127.0.0.1:{port}/v1/chat/completions",
            pattern=r"Selected worker: [1-9]",
        )
        assert probe_log(probe, log, PATIENCE) == (True, "log: Selected worker: 1")
        late = ProbeConfig(
            kind="log",
            url=f"http://127.0.0.1:{port}/v1/chat/completions",
            pattern="Selected worker: 0",
        )
        # This probe must run out, so its limit is short; the request it sends first shares
        # the limit and may miss it on a busy machine (the reason then says so as well).
        ok, reason = probe_log(late, log, 0.3)
        assert not ok and reason.startswith("'Selected worker: 0' not in the log within 0.3s")
    finally:
        server.kill()
        server.wait()


def test_log_probe_without_url_reads_the_whole_log(tmp_path: Path) -> None:
    log = tmp_path / "x.log"
    log.write_text("worker 3 ready\npartial line without newline: Ready")
    assert probe_log(ProbeConfig(kind="log", pattern="Ready$"), log, 0.1)[0]
    assert not probe_log(ProbeConfig(kind="log", pattern="never"), log, 0.1)[0]


@pytest.mark.integration
def test_command_probe(tmp_path: Path) -> None:
    env = dict(os.environ)

    def command(text: str, timeout: float = PATIENCE) -> tuple[bool, str]:
        return run_probe(
            ProbeConfig(kind="command", command=text),
            root=tmp_path,
            env=env,
            log_path=tmp_path / "x.log",
            timeout=timeout,
        )

    assert command("test -d . && echo fine") == (True, "`test -d . && echo fine` exited 0")
    assert command("echo first; echo 'it broke' >&2; exit 3") == (
        False,
        "`echo first; echo 'it broke' >&2; exit 3` exited 3: it broke",
    )
    assert command("sleep 30", timeout=0.3) == (False, "`sleep 30` still running after 0.3s")
    assert probe_command(ProbeConfig(kind="command", command="pwd"), tmp_path, env, PATIENCE)[0]
