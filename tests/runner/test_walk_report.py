"""Log noise filtering, log excerpts, and the Markdown / JSON / rich renderings."""

from __future__ import annotations

import io
import json
from pathlib import Path

from compatlint.runner.config import DEFAULT_LOG_IGNORE
from compatlint.runner.report import render_json, render_markdown, render_table, summary
from compatlint.runner.walk import ScriptResult, Status, filter_log_lines, log_excerpt

NOISE = [
    '127.0.0.1 - - [27/Nov/2025 09:00:01] "GET / HTTP/1.1" 404 -',
    'INFO:     127.0.0.1:50312 - "GET / HTTP/1.1" 404 Not Found',
    "2025-11-27T09:00:02Z  WARN http-request{method=GET uri=/ version=HTTP/1.1}: status=404",
    "2025-11-27T09:00:03Z DEBUG request{method=GET uri=/ version=HTTP/1.1} 404 Not Found",
]
SIGNAL = [
    '127.0.0.1 - - [27/Nov/2025 09:00:01] "GET /health HTTP/1.1" 404 -',
    '127.0.0.1 - - [27/Nov/2025 09:00:01] "GET / HTTP/1.1" 200 -',
    "2025-11-27T09:00:02Z  WARN http-request{method=GET uri=/v1/models}: status=404",
    "RuntimeError: CUDA out of memory",
    "Selected worker: 1",
]

RESULTS = [
    ScriptResult("agg.sh", Status.PASS, "chat completion answered (1 choice(s))", "/l/agg.log"),
    ScriptResult(
        "agg_embed.sh",
        Status.FAIL,
        "embedding has 8 entries, expected 1024 | wrong model?",
        "/l/agg_embed.log",
        ("Loading model", "stub: serving on ```port```"),
        3.21,
    ),
    ScriptResult("disagg.sh", Status.SKIPPED, "needs 2 GPUs, 1 present"),
    ScriptResult("slow.sh", Status.TIMEOUT, "not ready", "/l/slow.log", ("loading [x]",)),
]


def test_default_log_ignore_drops_only_the_health_probe_noise() -> None:
    assert filter_log_lines(NOISE + SIGNAL, DEFAULT_LOG_IGNORE) == SIGNAL


def test_filter_strips_colour_and_blank_lines() -> None:
    lines = ["\x1b[32mINFO\x1b[0m started  ", "", "   ", "\x1b[2K\x1b[1;31mERROR\x1b[0m boom"]
    assert filter_log_lines(lines, ()) == ["INFO started", "ERROR boom"]


def test_custom_patterns() -> None:
    assert filter_log_lines(["DEBUG a", "INFO b", "debug c"], [r"^DEBUG"]) == ["INFO b", "debug c"]


def test_log_excerpt_keeps_the_last_relevant_lines(tmp_path: Path) -> None:
    log = tmp_path / "x.log"
    lines = [f"line {i}" for i in range(30)] + NOISE * 3 + ["x" * 1000]
    log.write_text("\n".join(lines) + "\n")
    excerpt = log_excerpt(log, DEFAULT_LOG_IGNORE, limit=3)
    assert excerpt[:2] == ("line 28", "line 29")
    assert excerpt[2].endswith("…") and len(excerpt[2]) == 300
    assert log_excerpt(tmp_path / "missing.log", ()) == ()


def test_log_excerpt_of_a_huge_log_reads_only_its_tail(tmp_path: Path) -> None:
    log = tmp_path / "big.log"
    log.write_text("".join(f"line {i:07d}\n" for i in range(100_000)))
    assert log_excerpt(log, (), limit=2) == ("line 0099998", "line 0099999")


def test_summary() -> None:
    assert summary(RESULTS) == "1 passed, 1 failed, 1 timed out, 1 skipped"


def test_markdown_is_the_worklog_table() -> None:
    text = render_markdown(RESULTS, gpus=1, logdir=Path("/l"))
    lines = text.splitlines()
    assert lines[0] == "| # | Script | Status | Notes |"
    assert lines[1] == "| --- | --- | --- | --- |"
    assert lines[2] == "| 1 | agg.sh | PASS | chat completion answered (1 choice(s)) |"
    assert lines[3] == (
        "| 2 | agg_embed.sh | FAIL | embedding has 8 entries, expected 1024 \\| wrong model? |"
    )
    assert lines[4] == "| 3 | disagg.sh | SKIPPED | needs 2 GPUs, 1 present |"
    assert lines[5] == "| 4 | slow.sh | TIMEOUT | not ready |"
    assert "GPUs present: 1. 1 passed, 1 failed, 1 timed out, 1 skipped. Logs: `/l`." in text
    assert "#### agg_embed.sh (FAIL): last log lines\n\n````text\nLoading model\n" in text
    assert "#### slow.sh (TIMEOUT): last log lines\n\n```text\nloading [x]\n```\n" in text
    assert "agg.sh (PASS)" not in text


def test_json_shape() -> None:
    data = json.loads(render_json(RESULTS, gpus=1, logdir=Path("/l")))
    assert set(data) == {"results", "gpus", "logdir"}
    assert data["gpus"] == 1 and data["logdir"] == "/l"
    first = data["results"][0]
    assert {"script", "status", "notes", "log"} <= set(first)
    assert first == {
        "script": "agg.sh",
        "status": "PASS",
        "notes": "chat completion answered (1 choice(s))",
        "log": "/l/agg.log",
        "log_excerpt": [],
        "seconds": 0.0,
    }
    assert [r["status"] for r in data["results"]] == ["PASS", "FAIL", "SKIPPED", "TIMEOUT"]
    assert data["results"][1]["log_excerpt"] == ["Loading model", "stub: serving on ```port```"]
    assert data["results"][2]["log"] is None


def test_rich_table_renders_markup_free() -> None:
    from rich.console import Console

    out = io.StringIO()
    Console(file=out, width=120, color_system=None).print(render_table(RESULTS, gpus=2))
    text = out.getvalue()
    assert "compatlint walk (2 GPUs present)" in text
    assert "loading [x]" in text  # log text is not taken for rich markup
    for status in ("PASS", "FAIL", "SKIPPED", "TIMEOUT"):
        assert status in text
