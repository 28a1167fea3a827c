"""A tiny OpenAI-compatible server standing in for an inference frontend (stdlib only).

    python stub_server.py --port 8000 [--dimension 8] [--log-selected-worker] ...

Endpoints: ``GET /health`` (200 once ready, 503 before), ``POST /v1/chat/completions``,
``POST /v1/embeddings`` (a vector of ``--dimension`` entries), ``POST /v1/generate`` and
``POST /v1/images/generations`` (write a non-empty file, answer its ``file://`` URL).
Everything else is 404 and, like any access, logged to stderr in the usual
``"GET / HTTP/1.1" 404`` form. ``--worker`` runs no server: it imitates an inference worker
that logs a line and waits to be stopped.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import signal
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, help="port to serve on (required unless --worker)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--model", default="stub-model")
    parser.add_argument("--dimension", type=int, default=8, help="embedding size")
    parser.add_argument("--ready-after", type=float, default=0.0, help="seconds of 503 first")
    parser.add_argument("--never-ready", action="store_true", help="/health is always 503")
    parser.add_argument(
        "--log-selected-worker", action="store_true", help="print 'Selected worker: 1' per chat"
    )
    parser.add_argument("--output-dir", help="where generated files go (default: a temp dir)")
    parser.add_argument("--empty-output", action="store_true", help="generate empty files")
    parser.add_argument("--chat-status", type=int, default=200, help="HTTP status of chats")
    parser.add_argument(
        "--noise-interval", type=float, default=0.0, help="GET / (a 404) on itself every S s"
    )
    parser.add_argument("--ignore-sigterm", action="store_true", help="only SIGKILL ends it")
    parser.add_argument("--worker", action="store_true", help="no server: log and wait")
    parser.add_argument("--name", default="stub", help="name used in log lines")
    args = parser.parse_args(argv)
    if args.port is None and not args.worker:
        parser.error("--port is required unless --worker")
    return args


class StubHandler(BaseHTTPRequestHandler):
    server: StubServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if self.path == "/health":
            ready = self.server.is_ready()
            self.send_json(200 if ready else 503, {"status": "ok" if ready else "loading"})
        elif self.path == "/v1/models":
            self.send_json(200, {"object": "list", "data": [{"id": self.server.args.model}]})
        else:
            self.send_json(404, {"error": "not found"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            self.send_json(400, {"error": "body is not JSON"})
            return
        args = self.server.args
        if self.path == "/v1/chat/completions":
            if args.log_selected_worker:
                print("Selected worker: 1", flush=True)
            if args.chat_status != 200:
                self.send_json(args.chat_status, {"error": "chat disabled"})
                return
            self.send_json(200, chat_response(args.model))
        elif self.path == "/v1/embeddings":
            vector = [round(0.01 * i, 4) for i in range(args.dimension)]
            data = [{"object": "embedding", "index": 0, "embedding": vector}]
            self.send_json(200, {"object": "list", "model": args.model, "data": data})
        elif self.path in ("/v1/generate", "/v1/images/generations"):
            path = self.server.write_output(body)
            self.send_json(200, {"created": int(time.time()), "data": [{"url": path.as_uri()}]})
        else:
            self.send_json(404, {"error": "not found"})

    def send_json(self, status: int, payload: object) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        if self.path != "/health":  # the readiness polls would drown everything else
            super().log_message(format, *args)


class StubServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__((args.host, args.port), StubHandler)
        self.args = args
        self.started = time.monotonic()
        self.output_dir = Path(args.output_dir or tempfile.mkdtemp(prefix="stub-output-"))
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self.counter = itertools.count(1)
        self.lock = threading.Lock()

    def is_ready(self) -> bool:
        if self.args.never_ready:
            return False
        return time.monotonic() - self.started >= self.args.ready_after

    def write_output(self, request: object) -> Path:
        with self.lock:
            number = next(self.counter)
        path = self.output_dir / f"output-{os.getpid()}-{number}.bin"
        path.write_bytes(b"" if self.args.empty_output else json.dumps(request).encode() + b"\n")
        return path


def chat_response(model: str) -> dict[str, object]:
    message = {"role": "assistant", "content": "Hello."}
    return {
        "id": f"chatcmpl-{time.monotonic_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 6, "completion_tokens": 2, "total_tokens": 8},
    }


def make_noise(port: int, interval: float) -> None:
    """Imitate the frontend's periodic GET / health probe, which answers 404."""
    url = f"http://127.0.0.1:{port}/"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    while True:
        time.sleep(interval)
        with contextlib.suppress(OSError):
            opener.open(url, timeout=2).close()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.ignore_sigterm:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if args.worker:
        print(f"{args.name}: worker started, model={args.model}", flush=True)
        while True:
            time.sleep(3600)
    server = StubServer(args)
    print(f"{args.name}: serving {args.model} on {args.host}:{args.port}", flush=True)
    if args.noise_interval > 0:
        noise = threading.Thread(target=make_noise, args=(args.port, args.noise_interval))
        noise.daemon = True
        noise.start()
    try:
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
