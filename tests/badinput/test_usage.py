"""The general bad-input table: ordinary mistakes across every command, one row each.

Every row builds the harness's small project with one thing wrong, runs one command on it
and asserts the promise: exit 2, one ``error`` line naming the file or option (and the
line, where there is one), no traceback, and a tree byte-identical to the one before.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.badinput.harness import (
    PYPROJECT,
    SHIM,
    assert_refused,
    run_in_process,
    snapshot,
    write_project,
)

CONFIG = "pyproject.toml"
SHIM_PATH = "pkg/_compat.py"
STUBS = 'STUB_MODULES = [\n    "sglang.srt.a",\n]\n'
WITH_MOCKS = PYPROJECT + (
    '\n[tool.compatlint.mocks]\nfile = "tests/stubs.py"\nname = "STUB_MODULES"\ncollect = ["pkg"]\n'
)
WITH_DOC = PYPROJECT + 'policy-docs = ["docs/policy.md"]\n'
WITH_WALK = PYPROJECT + '\n[tool.compatlint.walk]\nscripts = "launch/*.sh"\n'
SCRIPT = "#!/usr/bin/env bash\ntrue\n"
BROKEN_SHIM = SHIM + "\ndef broken(:\n    pass\n"  # line 9
ALL_COMMANDS_ON_THE_SHIM = [
    ["check"],
    ["report"],
    ["prune", "--floor", "0.5.10", "--diff"],
    ["inline", "--diff"],
    ["mocks", "--check"],
]


def config(*lines: str) -> str:
    """A ``[tool.compatlint]`` table of ``lines`` (upstream first: line 2 is the next one)."""
    return "[tool.compatlint]\n" + "".join(f"{line}\n" for line in lines)


BASE = ('upstream = "sglang"', 'shim = ["pkg/_compat.py"]', 'src = ["."]')


@dataclass(frozen=True)
class Case:
    """One bad input: the project's files, the command line, what the error must say."""

    args: list[str]
    names: str
    line: int | None = None
    says: str | None = None
    files: dict[str, str | bytes] = field(default_factory=dict)
    pyproject: str = PYPROJECT
    bare: bool = False  # an empty directory: no project at all
    git: bool = False
    directory: str | None = None  # a file of the project that is a directory instead


def _case(id_: str, *args: str, **kwargs) -> object:
    return pytest.param(Case(list(args), **kwargs), id=id_)


