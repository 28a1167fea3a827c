"""Run launch scripts one at a time: GPU check, launch, readiness, probe, teardown.

For each script, in order:

1. **GPUs.** The need comes from the ``gpus`` table, else from the script's header
   (``# GPUs: N`` / ``# N GPUs``); a script that says nothing is not checked. A script
   needing more GPUs than ``nvidia-smi -L`` lists is SKIPPED with the reason.
2. **Launch.** ``bash <script>`` in a new session, cwd = project root, stdout and stderr to
   ``<logdir>/<stem>.log``, environment = ours + ``PYTHONUNBUFFERED=1`` + ``env`` + a unique
   marker (see :mod:`compatlint.runner.processes`).
3. **Verify.** With a probe: wait until its ``ready`` URL answers HTTP 200 (TIMEOUT after
   ``ready-timeout``; FAIL if the script exits non-zero first, or exits 0 leaving nothing
   running), then run the probe: PASS or FAIL with its reason. Without a probe the script is
   a plain one: PASS when it exits 0, FAIL on another exit code. Everything is bounded by
   ``timeout`` (TIMEOUT when it runs out).
4. **Teardown**, always (pass, fail, timeout, Ctrl-C): SIGTERM to the group and to every
   marked process, up to ``grace`` seconds, then SIGKILL. Anything still alive afterwards
   turns the result into a FAIL with a teardown note.

FAIL and TIMEOUT results carry the last log lines, without the ``log-ignore`` noise.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from compatlint.errors import CompatlintError, ConfigError
from compatlint.runner import probes, processes
from compatlint.runner.config import MARKER_VAR, WalkConfig, name_matches
from compatlint.runner.gpus import gpus_from_header

EXCERPT_LINES = 12
EXCERPT_LINE_CHARS = 300
EXCERPT_TAIL_BYTES = 256 * 1024
EXIT_POLL_SECONDS = 0.1
READY_FIRST_POLL = 0.1
READY_MAX_POLL = 2.0
READY_REQUEST_TIMEOUT = 5.0
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")


class Status(str, Enum):
    """How one script did."""

    PASS = "PASS"
    FAIL = "FAIL"
    SKIPPED = "SKIPPED"
    TIMEOUT = "TIMEOUT"


@dataclass(frozen=True)
class ScriptResult:
    """One row of the walk: the script's name, status, a one-line note and its log."""

    script: str
    status: Status
    notes: str
    log: str | None = None
    excerpt: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def failed(self) -> bool:
        """FAIL and TIMEOUT make the walk fail; PASS and SKIPPED do not."""
        return self.status in (Status.FAIL, Status.TIMEOUT)

    def to_json(self) -> dict[str, Any]:
        """The result as the JSON report shows it."""
        return {
            "script": self.script,
            "status": self.status.value,
            "notes": self.notes,
            "log": self.log,
            "log_excerpt": list(self.excerpt),
            "seconds": round(self.seconds, 2),
        }


class WalkInterrupted(Exception):
    """Ctrl-C (or SIGTERM) during the walk; the running script was torn down first."""

    def __init__(self, results: list[ScriptResult], script: str) -> None:
        super().__init__(f"interrupted while running {script}")
        self.results = results
        self.script = script


def walk(
    config: WalkConfig,
    scripts: Sequence[Path],
    *,
    root: Path,
    logdir: Path,
    gpus: int,
    on_start: Callable[[int, Path], None] | None = None,
    on_result: Callable[[int, ScriptResult], None] | None = None,
    grace: float = processes.TERM_GRACE,
) -> list[ScriptResult]:
    """Run ``scripts`` in order, one at a time; the results in the same order.

    Raises :class:`WalkInterrupted` (with the results so far) on Ctrl-C, after teardown.
    """
    results: list[ScriptResult] = []
    for index, script in enumerate(scripts, start=1):
        if on_start is not None:
            on_start(index, script)
        try:
            result = run_script(script, config, root=root, logdir=logdir, gpus=gpus, grace=grace)
        except KeyboardInterrupt:
            raise WalkInterrupted(results, script.name) from None
        results.append(result)
        if on_result is not None:
            on_result(index, result)
    return results


