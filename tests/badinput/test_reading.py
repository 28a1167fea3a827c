"""Reading input safely: what a project may hold that compatlint must not choke on.

Two tables. Refused inputs exit 2 with one line naming the file (and line) and leave the
tree as it was. Skipped inputs — a pipe, a device, a broken link or an oversized file
under ``src`` — are left out with one warning each, and the run completes. The cases that
used to hang (a pipe) or to read without end (``/dev/zero``) run in a real process with a
timeout, so a regression fails instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.badinput.harness import (
    PYPROJECT,
    SHIM,
    assert_refused,
    run_in_process,
    run_process,
    snapshot,
    write_project,
)

needs_posix = pytest.mark.skipif(
    sys.platform == "win32" or not hasattr(os, "mkfifo"), reason="pipes and devices"
)
TIMEOUT = 60

LATIN1_IMPORTER = (
    b'# -*- coding: latin-1 -*-\n"""Caf\xe9."""\nfrom pkg._compat import X\n\nprint(X)\n'
)
FALLBACK = (
    "try:\n    from sglang.srt.a import Y\nexcept ImportError:\n    from sglang.srt.b import Y\n"
)


def _config(**keys: str) -> str:
    """The default pyproject with ``keys`` (TOML values as text) replaced or added."""
    lines = PYPROJECT.splitlines()
    for key, value in keys.items():
        key = key.replace("_", "-")
        found = [i for i, line in enumerate(lines) if line.startswith(f"{key} =")]
        if found:
            lines[found[0]] = f"{key} = {value}"
        else:
            lines.append(f"{key} = {value}")
    return "\n".join(lines) + "\n"


def _link(target: str, rel: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / rel).unlink(missing_ok=True)
        os.symlink(target, root / rel)

    return make


def _fifo(rel: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / rel).unlink(missing_ok=True)
        os.mkfifo(root / rel)

    return make


def _nothing(root: Path) -> None:
    del root


# -- refused: exit 2, one line, nothing written ---------------------------------------------


@dataclass(frozen=True)
class Refused:
    id: str
    files: dict[str, str | bytes]
    args: tuple[str, ...]
    names: str
    line: int | None
    says: str
    pyproject: str = PYPROJECT
    setup: Callable[[Path], None] = _nothing
    real_process: bool = False


REFUSED = [
    Refused(
        "shim-outside-root",
        {},
        ("check",),
        "pyproject.toml",
        3,
        "'shim' names '../outside.py', which is outside the project root",
        pyproject=_config(shim='["../outside.py"]'),
    ),
    Refused(
        "shim-outside-root-prune",
        {},
        ("prune", "--floor", "0.5.10", "--allow-dirty"),
        "pyproject.toml",
        3,
        "outside the project root",
        pyproject=_config(shim='["../outside.py"]'),
    ),
    Refused(
        "shim-outside-root-inline",
        {},
        ("inline", "--allow-dirty"),
        "pyproject.toml",
        3,
        "outside the project root",
        pyproject=_config(shim='["pkg/_compat.py", "../outside.py"]'),
    ),
    Refused(
        "src-outside-root",
        {},
        ("check",),
        "pyproject.toml",
        4,
        "'src' names '..', which is outside the project root",
        pyproject=_config(src='[".."]'),
    ),
    Refused(
        "shim-is-a-pipe",
        {},
        ("check",),
        "pyproject.toml",
        3,
        "'shim' names 'pkg/_compat.py', which is not a regular file",
        setup=_fifo("pkg/_compat.py"),
        real_process=True,
    ),
    Refused(
        "shim-links-to-dev-zero",
        {},
        ("prune", "--floor", "0.5.10", "--allow-dirty"),
        "pyproject.toml",
        3,
        "which is not a regular file",
        setup=_link("/dev/zero", "pkg/_compat.py"),
        real_process=True,
    ),
    Refused(
        "shim-links-to-dev-full",
        {},
        ("report",),
        "pyproject.toml",
        3,
        "which is not a regular file",
        setup=_link("/dev/full", "pkg/_compat.py"),
        real_process=True,
    ),
    Refused(
        "policy-doc-is-a-pipe",
        {},
        ("check",),
        "pyproject.toml",
        6,
        "'policy-docs' names 'docs/policy.md', which is not a regular file",
        pyproject=_config(policy_docs='["docs/policy.md"]'),
        setup=lambda root: (root / "docs").mkdir() or os.mkfifo(root / "docs/policy.md"),
        real_process=True,
    ),
    Refused(
        "shim-over-max-file-size",
        {"pkg/_compat.py": SHIM + "#" * 200 + "\n"},
        ("check",),
        "pkg/_compat.py",
        None,
        "larger than 100 bytes (max-file-size)",
        pyproject=_config(max_file_size="100"),
    ),
    Refused(
        "max-file-size-not-a-size",
        {},
        ("check",),
        "pyproject.toml",
        6,
        "'max-file-size' must be a positive number of bytes or a size like \"10MB\"",
        pyproject=_config(max_file_size='"ten megabytes"'),
    ),
    Refused(
        "max-file-size-zero",
        {},
        ("check",),
        "pyproject.toml",
        6,
        "'max-file-size' must be a positive number",
        pyproject=_config(max_file_size="0"),
    ),
    Refused(
        "invalid-toml-names-its-line",
        {},
        ("check",),
        "pyproject.toml",
        5,
        "invalid TOML: Expected newline or end of document after a statement",
        pyproject=PYPROJECT.replace('floor = "0.5.10"', "floor = 0.5.10"),
    ),
    Refused(
        "invalid-toml-at-end-of-document",
        {},
        ("check",),
        "pyproject.toml",
        6,
        "invalid TOML",
        pyproject=PYPROJECT + 'exclude = "build',
    ),
    Refused(
        "pyproject-not-utf8-is-found-and-refused",
        {"pyproject.toml": PYPROJECT.encode() + b"# caf\xe9\n"},
        ("check",),
        "pyproject.toml",
        6,
        "config file is not valid UTF-8",
    ),
    Refused(
        "source-declares-an-unknown-encoding",
        {"pkg/_compat.py": "# -*- coding: klingon -*-\n" + SHIM},
        ("check",),
        "pkg/_compat.py",
        1,
        "unknown encoding 'klingon' in the coding declaration",
    ),
    Refused(
        "source-not-valid-in-its-declared-encoding",
        {"pkg/_compat.py": b"# coding: ascii\n" + SHIM.encode() + b"NAME = 'caf\xe9'\n"},
        ("check",),
        "pkg/_compat.py",
        9,
        "not valid ascii (its coding declaration)",
    ),
    Refused(
        "bom-with-a-latin1-declaration",
        {"pkg/_compat.py": b"\xef\xbb\xbf# coding: latin-1\n" + SHIM.encode()},
        ("prune", "--floor", "0.5.10", "--allow-dirty"),
        "pkg/_compat.py",
        1,
        "has a UTF-8 byte-order mark but declares 'latin-1'",
    ),
    Refused(
        "inline-writes-a-name-its-latin1-importer-cannot-hold",
        {
            # U+015D is not in latin-1; pkg/a.py (UTF-8) is staged before pkg/user.py fails.
            "pkg/_compat.py": 'from sglang.srt.\u015d import X\n\n__all__ = ["X"]\n',
            "pkg/a.py": "from pkg._compat import X\n\nprint(X)\n",
            "pkg/user.py": LATIN1_IMPORTER,
        },
        ("inline", "--allow-dirty"),
        "pkg/user.py",
        3,
        "cannot write '\u015d' in latin-1, the file's declared encoding; no file was changed",
    ),
]


@pytest.mark.parametrize("case", REFUSED, ids=[case.id for case in REFUSED])
def test_refused(case: Refused, tmp_path: Path) -> None:
    root = tmp_path / "project"
    root.mkdir()
    (tmp_path / "outside.py").write_text(SHIM, encoding="utf-8")
    write_project(root, case.files, pyproject=case.pyproject)
    if case.real_process and not hasattr(os, "mkfifo"):  # pragma: no cover - Windows
        pytest.skip("pipes and devices")
    case.setup(root)
    before = snapshot(root)
    if case.real_process:
        ran = run_process(root, case.args, timeout=TIMEOUT)
    else:
        ran = run_in_process(root, case.args)
    assert_refused(ran, names=case.names, line=case.line, says=case.says)
    assert snapshot(root) == before


# -- skipped: one warning per file, the run completes ---------------------------------------


@dataclass(frozen=True)
class Skipped:
    id: str
    rel: str
    reason: str
    setup: Callable[[Path], None]
    args: tuple[str, ...] = ("check", "--no-cache")
    pyproject: str = PYPROJECT
    # What the output says when the rest of the project was still read.
    rest: str = "pkg/_compat.py:3:1: CL102"


def _big(rel: str, size: int) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        line = b"import sglang\n"
        (root / rel).write_bytes(line * (size // len(line) + 1))

    return make


PRUNED = "\n+from sglang.srt.a import X\n"
SKIPPED = [
    Skipped("pipe-under-src", "pkg/pipe.py", "not a regular file", _fifo("pkg/pipe.py")),
    Skipped(
        "link-to-dev-zero", "pkg/zero.py", "not a regular file", _link("/dev/zero", "pkg/zero.py")
    ),
    Skipped(
        "link-to-dev-full", "pkg/full.py", "not a regular file", _link("/dev/full", "pkg/full.py")
    ),
    Skipped(
        "broken-link",
        "pkg/gone.py",
        "no such file (a broken link?)",
        _link("nowhere.py", "pkg/gone.py"),
    ),
    Skipped(
        "pipe-prune",
        "pkg/pipe.py",
        "not a regular file",
        _fifo("pkg/pipe.py"),
        ("prune", "--floor", "0.5.10", "--diff"),
        rest=PRUNED,
    ),
    Skipped(
        "pipe-outside-src-prune-searches-the-root",
        "tools/pipe.py",
        "not a regular file",
        lambda root: (root / "tools").mkdir() or os.mkfifo(root / "tools/pipe.py"),
        ("prune", "--floor", "0.5.10", "--diff"),
        _config(src='["pkg"]'),
        rest=PRUNED,
    ),
    Skipped(
        "dev-zero-inline",
        "pkg/zero.py",
        "not a regular file",
        _link("/dev/zero", "pkg/zero.py"),
        ("inline", "--diff"),
        rest="inline: 0 names would be inlined, 0 importers, 0 files",
    ),
    Skipped(
        "dev-zero-check-diff",
        "pkg/zero.py",
        "not a regular file",
        _link("/dev/zero", "pkg/zero.py"),
        ("check", "--diff"),
        rest=PRUNED,
    ),
    Skipped(
        "pipe-given-on-the-command-line",
        "pkg/pipe.py",
        "not a regular file",
        _fifo("pkg/pipe.py"),
        ("check", "pkg/pipe.py", "pkg/user.py"),
        rest="All checks passed! (1 file)",
    ),
    Skipped(
        "over-the-configured-cap",
        "pkg/big.py",
        "larger than 1 KB (max-file-size)",
        _big("pkg/big.py", 1001),
        pyproject=_config(max_file_size='"1KB"'),
    ),
    Skipped(
        "over-the-default-cap",
        "pkg/big.py",
        "larger than 10 MB (max-file-size)",
        _big("pkg/big.py", 10_000_001),
    ),
]


@needs_posix
@pytest.mark.parametrize("case", SKIPPED, ids=[case.id for case in SKIPPED])
def test_skipped_with_one_warning(case: Skipped, tmp_path: Path) -> None:
    root = write_project(tmp_path, pyproject=case.pyproject)
    case.setup(root)
    before = snapshot(root)
    ran = run_process(root, case.args, timeout=TIMEOUT)
    assert "Traceback" not in ran.stderr, ran.stderr
    assert ran.exit_code in (0, 1), (ran.exit_code, ran.stderr)
    warnings = [line for line in ran.stderr.splitlines() if "compatlint: warning:" in line]
    assert warnings == [f"compatlint: warning: {case.rel}: skipped: {case.reason}"]
    assert case.rest in ran.stdout + ran.stderr
    assert snapshot(root) == before


def test_a_cap_raised_in_the_config_reads_the_file(tmp_path: Path) -> None:
    root = write_project(
        tmp_path,
        {"pkg/big.py": FALLBACK + "#" * 2000 + "\n"},
        pyproject=_config(max_file_size="4096"),
    )
    ran = run_in_process(root, ["check", "--no-cache"])
    assert ran.exit_code == 1
    assert "warning" not in ran.stderr
    assert "pkg/big.py:1:1: CL201" in ran.stdout


def test_a_link_to_a_regular_file_in_the_tree_is_read(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"lib/real.py": FALLBACK})
    os.symlink("../lib/real.py", root / "pkg/linked.py")
    ran = run_in_process(root, ["check", "--no-cache"])
    assert ran.exit_code == 1
    assert "warning" not in ran.stderr
    assert "pkg/linked.py:1:1: CL201" in ran.stdout


# -- file names that are not UTF-8 ------------------------------------------------------------

UNDECODABLE = b"pkg/caf\xe9.py"


def _undecodable_project(root: Path) -> Path:
    write_project(root)
    try:
        (root / os.fsdecode(UNDECODABLE)).write_text(FALLBACK, encoding="utf-8")
    except (OSError, UnicodeEncodeError):  # pragma: no cover - a file system that refuses it
        pytest.skip("the file system refuses a file name that is not UTF-8")
    return root


@needs_posix
@pytest.mark.parametrize("output_format", ["sarif", "text", "github", "json"])
def test_a_file_name_that_is_not_utf8_is_reported(output_format: str, tmp_path: Path) -> None:
    root = _undecodable_project(tmp_path)
    before = snapshot(root)
    # A UTF-8 locale's stdout is strict: an unencodable name used to end the run.
    ran = run_process(
        root, ["check", "--no-cache", "--format", output_format], env={"PYTHONIOENCODING": "utf-8"}
    )
    assert "Traceback" not in ran.stderr, ran.stderr
    assert ran.exit_code == 1, ran.stderr
    if output_format == "sarif":
        results = json.loads(ran.stdout)["runs"][0]["results"]
        uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
        assert uris == {"pkg/_compat.py", "pkg/caf%E9.py"}
    else:
        assert "CL201" in ran.stdout
    assert snapshot(root) == before
