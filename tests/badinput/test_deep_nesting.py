"""Deeply nested valid Python is analysed like any other; where a parser gives up, one line.

Every case runs in a real process (``python -m compatlint``): recursion limits and stack
sizes are per process and per thread, so an in-process run would not show what a user
sees. The deep code goes into the shim, an importer of the shim and another file under
``src`` at once, after their own code, so the findings and edits must be exactly those of
the same project without it (its *twin*), with the deep code carried along unchanged.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from compatlint import engine
from compatlint.deepstack import run_deep
from tests.badinput.harness import (
    Ran,
    assert_refused,
    run_in_process,
    run_process,
    snapshot,
    write_project,
)

PYPROJECT = """\
[tool.compatlint]
upstream = "sglang"
shim = ["pkg/_compat.py"]
src = ["."]
floor = "0.5.10"

[tool.compatlint.mocks]
file = "tests/stubs.py"
name = "STUBS"
collect = ["pkg"]
"""

SHIM = """\
try:
    from sglang.srt.a import X
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    from sglang.srt.b import X
from sglang.srt.d import Z


def make_x():
    return X()


__all__ = ["X", "Z", "make_x"]
"""

USER = """\
from pkg._compat import X, Z

try:
    from sglang.srt.c import Y
except ImportError:
    Y = None

print(X, Y, Z)
"""

OTHER = """\
import sglang

if sglang.__version__ >= "0.5":
    V = 1
else:
    V = 0
"""

# Where the deep code goes: the shim, an importer, a file that only mentions the upstream.
HOSTS = {"pkg/_compat.py": SHIM, "pkg/user.py": USER, "pkg/other.py": OTHER}


def elif_chain(branches: int) -> str:
    lines = ["def pick(x):", "    if x == 0:", "        return 0"]
    for branch in range(1, branches):
        lines += [f"    elif x == {branch}:", f"        return {branch}"]
    return "\n".join(lines) + "\n"


def nested_calls(depth: int) -> str:
    return "def f(v):\n    return v\n\n\nNESTED = " + "f(" * depth + "1" + ")" * depth + "\n"


def long_sum(terms: int) -> str:
    return "TOTAL = " + "+".join(["1"] * terms) + "\n"


def negations(depth: int) -> str:
    return "NEGATED = " + "-" * depth + "1\n"


def write_deep(root: Path, code: str | None) -> Path:
    """The project, with ``code`` after the code of every host file (None: the twin)."""
    suffix = "" if code is None else "\n\n" + code
    files = {rel: text + suffix for rel, text in HOSTS.items()}
    files["tests/stubs.py"] = 'STUBS = [\n    "sglang",\n]\n'
    return write_project(root, files, pyproject=PYPROJECT)


def files_of(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".compatlint_cache" not in path.parts and path.suffix != ".pyc"
    }


def with_code(files: dict[str, str], code: str) -> dict[str, str]:
    """The twin's files after a run, with ``code`` carried along in the host files."""
    return {rel: text + "\n\n" + code if rel in HOSTS else text for rel, text in files.items()}


# The verbs that parse Python; check twice to read the second run from the cache.
VERBS = {
    "check": ["check"],
    "check-warm": ["check"],
    "report": ["report"],
    "mocks": ["mocks", "--diff"],
    "prune": ["prune", "--floor", "0.5.10", "--allow-dirty"],
    "inline": ["inline", "--allow-dirty"],
    "fix": ["check", "--fix"],
}
SHAPES = {
    "elif-400": elif_chain(400),
    "call-150": nested_calls(150),
    "sum-400": long_sum(400),
}

_twins: dict[str, tuple[Ran, dict[str, str]]] = {}


def run_verb(root: Path, verb: str) -> Ran:
    if verb == "check-warm":
        run_process(root, VERBS[verb])
    return run_process(root, VERBS[verb])


def twin(verb: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Ran, dict[str, str]]:
    """What ``verb`` prints and leaves on the project without deep code (run once)."""
    if verb not in _twins:
        root = write_deep(tmp_path_factory.mktemp(f"twin-{verb}"), None)
        ran = run_verb(root, verb)
        assert ran.exit_code in (0, 1), ran.stderr
        _twins[verb] = (ran, files_of(root))
    return _twins[verb]


# Shape x verb: every verb on the chain, the codemods (slow: libcst, ruff) spread over the
# shapes; `check --fix` chains the same planners as prune and inline.
CASES = [
    *[("elif-400", verb) for verb in ("check", "check-warm", "report", "mocks", "prune", "inline")],
    *[("call-150", verb) for verb in ("check", "prune", "fix")],
    *[("sum-400", verb) for verb in ("check", "inline", "fix")],
]