def run_script(
    script: Path,
    config: WalkConfig,
    *,
    root: Path,
    logdir: Path,
    gpus: int,
    grace: float = processes.TERM_GRACE,
) -> ScriptResult:
    """Check GPUs, launch, verify and tear down one script."""
    name = script.name
    need = gpus_needed(config, script)
    if need is not None and need > gpus:
        plural = "" if need == 1 else "s"
        return ScriptResult(name, Status.SKIPPED, f"needs {need} GPU{plural}, {gpus} present")

    env = script_env(config)
    started = time.monotonic()
    log_path = logdir / f"{script.stem}.log"
    try:
        run = processes.launch(script, cwd=root, env=env, log_path=log_path)
    except OSError as exc:
        return ScriptResult(name, Status.FAIL, f"cannot start bash {script}: {exc}", str(log_path))
    try:
        status, notes = _verify(run, config, root=root, env={**env, MARKER_VAR: run.marker})
    finally:
        with deferred_interrupts():
            teardown = processes.teardown(run, grace=grace)
    if teardown.detached:
        notes += f"; ended {len(teardown.detached)} detached process(es)"
    if teardown.survivors:
        status = Status.FAIL
        pids = ", ".join(map(str, teardown.survivors))
        notes += f"; teardown: {len(teardown.survivors)} process(es) survived SIGKILL: {pids}"
    excerpt = log_excerpt(run.log_path, config.log_ignore) if status != Status.PASS else ()
    return ScriptResult(
        name, status, notes, str(run.log_path), excerpt, seconds=time.monotonic() - started
    )


def _verify(
    run: processes.Launched, config: WalkConfig, *, root: Path, env: Mapping[str, str]
) -> tuple[Status, str]:
    started = time.monotonic()
    deadline = started + config.timeout
    probe = config.probe_for(run.script.name)
    if probe is None:
        return _wait_for_exit(run, deadline, config.timeout)
    if probe.ready:
        limit = min(config.ready_timeout, config.timeout)
        status, reason = _wait_ready(run, probe.ready, started + limit, limit)
        if status is not None:
            return status, reason
    left = deadline - time.monotonic()
    if left <= 0:
        return Status.TIMEOUT, f"ready, but no time left to probe within {config.timeout:g}s"
    ok, reason = probes.run_probe(
        probe, root=root, env=env, log_path=run.log_path, timeout=min(probe.timeout, left)
    )
    return (Status.PASS if ok else Status.FAIL), reason


def _wait_for_exit(run: processes.Launched, deadline: float, limit: float) -> tuple[Status, str]:
    while True:
        code = run.exit_code()
        if code is not None:
            return (Status.PASS if code == 0 else Status.FAIL), describe_exit(code)
        left = deadline - time.monotonic()
        if left <= 0:
            return Status.TIMEOUT, f"still running after {limit:g}s (no probe: must exit 0)"
        time.sleep(min(EXIT_POLL_SECONDS, left))


def _wait_ready(
    run: processes.Launched, url: str, deadline: float, limit: float
) -> tuple[Status | None, str]:
    """(None, "") once ``url`` answers 200; otherwise why not (FAIL or TIMEOUT)."""
    delay = READY_FIRST_POLL
    while True:
        left = deadline - time.monotonic()
        if probes.http_status(url, timeout=max(0.1, min(READY_REQUEST_TIMEOUT, left))) == 200:
            return None, ""
        code = run.exit_code()
        if code is not None and code != 0:
            return Status.FAIL, f"{describe_exit(code)} before {url} answered 200"
        if code == 0 and not processes.remaining(run):
            return Status.FAIL, f"exited 0, leaving nothing running, before {url} answered 200"
        left = deadline - time.monotonic()
        if left <= 0:
            return Status.TIMEOUT, f"{url} did not answer 200 within {limit:g}s"
        time.sleep(min(delay, left))
        delay = min(delay * 1.5, READY_MAX_POLL)


def describe_exit(code: int) -> str:
    """``exited 0``, ``exited with code 3`` or ``killed by SIGKILL``."""
    if code == 0:
        return "exited 0"
    if code > 0:
        return f"exited with code {code}"
    try:
        return f"killed by {signal.Signals(-code).name}"
    except ValueError:
        return f"killed by signal {-code}"


