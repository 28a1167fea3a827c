"""``[tool.compatlint.walk]`` validation: defaults, good tables, and errors that name the key."""

from __future__ import annotations

import sys

import pytest

from compatlint.errors import ConfigError
from compatlint.runner.config import (
    DEFAULT_LOG_IGNORE,
    DEFAULT_PROBE_TIMEOUT,
    ProbeConfig,
    WalkConfig,
    loopback_url,
    parse_walk_config,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CHAT = {"kind": "chat", "ready": ":8000/health", "url": ":8000/v1/chat/completions"}


def parse_toml(text: str) -> WalkConfig:
    raw = tomllib.loads(text)["tool"]["compatlint"]["walk"]
    return parse_walk_config(raw, source="pyproject.toml", text=text)


def error_of(raw: dict) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_walk_config(raw)
    return str(caught.value)


def test_defaults() -> None:
    config = parse_walk_config({})
    assert config == WalkConfig()
    assert config.scripts == "launch/*.sh"
    assert config.timeout == 900 and config.ready_timeout == 600
    assert config.log_ignore == DEFAULT_LOG_IGNORE
    assert config.probe_for("agg.sh") is None


def test_full_table() -> None:
    config = parse_toml(
        """
        [tool.compatlint.walk]
        scripts = "scripts/*.sh"
        order = ["agg", "disagg.sh"]
        timeout = 120
        ready-timeout = 30.5
        log-ignore = ["^DEBUG"]
        env = { SGLANG_DISABLE_CUDNN_CHECK = "1" }
        gpus = { "big.sh" = 4 }

        [tool.compatlint.walk.probes."agg.sh"]
        kind = "chat"
        ready = "http://localhost:8000/health"
        url = "http://localhost:8000/v1/chat/completions"
        model = "Qwen/Qwen3-0.6B"
        timeout = 30

        [tool.compatlint.walk.probes.embed]
        kind = "embeddings"
        ready = ":8001/health"
        url = ":8001/v1/embeddings"
        dimension = 1024
        body = { model = "e5", input = ["a", "b"] }

        [tool.compatlint.walk.probes."disagg.sh"]
        kind = "log"
        ready = ":8000/health"
        url = ":8000/v1/chat/completions"
        pattern = "Selected worker: \\\\d+"

        [tool.compatlint.walk.probes."gen.sh"]
        kind = "file"
        ready = ":8002/health"
        url = ":8002/v1/generate"

        [tool.compatlint.walk.probes."smoke.sh"]
        kind = "command"
        command = "curl -sf localhost:8000/v1/models"
        """.replace("        ", "")
    )
    assert config.scripts == "scripts/*.sh"
    assert config.order == ("agg", "disagg.sh")
    assert config.timeout == 120.0 and config.ready_timeout == 30.5
    assert config.log_ignore == ("^DEBUG",)
    assert config.env == {"SGLANG_DISABLE_CUDNN_CHECK": "1"}
    assert config.gpus_for("big.sh") == 4 and config.gpus_for("other.sh") is None
    agg = config.probe_for("agg.sh")
    assert agg == ProbeConfig(
        kind="chat",
        ready="http://localhost:8000/health",
        url="http://localhost:8000/v1/chat/completions",
        model="Qwen/Qwen3-0.6B",
        timeout=30.0,
    )
    embed = config.probe_for("embed.sh")  # configured by stem
    assert embed is not None and embed.dimension == 1024
    assert embed.url == "http://127.0.0.1:8001/v1/embeddings"
    assert embed.body == {"model": "e5", "input": ["a", "b"]}
    disagg = config.probe_for("disagg.sh")
    assert disagg is not None and disagg.pattern == r"Selected worker: \d+"
    assert disagg.timeout == DEFAULT_PROBE_TIMEOUT
    assert config.probe_for("smoke.sh") == ProbeConfig(
        kind="command", command="curl -sf localhost:8000/v1/models"
    )
    assert config.with_timeout(5).timeout == 5


def test_log_probe_without_url_needs_no_ready() -> None:
    config = parse_walk_config({"probes": {"a": {"kind": "log", "pattern": "up"}}})
    assert config.probe_for("a.sh") == ProbeConfig(kind="log", pattern="up")


def test_empty_log_ignore_turns_filtering_off() -> None:
    assert parse_walk_config({"log-ignore": []}).log_ignore == ()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (":8000/health", "http://127.0.0.1:8000/health"),
        (":8000", "http://127.0.0.1:8000/"),
        ("http://10.0.0.2:30000/v1/x", "http://10.0.0.2:30000/v1/x"),
        ("https://example.com/x", "https://example.com/x"),
        ("localhost:8000/health", None),
        ("ftp://host/x", None),
        ("/health", None),
    ],
)
def test_loopback_url(value: str, expected: str | None) -> None:
    assert loopback_url(value) == expected


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"script": "x"}, "unknown key 'script' (did you mean 'scripts'?)"),
        ({"scripts": 3}, "'scripts' must be a glob"),
        ({"scripts": "/abs/*.sh"}, "relative to the project root"),
        ({"scripts": "../other/*.sh"}, "relative to the project root"),
        ({"order": "agg"}, None),  # a single name is fine
        ({"order": [1]}, "'order' must be a list of strings"),
        ({"timeout": "10"}, "'timeout' must be a number of seconds > 0"),
        ({"timeout": 0}, "'timeout' must be a number of seconds > 0"),
        ({"ready-timeout": True}, "'ready-timeout' must be a number"),
        ({"env": ["A=1"]}, "'env' must be a table"),
        ({"env": {"A": 1}}, "'env.A' must be a string (quote it)"),
        ({"env": {"BAD-NAME": "1"}}, "'env.BAD-NAME' is not a valid environment variable"),
        ({"env": {"COMPATLINT_WALK_MARKER": "x"}}, "set by compatlint walk itself"),
        ({"gpus": {"a.sh": -1}}, "'gpus.a.sh' must be a whole number >= 0"),
        ({"gpus": {"a.sh": 1.5}}, "'gpus.a.sh' must be a whole number >= 0"),
        ({"gpus": {"a.sh": True}}, "'gpus.a.sh' must be a whole number >= 0"),
        ({"log-ignore": ["("]}, "'log-ignore': '(' is not a valid regex"),
        ({"probes": ["a"]}, "'probes' must be a table"),
        ({"probes": {"a": "chat"}}, "'probes.\"a\"' must be a table"),
        ({"probes": {"a": {}}}, "'probes.\"a\".kind' is missing"),
        ({"probes": {"a": {"kind": "grpc"}}}, "'probes.\"a\".kind' is 'grpc'; use one of chat"),
        ({"probes": {"a": {**CHAT, "uri": "x"}}}, "unknown key 'probes.\"a\".uri'"),
        ({"probes": {"a": {**CHAT, "dimension": 3}}}, "'probes.\"a\".dimension' does not apply"),
        ({"probes": {"a": {"kind": "chat", "url": ":1/x"}}}, "of kind 'chat' needs 'ready'"),
        ({"probes": {"a": {"kind": "chat", "ready": ":1/x"}}}, "of kind 'chat' needs 'url'"),
        (
            {"probes": {"a": {**CHAT, "kind": "embeddings"}}},
            "of kind 'embeddings' needs 'dimension'",
        ),
        (
            {"probes": {"a": {**CHAT, "kind": "embeddings", "dimension": 0}}},
            "'probes.\"a\".dimension' must be a whole number >= 1",
        ),
        ({"probes": {"a": {"kind": "log"}}}, "of kind 'log' needs 'pattern'"),
        (
            {"probes": {"a": {"kind": "log", "pattern": "x", "url": ":1/v"}}},
            "of kind 'log' needs 'ready'",
        ),
        ({"probes": {"a": {"kind": "log", "pattern": "[x"}}}, "is not a valid regex"),
        ({"probes": {"a": {"kind": "command"}}}, "of kind 'command' needs 'command'"),
        ({"probes": {"a": {"kind": "command", "command": ""}}}, "must be a non-empty string"),
        ({"probes": {"a": {"kind": "command", "command": ["ls"]}}}, "must be a non-empty string"),
        ({"probes": {"a": {**CHAT, "url": "localhost:8000/v1"}}}, "must be an http(s) URL"),
        ({"probes": {"a": {**CHAT, "timeout": -1}}}, "'probes.\"a\".timeout' must be a number"),
        ({"probes": {"a": {**CHAT, "body": "{}"}}}, "'probes.\"a\".body' must be a table"),
    ],
)
def test_errors_name_the_key(raw: dict, fragment: str | None) -> None:
    if fragment is None:
        parse_walk_config(raw)
        return
    message = error_of(raw)
    assert message.startswith("[tool.compatlint.walk] ")
    assert fragment in message


