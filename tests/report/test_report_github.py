"""The ``github`` format: workflow-command annotations with correct escaping."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from compatlint.model import Diagnostic
from compatlint.report import CheckResult, render
from compatlint.report.github import escape_data, escape_property

COMMAND = re.compile(r"^::error (?P<props>[^:]*)::(?P<message>.*)$")


def _unescape(value: str) -> str:
    return re.sub(r"%(25|0D|0A|3A|2C)", lambda m: chr(int(m.group(1), 16)), value)


def _parse(line: str) -> tuple[dict[str, str], str]:
    match = COMMAND.match(line)
    assert match, line
    props = dict(item.split("=", 1) for item in match["props"].split(","))
    return {k: _unescape(v) for k, v in props.items()}, _unescape(match["message"])


def test_one_annotation_per_finding_then_summary(sample) -> None:
    lines = render(sample, "github").splitlines()
    assert lines[0] == (
        "::error file=pkg/compat.py,line=10,col=5,endLine=10,endColumn=15,"
        "title=CL101 expired-fallback::fallback for sglang 0.5.9 has expired"
    )
    assert len(lines) == 5
    assert all(line.startswith("::error ") for line in lines[:4])
    assert lines[4] == "Found 4 findings in 5 files. (2 fixable with `compatlint check --fix`)"


def test_clean_run_is_just_the_summary(make_result) -> None:
    assert render(make_result([], files=2), "github") == "All checks passed! (2 files)\n"


def test_message_escaping(diag, make_result) -> None:
    result = make_result([diag(message="100% gone\r\nnext: a, b")])
    line = render(result, "github").splitlines()[0]
    # In the message only %, CR and LF are escaped; ':' and ',' stay as they are.
    assert line.endswith("::100%25 gone%0D%0Anext: a, b")


def test_path_escaping(diag, make_result) -> None:
    path = "odd dir/a:b,c%d.py"
    line = render(make_result([diag(path=path, line=3)]), "github").splitlines()[0]
    assert line.startswith("::error file=odd dir/a%3Ab%2Cc%25d.py,line=3,")
    props, _ = _parse(line)
    assert props["file"] == path


def test_title_escaping(diag, make_result) -> None:
    line = render(make_result([diag("CL1", name="a,b:c")]), "github").splitlines()[0]
    assert ",title=CL1 a%2Cb%3Ac::" in line


def test_newline_in_path_does_not_break_the_line(diag, make_result) -> None:
    out = render(make_result([diag(path="a\nb.py", message="x\ny")]), "github")
    assert len(out.splitlines()) == 2
    assert "file=a%0Ab.py" in out


def test_escape_functions() -> None:
    assert escape_data("%\r\n:,") == "%25%0D%0A:,"
    assert escape_property("%\r\n:,") == "%25%0D%0A%3A%2C"
    # '%' first, so an already-escaped-looking value is not double-interpreted.
    assert escape_data("%0A") == "%250A"


@given(
    path=st.text(min_size=1, max_size=30),
    name=st.text(max_size=20),
    message=st.text(max_size=60),
)
def test_escaping_round_trips(path: str, name: str, message: str) -> None:
    d = Diagnostic("CL101", name, path, 4, 2, 5, 9, message)
    out = render(CheckResult((d,), 1, {}, ()), "github")
    # The runner reads one command per LF-terminated line: exactly two lines, no stray CR.
    first, summary, end = out.split("\n")
    assert end == ""
    assert "\r" not in first
    assert summary == "Found 1 finding in 1 file."
    props, got = _parse(first)
    assert got == message
    assert props == {
        "file": path,
        "line": "4",
        "col": "2",
        "endLine": "5",
        "endColumn": "9",
        "title": f"CL101 {name}",
    }