def gpus_needed(config: WalkConfig, script: Path) -> int | None:
    """GPUs ``script`` needs: the ``gpus`` table first, else its header; None if neither says."""
    configured = config.gpus_for(script.name)
    if configured is not None:
        return configured
    try:
        return gpus_from_header(script.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None


def script_env(config: WalkConfig, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """A script's environment: ``base`` (ours), ``PYTHONUNBUFFERED=1``, then ``env``."""
    env = dict(os.environ if base is None else base)
    env.pop(MARKER_VAR, None)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(config.env)
    return env


def discover_scripts(config: WalkConfig, root: Path, *, source: str | None = None) -> list[Path]:
    """The files the ``scripts`` glob matches under ``root``, in ``order`` then by name."""
    paths = [path for path in root.glob(config.scripts) if path.is_file()]
    if not paths:
        message = f"[tool.compatlint.walk] 'scripts' = {config.scripts!r} matches no file in {root}"
        raise ConfigError(message, source)
    return order_scripts(paths, config.order, source=source)


def order_scripts(
    paths: Iterable[Path], order: Sequence[str], *, source: str | None = None
) -> list[Path]:
    """``order``'s scripts first, in that order, then the rest by name.

    A name in ``order`` that matches none of ``paths`` is a :class:`ConfigError`.
    """
    rest = sorted(paths, key=lambda path: (path.name, str(path)))
    first: list[Path] = []
    for key in order:
        matches = [path for path in rest if name_matches(key, path.name)]
        if not matches and not any(name_matches(key, path.name) for path in first):
            known = ", ".join(path.name for path in first + rest)
            message = f"[tool.compatlint.walk] 'order' names {key!r}, which matches no script"
            raise ConfigError(f"{message} ({known})", source)
        first += matches
        rest = [path for path in rest if path not in matches]
    return first + rest


def select_scripts(
    paths: Sequence[Path], *, only: Sequence[str] = (), skip: Sequence[str] = ()
) -> list[Path]:
    """``paths`` narrowed by ``--only`` and ``--skip`` names (file names or stems)."""
    for flag, names in (("--only", only), ("--skip", skip)):
        for key in names:
            if not any(name_matches(key, path.name) for path in paths):
                known = ", ".join(path.name for path in paths)
                raise CompatlintError(f"{flag} names {key!r}, which matches no script ({known})")

    def named(path: Path, names: Sequence[str]) -> bool:
        return any(name_matches(key, path.name) for key in names)

    return [path for path in paths if (not only or named(path, only)) and not named(path, skip)]


def check_unique_names(paths: Sequence[Path]) -> None:
    """Two scripts with one stem would share a log file and a row name: refuse."""
    seen: dict[str, Path] = {}
    for path in paths:
        if path.stem in seen:
            raise CompatlintError(
                f"two scripts are both named {path.stem!r}: {seen[path.stem]}, {path}"
            )
        seen[path.stem] = path


def filter_log_lines(lines: Iterable[str], patterns: Sequence[str]) -> list[str]:
    """``lines`` without colour codes, blank lines and lines matching any of ``patterns``."""
    noise = [re.compile(pattern) for pattern in patterns]
    kept = []
    for line in lines:
        clean = _ANSI.sub("", line).rstrip()
        if clean.strip() and not any(regex.search(clean) for regex in noise):
            kept.append(clean)
    return kept


def log_excerpt(path: Path, patterns: Sequence[str], limit: int = EXCERPT_LINES) -> tuple[str, ...]:
    """The last ``limit`` relevant lines of the log at ``path`` (noise filtered out)."""
    try:
        with open(path, "rb") as log:
            size = log.seek(0, os.SEEK_END)
            log.seek(max(0, size - EXCERPT_TAIL_BYTES))
            text = log.read().decode("utf-8", "replace")
    except OSError:
        return ()
    lines = text.splitlines()
    if size > EXCERPT_TAIL_BYTES:
        lines = lines[1:]  # the first line was cut in the middle
    kept = filter_log_lines(lines, patterns)[-limit:]
    return tuple(_clip(line) for line in kept)


def _clip(line: str) -> str:
    return line if len(line) <= EXCERPT_LINE_CHARS else line[: EXCERPT_LINE_CHARS - 1] + "…"


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM while the block runs (teardown), then raise KeyboardInterrupt."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def remember(signum: int, _frame: object) -> None:
        received.append(signum)

    previous = {sig: signal.signal(sig, remember) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, signal.SIG_DFL if handler is None else handler)
        if received:
            raise KeyboardInterrupt
