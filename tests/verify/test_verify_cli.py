"""``compatlint verify`` end to end: the matrix in each format, findings, suggestions, --write."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from verify_fakes import SHIM, write_wheel

from compatlint.cli import main

TAG_LINE = "    # Fallback for sglang <= 0.5.10. Remove when min supported version is 0.5.11+\n"
EXPECTED = [
    ("CL304", "pkg/_compat.py", 5),
    ("CL303", "pkg/_compat.py", 16),
    ("CL301", "pkg/_compat.py", 27),
    ("CL302", "pkg/_compat.py", 32),
    ("CL302", "pkg/_compat.py", 50),
    ("CL304", "pkg/server.py", 1),
]


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["verify", *args], catch_exceptions=False)


def found(result: Result) -> list[tuple[str, str, int]]:
    payload = json.loads(result.stdout)
    return [(d["code"], d["path"], d["line"]) for d in payload["diagnostics"]]


def test_text_matrix_and_findings(project: Path, upstream_args: list[str]) -> None:
    result = run(*upstream_args)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("sglang 0.5.9 (")
    assert lines[0].endswith("; floors: sglang 0.5.9")
    assert lines[2].split() == [
        "location",
        "role",
        "import",
        "0.5.9",
        "0.5.10",
        "0.5.11",
        "tag",
        "verdict",
    ]
    row = next(line for line in lines if line.startswith("pkg/_compat.py:15 "))
    assert row.split() == [
        "pkg/_compat.py:15",
        "try",
        "sglang.srt.io_struct:AbortReq",
        "absent",
        "present",
        "present",
        "0.5.9",
        "→",
        "0.5.11+",
        "CL303",
        "tag-vs-evidence",
    ]
    unknown = next(line for line in lines if line.startswith("pkg/_compat.py:37 "))
    assert unknown.split()[3:6] == ["unknown"] * 3 and unknown.endswith("unknown")
    assert (
        "pkg/_compat.py:16:1: CL303 tag contradicts the upstream: it keeps the fallback for "
        "0.5.10, but sglang.srt.io_struct:AbortReq is present there; the evidence supports "
        '"Fallback for sglang <= 0.5.9. Remove when min supported version is 0.5.10+"'
    ) in lines
    assert lines[-1] == "Found 6 findings in 3 files."
    assert "Suggested tags:" not in result.stdout
    assert result.stderr == ""


def test_json_has_checks_shape_plus_the_matrix(project: Path, upstream_args: list[str]) -> None:
    result = run(*upstream_args, "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    assert found(result) == EXPECTED
    assert payload["version"] == 1
    assert payload["floors"] == {"sglang": "0.5.9"}
    assert payload["summary"] == {
        "files": 3,
        "diagnostics": 6,
        "by_code": {"CL301": 1, "CL302": 2, "CL303": 1, "CL304": 2},
    }
    assert set(payload["diagnostics"][0]) == {
        "code",
        "name",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "fixable",
        "tag",
    }
    assert [v["version"] for v in payload["upstream"]["versions"]] == ["0.5.9", "0.5.10", "0.5.11"]
    hidden = next(row for row in payload["matrix"] if row["import"] == "sglang.srt.utils:hidden")
    assert hidden["cells"]["0.5.10"] == {
        "presence": "absent",
        "reason": "hidden is not defined in sglang/srt/utils/__init__.py "
        "(sglang.srt.utils.common leaves it out of __all__)",
    }
    assert hidden["codes"] == ["CL302"] and hidden["role"] == "try"
    assert payload["suggestions"][0] == {
        "path": "pkg/_compat.py",
        "line": 22,
        "tag": TAG_LINE.strip(),
        "replaces_vague_tag": False,
        "writable": True,
        "reason": None,
    }


def test_markdown(project: Path, upstream_args: list[str]) -> None:
    result = run(*upstream_args, "--format", "markdown", "--suggest-tags")
    lines = result.stdout.splitlines()
    assert lines[0].startswith("## compatlint verify: sglang 0.5.9")
    assert lines[2] == "| location | role | import | 0.5.9 | 0.5.10 | 0.5.11 | tag | verdict |"
    assert (
        "| pkg/_compat.py:32 | try | `sglang.srt.utils:hidden` | absent | absent | absent "
        "| untagged | CL302 broken-path |"
    ) in lines
    assert "### Findings" in lines and "### Suggested tags" in lines
    assert any(line.startswith("- `pkg/server.py:1:1` **CL304**") for line in lines)


def test_colour_table_on_a_terminal(
    project: Path, upstream_args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    # color=True: the runner's stdout is no terminal, and click.echo would strip the styles.
    result = CliRunner().invoke(main, ["verify", *upstream_args], color=True)
    assert "\x1b[" in result.stdout and "CL303" in result.stdout
    assert "sglang.srt.io_struct:AbortReq" in result.stdout


def test_floor_option_moves_the_window(project: Path, upstream_args: list[str]) -> None:
    result = run(*upstream_args, "--floor", "0.5.10", "--format", "json")
    codes = found(result)
    assert ("CL301", "pkg/_compat.py", 10) in codes  # Mover's new path: in 0.5.10 and 0.5.11
    assert ("CL301", "pkg/_compat.py", 45) in codes  # the probe path, likewise


def test_suggest_tags_text(project: Path, upstream_args: list[str]) -> None:
    result = run(*upstream_args, "--suggest-tags")
    tail = result.stdout.split("Suggested tags:\n", 1)[1].splitlines()
    assert tail == [
        f"pkg/_compat.py:22: {TAG_LINE.strip()}",
        "pkg/_compat.py:33: no suggestion: the preferred path is absent in every given version",
        "pkg/_compat.py:39: no suggestion: the preferred path is unknown in 0.5.9",
    ]


def test_write_inserts_the_tag_once(project: Path, upstream_args: list[str]) -> None:
    shim = project / "pkg" / "_compat.py"
    result = run(*upstream_args, "--write", "--allow-dirty")
    assert result.exit_code == 1
    assert result.stderr == "compatlint: --write: inserted 1 tag in pkg/_compat.py\n"
    lines = SHIM.splitlines(keepends=True)
    assert shim.read_text() == "".join([*lines[:22], TAG_LINE, *lines[22:]])
    again = run(*upstream_args, "--write", "--format", "json")  # nothing to write: no git check
    assert again.stderr == "compatlint: --write: no tag to insert\n"
    assert shim.read_text() == "".join([*lines[:22], TAG_LINE, *lines[22:]])
    rows = json.loads(again.stdout)["matrix"]
    assert {row["tag"] for row in rows if row["line"] in (21, 24)} == {"<= 0.5.10 → 0.5.11+"}


def test_write_keeps_crlf_and_bom(project: Path, upstream_args: list[str]) -> None:
    shim = project / "pkg" / "_compat.py"
    shim.write_bytes(b"\xef\xbb\xbf" + SHIM.replace("\n", "\r\n").encode())
    assert run(*upstream_args, "--write", "--allow-dirty").exit_code == 1
    data = shim.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert TAG_LINE.replace("\n", "\r\n").encode() in data
    assert data.count(b"\r\n") == SHIM.count("\n") + 1 and b"\n" not in data.replace(b"\r\n", b"")


def test_suppression_comment(project: Path, upstream_args: list[str]) -> None:
    shim = project / "pkg" / "_compat.py"
    shim.write_text(
        SHIM.replace(
            "from sglang.srt.utils import get_ip\n",
            "from sglang.srt.utils import get_ip  # compatlint: ignore[CL304]\n",
            1,
        )
    )
    assert ("CL304", "pkg/_compat.py", 5) not in found(run(*upstream_args, "--format", "json"))


def test_clean_project_exits_0(
    project: Path, upstreams: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "pkg" / "_compat.py").write_text("from sglang.srt.utils import helper\n")
    (project / "pkg" / "server.py").write_text("")
    result = run(
        "--upstream", f"0.5.10={upstreams['0.5.10']}", "--upstream", f"0.5.11={upstreams['0.5.11']}"
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "All checks passed! (3 files)"


def test_version_in_the_file_name_is_checked(project: Path, upstreams: dict[str, Path]) -> None:
    result = run(
        "--upstream",
        f"0.5.8={upstreams['0.5.9']}",
        "--upstream",
        f"0.5.11={upstreams['0.5.11']}",
    )
    assert result.stderr.startswith("compatlint: warning: --upstream 0.5.8=")
    assert result.stderr.rstrip().endswith("the file name says 0.5.9")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--upstream", "0.5.10=x"], "give at least two --upstream"),
        ([], "give at least two --upstream"),
        (["--upstream", "0.5.10", "--upstream", "0.5.11=y"], "expected VERSION=PATH"),
        (["--upstream", "next=x", "--upstream", "0.5.11=y"], "not a version"),
        (["--upstream", "0.5.10=missing", "--upstream", "0.5.11=y"], "no such file or directory"),
        (["--upstream", "0.5.10=bad.whl", "--upstream", "0.5.11=bad.whl"], "not a readable wheel"),
        (["--upstream", "0.5.10=other.whl", "--upstream", "0.5.11=x"], "no package 'sglang'"),
        (["--upstream", "0.5.10=a", "--upstream", "v0.5.10=b"], "0.5.10 is given twice"),
    ],
)
def test_errors_are_one_line_and_exit_2(project: Path, args: list[str], message: str) -> None:
    (project / "bad.whl").write_bytes(b"PK but not really")
    write_wheel(project / "other.whl", {"numpy/__init__.py": ""})
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("compatlint: error: ")
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_write_refuses_a_file_changed_meanwhile(
    project: Path, upstream_args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import compatlint.verify.write as write

    shim = project / "pkg" / "_compat.py"
    original = write.insert_tags

    def insert_and_race(text: str, insertions: object) -> str:
        shim.write_text(SHIM + "\n# edited meanwhile\n")
        return original(text, insertions)  # type: ignore[arg-type]

    monkeypatch.setattr(write, "insert_tags", insert_and_race)
    result = run(*upstream_args, "--write", "--allow-dirty")
    assert result.exit_code == 2
    assert "changed on disk since it was read" in result.stderr
    assert shim.read_text() == SHIM + "\n# edited meanwhile\n"


def test_write_needs_git_or_allow_dirty(project: Path, upstream_args: list[str]) -> None:
    result = run(*upstream_args, "--write")
    assert result.exit_code == 2
    assert "not inside a git repository" in result.stderr
    assert (project / "pkg" / "_compat.py").read_text() == SHIM


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_write_refuses_uncommitted_changes(project: Path, upstream_args: list[str]) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=project,
            check=True,
            capture_output=True,
        )

    git("init", "-q")
    git("add", ".")
    git("commit", "-q", "-m", "start")
    shim = project / "pkg" / "_compat.py"
    shim.write_text(SHIM + "# work in progress\n")
    refused = run(*upstream_args, "--write")
    assert refused.exit_code == 2
    assert "uncommitted changes in pkg/_compat.py" in refused.stderr
    git("commit", "-q", "-am", "wip")
    assert run(*upstream_args, "--write").stderr.startswith("compatlint: --write: inserted 1 tag")
    assert TAG_LINE in shim.read_text()
