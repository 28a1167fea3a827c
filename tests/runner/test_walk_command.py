"""``compatlint walk`` end to end: real scripts, the stub server, output and exit codes."""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from walk_helpers import (
    PATIENCE,
    assert_bystanders_alive,
    is_alive,
    port_is_free,
    set_gpus,
    wait_for,
    write_project,
)

from compatlint.runner.command import walk

# Generous limits: every script that passes returns as soon as its probe answers, so only a
# busy machine ever comes near them. hang.sh, which must run out, gets a short ready-timeout
# in a walk of its own (test_a_server_that_never_gets_ready_times_out).
WALK = """\
[tool.compatlint.walk]
order = ["agg", "embed"]
timeout = 300
ready-timeout = 120
env = {{ SGLANG_DISABLE_CUDNN_CHECK = "1" }}
gpus = {{ "big.sh" = 4 }}

[tool.compatlint.walk.probes."agg.sh"]
kind = "chat"
ready = ":{agg}/health"
url = ":{agg}/v1/chat/completions"

[tool.compatlint.walk.probes.embed]
kind = "embeddings"
ready = ":{embed}/health"
url = ":{embed}/v1/embeddings"
dimension = 1024

[tool.compatlint.walk.probes."hang.sh"]
kind = "chat"
ready = ":{hang}/health"
url = ":{hang}/v1/chat/completions"

[tool.compatlint.walk.probes."router.sh"]
kind = "log"
ready = ":{router}/health"
url = ":{router}/v1/chat/completions"
pattern = "Selected worker: \\\\d+"
timeout = 60

[tool.compatlint.walk.probes."gen.sh"]
kind = "file"
ready = ":{gen}/health"
url = ":{gen}/v1/images/generations"
body = {{ prompt = "a red square", size = "64x64" }}

[tool.compatlint.walk.probes."crash.sh"]
kind = "chat"
ready = ":{crash}/health"
url = ":{crash}/v1/chat/completions"

[tool.compatlint.walk.probes."smoke.sh"]
kind = "command"
command = "test \\"$SGLANG_DISABLE_CUDNN_CHECK\\" = 1 && test -n \\"$COMPATLINT_WALK_MARKER\\""
"""

SCRIPTS = {
    # The frontend detaches and re-parents itself; the worker stays in the foreground.
    "agg.sh": """\
        #!/usr/bin/env bash
        # GPUs: 1
        ( setsid {py} {stub} --port {agg} --name frontend --noise-interval 0.1 &
          echo $! > {root}/frontend.pid )
        {py} {stub} --worker --name worker
        """,
    "embed.sh": """\
        # 1 GPU
        {py} {stub} --port {embed} --dimension 8 --noise-interval 0.05 --ready-after 1 &
        wait
        """,
    "hang.sh": "{py} {stub} --port {hang} --never-ready\n",
    "router.sh": "{py} {stub} --port {router} --log-selected-worker\n",
    "gen.sh": "{py} {stub} --port {gen} --output-dir {root}/out\n",
    "crash.sh": "echo 'loading weights'; echo 'CUDA error: out of memory' >&2; exit 7\n",
    "smoke.sh": "sleep 30\n",
    "plain.sh": "echo configured\n",
    "big.sh": "sleep 30\n",
}
PORT_NAMES = ("agg", "embed", "hang", "router", "gen", "crash")


@pytest.fixture
def project(tmp_path: Path, free_port: Callable[[], int]) -> tuple[Path, dict[str, int]]:
    ports = {name: free_port() for name in PORT_NAMES}
    scripts = {name: text.replace("{", "{{").replace("}", "}}") for name, text in SCRIPTS.items()}
    scripts = {name: _fill(text, ports) for name, text in scripts.items()}
    root = write_project(tmp_path / "proj", WALK.format(**ports), scripts)
    return root, ports


def _fill(text: str, ports: dict[str, int]) -> str:
    for name, port in ports.items():
        text = text.replace("{{" + name + "}}", str(port))
    return text.replace("{{", "{").replace("}}", "}")


def invoke(root: Path, *args: str) -> Result:
    config = str(root / "pyproject.toml")
    return CliRunner().invoke(walk, ["--config", config, *args], catch_exceptions=False)


