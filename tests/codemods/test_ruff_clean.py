"""After the deprecation pass (prune, then inline), the project's own ``ruff check`` and
``ruff format --check`` report nothing new — but for imports prune lists for a person."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner
from helpers import make_config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oracle.behaviour import check_behaviour
from oracle.oracle import SHIM, example_count
from oracle.upstream import Upstream, before, since

from compatlint import formatters
from compatlint.cli import main
from compatlint.codemods import formatting
from compatlint.codemods.edits import EditPlan
from compatlint.codemods.formatting import FormatEdit
from compatlint.codemods.imports_hoist import import_boundary
from compatlint.codemods.prune import plan_prune
from compatlint.formatters import BlackFormatter, RuffFormatter, project_formatter
from compatlint.ruff_sorter import RuffSorter, find_ruff, project_settings

RUFF = find_ruff()


def ruff_findings(root: Path) -> Counter[tuple[str, str, str]]:
    """``ruff check`` with the project's configuration: (path, code, message) counts."""
    result = subprocess.run(
        [RUFF, "check", "--no-cache", "--exit-zero", "--output-format", "json", "."],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return Counter(
        (Path(item["filename"]).relative_to(root).as_posix(), item["code"], item["message"])
        for item in json.loads(result.stdout)
    )


def ruff_format_clean(root: Path) -> str:
    """The diff ``ruff format --check --diff`` prints (empty when every file is formatted)."""
    result = subprocess.run(
        [RUFF, "format", "--no-cache", "--check", "--diff", "."],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return "" if result.returncode == 0 else result.stdout + result.stderr


# -- the example ------------------------------------------------------------------------------

PRE_EXISTING = Counter(
    {("src/servo/_compat.py", "F822", "Undefined name `get_kv_cache_dtype` in `__all__`"): 1}
)


def committed(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Test")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "test@example.com")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "start"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.mark.parametrize("floor", ["0.5.11", "0.5.10"])
def test_the_deprecation_pass_on_the_example_leaves_ruff_clean(
    tmp_path: Path, example_root: Path, floor: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "example"
    shutil.copytree(example_root, root, ignore=shutil.ignore_patterns(".*_cache"))
    committed(root, monkeypatch)
    # The example's one finding is deliberate: __all__ names a removed function (CL107).
    assert ruff_findings(root) == PRE_EXISTING
    assert ruff_format_clean(root) == ""

    runner = CliRunner()
    config = ["--config", str(root / "pyproject.toml")]
    arguments = ["prune", *config, "--floor", floor, "--commit", "--format", "json"]
    pruned = runner.invoke(main, arguments, catch_exceptions=False)
    assert pruned.exit_code == 0, pruned.output
    payload = json.loads(pruned.output)
    assert [item for item in payload["follow_ups"] if item["kind"] == "import"] == []
    inlined = runner.invoke(main, ["inline", *config], catch_exceptions=False)
    assert inlined.exit_code == 0, inlined.output

    assert ruff_findings(root) - PRE_EXISTING == Counter()
    assert ruff_format_clean(root) == ""


# -- generated projects -----------------------------------------------------------------------

TAG = "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+"
HEADER = '"""A shim."""\n\nimport logging\nimport sys\nfrom typing import TypeVar\n'
SAFE = (
    "logger{k} = logging.getLogger(__name__)",
    "LIMIT{k} = {k}",
    "T{k} = TypeVar('T{k}')",
    "def helper{k}(x: int = {k}) -> int:\n    return x + 1",
    "class Box{k}:\n    size = {k}",
    "if sys.version_info >= (3, 11):\n    FAST{k} = True\nelse:\n    FAST{k} = False",
)
UNSAFE = (
    "logging.basicConfig()",
    "CACHE{k} = dict(a={k})",
    "for _ in range(2):\n    pass",
    "sys.path.insert(0, '')",
)


def fallback(j: int) -> str:
    return (
        f"try:\n    from sglang.srt.new{j} import N{j}\nexcept ImportError:\n"
        f"    {TAG}\n    from sglang.srt.old{j} import N{j}"
    )


@st.composite
def generated(draw: st.DrawFn) -> tuple[list[tuple[str, int]], dict[str, object]]:
    """Module-level items in order — ("safe"|"unsafe"|"placeholder"|"fallback", index) —
    and the project's ``[tool.ruff.lint.isort]`` settings."""
    statements = draw(
        st.lists(st.tuples(st.sampled_from(["safe", "unsafe"]), st.integers(0, 5)), max_size=4)
    )
    items: list[tuple[str, int]] = [(kind, n % 6) for kind, n in statements]
    for j in range(draw(st.integers(1, 3))):
        items.insert(draw(st.integers(0, len(items))), ("fallback", j))
        if draw(st.booleans()):
            items.insert(0, ("placeholder", j))
    isort = {
        "force-single-line": draw(st.booleans()),
        "force-sort-within-sections": draw(st.booleans()),
        "lines-after-imports": draw(st.sampled_from([-1, 1, 2])),
        "known-first-party": ["pkg"],
    }
    return items, isort


def render(items: list[tuple[str, int]]) -> str:
    blocks = []
    for k, (kind, index) in enumerate(items):
        if kind == "fallback":
            blocks.append(fallback(index))
        elif kind == "placeholder":
            blocks.append(f"N{index} = None\nALIAS{index} = N{index}")
        else:
            pool = SAFE if kind == "safe" else UNSAFE
            blocks.append(pool[index % len(pool)].format(k=k))
    names = sorted(f"N{j}" for kind, j in items if kind == "fallback")
    return HEADER + "\n\n" + "\n\n\n".join(blocks) + f"\n\n\n__all__ = {names!r}\n"


def pyproject(isort: dict[str, object]) -> str:
    lines = ["[tool.ruff]", "line-length = 100", "", "[tool.ruff.lint]"]
    lines += ['select = ["E", "W", "F", "I"]', 'ignore = ["F401"]', "", "[tool.ruff.lint.isort]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in isort.items()]
    return "\n".join(lines) + "\n"


def tidy(root: Path) -> None:
    """Sort and format the generated project as its tools would: the starting point."""
    for command in (["check", "--fix", "--select", "I", "-q"], ["format", "-q"]):
        subprocess.run([RUFF, *command, "--no-cache", "."], cwd=root, check=False)


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


@settings(
    max_examples=example_count(6),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(generated())
def test_prune_on_generated_projects_leaves_ruff_clean(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[list[tuple[str, int]], dict]
) -> None:
    items, isort = case
    root = tmp_path_factory.mktemp("generated")
    write(root, {"pyproject.toml": pyproject(isort), SHIM: render(items), "pkg/__init__.py": ""})
    tidy(root)
    files = {path: (root / path).read_text(encoding="utf-8") for path in (SHIM, "pkg/__init__.py")}
    before_findings = ruff_findings(root)
    assert before_findings == Counter(), (before_findings, files[SHIM])
    assert ruff_format_clean(root) == ""

    settings_ = project_settings(root, root / "pyproject.toml", ["pkg"])
    plan = plan_prune(
        make_config(),
        files,
        sorter=RuffSorter(root, settings_),
        formatter=RuffFormatter(root, settings_),
    )
    new = plan.new_text(SHIM, files[SHIM])
    compile(new, SHIM, "exec")
    write(root, {SHIM: new})
    listed = [f for f in plan.follow_ups if f.kind == "import"]
    after = ruff_findings(root)
    assert set(after) <= {(SHIM, "E402", "Module level import not at top of file")}, new
    assert sum(after.values()) == len(listed), (new, listed)
    assert ruff_format_clean(root) == "", new
    again = dict(files, **{SHIM: new})
    assert plan_prune(make_config(), again).edits == {}  # idempotent

    # Where each unwrapped import went: up, unless something before it may depend on it.
    tree = ast.parse(new)
    top = {
        ast.get_source_segment(new, statement)
        for statement in tree.body[: import_boundary(tree)]
        if isinstance(statement, ast.ImportFrom)
    }
    for position, (kind, j) in enumerate(items):
        if kind != "fallback":
            continue
        line = f"from sglang.srt.new{j} import N{j}"
        held = any(
            k in ("unsafe", "placeholder") and (k != "placeholder" or i == j)
            for k, i in items[:position]
        )
        if not held:
            assert line in top, new  # each from its own module: never merged with another

    upstream = Upstream()
    for kind, j in items:
        if kind == "fallback":
            upstream.add(f"sglang.srt.new{j}", f"N{j}", since("0.5.10"))
            upstream.add(f"sglang.srt.old{j}", f"N{j}", before("0.5.10"))
    check_behaviour(files, upstream, root / "oracle")


# -- the formatter ----------------------------------------------------------------------------


def test_ruff_formats_the_touched_lines_only_of_a_file_that_was_formatted(tmp_path: Path) -> None:
    formatter = RuffFormatter(tmp_path)
    before = 'NAMES = (\n    "a",\n    "b",\n)\nx = 1\n'
    after = 'NAMES = (\n    "a",\n)\nx = 1\n'
    edit = FormatEdit("m.py", before, after)
    assert edit.span == (2, 3)
    assert formatter.format([edit]) == ['NAMES = ("a",)\nx = 1\n']
    untidy = before + "y  =  2\n"
    edit = FormatEdit("m.py", untidy, after + "y  =  2\n")
    assert formatter.format([edit]) == [after + "y  =  2\n"]  # not formatted before: as is
    assert formatter.format([]) == []


def test_the_touched_lines_are_found_only_for_a_file_formatted_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding them compares the texts line by line: a big tree that is not formatted
    never pays for it."""
    found = mock.Mock(wraps=formatting.touched_lines)
    monkeypatch.setattr(formatting, "touched_lines", found)
    files = EditPlan({"tidy.py": "x = 1\n", "untidy.py": "x  =  1\n"})
    files.texts.update({"tidy.py": "x = [1,2]\n", "untidy.py": "x  =  [1,2]\n"})
    formatting.format_files(files, RuffFormatter(tmp_path))
    assert files.texts == {"tidy.py": "x = [1, 2]\n", "untidy.py": "x  =  [1,2]\n"}
    assert [call.args[0] for call in found.call_args_list] == ["x = 1\n"]


def test_an_edit_of_line_ends_alone_is_not_formatted(tmp_path: Path) -> None:
    edit = FormatEdit("m.py", "x = 1\n", "x = 1\r\n")
    assert edit.span is None
    assert RuffFormatter(tmp_path).format([edit]) == ["x = 1\r\n"]


def test_black_formats_a_black_project_when_it_is_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.black]\nline-length = 88\n", encoding="utf-8")
    monkeypatch.setattr(formatters.shutil, "which", lambda name: f"/opt/bin/{name}")
    chosen = project_formatter(tmp_path, pyproject)
    assert isinstance(chosen, BlackFormatter) and chosen.binary == "/opt/bin/black"
    monkeypatch.setattr(formatters.shutil, "which", lambda name: None)
    assert project_formatter(tmp_path, pyproject) is None
    pyproject.write_text("[tool.black]\n[tool.ruff.format]\n", encoding="utf-8")
    assert isinstance(project_formatter(tmp_path, pyproject), RuffFormatter)
    assert isinstance(project_formatter(tmp_path, None), RuffFormatter)


def test_check_fix_on_the_example_sorts_and_formats_like_prune(
    tmp_path: Path, example_root: Path
) -> None:
    """``check --fix`` (the pre-commit fix hook) prunes with the same sorting and formatting
    as ``prune``: the expired fallbacks go and ruff reports nothing new."""
    root = tmp_path / "example"
    shutil.copytree(example_root, root, ignore=shutil.ignore_patterns(".*_cache"))
    config = ["--config", str(root / "pyproject.toml")]
    fixed = CliRunner().invoke(
        main, ["check", *config, "--floor", "0.5.11", "--fix", "--no-cache"], catch_exceptions=False
    )
    assert "Fixed CL102" in fixed.stderr + fixed.stdout, fixed.output
    assert ruff_findings(root) - PRE_EXISTING == Counter()
    assert ruff_format_clean(root) == ""