def test_error_points_at_the_line_of_the_key() -> None:
    text = (
        "[tool.compatlint.walk]\n"
        "timeout = 60\n"
        "\n"
        '[tool.compatlint.walk.probes."agg.sh"]\n'
        'kind = "chat"\n'
        'ready = ":8000/health"\n'
        'url = ":8000/v1/chat/completions"\n'
        "\n"
        '[tool.compatlint.walk.probes."embed.sh"]\n'
        'kind = "embeddings"\n'
        'ready = ":8001/health"\n'
        'url = ":8001/v1/embeddings"\n'
        'dimension = "1024"\n'
    )
    with pytest.raises(ConfigError) as caught:
        parse_toml(text)
    assert caught.value.path == "pyproject.toml"
    assert caught.value.line == 13
    assert "dimension" in str(caught.value)
    assert str(caught.value).startswith("pyproject.toml:13: [tool.compatlint.walk]")


def test_error_in_an_inline_probe_table_points_at_its_line() -> None:
    text = (
        "[tool.compatlint.walk]\n"
        "[tool.compatlint.walk.probes]\n"
        'a = { kind = "chat", ready = ":1/h", url = ":1/u" }\n'
        'b = { kind = "command" }\n'
    )
    with pytest.raises(ConfigError) as caught:
        parse_toml(text)
    assert caught.value.line == 4
    assert "of kind 'command' needs 'command'" in str(caught.value)
