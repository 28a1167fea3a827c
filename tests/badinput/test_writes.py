"""Writes that fail leave the tree as it was; git's refusals are one line; files keep
who they are (links, owner, mode).

Each refusal is a fault injected into a real run — a hook, a fake ``git`` on PATH that
says what git says on a full disk or an unsafe repository, a file edited behind the
run's back — and asserts one line, exit 2, and a tree unchanged.

"Unchanged" in a git repository is everything outside ``.git`` byte for byte, plus what
git says the repository is: HEAD, the refs, the index's entries (path, mode, object) and
``git status``. The ``.git`` directory itself is not compared byte for byte: ``git add``
leaves unreferenced objects behind (``git gc`` removes them) and ``git status`` may
rewrite the index's stat cache; neither changes a file, a commit or what is staged.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from compatlint import transaction
from compatlint.commands import fix as fix_command
from compatlint.commands import prune as prune_command
from tests.badinput.harness import (
    SHIM,
    assert_refused,
    run_in_process,
    run_process,
    snapshot,
    write_project,
)

PRUNED = 'from sglang.srt.a import X\n\n__all__ = ["X"]\n'
REAL_GIT = shutil.which("git") or "git"
PRUNE = ["prune", "--floor", "0.5.10"]


def _git(root: Path, *args: str) -> str:
    return subprocess.run(
        [REAL_GIT, *args], cwd=root, check=True, capture_output=True, text=True
    ).stdout


def _repo(root: Path, *, identity: bool = True) -> Path:
    """The harness project, committed in a fresh repository."""
    write_project(root)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "commit.gpgsign", "false")
    _git(root, "config", "user.name", "Dev")
    _git(root, "config", "user.email", "dev@example.com")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "initial")
    if not identity:
        _git(root, "config", "--unset", "user.name")
        _git(root, "config", "--unset", "user.email")
        _git(root, "config", "user.useConfigOnly", "true")  # no guessing from the host name
    return root


def _state(root: Path) -> tuple[object, ...]:
    """What a failed command must not change (see the module docstring)."""
    tree = {k: v for k, v in snapshot(root).items() if k != ".git" and not k.startswith(".git/")}
    return (
        tree,
        _git(root, "rev-parse", "HEAD"),
        _git(root, "for-each-ref"),
        _git(root, "ls-files", "-s", "-z"),
        _git(root, "status", "--porcelain=v1", "-z", "--untracked-files=all"),
    )


def _hook(root: Path, name: str, body: str) -> None:
    hook = root / ".git" / "hooks" / name
    hook.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    hook.chmod(0o755)


def _fake_git(directory: Path, *, fails: str, stderr: str, code: int = 128) -> Path:
    """A ``git`` that runs the real one, except for the subcommands in ``fails`` (``*``:
    all but ``version``), where it prints ``stderr`` and exits ``code``."""
    directory.mkdir()
    script = directory / "git"
    pattern = "*" if fails == "*" else fails
    script.write_text(
        "#!/bin/sh\n"
        'case "$1" in\n'
        f'  version|--version) exec "{REAL_GIT}" "$@" ;;\n'
        f"  {pattern}) printf '%s\\n' \"{stderr}\" >&2; exit {code} ;;\n"
        "esac\n"
        f'exec "{REAL_GIT}" "$@"\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return directory


def _with_path(monkeypatch: pytest.MonkeyPatch, directory: Path) -> None:
    monkeypatch.setenv("PATH", f"{directory}{os.pathsep}{os.environ['PATH']}")


# -- git refuses: before anything is written ----------------------------------------------


def test_commit_outside_git_is_refused_before_writing(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    before = snapshot(root)
    ran = run_in_process(root, [*PRUNE, "--commit", "--allow-dirty"])
    assert_refused(ran, names=str(root), says="--commit needs a git repository")
    assert snapshot(root) == before


def test_commit_without_a_git_identity_is_refused_before_writing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path / "p", identity=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("NAME", "EMAIL"):
        for who in ("AUTHOR", "COMMITTER"):
            monkeypatch.delenv(f"GIT_{who}_{name}", raising=False)
    monkeypatch.delenv("EMAIL", raising=False)
    monkeypatch.delenv("GIT_CONFIG_GLOBAL", raising=False)
    before = _state(root)
    ran = run_in_process(root, [*PRUNE, "--commit"])
    assert_refused(ran, says="git has no identity")
    assert _state(root) == before


@pytest.mark.parametrize(
    "args",
    [PRUNE, [*PRUNE, "--commit", "--allow-dirty"], ["check", "--changed-since", "HEAD"]],
    ids=["prune", "prune-commit-allow-dirty", "check-changed-since"],
)
def test_dubious_ownership_is_one_line_from_a_real_process(tmp_path: Path, args: list[str]) -> None:
    root = _repo(tmp_path / "p")
    said = f"fatal: detected dubious ownership in repository at '{root}'"
    hint = f"git config --global --add safe.directory {root}"
    fake = _fake_git(
        tmp_path / "bin",
        fails="*",
        stderr=f"{said}\nTo add an exception for this directory, call:\n\n\t{hint}",
    )
    before = _state(root)
    ran = run_process(root, args, env={"PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"})
    line = assert_refused(ran, says="detected dubious ownership")
    assert hint in line, line
    assert _state(root) == before


def test_no_git_on_path_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _repo(tmp_path / "p")
    empty = tmp_path / "empty"
    empty.mkdir()
    before = _state(root)
    monkeypatch.setenv("PATH", str(empty))
    ran = run_in_process(root, [*PRUNE, "--commit", "--allow-dirty"])
    monkeypatch.undo()
    assert_refused(ran, says="git is not installed")
    assert _state(root) == before


def test_a_locked_index_is_refused_before_writing(tmp_path: Path) -> None:
    root = _repo(tmp_path / "p")
    (root / ".git" / "index.lock").write_bytes(b"")
    before = _state(root)
    ran = run_in_process(root, [*PRUNE, "--commit"])
    assert_refused(ran, says="index.lock exists")
    assert _state(root) == before


# -- git refuses the commit: the files written are put back ------------------------------


def test_a_hook_that_rejects_the_commit_leaves_the_tree_and_index_as_they_were(
    tmp_path: Path,
) -> None:
    root = _repo(tmp_path / "p")
    _hook(root, "pre-commit", "echo 'lint: 3 errors' >&2\nexit 1")
    # A change the user staged in the shim must stay staged, exactly.
    (root / "pkg/_compat.py").write_text(SHIM + "# staged\n", encoding="utf-8")
    _git(root, "add", "pkg/_compat.py")
    (root / "pkg/_compat.py").write_text(SHIM + "# staged\n# unstaged\n", encoding="utf-8")
    worklog = root / "notes" / "bump.md"
    before = _state(root)
    ran = run_in_process(root, [*PRUNE, "--commit", "--allow-dirty", "--worklog", str(worklog)])
    assert_refused(ran, says="git commit failed: lint: 3 errors; no file was changed")
    assert _state(root) == before
    assert not (root / "notes").exists()


def test_a_hook_that_rejects_silently_still_leaves_the_tree(tmp_path: Path) -> None:
    root = _repo(tmp_path / "p")
    _hook(root, "commit-msg", "exit 1")
    before = _state(root)
    ran = run_in_process(root, [*PRUNE, "--commit"])
    assert_refused(ran, says="git commit failed: exit code 1; no file was changed")
    assert _state(root) == before


@pytest.mark.parametrize("step", ["add", "commit"])
def test_a_full_disk_during_the_commit_leaves_the_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    root = _repo(tmp_path / "p")
    _with_path(
        monkeypatch,
        _fake_git(
            tmp_path / "bin", fails=step, stderr="fatal: write error: No space left on device"
        ),
    )
    before = _state(root)
    ran = run_in_process(root, [*PRUNE, "--commit"])
    assert_refused(ran, says=f"git {step} failed: write error: No space left on device")
    assert _state(root) == before


def test_the_commit_succeeds_with_the_worklog_written(tmp_path: Path) -> None:
    root = _repo(tmp_path / "p")
    ran = run_in_process(root, [*PRUNE, "--commit", "--worklog", "notes/bump.md"])
    assert ran.exit_code == 0, ran.stderr
    assert (root / "pkg/_compat.py").read_text(encoding="utf-8") == PRUNED
    assert (root / "notes/bump.md").read_text(encoding="utf-8").startswith("## Compat")
    assert _git(root, "status", "--porcelain").splitlines() == ["?? notes/"]


# -- the worklog and the edits: all or nothing -------------------------------------------


def test_a_worklog_that_cannot_be_written_stops_the_edits_too(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    before = snapshot(root)
    ran = run_in_process(root, [*PRUNE, "--allow-dirty", "--worklog", "pyproject.toml/bump.md"])
    assert_refused(ran, names="pyproject.toml/bump.md", says="cannot write")
    assert snapshot(root) == before


def test_a_write_that_fails_removes_the_directories_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_project(tmp_path / "p")
    before = snapshot(root)
    real = transaction._write_temp

    def full_disk(target: Path, data: bytes) -> Path:
        if target.name == "bump.md":  # staged last: after the shim's bytes
            raise OSError(28, "No space left on device")
        return real(target, data)

    monkeypatch.setattr(transaction, "_write_temp", full_disk)
    ran = run_in_process(root, [*PRUNE, "--allow-dirty", "--worklog", "a/b/bump.md"])
    assert_refused(ran, names="a/b/bump.md", says="No space left on device")
    assert snapshot(root) == before


# -- the files are not what the plan was made from ---------------------------------------


# The planner each command calls, to wrap with a concurrent edit.
PLANNERS = {
    "prune": (prune_command, "plan_prune", [*PRUNE, "--allow-dirty"]),
    "check-fix": (fix_command, "plan_fixes", ["check", "--fix"]),
}


@pytest.mark.parametrize("command", sorted(PLANNERS))
def test_a_file_edited_while_the_command_runs_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    root = write_project(tmp_path / "p")
    module, planner, args = PLANNERS[command]
    real_plan = getattr(module, planner)
    taken: dict[str, object] = {}

    def plan_then_someone_edits(*args, **kwargs):
        plan = real_plan(*args, **kwargs)
        with (root / "pkg/_compat.py").open("a", encoding="utf-8") as stream:
            stream.write("# someone else's edit\n")
        taken["after"] = snapshot(root)
        return plan

    monkeypatch.setattr(module, planner, plan_then_someone_edits)
    ran = run_in_process(root, args)
    assert_refused(ran, names="pkg/_compat.py", says="changed on disk since it was read")
    assert snapshot(root) == taken["after"]


@pytest.mark.parametrize("args", [[*PRUNE, "--allow-dirty"], ["check", "--fix"]])
def test_a_read_only_shim_is_refused(tmp_path: Path, args: list[str]) -> None:
    root = write_project(tmp_path / "p")
    (root / "pkg/_compat.py").chmod(0o444)  # refused by its mode, even when run as root
    before = snapshot(root)
    ran = run_in_process(root, args)
    assert_refused(ran, names="pkg/_compat.py", says="make it writable first")
    assert snapshot(root) == before


def test_a_shim_linked_to_a_file_outside_the_root_is_refused(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    outside = tmp_path / "shared_compat.py"
    outside.write_text(SHIM, encoding="utf-8")
    (root / "pkg/_compat.py").unlink()
    (root / "pkg/_compat.py").symlink_to(outside)
    before, outside_before = snapshot(root), outside.read_bytes()
    ran = run_in_process(root, [*PRUNE, "--allow-dirty"])
    assert_refused(ran, names="pkg/_compat.py", says="outside the project root")
    assert snapshot(root) == before
    assert outside.read_bytes() == outside_before


def test_two_shims_that_are_one_file_are_refused(tmp_path: Path) -> None:
    pyproject = (
        '[tool.compatlint]\nupstream = "sglang"\nshim = ["pkg/_compat.py", "pkg/_alias.py"]\n'
        'src = ["."]\nfloor = "0.5.10"\n'
    )
    root = write_project(tmp_path / "p", pyproject=pyproject)
    (root / "pkg/_alias.py").symlink_to("_compat.py")
    before = snapshot(root)
    ran = run_in_process(root, [*PRUNE, "--allow-dirty"])
    assert_refused(ran, says="is the same file as")
    assert snapshot(root) == before


# -- a successful write keeps each file's identity ---------------------------------------


def test_a_symlinked_shim_is_pruned_through_the_link(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    real = root / "vendor" / "compat_impl.py"
    real.parent.mkdir()
    (root / "pkg/_compat.py").rename(real)
    (root / "pkg/_compat.py").symlink_to("../vendor/compat_impl.py")
    ran = run_in_process(root, [*PRUNE, "--allow-dirty"])
    assert ran.exit_code == 0, ran.stderr
    assert (root / "pkg/_compat.py").is_symlink()
    assert os.readlink(root / "pkg/_compat.py") == "../vendor/compat_impl.py"
    assert real.read_text(encoding="utf-8") == PRUNED


def test_a_hard_linked_shim_changes_under_every_name(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    other = root / "backup_compat.txt"
    os.link(root / "pkg/_compat.py", other)
    inode = (root / "pkg/_compat.py").stat().st_ino
    ran = run_in_process(root, [*PRUNE, "--allow-dirty"])
    assert ran.exit_code == 0, ran.stderr
    assert other.read_text(encoding="utf-8") == PRUNED
    assert (root / "pkg/_compat.py").stat().st_ino == inode
    assert (root / "pkg/_compat.py").stat().st_nlink == 2


def test_mode_and_owner_are_kept(tmp_path: Path) -> None:
    root = write_project(tmp_path / "p")
    shim = root / "pkg/_compat.py"
    if os.geteuid() == 0:  # only root can give a file away; otherwise the owner is us
        os.chown(shim, 4321, 4321)
    shim.chmod(0o2750)  # setgid: lost if the mode were set before the owner
    owner = (shim.stat().st_uid, shim.stat().st_gid)
    mode = stat.S_IMODE(shim.stat().st_mode)
    ran = run_in_process(root, [*PRUNE, "--allow-dirty"])
    assert ran.exit_code == 0, ran.stderr
    assert shim.read_text(encoding="utf-8") == PRUNED
    assert (shim.stat().st_uid, shim.stat().st_gid) == owner
    assert stat.S_IMODE(shim.stat().st_mode) == mode


def test_a_file_whose_owner_cannot_be_kept_by_rename_is_written_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_project(tmp_path / "p")
    shim = root / "pkg/_compat.py"
    inode = shim.stat().st_ino
    monkeypatch.setattr(transaction, "_give_owner", lambda temp, info: False)
    ran = run_in_process(root, [*PRUNE, "--allow-dirty"])
    assert ran.exit_code == 0, ran.stderr
    assert shim.read_text(encoding="utf-8") == PRUNED
    assert shim.stat().st_ino == inode
    assert sorted(p.name for p in shim.parent.iterdir()) == ["__init__.py", "_compat.py", "user.py"]
