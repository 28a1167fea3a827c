"""The five probes. Each is a small function returning ``(ok, reason)``; none raises.

HTTP uses only the stdlib. Requests to a loopback host never go through a proxy from the
environment (``http_proxy``); other hosts are reached as urllib normally would.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import json
import os
import re
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from compatlint.runner.config import ProbeConfig

Outcome = tuple[bool, str]

CHAT_PROMPT = "Say hello in one word."
EMBEDDING_INPUT = "compatlint walk probe"
LOG_POLL_SECONDS = 0.1
_FILE_URL = re.compile(r"file://[^\s\"'<>]+")


def chat_body(probe: ProbeConfig) -> dict[str, Any]:
    """The request ``chat``, ``log`` and ``file`` probes send: ``body`` or a tiny chat."""
    if probe.body is not None:
        return dict(probe.body)
    return {
        "model": probe.model,
        "messages": [{"role": "user", "content": CHAT_PROMPT}],
        "max_tokens": 16,
        "stream": False,
    }


def embeddings_body(probe: ProbeConfig) -> dict[str, Any]:
    """The request the ``embeddings`` probe sends: ``body`` or one short input."""
    if probe.body is not None:
        return dict(probe.body)
    return {"model": probe.model, "input": EMBEDDING_INPUT}


def http_status(url: str, timeout: float) -> int | None:
    """The HTTP status of ``GET url``, None when nothing answers within ``timeout``."""
    request = urllib.request.Request(url, method="GET")
    try:
        with _opener(url).open(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        exc.close()
        return exc.code
    except (OSError, http.client.HTTPException, ValueError):
        return None


def post_json(url: str, payload: Mapping[str, Any], timeout: float) -> tuple[Any, str | None]:
    """POST ``payload`` as JSON; ``(decoded body, None)`` on HTTP 200, else ``(None, reason)``."""
    data = json.dumps(payload).encode()
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with _opener(url).open(request, timeout=max(timeout, 0.1)) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        try:
            detail = _shorten(exc.read().decode("utf-8", "replace"))
        except (OSError, http.client.HTTPException, AttributeError):
            detail = ""
        finally:
            exc.close()
        return (
            None,
            f"HTTP {exc.code} from {url}: {detail}" if detail else f"HTTP {exc.code} from {url}",
        )
    except TimeoutError:
        return None, f"no answer from {url} within {timeout:.0f}s"
    except urllib.error.URLError as exc:
        return None, f"cannot reach {url}: {exc.reason}"
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return None, f"request to {url} failed: {exc!r}"
    if status != 200:
        return None, f"HTTP {status} from {url}"
    try:
        return json.loads(raw), None
    except ValueError:
        return None, f"{url} answered non-JSON: {_shorten(raw.decode('utf-8', 'replace'))}"


def probe_chat(probe: ProbeConfig, timeout: float) -> Outcome:
    """Pass when the chat completion answers HTTP 200 with a non-empty ``choices``."""
    body, error = post_json(_required(probe.url), chat_body(probe), timeout)
    if error:
        return False, error
    choices = body.get("choices") if isinstance(body, dict) else None
    if not isinstance(choices, list) or not choices:
        return False, f"chat response from {probe.url} has no choices: {_shorten(json.dumps(body))}"
    return True, f"chat completion answered ({len(choices)} choice(s))"


def probe_embeddings(probe: ProbeConfig, timeout: float) -> Outcome:
    """Pass when ``data[0].embedding`` has exactly ``dimension`` entries."""
    body, error = post_json(_required(probe.url), embeddings_body(probe), timeout)
    if error:
        return False, error
    try:
        vector = body["data"][0]["embedding"]
    except (KeyError, IndexError, TypeError):
        return False, f"no data[0].embedding in the response: {_shorten(json.dumps(body))}"
    if not isinstance(vector, list):
        return False, f"data[0].embedding is not a list: {_shorten(json.dumps(vector))}"
    if len(vector) != probe.dimension:
        return False, f"embedding has {len(vector)} entries, expected {probe.dimension}"
    return True, f"embedding has {len(vector)} entries"


def probe_log(probe: ProbeConfig, log_path: Path, timeout: float) -> Outcome:
    """Pass when ``pattern`` shows up in the log within ``timeout``.

    With a ``url`` a chat completion is sent first and only the log written after it is
    searched, so a line from start-up cannot pass for the answer to the request.
    """
    deadline = time.monotonic() + timeout
    regex = re.compile(_required(probe.pattern))
    offset, failed_request = 0, ""
    if probe.url:
        offset = _size(log_path)
        _, error = post_json(probe.url, chat_body(probe), timeout)
        failed_request = f" (the request failed: {error})" if error else ""
    for line in _follow(log_path, offset, deadline):
        if regex.search(line):
            return True, f"log: {_shorten(line.strip(), 120)}"
    return False, f"{probe.pattern!r} not in the log within {timeout:g}s{failed_request}"


def probe_file(probe: ProbeConfig, root: Path, timeout: float) -> Outcome:
    """Pass when the response names ``file://`` paths (anywhere) that exist and are not empty."""
    body, error = post_json(_required(probe.url), chat_body(probe), timeout)
    if error:
        return False, error
    urls = list(dict.fromkeys(file_urls(body)))
    if not urls:
        return False, f"the response names no file:// path: {_shorten(json.dumps(body))}"
    for url in urls:
        path = file_url_path(url, root)
        if not path.is_file():
            return False, f"{url} does not exist"
        if path.stat().st_size == 0:
            return False, f"{url} is empty"
    sizes = ", ".join(f"{url} ({file_url_path(url, root).stat().st_size} bytes)" for url in urls)
    return True, f"wrote {sizes}"


