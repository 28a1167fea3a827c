"""The human ``text`` format."""

from __future__ import annotations

import re

from compatlint.report import render

ANSI = re.compile(r"\x1b\[[0-9;]*m")
FIX = "(2 fixable with `compatlint check --fix`)"


def test_one_line_per_finding_then_summary(sample) -> None:
    assert render(sample, "text").splitlines() == [
        "pkg/compat.py:10:5: CL101 [*] fallback for sglang 0.5.9 has expired",
        "pkg/compat.py:20:1: CL102 fallback has no removal tag",
        "pkg/other.py:3:1: CL101 [*] fallback for sglang 0.5.9 has expired",
        "pkg/other.py:7:9: CL203 tag names no version",
        f"Found 4 findings in 5 files. {FIX}",
    ]


def test_without_fixable_findings_there_is_no_fix_hint(diag, make_result) -> None:
    result = make_result([diag(line=2), diag(line=4)], files=3)
    assert render(result, "text") == (
        "pkg/compat.py:2:1: CL101 fallback for sglang 0.5.9 has expired\n"
        "pkg/compat.py:4:1: CL101 fallback for sglang 0.5.9 has expired\n"
        "Found 2 findings in 3 files.\n"
    )


def test_singular_counts(diag, make_result) -> None:
    out = render(make_result([diag(fixable=True)], files=1), "text")
    assert out.splitlines()[-1] == (
        "Found 1 finding in 1 file. (1 fixable with `compatlint check --fix`)"
    )


def test_clean_run(make_result) -> None:
    assert render(make_result([], files=7), "text") == "All checks passed! (7 files)\n"
    assert render(make_result([], files=1), "text") == "All checks passed! (1 file)\n"


def test_clean_run_statistics(make_result) -> None:
    out = render(make_result([], files=2), "text", statistics=True)
    assert out == "All checks passed! (2 files)\n"


def test_statistics_table_counts_per_code(diag, make_result) -> None:
    result = make_result(
        [
            diag("CL203", line=1),
            diag("CL102", line=2),
            diag("CL101", line=3, fixable=True),
            diag("CL203", line=4),
            diag("CL101", line=5),
            diag("CL102", line=6),
            diag("CL203", line=7),
        ],
        files=4,
    )
    out = render(result, "text", statistics=True)
    assert out.splitlines() == [
        "3  CL203  vague-tag",
        "2  CL101  expired-fallback   [*]",  # names padded so marks align
        "2  CL102  untagged-fallback",
        "Found 7 findings in 4 files. (1 fixable with `compatlint check --fix`)",
    ]
    # The per-finding lines are replaced, not repeated.
    assert "pkg/compat.py" not in out


def test_statistics_ordering_is_count_desc_then_code(diag, make_result) -> None:
    codes = ["CL9", "CL2", "CL2", "CL5", "CL5", "CL1", "CL1", "CL1", "CL10"]
    result = make_result([diag(code, line=i + 1) for i, code in enumerate(codes)])
    rows = render(result, "text", statistics=True).splitlines()[:-1]
    assert [row.split()[1] for row in rows] == ["CL1", "CL2", "CL5", "CL10", "CL9"]
    assert [int(row.split()[0]) for row in rows] == [3, 2, 2, 1, 1]


def test_statistics_columns_align(diag, make_result) -> None:
    diags = [diag("CL101", line=i + 1) for i in range(12)] + [diag("CL5", line=50, name="x")]
    rows = render(make_result(diags), "text", statistics=True).splitlines()[:-1]
    assert rows == ["12  CL101  expired-fallback", " 1  CL5    x"]
    assert all(row == row.rstrip() for row in rows)


def test_plain_output_has_no_ansi(sample) -> None:
    for statistics in (False, True):
        assert "\x1b" not in render(sample, "text", color=False, statistics=statistics)


def test_color_output_has_ansi_and_the_same_text(sample) -> None:
    plain = render(sample, "text")
    colored = render(sample, "text", color=True)
    assert ANSI.search(colored)
    assert ANSI.sub("", colored) == plain


def test_color_styles_path_code_and_mark(diag, make_result) -> None:
    colored = render(make_result([diag(fixable=True)], files=1), "text", color=True)
    first = colored.splitlines()[0]
    assert "\x1b[1mpkg/compat.py\x1b[0m" in first  # bold path
    assert "\x1b[31mCL101\x1b[0m" in first  # red code
    assert "\x1b[2m[*]\x1b[0m" in first  # dim mark


def test_color_statistics_keeps_the_text(sample) -> None:
    plain = render(sample, "text", statistics=True)
    colored = render(sample, "text", statistics=True, color=True)
    assert ANSI.search(colored)
    assert ANSI.sub("", colored) == plain


def test_color_does_not_wrap_or_interpret_markup(diag, make_result) -> None:
    message = "[bold]not markup[/bold] :smile: " + "x" * 300
    result = make_result([diag(path="a/" + "deep/" * 30 + "compat.py", message=message)])
    plain = render(result, "text")
    colored = render(result, "text", color=True)
    assert ANSI.sub("", colored) == plain
    assert message in plain


def test_color_ignores_no_color_env(sample, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("COLUMNS", "20")
    monkeypatch.setenv("TTY_COMPATIBLE", "0")
    colored = render(sample, "text", color=True)
    assert ANSI.search(colored)
    assert ANSI.sub("", colored) == render(sample, "text")
