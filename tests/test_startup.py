"""Lean start-up: the common paths never import libcst or rich."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).parent.parent / "examples" / "sglang-backend"
HEAVY = ("libcst", "rich")

PROBE = """
import json, sys
from compatlint.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


def _modules_after(args: list[str], cwd: Path) -> set[str]:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(completed.stdout.strip().splitlines()[-1]))


@pytest.mark.integration
def test_version_imports_nothing_heavy(tmp_path: Path) -> None:
    loaded = _modules_after(["--version"], tmp_path)
    assert not loaded & set(HEAVY)


@pytest.mark.integration
def test_warm_check_of_three_handlers_imports_nothing_heavy(tmp_path: Path) -> None:
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".compatlint_cache"))
    handlers = [f"src/servo/handlers/{name}.py" for name in ("chat", "embed", "multimodal")]
    subprocess.run([sys.executable, "-m", "compatlint.cli", "check"], cwd=root, check=False)
    loaded = _modules_after(["check", *handlers], root)
    assert not loaded & set(HEAVY), loaded & set(HEAVY)
    assert "concurrent" not in loaded  # no pool for three files


@pytest.mark.integration
def test_cold_full_check_does_not_import_libcst(tmp_path: Path) -> None:
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".compatlint_cache"))
    assert "libcst" not in _modules_after(["check", "--no-cache"], root)


@pytest.mark.integration
def test_prune_and_inline_do_not_import_libcst_matchers(tmp_path: Path) -> None:
    """libcst.matchers costs more than half a second to import; no codemod needs it."""
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".compatlint_cache"))
    for args in (["prune", "--check", "--floor", "0.5.11"], ["inline", "--diff"]):
        completed = subprocess.run(
            [sys.executable, "-c", PROBE.replace('m.split(".")[0]', "m"), *args],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        )
        loaded = set(json.loads(completed.stdout.strip().splitlines()[-1]))
        assert "libcst" in loaded  # the probe saw the codemod run
        assert "libcst.matchers" not in loaded, args


@pytest.mark.integration
def test_mocks_check_with_nothing_to_add_does_not_import_libcst(tmp_path: Path) -> None:
    """The stub list is edited with libcst only when an entry is missing."""
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".compatlint_cache"))
    assert "libcst" in _modules_after(["mocks", "--check", "--allow-dirty"], root)  # one missing
    subprocess.run(
        [sys.executable, "-m", "compatlint.cli", "mocks", "--allow-dirty"], cwd=root, check=True
    )
    assert "libcst" not in _modules_after(["mocks", "--check", "--allow-dirty"], root)


def _example_copy(tmp_path: Path) -> Path:
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root)
    return root


def test_the_script_ends_with_the_run_s_exit_code_and_all_its_output(tmp_path: Path) -> None:
    """``python -m compatlint`` ends without Python's shutdown (see ``cli.run``): the
    findings are all printed, the exit code is the run's, and a usage error is still 2."""
    root = _example_copy(tmp_path)
    ran = subprocess.run(
        [sys.executable, "-m", "compatlint", "check"], cwd=root, capture_output=True, text=True
    )
    assert ran.returncode == 1
    assert ran.stdout.count("\n") > 5 and ran.stdout.rstrip().splitlines()[-1].startswith("Found")
    usage = subprocess.run(
        [sys.executable, "-m", "compatlint", "check", "--no-such-flag"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert usage.returncode == 2 and "no-such-flag" in usage.stderr


def test_a_reader_that_goes_away_gets_no_traceback(tmp_path: Path) -> None:
    root = _example_copy(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "compatlint", "check", "--format", "json"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before the run writes anything
    error = process.stderr.read().decode()
    assert process.wait(timeout=120) in (1, 120)
    assert "Traceback" not in error and "Exception ignored" not in error