def probe_command(
    probe: ProbeConfig, root: Path, env: Mapping[str, str], timeout: float
) -> Outcome:
    """Run ``command`` with the shell in ``root``; pass on exit 0 within ``timeout``."""
    command = _required(probe.command)
    with tempfile.TemporaryFile() as output:
        process = subprocess.Popen(
            command,
            shell=True,
            cwd=root,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            code = process.wait(timeout=max(timeout, 0.1))
        except subprocess.TimeoutExpired:
            _kill_group(process)
            return False, f"`{command}` still running after {timeout:g}s"
        finally:
            if process.returncode is None:  # interrupted: leave nothing behind
                _kill_group(process)
        output.seek(0)
        lines = output.read().decode("utf-8", "replace").strip().splitlines()
    last = f": {_shorten(lines[-1])}" if lines else ""
    if code != 0:
        return False, f"`{command}` exited {code}{last}"
    return True, f"`{command}` exited 0"


def run_probe(
    probe: ProbeConfig, *, root: Path, env: Mapping[str, str], log_path: Path, timeout: float
) -> Outcome:
    """Run ``probe`` (of any kind), giving it at most ``timeout`` seconds."""
    if probe.kind == "chat":
        return probe_chat(probe, timeout)
    if probe.kind == "embeddings":
        return probe_embeddings(probe, timeout)
    if probe.kind == "log":
        return probe_log(probe, log_path, timeout)
    if probe.kind == "file":
        return probe_file(probe, root, timeout)
    if probe.kind == "command":
        return probe_command(probe, root, env, timeout)
    return False, f"unknown probe kind {probe.kind!r}"


def file_urls(value: Any) -> Iterator[str]:
    """Every ``file://...`` URL in the strings of a decoded JSON value, in order."""
    if isinstance(value, str):
        yield from _FILE_URL.findall(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from file_urls(item)
    elif isinstance(value, list):
        for item in value:
            yield from file_urls(item)


def file_url_path(url: str, root: Path) -> Path:
    """The path a ``file://`` URL names; a relative one is taken from ``root``."""
    raw = url.removeprefix("file://")
    if raw.startswith("localhost/"):
        raw = raw.removeprefix("localhost")
    path = Path(unquote(raw))
    return path if path.is_absolute() else root / path


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` is this machine (``localhost``, 127.0.0.0/8, ::1, 0.0.0.0)."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _opener(url: str) -> urllib.request.OpenerDirector:
    if is_loopback(urlparse(url).hostname):
        return urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener()


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the probe command's own fresh group, then reap its leader.

    The leader is not reaped before the signal, so the group id cannot belong to anyone else.
    """
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _follow(path: Path, offset: int, deadline: float) -> Iterator[str]:
    """Lines appended to ``path`` after ``offset`` until ``deadline`` (the last may be partial)."""
    pending = b""
    with open(path, "rb") as log:
        log.seek(offset)
        while True:
            pending += log.read()
            *complete, pending = pending.split(b"\n")
            for line in complete:
                yield line.decode("utf-8", "replace")
            if pending:
                yield pending.decode("utf-8", "replace")
            if time.monotonic() >= deadline:
                return
            time.sleep(LOG_POLL_SECONDS)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _required(value: str | None) -> str:
    if value is None:  # config validation makes this unreachable
        raise ValueError("probe is missing a required key")
    return value


def _shorten(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