@pytest.mark.parametrize(("shape", "verb"), CASES)
def test_deep_code_is_analysed_like_shallow_code(
    shape: str, verb: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    expected, expected_files = twin(verb, tmp_path_factory)
    root = write_deep(tmp_path, SHAPES[shape])
    ran = run_verb(root, verb)
    assert "Traceback" not in ran.stderr, ran.stderr
    assert (ran.exit_code, ran.stdout) == (expected.exit_code, expected.stdout), ran.stderr
    assert files_of(root) == with_code(expected_files, SHAPES[shape])


def test_the_pool_analyses_deep_code_and_refuses_what_the_parser_cannot(tmp_path: Path) -> None:
    """Files past the pool's thresholds are parsed in worker processes, which get the same
    room to recurse as the command and name the file they cannot analyse."""
    filler = "import sglang\n\ntry:\n    import sglang.srt\nexcept ImportError:\n    pass\n"
    filler += "".join(f"# padding line {n:05d} {'x' * 60}\n" for n in range(300))
    count = engine.POOL_MIN_FILES + 2
    assert count * len(filler) >= engine.POOL_MIN_BYTES
    fallback = "try:\n    from sglang.srt.e import A\nexcept ImportError:\n    A = None\n"
    files = {f"pkg/filler_{n}.py": filler for n in range(count)}
    files["pkg/deep.py"] = fallback + "\n\n" + elif_chain(400)
    root = write_deep(tmp_path / "deep", None)
    write_project(root, files, pyproject=PYPROJECT)
    ran = run_process(root, ["check", "--select", "CL201"])
    assert "Traceback" not in ran.stderr, ran.stderr
    assert ran.exit_code == 1
    assert "pkg/deep.py:1:" in ran.stdout

    files["pkg/deep.py"] = fallback + "\n\n" + elif_chain(10_000)
    root = write_project(write_deep(tmp_path / "deeper", None), files, pyproject=PYPROJECT)
    before = snapshot(root)
    assert_refused(run_process(root, ["check"]), names="pkg/deep.py", says="too deeply nested")
    assert snapshot(root) == before


# Deeper than any supported Python's parser goes (its stack overflows at these depths).
BEYOND_PARSERS = {"elif-10000": elif_chain(10_000), "negation-40000": negations(40_000)}


@pytest.mark.parametrize(
    ("shape", "host", "verb"),
    [
        ("elif-10000", "pkg/_compat.py", ["check"]),
        ("elif-10000", "pkg/_compat.py", ["report"]),
        ("elif-10000", "pkg/_compat.py", ["prune", "--floor", "0.5.10"]),
        ("elif-10000", "pkg/_compat.py", ["inline"]),
        ("elif-10000", "pkg/_compat.py", ["mocks"]),
        ("elif-10000", "pkg/_compat.py", ["check", "--fix"]),
        ("elif-10000", "pkg/user.py", ["inline"]),
        ("elif-10000", "pkg/other.py", ["check"]),
        ("negation-40000", "pkg/_compat.py", ["check"]),
        ("negation-40000", "pkg/user.py", ["inline", "--diff"]),
    ],
)
def test_code_no_parser_can_read_is_refused_naming_the_file(
    shape: str, host: str, verb: list[str], tmp_path: Path
) -> None:
    root = write_deep(tmp_path, None)
    (root / host).write_text(HOSTS[host] + "\n\n" + BEYOND_PARSERS[shape], encoding="utf-8")
    before = snapshot(root)
    assert_refused(run_process(root, verb), names=host, says="too deeply nested to analyse")
    assert snapshot(root) == before


def _parser_gives_up(text: str) -> bool:
    """Whether this Python's ``ast`` parser gives up on ``text``, with the same room to
    recurse as compatlint has (it varies: 3.11 counts against the recursion limit, 3.12
    has a fixed C limit, 3.13 a larger one)."""
    try:
        run_deep(ast.parse, text)
    except (RecursionError, MemoryError):
        return True
    return False


@pytest.mark.parametrize(
    ("shape", "verb"),
    [("elif-3000", "check"), ("elif-3000", "report"), ("sum-5000", "check")],
)
def test_the_depths_of_the_issue_are_analysed_or_refused_by_the_parser(
    shape: str, verb: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A 3,000-branch chain and a 5,000-term sum: analysed where this Python's parser reads
    them, else refused naming the file; never a traceback, never a silent "no findings"."""
    code = elif_chain(3000) if shape == "elif-3000" else long_sum(5000)
    root = write_deep(tmp_path, code)
    before = snapshot(root)
    ran = run_process(root, VERBS[verb])
    if _parser_gives_up(code):
        assert_refused(ran, names="pkg/", says="too deeply nested to analyse")
        assert snapshot(root) == before
    else:
        expected, _ = twin(verb, tmp_path_factory)
        assert "Traceback" not in ran.stderr, ran.stderr
        assert (ran.exit_code, ran.stdout) == (expected.exit_code, expected.stdout)


def test_a_walk_no_file_guard_covers_still_ends_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last resort at the command's edge: a RecursionError is never a traceback."""
    import compatlint.commands.check as check_command

    def recurse(*args: object, **kwargs: object) -> None:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(check_command, "run_check", recurse)
    root = write_project(tmp_path)
    before = snapshot(root)
    assert_refused(run_in_process(root, ["check"]), says="too deeply nested to analyse")
    assert snapshot(root) == before


def test_docs_help_prints_usage_and_writes_nothing(tmp_path: Path) -> None:
    before = snapshot(tmp_path)
    ran = subprocess.run(
        [sys.executable, "-m", "compatlint.docs", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.startswith("Usage: python -m compatlint.docs [OPTIONS] [ROOT]")
    assert "README.md" in ran.stdout
    assert snapshot(tmp_path) == before


def test_docs_outside_the_repository_is_one_line(tmp_path: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "compatlint.docs", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    ran = Ran(completed.returncode, completed.stdout, completed.stderr)
    assert_refused(ran, names="README.md", says="not found")
    assert list(tmp_path.iterdir()) == []
