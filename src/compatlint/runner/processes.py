"""Start a launch script in a session of its own and end everything it started.

Nothing is ever found or killed by name. A process is ours when it is

* in the script's process group (``start_new_session=True`` makes a fresh group whose id is
  the script's pid; only the script's descendants can be in it), or
* carrying the script's unique marker ``COMPATLINT_WALK_MARKER=<uuid>`` in its
  ``/proc/<pid>/environ``: how children that left the group (``setsid``, double fork,
  re-parented to PID 1) are found.

Everything else, including processes with a different marker, is never touched. Two rules
keep a recycled pid from being hit: the script itself is not reaped until teardown is over
(a zombie leader keeps the group id reserved, so ``killpg`` cannot reach a stranger), and a
marked process is signalled through a pidfd opened *before* its marker is checked.

Limits: the marker scan needs Linux's ``/proc``; a descendant that both leaves the group and
drops the marker from its environment (``env -i``, ``setsid``) cannot be found.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from compatlint.runner.config import MARKER_VAR

PROC = Path("/proc")
POLL_SECONDS = 0.05
TERM_GRACE = 5.0
KILL_WAIT = 3.0


@dataclass(frozen=True)
class Launched:
    """A running launch script: its process (the group leader), marker and log file."""

    script: Path
    process: subprocess.Popen[bytes]
    marker: str
    log_path: Path

    @property
    def pgid(self) -> int:
        """The script's process group id (its own pid: it leads a new session)."""
        return self.process.pid

    def exit_code(self) -> int | None:
        """The script's exit code (-N when killed by signal N), None while it runs.

        Does not reap the process, so its group id stays reserved until :func:`teardown`.
        """
        if self.process.returncode is not None:
            return self.process.returncode
        try:
            info = os.waitid(os.P_PID, self.process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return self.process.returncode
        if info is None:
            return None
        return info.si_status if info.si_code == os.CLD_EXITED else -info.si_status


@dataclass(frozen=True)
class TeardownReport:
    """What teardown found: the script's exit code, detached processes and survivors."""

    exit_code: int | None
    detached: tuple[int, ...]
    survivors: tuple[int, ...]


def launch(script: Path, *, cwd: Path, env: Mapping[str, str], log_path: Path) -> Launched:
    """Start ``bash script`` in a new session, stdout and stderr to ``log_path``.

    The child's environment is ``env`` plus a fresh marker.
    """
    marker = uuid.uuid4().hex
    child_env = {**env, MARKER_VAR: marker}
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            ["bash", str(script)],
            cwd=cwd,
            env=child_env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Launched(script=script, process=process, marker=marker, log_path=log_path)


def find_marked(marker: str) -> list[int]:
    """Pids of live processes whose environment carries ``COMPATLINT_WALK_MARKER=marker``."""
    needle = _needle(marker)
    return sorted(pid for pid, _ in _live_processes() if _has_marker(pid, needle))


def remaining(run: Launched) -> dict[int, bool]:
    """Live processes of ``run``: pid -> whether it is still in the script's process group."""
    needle = _needle(run.marker)
    found: dict[int, bool] = {}
    for pid, pgrp in _live_processes():
        if pgrp == run.pgid:
            found[pid] = True
        elif _has_marker(pid, needle):
            found[pid] = False
    return found


def teardown(
    run: Launched, *, grace: float = TERM_GRACE, kill_wait: float = KILL_WAIT
) -> TeardownReport:
    """End everything ``run`` started: SIGTERM, wait up to ``grace``, then SIGKILL.

    Returns a :class:`TeardownReport`; ``survivors`` lists what is still alive after
    ``kill_wait`` more seconds (a process stuck in the kernel, or one we may not signal).
    """
    found = remaining(run)
    detached = {pid for pid, in_group in found.items() if not in_group}
    if found:
        _signal(run, found, signal.SIGTERM)
        found = _wait_until_gone(run, time.monotonic() + grace, detached)
    deadline = time.monotonic() + kill_wait
    while found and time.monotonic() < deadline:
        _signal(run, found, signal.SIGKILL)
        time.sleep(POLL_SECONDS)
        found = remaining(run)
        detached |= {pid for pid, in_group in found.items() if not in_group}
    exit_code = _reap(run, kill_wait)
    survivors = tuple(sorted(remaining(run)))
    return TeardownReport(
        exit_code=exit_code, detached=tuple(sorted(detached)), survivors=survivors
    )


def _wait_until_gone(run: Launched, deadline: float, detached: set[int]) -> dict[int, bool]:
    found = remaining(run)
    while found and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        found = remaining(run)
        detached |= {pid for pid, in_group in found.items() if not in_group}
    return found


def _signal(run: Launched, found: Mapping[int, bool], sig: signal.Signals) -> None:
    if any(found.values()) and run.pgid != os.getpgrp():
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(run.pgid, sig)
    needle = _needle(run.marker)
    for pid, in_group in found.items():
        if not in_group:
            _signal_if_marked(pid, needle, sig)


def _signal_if_marked(pid: int, needle: bytes, sig: signal.Signals) -> None:
    """Signal ``pid`` only if it carries the marker, with no window for pid reuse."""
    if pid == os.getpid():
        return
    try:
        pidfd: int | None = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    except (AttributeError, OSError):  # no pidfd support: fall back to kill()
        pidfd = None
    try:
        if not _has_marker(pid, needle):
            return
        if pidfd is None:
            os.kill(pid, sig)
        else:
            signal.pidfd_send_signal(pidfd, sig)
    except (ProcessLookupError, PermissionError):
        pass
    finally:
        if pidfd is not None:
            os.close(pidfd)


def _reap(run: Launched, timeout: float) -> int | None:
    try:
        return run.process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


def _needle(marker: str) -> bytes:
    return f"{MARKER_VAR}={marker}".encode()


def _live_processes() -> Iterator[tuple[int, int]]:
    """(pid, process group) of every process that has not exited, except this one."""
    try:
        names = os.listdir(PROC)
    except OSError:
        return
    own = os.getpid()
    for name in names:
        if not name.isdigit() or int(name) == own:
            continue
        try:
            stat = (PROC / name / "stat").read_bytes()
        except OSError:  # vanished, or not ours to read
            continue
        # "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) < 3 or fields[0] in (b"Z", b"X", b"x"):
            continue
        yield int(name), int(fields[2])


def _has_marker(pid: int, needle: bytes) -> bool:
    try:
        environ = (PROC / str(pid) / "environ").read_bytes()
    except OSError:  # vanished, or another user's process (never ours to touch)
        return False
    return needle in environ.split(b"\0")
