"""``Workspace.apply``: all-or-nothing writes that keep encoding, BOM, newlines and modes;
and the git guard and commit used by ``prune``."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest
from helpers import make_config

from compatlint.config import Config
from compatlint.errors import WorkspaceError
from compatlint.model import Edit
from compatlint.workspace import Workspace

OLD = "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+"
SHIM_TEXT = (
    f"try:\n    from sglang.srt.new import A\nexcept ImportError:\n    {OLD}\n"
    "    from sglang.srt.old import A\n"
)


def _workspace(root: Path) -> Workspace:
    base = make_config()
    config = Config(
        root=root,
        config_path=root / "pyproject.toml",
        upstreams=base.upstreams,
        shims=base.shims,
        src=base.src,
        floors=base.floors,
    )
    return Workspace(config)


def _files(root: Path, **files: bytes) -> None:
    for rel, data in files.items():
        path = root / rel.replace("__", "/")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def test_apply_keeps_crlf_bom_and_permissions(tmp_path: Path) -> None:
    _files(tmp_path, pkg__a_py=b"\xef\xbb\xbfx = 1\r\ny = 2\r\n", pkg__b_py=b"z = 3\n")
    (tmp_path / "pkg/b_py").chmod(0o751)
    workspace = _workspace(tmp_path)
    text = workspace.read("pkg/a_py")
    assert text == "x = 1\r\ny = 2\r\n"
    written = workspace.apply(
        [Edit("pkg/a_py", text.replace("2", "20"), text), Edit("pkg/b_py", "z = 30\n", "z = 3\n")]
    )
    assert written == ["pkg/a_py", "pkg/b_py"]
    assert (tmp_path / "pkg/a_py").read_bytes() == b"\xef\xbb\xbfx = 1\r\ny = 20\r\n"
    assert stat.S_IMODE((tmp_path / "pkg/b_py").stat().st_mode) == 0o751
    assert workspace.read("pkg/a_py") == "x = 1\r\ny = 20\r\n"
    assert sorted(p.name for p in (tmp_path / "pkg").iterdir()) == ["a_py", "b_py"]


def test_apply_deletes_and_creates(tmp_path: Path) -> None:
    _files(tmp_path, pkg__gone_py=b"x = 1\n")
    workspace = _workspace(tmp_path)
    workspace.apply([Edit("pkg/gone_py", None, "x = 1\n"), Edit("pkg/new_py", "y = 1\n", "")])
    assert not (tmp_path / "pkg/gone_py").exists()
    assert (tmp_path / "pkg/new_py").read_text() == "y = 1\n"


def test_a_failure_halfway_leaves_every_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    originals = {f"pkg__m{i}_py": f"value = {i}\r\n".encode() for i in range(4)}
    _files(tmp_path, **originals)
    _files(tmp_path, pkg__gone_py=b"old = True\n")
    workspace = _workspace(tmp_path)
    edits = [Edit(f"pkg/m{i}_py", f"value = {i * 10}\n", "") for i in range(4)]
    edits.insert(1, Edit("pkg/gone_py", None, ""))
    real_replace = os.replace

    def failing_replace(source, target):
        if Path(target).name == "m2_py":  # the writes before succeed, then the disk "fills up"
            raise OSError(28, "No space left on device")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(WorkspaceError) as error:
        workspace.apply(edits)
    assert "no file was changed" in str(error.value)
    assert "pkg/m2_py" in str(error.value)
    monkeypatch.undo()
    for rel, data in originals.items():
        assert (tmp_path / rel.replace("__", "/")).read_bytes() == data
    assert (tmp_path / "pkg/gone_py").read_bytes() == b"old = True\n"
    assert not [p for p in (tmp_path / "pkg").iterdir() if p.name.endswith(".tmp")]


def test_a_failure_while_staging_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _files(tmp_path, pkg__a_py=b"a = 1\n", pkg__b_py=b"b = 1\n")
    workspace = _workspace(tmp_path)
    real_fdopen = os.fdopen
    calls = {"n": 0}

    def failing_fdopen(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(13, "Permission denied")
        return real_fdopen(*args, **kwargs)

    monkeypatch.setattr(os, "fdopen", failing_fdopen)
    with pytest.raises(WorkspaceError, match="pkg/b_py: cannot write: Permission denied"):
        workspace.apply([Edit("pkg/a_py", "a = 2\n", ""), Edit("pkg/b_py", "b = 2\n", "")])
    assert (tmp_path / "pkg/a_py").read_bytes() == b"a = 1\n"
    assert sorted(p.name for p in (tmp_path / "pkg").iterdir()) == ["a_py", "b_py"]


# -- git --------------------------------------------------------------------------------------


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "user.email", "dev@example.com")
    _git(root, "config", "user.name", "Dev")
    _git(root, "config", "commit.gpgsign", "false")
    (root / "pyproject.toml").write_text(
        '[tool.compatlint]\nupstream = "sglang"\nshim = ["pkg/_compat.py"]\nfloor = "0.5.9"\n'
    )
    (root / "pkg").mkdir()
    (root / "pkg/__init__.py").write_text("")
    (root / "pkg/_compat.py").write_bytes(SHIM_TEXT.replace("\n", "\r\n").encode())
    (root / "pkg/other.py").write_text("x = 1\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "initial")
    return root


def _prune(root: Path, *args: str):
    from click.testing import CliRunner

    from compatlint.cli import main

    return CliRunner().invoke(
        main, ["prune", "--config", str(root / "pyproject.toml"), "--floor", "0.5.10", *args]
    )


def test_dirty_files_are_refused_by_name(repo: Path) -> None:
    (repo / "pkg/_compat.py").write_bytes((repo / "pkg/_compat.py").read_bytes() + b"# wip\r\n")
    before = (repo / "pkg/_compat.py").read_bytes()
    result = _prune(repo)
    assert result.exit_code == 2
    assert "uncommitted changes in pkg/_compat.py" in result.output
    assert (repo / "pkg/_compat.py").read_bytes() == before
    allowed = _prune(repo, "--allow-dirty")
    assert allowed.exit_code == 0, allowed.output
    assert (repo / "pkg/_compat.py").read_bytes() == b"from sglang.srt.new import A\r\n# wip\r\n"


def test_a_dirty_file_prune_does_not_touch_is_fine(repo: Path) -> None:
    (repo / "pkg/other.py").write_text("x = 2\n")
    assert _prune(repo).exit_code == 0
    assert (repo / "pkg/_compat.py").read_bytes() == b"from sglang.srt.new import A\r\n"


def test_commit_takes_only_the_files_prune_touched(repo: Path) -> None:
    (repo / "pkg/other.py").write_text("x = 2\n")
    _git(repo, "add", "pkg/other.py")
    (repo / "notes.txt").write_text("untracked\n")
    result = _prune(repo, "--commit")
    assert result.exit_code == 0, result.output
    assert "committed " in result.output
    assert _git(repo, "log", "-1", "--format=%s").strip() == (
        "compat: prune sglang fallbacks below 0.5.10"
    )
    assert _git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["pkg/_compat.py"]
    status = _git(repo, "status", "--porcelain").splitlines()
    assert "M  pkg/other.py" in status  # still staged, not committed
    assert "?? notes.txt" in status
    assert (repo / "pkg/_compat.py").read_bytes() == b"from sglang.srt.new import A\r\n"


def test_commit_message_names_track_floors(repo: Path) -> None:
    with (repo / "pyproject.toml").open("a") as config:
        config.write('[tool.compatlint.tracks]\nxpu = "0.5.11"\n')
    _git(repo, "commit", "-q", "-am", "an xpu track")
    result = _prune(repo, "--floor", "xpu=0.5.19", "--commit")
    assert result.exit_code == 0, result.output
    assert _git(repo, "log", "-1", "--format=%s").strip() == (
        "compat: prune sglang fallbacks below 0.5.10 (xpu track below 0.5.19)"
    )


def test_commit_with_nothing_to_prune_commits_nothing(repo: Path) -> None:
    head = _git(repo, "rev-parse", "HEAD")
    from click.testing import CliRunner

    from compatlint.cli import main

    result = CliRunner().invoke(
        main,
        ["prune", "--config", str(repo / "pyproject.toml"), "--floor", "0.5.9", "--commit"],
    )
    assert result.exit_code == 0
    assert "nothing committed" in result.output
    assert _git(repo, "rev-parse", "HEAD") == head


def test_bom_and_crlf_survive_a_prune(tmp_path: Path) -> None:
    root = tmp_path / "p"
    (root / "pkg").mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        '[tool.compatlint]\nupstream = "sglang"\nshim = ["pkg/_compat.py"]\n'
    )
    data = (
        b"\xef\xbb\xbf" + ("# -*- coding: utf-8 -*-\n" + SHIM_TEXT).replace("\n", "\r\n").encode()
    )
    (root / "pkg/_compat.py").write_bytes(data)
    (root / "pkg/_compat.py").chmod(0o640)
    result = _prune(root, "--allow-dirty")
    assert result.exit_code == 0, result.output
    assert (root / "pkg/_compat.py").read_bytes() == (
        b"\xef\xbb\xbf# -*- coding: utf-8 -*-\r\nfrom sglang.srt.new import A\r\n"
    )
    assert stat.S_IMODE((root / "pkg/_compat.py").stat().st_mode) == 0o640
