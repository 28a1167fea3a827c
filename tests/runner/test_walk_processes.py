"""Launch and teardown with real processes: the marker finds what left the group, and
nothing without the marker is ever touched."""

from __future__ import annotations

import os
import subprocess
import textwrap
import time
from pathlib import Path

import pytest
from walk_helpers import (
    BYSTANDER_MARKER,
    PATIENCE,
    PY,
    STUB,
    assert_bystanders_alive,
    is_alive,
    pgid_of,
    wait_for,
)

from compatlint.runner.processes import Launched, find_marked, launch, remaining, teardown

pytestmark = pytest.mark.integration


def start(tmp_path: Path, body: str) -> Launched:
    script = tmp_path / "script.sh"
    script.write_text(textwrap.dedent(body).replace("{py}", PY).replace("{stub}", str(STUB)))
    return launch(script, cwd=tmp_path, env=dict(os.environ), log_path=tmp_path / "script.log")


def read_pid(path: Path) -> int:
    assert wait_for(lambda: path.exists() and path.read_text().strip() != ""), f"no {path}"
    return int(path.read_text())


def test_detached_grandchild_is_found_by_marker_and_ended(
    tmp_path: Path, bystanders: list[subprocess.Popen[bytes]]
) -> None:
    run = start(
        tmp_path,
        f"""
        # A detached grandchild: new session, parent gone, re-parented away from us.
        ( setsid sleep 600 & echo $! > {tmp_path}/grandchild.pid )
        echo started
        sleep 600
        """,
    )
    grandchild = read_pid(tmp_path / "grandchild.pid")
    assert wait_for(lambda: pgid_of(grandchild) == grandchild)  # setsid has run
    assert pgid_of(grandchild) != run.pgid  # out of the script's group...
    assert {run.process.pid, grandchild} <= set(find_marked(run.marker))
    assert remaining(run)[grandchild] is False  # ...but found by its marker

    # bash dies of the SIGTERM at once; a generous grace only matters on a busy machine,
    # where a short one would let the SIGKILL land first (exit -9).
    report = teardown(run, grace=PATIENCE)

    assert not is_alive(grandchild)
    assert not is_alive(run.process.pid)
    assert report.detached == (grandchild,)
    assert report.survivors == ()
    assert report.exit_code == -15  # bash ended by SIGTERM
    assert find_marked(run.marker) == []
    assert_bystanders_alive(bystanders)


def test_sigterm_ignored_escalates_to_sigkill(
    tmp_path: Path, bystanders: list[subprocess.Popen[bytes]]
) -> None:
    run = start(
        tmp_path,
        f"""
        trap '' TERM
        ( setsid {{py}} -c 'import signal, time
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        open("{tmp_path}/stubborn.pid", "w").write(str(__import__("os").getpid()))
        time.sleep(600)' & )
        while true; do sleep 0.1; done
        """,
    )
    stubborn = read_pid(tmp_path / "stubborn.pid")
    started = time.monotonic()
    report = teardown(run, grace=0.5)
    # A lower bound only: it waited out the grace period before the SIGKILL. A busy machine
    # makes teardown slower, never faster, so this cannot flake.
    assert time.monotonic() - started >= 0.5
    assert not is_alive(stubborn)
    assert report.survivors == ()
    assert report.exit_code == -9
    assert_bystanders_alive(bystanders)


def test_a_script_that_already_exited_is_just_reaped(tmp_path: Path) -> None:
    run = start(tmp_path, "echo done; exit 3\n")
    assert wait_for(lambda: run.exit_code() is not None)
    assert run.exit_code() == 3
    assert run.process.returncode is None  # seen, not reaped: the group id stays ours
    report = teardown(run)
    assert report == report.__class__(exit_code=3, detached=(), survivors=())
    assert (tmp_path / "script.log").read_text() == "done\n"


def test_script_gets_its_env_and_marker_and_cwd(tmp_path: Path) -> None:
    script = tmp_path / "env.sh"
    script.write_text('echo "$PWD $COMPATLINT_WALK_MARKER $FOO"; echo oops >&2\n')
    run = launch(
        script,
        cwd=tmp_path,
        env={"FOO": "bar", "PATH": os.environ["PATH"]},
        log_path=tmp_path / "logs" / "env.log",
    )
    assert wait_for(lambda: run.exit_code() is not None)
    teardown(run)
    assert (tmp_path / "logs" / "env.log").read_text() == f"{tmp_path} {run.marker} bar\noops\n"


def test_find_marked_ignores_other_markers(bystanders: list[subprocess.Popen[bytes]]) -> None:
    other = bystanders[1]
    # Until the child has exec'd, /proc shows the parent's environment: wait for it.
    assert wait_for(lambda: find_marked(BYSTANDER_MARKER) == [other.pid])
    assert find_marked("not-a-marker-anyone-has") == []