CASES = [
    # -- where the configuration is, or is not -------------------------------------------
    _case("no-config", "check", names=CONFIG, bare=True),
    _case("no-config-report", "report", names=CONFIG, bare=True),
    _case("no-config-prune", "prune", "--floor", "0.5.10", names=CONFIG, bare=True),
    _case("no-config-inline", "inline", names=CONFIG, bare=True),
    _case("no-config-mocks", "mocks", names=CONFIG, bare=True),
    _case("no-config-walk", "walk", names=CONFIG, bare=True),
    _case("no-tool-table", "check", names=CONFIG, pyproject='[project]\nname = "x"\n'),
    _case("config-missing", "check", "--config", "nope.toml", names="nope.toml", says="not found"),
    _case("config-is-dir", "report", "--config", "pkg", names="--config"),
    _case(
        "config-no-table",
        "check",
        "--config",
        "other.toml",
        names="other.toml",
        says="no [tool.compatlint] table",
        files={"other.toml": "[tool.other]\nx = 1\n"},
    ),
    _case("config-invalid-toml", "check", names=CONFIG, pyproject=config(*BASE, "floor = ")),
    # -- every key, wrong --------------------------------------------------------------------
    _case(
        "unknown-key",
        "check",
        names=CONFIG,
        line=5,
        says="did you mean 'floor'?",
        pyproject=config(*BASE, 'flor = "0.5.10"'),
    ),
    _case(
        "upstream-int", "check", names=CONFIG, line=2, pyproject=config("upstream = 3", *BASE[1:])
    ),
    _case(
        "upstream-empty",
        "report",
        names=CONFIG,
        line=2,
        pyproject=config("upstream = []", *BASE[1:]),
    ),
    _case(
        "upstream-not-a-module",
        "check",
        names=CONFIG,
        line=2,
        pyproject=config('upstream = "sg-lang"', *BASE[1:]),
    ),
    _case("upstream-missing", "check", names=CONFIG, says="upstream", pyproject=config(*BASE[1:])),
    _case("shim-missing", "check", names=CONFIG, says="shim", pyproject=config(BASE[0], BASE[2])),
    _case(
        "shim-int", "check", names=CONFIG, line=3, pyproject=config(BASE[0], "shim = 3", BASE[2])
    ),
    _case(
        "shim-nonexistent",
        "check",
        names=CONFIG,
        line=3,
        says="'pkg/nope.py'",
        pyproject=config(BASE[0], 'shim = ["pkg/nope.py"]', BASE[2]),
    ),
    _case(
        "shim-nonexistent-prune",
        "prune",
        "--floor",
        "0.5.10",
        names=CONFIG,
        line=3,
        pyproject=config(BASE[0], 'shim = ["pkg/nope.py"]', BASE[2]),
    ),
    _case("src-int", "check", names=CONFIG, line=4, pyproject=config(*BASE[:2], "src = 1")),
    _case(
        "src-nonexistent",
        "check",
        names=CONFIG,
        line=4,
        says="'lib'",
        pyproject=config(*BASE[:2], 'src = ["lib"]'),
    ),
    _case(
        "floor-not-a-version",
        "check",
        names=CONFIG,
        line=5,
        says="'latest' is not a version",
        pyproject=config(*BASE, 'floor = "latest"'),
    ),
    _case("floor-int", "report", names=CONFIG, line=5, pyproject=config(*BASE, "floor = 5")),
    _case(
        "floor-other-upstream",
        "check",
        names=CONFIG,
        line=5,
        says="'numpy'",
        pyproject=config(*BASE, 'floor = { numpy = "1.26" }'),
    ),
    _case("tracks-int", "check", names=CONFIG, line=5, pyproject=config(*BASE, "tracks = 3")),
    _case(
        "track-not-a-version",
        "check",
        names=CONFIG,
        line=6,
        says="'soon' is not a version",
        pyproject=config(*BASE, "[tool.compatlint.tracks]", 'xpu = "soon"'),
    ),
    _case(
        "heavy-imports-str",
        "check",
        names=CONFIG,
        line=5,
        pyproject=config(*BASE, 'heavy-imports = "sgl_kernel"'),
    ),
    _case(
        "policy-docs-nonexistent",
        "check",
        names=CONFIG,
        line=5,
        says="'docs/nope.md'",
        pyproject=config(*BASE, 'policy-docs = ["docs/nope.md"]'),
    ),
    _case(
        "policy-docs-int", "check", names=CONFIG, line=5, pyproject=config(*BASE, "policy-docs = 1")
    ),
    _case("exclude-int", "check", names=CONFIG, line=5, pyproject=config(*BASE, "exclude = 1")),
    _case("walk-str", "check", names=CONFIG, line=5, pyproject=config(*BASE, 'walk = "x"')),
    _case("mocks-str", "check", names=CONFIG, line=5, pyproject=config(*BASE, 'mocks = "x"')),
    _case(
        "mocks-unknown-key",
        "mocks",
        names=CONFIG,
        line=9,
        says="did you mean 'name'?",
        files={"tests/stubs.py": STUBS},
        pyproject=WITH_MOCKS.replace('name = "STUB_MODULES"', 'nam = "STUB_MODULES"'),
    ),
    _case(
        "mocks-no-file",
        "mocks",
        names=CONFIG,
        says="'mocks.file'",
        pyproject=WITH_MOCKS.replace('file = "tests/stubs.py"\n', ""),
    ),
    _case(
        "mocks-file-nonexistent",
        "mocks",
        names=CONFIG,
        line=8,
        says="'tests/stubs.py'",
        pyproject=WITH_MOCKS,
    ),
    _case(
        "mocks-collect-nonexistent",
        "check",
        names=CONFIG,
        line=10,
        files={"tests/stubs.py": STUBS},
        pyproject=WITH_MOCKS.replace('collect = ["pkg"]', 'collect = ["nope"]'),
    ),
    _case(
        "mocks-scope-unknown",
        "check",
        names=CONFIG,
        line=11,
        says="'mocks.scope' must be",
        files={"tests/stubs.py": STUBS},
        pyproject=WITH_MOCKS + 'scope = "tests"\n',
    ),
    _case(
        "mocks-scope-int",
        "mocks",
        names=CONFIG,
        line=11,
        says="'mocks.scope' must be",
        files={"tests/stubs.py": STUBS},
        pyproject=WITH_MOCKS + "scope = 1\n",
    ),
    _case(
        "walk-unknown-key",
        "walk",
        names=CONFIG,
        says="unknown key",
        pyproject=WITH_WALK + "scirpts = 1\n",
    ),
    _case(
        "walk-env-int",
        "walk",
        names=CONFIG,
        says="'env.X'",
        files={"launch/a.sh": SCRIPT},
        pyproject=WITH_WALK + "env = { X = 1 }\n",
    ),
    # -- rules -------------------------------------------------------------------------------
    _case("select-unknown", "check", "--select", "CL999", names="CL999"),
    _case("ignore-unknown", "check", "--ignore", "XY1", names="XY1"),
    _case("select-unknown-in-list", "check", "--select", "CL101,CL9", names="CL9"),
    _case("rule-unknown", "rule", "CL999", names="CL999", says="unknown rule"),
    # -- paths -------------------------------------------------------------------------------
    _case("check-path-missing", "check", "pkg/nope.py", names="pkg/nope.py"),
    _case("prune-path-missing", "prune", "--floor", "0.5.10", "pkg/nope.py", names="pkg/nope.py"),
    _case("inline-path-missing", "inline", "pkg/nope.py", names="pkg/nope.py"),
    _case("walk-script-missing", "walk", "launch/nope.sh", names="nope.sh", pyproject=WITH_WALK),
    # -- sources that do not parse -----------------------------------------------------------
    *(
        _case(
            f"shim-syntax-{command[0]}",
            *command,
            names=SHIM_PATH,
            line=9,
            files={SHIM_PATH: BROKEN_SHIM, "tests/stubs.py": STUBS},
            pyproject=WITH_MOCKS,
        )
        for command in ALL_COMMANDS_ON_THE_SHIM
    ),
    _case(
        "shim-syntax-verify",
        "verify",
        "--upstream",
        "0.5.9=old",
        "--upstream",
        "0.5.10=new",
        names=SHIM_PATH,
        line=9,
        files={
            SHIM_PATH: BROKEN_SHIM,
            "old/sglang/__init__.py": "",
            "new/sglang/__init__.py": "",
        },
    ),
    _case(
        "importer-syntax",
        "check",
        names="pkg/user.py",
        line=4,
        # A fallback outside the shim: the file is parsed (an importer read from its
        # column-0 import lines alone is not, by design: docs/architecture.md).
        files={"pkg/user.py": "try:\n    import sglang\nexcept ImportError:\n    x = (\n"},
    ),
    _case(
        "stub-list-syntax",
        "mocks",
        "--check",
        names="tests/stubs.py",
        line=1,
        files={"tests/stubs.py": "STUB_MODULES = [\n"},
        pyproject=WITH_MOCKS,
    ),
    _case(
        "stub-list-syntax-check",
        "check",
        names="tests/stubs.py",
        line=2,
        files={"tests/stubs.py": "STUB_MODULES = [\n    'a' 'b' :\n]\n"},
        pyproject=WITH_MOCKS,
    ),
    _case("shim-not-utf8", "check", names=SHIM_PATH, files={SHIM_PATH: b"x = '\xff\xfe'\n"}),
    _case(
        "shim-not-utf8-prune",
        "prune",
        "--floor",
        "0.5.10",
        names=SHIM_PATH,
        files={SHIM_PATH: b"# \xe9\nx = 1\n"},
    ),
    _case("shim-nul", "report", names=SHIM_PATH, files={SHIM_PATH: "x = 1\0\n"}),
    _case(
        "policy-doc-not-utf8",
        "check",
        names="docs/policy.md",
        files={"docs/policy.md": b"Remove when min supported version is 0.5.9+ \xff\n"},
        pyproject=WITH_DOC,
    ),
    # -- files that are not what the config says ------------------------------------------
    _case("shim-is-dir", "check", names=SHIM_PATH, says="is a directory", directory=SHIM_PATH),
    _case(
        "shim-is-dir-prune",
        "prune",
        "--floor",
        "0.5.10",
        names=SHIM_PATH,
        says="is a directory",
        directory=SHIM_PATH,
    ),
    _case(
        "policy-doc-is-dir",
        "check",
        names="docs/policy.md",
        says="is a directory",
        pyproject=WITH_DOC,
        directory="docs/policy.md",
    ),
    _case(
        "stub-list-is-dir",
        "mocks",
        names="tests/stubs.py",
        says="is a directory",
        pyproject=WITH_MOCKS,
        directory="tests/stubs.py",
    ),
    _case(
        "stub-list-without-the-name",
        "mocks",
        "--check",
        names="tests/stubs.py",
        says="'STUB_MODULES'",
        files={"tests/stubs.py": "OTHER = []\n"},
        pyproject=WITH_MOCKS,
    ),
    _case(
        "stub-list-not-a-list",
        "check",
        names="tests/stubs.py",
        line=1,
        files={"tests/stubs.py": "STUB_MODULES = 3\n"},
        pyproject=WITH_MOCKS,
    ),
    _case(
        "mocks-name-empty",
        "mocks",
        names=CONFIG,
        says="'mocks.name'",
        files={"tests/stubs.py": STUBS},
        pyproject=WITH_MOCKS.replace('name = "STUB_MODULES"', 'name = ""'),
    ),
    _case("path-outside-root", "check", "/", names="/", says="outside the project root"),
    _case(
        "worklog-is-dir",
        "prune",
        "--floor",
        "0.5.10",
        "--allow-dirty",
        "--worklog",
        "pkg",
        names="--worklog",
    ),
    _case(
        "floor-table-int",
        "check",
        names=CONFIG,
        line=5,
        pyproject=config(*BASE, "floor = { sglang = 1 }"),
    ),
    _case(
        "walk-absolute-glob",
        "walk",
        names=CONFIG,
        line=8,
        says="relative to the project root",
        pyproject=PYPROJECT + '\n[tool.compatlint.walk]\nscripts = "/abs/*.sh"\n',
    ),
    _case(
        "walk-probe-kind",
        "walk",
        names=CONFIG,
        line=10,
        says="'nope'",
        files={"launch/a.sh": SCRIPT},
        pyproject=WITH_WALK + '[tool.compatlint.walk.probes."a.sh"]\nkind = "nope"\n',
    ),
    _case(
        "walk-gpus-negative",
        "walk",
        names=CONFIG,
        line=9,
        says="'gpus.a'",
        files={"launch/a.sh": SCRIPT},
        pyproject=WITH_WALK + "gpus = { a = -1 }\n",
    ),
    # -- flags -------------------------------------------------------------------------------
    _case(
        "prune-diff-and-check", "prune", "--floor", "0.5.10", "--diff", "--check", names="--diff"
    ),
    _case("inline-diff-and-check", "inline", "--diff", "--check", names="--diff"),
    _case("mocks-diff-and-check", "mocks", "--diff", "--check", names="--diff"),
    _case("prune-no-floor", "prune", "--diff", names="--floor"),
    _case(
        "prune-commit-diff", "prune", "--floor", "0.5.10", "--commit", "--diff", names="--commit"
    ),
    _case("check-format", "check", "--format", "xml", names="--format"),
    _case("report-format", "report", "--format", "sarif", names="--format"),
    _case("prune-format", "prune", "--floor", "0.5.10", "--format", "github", names="--format"),
    _case("check-max-annotations", "check", "--max-annotations", "-1", names="--max-annotations"),
    _case("check-floor-garbage", "check", "--floor", "soon", names="--floor 'soon'"),
    _case("report-floor-x", "report", "--floor", "0.5.x", names="--floor '0.5.x'"),
    _case("prune-floor-empty", "prune", "--floor", "", "--diff", names="--floor ''"),
    _case("check-unknown-option", "check", "--bogus", names="--bogus"),
    _case("unknown-command", "chekc", names="chekc"),
    _case("walk-timeout-zero", "walk", "--timeout", "0", names="--timeout", pyproject=WITH_WALK),
    _case(
        "walk-only-unknown",
        "walk",
        "--only",
        "nope",
        names="nope",
        files={"launch/a.sh": SCRIPT},
        pyproject=WITH_WALK,
    ),
    _case("walk-no-scripts", "walk", names="launch/*.sh", pyproject=WITH_WALK),
    _case(
        "changed-since-unknown-rev",
        "check",
        "--changed-since",
        "no-such-rev",
        names="no-such-rev",
        git=True,
    ),
    # -- verify's --upstream -----------------------------------------------------------------
    _case("verify-one-upstream", "verify", "--upstream", "0.5.10=new", names="--upstream"),
    _case("verify-no-equals", "verify", "--upstream", "new", "--upstream", "old", names="'new'"),
    _case(
        "verify-bad-version",
        "verify",
        "--upstream",
        "latest=new",
        "--upstream",
        "0.5.9=old",
        names="latest=new",
    ),
    _case(
        "verify-missing-path",
        "verify",
        "--upstream",
        "0.5.10=nope",
        "--upstream",
        "0.5.9=nope2",
        names="nope",
        says="no such file or directory",
    ),
    _case(
        "verify-twice",
        "verify",
        "--upstream",
        "0.5.10=a",
        "--upstream",
        "0.5.10=b",
        names="--upstream 0.5.10",
        says="given twice",
    ),
    _case(
        "verify-not-an-archive",
        "verify",
        "--upstream",
        "0.5.10=notes.txt",
        "--upstream",
        "0.5.9=notes.txt",
        names="notes.txt",
        files={"notes.txt": "hello\n"},
    ),
    _case(
        "verify-no-package",
        "verify",
        "--upstream",
        "0.5.10=empty",
        "--upstream",
        "0.5.9=empty",
        names="empty",
        says="no package 'sglang'",
        files={"empty/readme.txt": "nothing here\n"},
    ),
    _case(
        "verify-write-suggest-format",
        "verify",
        "--upstream",
        "0.5.10=a",
        "--upstream",
        "0.5.9=b",
        "--format",
        "sarif",
        names="--format",
    ),
]


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.mark.parametrize("case", CASES)
def test_a_bad_input_is_refused_in_one_line(tmp_path: Path, case: Case) -> None:
    root = tmp_path / "project"
    root.mkdir()
    if not case.bare:
        write_project(root, case.files, pyproject=case.pyproject)
    if case.directory is not None:
        (root / case.directory).unlink(missing_ok=True)
        (root / case.directory).mkdir(parents=True)
    if case.git:
        _git(root, "init", "-q")
        _git(root, "add", "-A")
        _git(root, "commit", "-qm", "init")
    before = snapshot(root)
    ran = run_in_process(root, case.args)
    assert_refused(ran, names=case.names, line=case.line, says=case.says)
    assert snapshot(root) == before


def test_the_table_is_broad() -> None:
    """Every command has rows, and there are more than sixty."""
    commands = {case.values[0].args[0] for case in CASES}
    assert {"check", "report", "rule", "prune", "inline", "mocks", "verify", "walk"} <= commands
    assert len(CASES) > 60
