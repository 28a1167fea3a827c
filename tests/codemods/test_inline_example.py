"""``compatlint inline`` through the command line: the example project after a deep prune,
and a small project whose shim is left trivial and deleted."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from compatlint.cli import main

SHIM = "src/servo/_compat.py"
CHAT = "src/servo/handlers/chat.py"
EMBED = "src/servo/handlers/embed.py"
MULTIMODAL = "src/servo/handlers/multimodal.py"
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")


def git(root: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def committed(root: Path) -> Path:
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start")
    return root


def cli(root: Path, *args: str):
    return CliRunner().invoke(main, [*args, "--config", str(root / "pyproject.toml")])


def read(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


def snapshot(root: Path) -> dict[str, bytes]:
    """The project's files (not git's, nor compatlint's own cache, which ignores itself)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts and ".compatlint_cache" not in p.parts
    }


@pytest.fixture(scope="module")
def pruned(tmp_path_factory: pytest.TempPathFactory, example_root_path: Path) -> Path:
    """The example, committed, then pruned at 0.5.99 (left uncommitted)."""
    root = tmp_path_factory.mktemp("inline") / "sglang-backend"
    shutil.copytree(
        example_root_path, root, ignore=shutil.ignore_patterns(".ruff_cache", ".compatlint_cache")
    )
    committed(root)
    result = cli(root, "prune", "--floor", "0.5.99", "--allow-dirty")
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def example_root_path() -> Path:
    return Path(__file__).resolve().parents[2] / "examples" / "sglang-backend"


@pytest.fixture
def project(tmp_path: Path, pruned: Path) -> Path:
    root = tmp_path / "sglang-backend"
    shutil.copytree(pruned, root, symlinks=True)
    return root


def test_diff_and_check_write_nothing(project: Path) -> None:
    before = snapshot(project)
    result = cli(project, "inline", "--diff")
    assert result.exit_code == 1, result.output
    assert "+from sglang.srt.entrypoints.openai.protocol import ChatCompletionRequest\n" in (
        result.stdout
    )
    assert "-        self.tokenizer = _compat.get_tokenizer(model_path)\n" in result.stdout
    assert "inline: 4 names would be inlined, 3 importers, 4 files" in result.stderr
    assert cli(project, "inline", "--check").exit_code == 1
    assert snapshot(project) == before


def test_refuses_files_with_uncommitted_changes(project: Path) -> None:
    # prune left the shim and chat.py modified but not committed.
    result = cli(project, "inline")
    assert result.exit_code == 2
    assert "uncommitted changes in" in result.stderr
    assert "src/servo/_compat.py" in result.stderr


def test_prune_then_inline_end_to_end(project: Path) -> None:
    result = cli(project, "inline", "--allow-dirty")
    assert result.exit_code == 0, result.output
    assert "inline: 4 names inlined, 3 importers, 4 files" in result.stdout
    assert "ServerArgs" in result.stdout  # kept: the shim itself uses it
    chat = read(project, CHAT)
    assert chat.split("\n\n")[3] == textwrap.dedent(
        """\
        from sglang.srt.entrypoints.openai.protocol import ChatCompletionRequest
        from sglang.srt.managers.io_struct import GenerateReqInput
        from sglang.srt.managers.template_manager import TemplateManager
        from sglang.srt.utils.network import NetworkAddress"""
    )
    # ensure_legacy_tokenizer_patch stays: prune keeps a tagged wrapper that does work.
    assert (
        "from servo._compat import (\n    ServerArgs,\n    ensure_legacy_tokenizer_patch,\n"
        "    filter_supported_kwargs,"
    ) in chat
    embed = read(project, EMBED)
    assert "from sglang.srt.tokenizer import get_tokenizer\n\nfrom servo import _compat\n" in embed
    assert "self.tokenizer = get_tokenizer(model_path)" in embed
    assert "_compat.get_model_config(engine)" in embed
    multimodal = read(project, MULTIMODAL)
    assert "from sglang.srt.multimodal.mm_utils import MultimodalDataItem\n" in multimodal
    assert "from .._compat import load_processor_base\n" in multimodal
    shim = read(project, SHIM)
    for gone in ("ChatCompletionRequest", "NetworkAddress", "MultimodalDataItem", "get_tokenizer"):
        assert gone not in shim, gone
    assert "from sglang.srt.server_args import ServerArgs" in shim

    # Everything compiles, nothing is undefined, the handlers are still isort-clean.
    for path in sorted((project / "src").rglob("*.py")):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")
    if RUFF is not None:
        for select in ("F821", "I"):
            handlers = [str(project / p) for p in (CHAT, EMBED, MULTIMODAL)]
            targets = [str(project / "src")] if select == "F821" else handlers
            checked = subprocess.run(
                [RUFF, "check", "--no-cache", "--select", select, *targets],
                cwd=project,
                capture_output=True,
                text=True,
                check=False,
            )
            assert checked.returncode == 0, checked.stdout
    # check still runs (exit 1: findings remain, not 2: an error).
    assert cli(project, "check").exit_code in (0, 1)
    # Idempotent.
    after = snapshot(project)
    again = cli(project, "inline", "--allow-dirty", "--format", "json")
    assert again.exit_code == 0, again.output
    payload = json.loads(again.stdout)
    assert payload["changed"] is False and payload["files"] == []
    assert snapshot(project) == after
    assert cli(project, "inline", "--check").exit_code == 0