@pytest.mark.integration
def test_walk_reports_every_outcome_and_leaves_nothing_behind(
    project: tuple[Path, dict[str, int]], bystanders: list[subprocess.Popen[bytes]]
) -> None:
    root, ports = project
    logdir = root / "logs"
    result = invoke(
        root,
        *("--format", "json", "--skip", "hang"),
        *("--logdir", str(logdir), "--report", str(root / "walk.md")),
    )

    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["gpus"] == 1 and data["logdir"] == str(logdir)
    rows = {row["script"]: row for row in data["results"]}
    assert [row["script"] for row in data["results"]] == [
        "agg.sh", "embed.sh", "big.sh", "crash.sh", "gen.sh", "plain.sh", "router.sh",
        "smoke.sh",
    ]  # fmt: skip
    status = {name: row["status"] for name, row in rows.items()}
    assert status == {
        "agg.sh": "PASS",
        "embed.sh": "FAIL",
        "big.sh": "SKIPPED",
        "crash.sh": "FAIL",
        "gen.sh": "PASS",
        "plain.sh": "PASS",
        "router.sh": "PASS",
        "smoke.sh": "PASS",
    }
    assert rows["agg.sh"]["notes"] == (
        "chat completion answered (1 choice(s)); ended 1 detached process(es)"
    )
    assert rows["embed.sh"]["notes"] == "embedding has 8 entries, expected 1024"
    assert rows["big.sh"]["notes"] == "needs 4 GPUs, 1 present"
    assert rows["big.sh"]["log"] is None
    assert rows["crash.sh"]["notes"] == (
        f"exited with code 7 before http://127.0.0.1:{ports['crash']}/health answered 200"
    )
    assert rows["crash.sh"]["log_excerpt"] == ["loading weights", "CUDA error: out of memory"]
    assert rows["router.sh"]["notes"] == "log: Selected worker: 1"
    assert rows["gen.sh"]["notes"].startswith(f"wrote file://{root}/out/output-")
    assert rows["plain.sh"]["notes"] == "exited 0"
    assert rows["smoke.sh"]["notes"].endswith("exited 0")

    # The log keeps the frontend's GET / 404 noise; the excerpt drops it.
    embed_log = Path(rows["embed.sh"]["log"])
    assert embed_log == logdir / "embed.log"
    assert '"GET / HTTP/1.1" 404' in embed_log.read_text()
    assert rows["embed.sh"]["log_excerpt"]
    assert not any("GET / HTTP" in line for line in rows["embed.sh"]["log_excerpt"])
    assert (logdir / "plain.log").read_text() == "configured\n"

    # Teardown: the detached frontend is gone, every port is free, bystanders untouched.
    frontend = int((root / "frontend.pid").read_text())
    assert not is_alive(frontend)
    assert all(port_is_free(port) for port in ports.values())
    assert_bystanders_alive(bystanders)

    report = (root / "walk.md").read_text()
    assert report.startswith("| # | Script | Status | Notes |\n| --- | --- | --- | --- |\n")
    assert "| 2 | embed.sh | FAIL | embedding has 8 entries, expected 1024 |" in report
    assert "#### crash.sh (FAIL): last log lines" in report


@pytest.mark.integration
def test_a_server_that_never_gets_ready_times_out(project: tuple[Path, dict[str, int]]) -> None:
    root, ports = project
    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("ready-timeout = 120", "ready-timeout = 1"))
    result = invoke(root, "--only", "hang", "--format", "json")
    assert result.exit_code == 1, result.output
    rows = json.loads(result.stdout)["results"]
    assert [(r["script"], r["status"], r["notes"]) for r in rows] == [
        (
            "hang.sh",
            "TIMEOUT",
            f"http://127.0.0.1:{ports['hang']}/health did not answer 200 within 1s",
        )
    ]
    assert port_is_free(ports["hang"])


@pytest.mark.integration
def test_text_output_and_exit_0_when_all_pass(project: tuple[Path, dict[str, int]]) -> None:
    root, _ = project
    result = invoke(root, "--only", "agg,plain", "--skip", "big")
    assert result.exit_code == 0, result.output
    assert "compatlint walk (1 GPU present)" in result.stdout
    assert "2 passed, 0 failed, 0 timed out, 0 skipped" in result.stdout
    assert "[1/2] agg.sh: PASS" in result.stderr
    logdir = result.stderr.split("logs in ", 1)[1].split()[0]
    assert Path(logdir, "agg.log").is_file()  # the default: a fresh temporary directory