def test_json_report(project: Path) -> None:
    result = cli(project, "inline", "--check", "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert payload["mode"] == "check" and payload["written"] is False
    names = {item["name"]: item for item in payload["inlined"]}
    assert sorted(names) == [
        "ChatCompletionRequest",
        "MultimodalDataItem",
        "NetworkAddress",
        "get_tokenizer",
    ]
    assert names["get_tokenizer"]["importers"] == [
        {
            "path": EMBED,
            "line": 18,  # prune folded a version gate and the two imports it read
            "action": "_compat.get_tokenizer -> get_tokenizer (1 use); "
            "from sglang.srt.tokenizer import get_tokenizer",
        }
    ]
    assert payload["deleted"] == []
    assert payload["kept"] == [
        {
            "shim": SHIM,
            "line": 30,
            "name": "ServerArgs",
            "reason": "used by the shim itself (line 154)",
        }
    ]
    # The project sets known-first-party itself: ruff runs with its settings, nothing added.
    assert payload["sorter"] == {
        "sorter": "ruff",
        "settings": "pyproject.toml [tool.ruff]",
        "options": [],
    }


def test_only_restricts_the_names(project: Path) -> None:
    result = cli(project, "inline", "--allow-dirty", "--only", "NetworkAddress", "--only", "Nope")
    assert result.exit_code == 0, result.output
    assert "--only Nope: no shim re-exports it" in result.stderr
    chat = read(project, CHAT)
    assert "from sglang.srt.utils.network import NetworkAddress\n" in chat
    assert "    ChatCompletionRequest,\n" in chat
    assert "_compat.get_tokenizer(" in read(project, EMBED)


# -- a shim left trivial --------------------------------------------------------------------

PYPROJECT = """\
[tool.compatlint]
upstream = "sglang"
shim = ["src/app/_compat.py"]
src = ["src"]

[tool.ruff.lint.isort]
known-first-party = ["app"]
"""

FILES = {
    "src/app/__init__.py": '"""App."""\n\nfrom . import _compat  # noqa: F401\n',
    "src/app/_compat.py": (
        '"""Compat."""\n\nfrom sglang.srt.a import A, B\n\n__all__ = ["A", "B"]\n'
    ),
    "src/app/run.py": (
        "import os\n\nimport app._compat as compat\n\n\ndef run():\n    return compat.A(os)\n"
    ),
    "src/app/other.py": "from ._compat import (\n    A,\n    B,\n)\n\nprint(A, B)\n",
}


@pytest.fixture
def small(tmp_path: Path) -> Path:
    root = tmp_path / "small"
    for rel, text in {"pyproject.toml": PYPROJECT, **FILES}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return committed(root)


def test_trivial_shim_is_deleted(small: Path) -> None:
    diff = cli(small, "inline", "--diff")
    assert diff.exit_code == 1
    assert "--- a/src/app/_compat.py\n+++ /dev/null\n" in diff.stdout
    result = cli(small, "inline")
    assert result.exit_code == 0, result.output
    assert "Deleted src/app/_compat.py" in result.stdout
    assert not (small / "src/app/_compat.py").exists()
    assert read(small, "src/app/__init__.py") == '"""App."""\n'
    assert read(small, "src/app/run.py") == (
        "import os\n\nfrom sglang.srt.a import A\n\n\ndef run():\n    return A(os)\n"
    )
    assert read(small, "src/app/other.py") == "from sglang.srt.a import A, B\n\nprint(A, B)\n"
    status = git(small, "status", "--porcelain")
    assert " D src/app/_compat.py" in status
    assert "shim = []\n" in read(small, "pyproject.toml")
    assert cli(small, "check").exit_code == 0  # the config still loads without the shim


def test_paths_select_shims(project: Path) -> None:
    assert cli(project, "inline", "--check", str(project / SHIM)).exit_code == 1
    result = cli(project, "inline", "--check", str(project / "src/servo/handlers"))
    assert result.exit_code == 2
    assert "is not a configured shim and holds none" in result.stderr
    assert cli(project, "inline", "--diff", "--check").exit_code == 2