@pytest.mark.integration
def test_skipped_alone_exits_0(project: tuple[Path, dict[str, int]], fake_bin: Path) -> None:
    root, _ = project
    set_gpus(fake_bin, None)  # nvidia-smi fails: 0 GPUs
    result = invoke(root, "--only", "agg,big", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["gpus"] == 0
    assert [(r["status"], r["notes"]) for r in data["results"]] == [
        ("SKIPPED", "needs 1 GPU, 0 present"),
        ("SKIPPED", "needs 4 GPUs, 0 present"),
    ]


@pytest.mark.integration
def test_timeout_option_and_explicit_scripts(project: tuple[Path, dict[str, int]]) -> None:
    # Both scripts sleep far past the limit, so the outcome cannot depend on how busy the
    # machine is (a script that must finish within 0.5s could miss it there).
    root, _ = project
    script = root / "launch" / "big.sh"  # needs 4 GPUs by config: give it names of its own
    slow, asleep = root / "slow.sh", root / "launch" / "asleep.sh"
    for copy in (slow, asleep):
        copy.write_text(script.read_text())
    result = invoke(root, "--timeout", "0.5", "--format", "json", str(slow), str(asleep))
    assert result.exit_code == 1, result.output
    rows = json.loads(result.stdout)["results"]
    note = "still running after 0.5s (no probe: must exit 0)"
    assert [(r["script"], r["status"], r["notes"]) for r in rows] == [
        ("slow.sh", "TIMEOUT", note),
        ("asleep.sh", "TIMEOUT", note),  # in the order given, not sorted
    ]


@pytest.mark.parametrize(
    ("walk_toml", "args", "message"),
    [
        (
            '[tool.compatlint.walk]\nprobes = { "a.sh" = { kind = "grpc" } }\n',
            [],
            "pyproject.toml:6: [tool.compatlint.walk] 'probes.\"a.sh\".kind' is 'grpc'",
        ),
        ('[tool.compatlint.walk]\nscripts = "nothing/*.sh"\n', [], "matches no file in"),
        ("[tool.compatlint.walk]\n", ["--only", "agg_embd"], "--only names 'agg_embd'"),
        ('[tool.compatlint.walk]\norder = ["nope"]\n', [], "'order' names 'nope'"),
    ],
)
def test_errors_exit_2_with_one_line(
    tmp_path: Path, walk_toml: str, args: list[str], message: str
) -> None:
    root = write_project(tmp_path, walk_toml, {"a.sh": "exit 0\n"})
    result = invoke(root, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("compatlint: error: ")
    assert message in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_no_config_found_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(walk, [])
    assert result.exit_code == 2
    assert "no pyproject.toml with [tool.compatlint] found" in result.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(walk, ["--format", "yaml"])
    assert result.exit_code == 2
    result = CliRunner().invoke(walk, [str(tmp_path / "missing.sh")])
    assert result.exit_code == 2


WALK_AS_AT_A_TERMINAL = """\
import signal
signal.signal(signal.SIGINT, signal.default_int_handler)
from compatlint.runner.command import walk
walk()
"""


@pytest.mark.integration
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_tears_down_the_running_script(
    tmp_path: Path, bystanders: list[subprocess.Popen[bytes]], sig: signal.Signals
) -> None:
    root = write_project(
        tmp_path,
        """\
        [tool.compatlint.walk]
        ready-timeout = 30
        probes = { "wait.sh" = { kind = "command", command = "sleep 30" } }
        """,
        {"wait.sh": "( setsid sleep 600 & echo $! > {root}/child.pid )\nsleep 600\n"},
    )
    # Ctrl-C at a terminal: Python turns SIGINT into KeyboardInterrupt unless the signal
    # arrived ignored, so the walker is given the terminal's disposition explicitly.
    command = [sys.executable, "-c", WALK_AS_AT_A_TERMINAL]
    walker = subprocess.Popen(
        [*command, "--config", str(root / "pyproject.toml"), "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=dict(os.environ),
        # As when the suite runs as a background job (nohup, `cmd &` in a script, some CI
        # runners): SIGINT arrives ignored, and the ignore is inherited across exec. The
        # walker must still get Ctrl-C as at a terminal (WALK_AS_AT_A_TERMINAL).
        preexec_fn=functools.partial(signal.signal, signal.SIGINT, signal.SIG_IGN),
    )
    try:
        pid_file = root / "child.pid"
        assert wait_for(lambda: pid_file.exists() and pid_file.read_text().strip() != "")
        child = int(pid_file.read_text())
        walker.send_signal(sig)
        stdout, stderr = walker.communicate(timeout=PATIENCE)
    finally:
        if walker.poll() is None:
            walker.kill()
            walker.wait()
    assert walker.returncode == 130, stderr
    assert b"interrupted while running wait.sh; its processes were torn down" in stderr
    assert json.loads(stdout)["results"] == []
    assert not is_alive(child)
    assert_bystanders_alive(bystanders)
