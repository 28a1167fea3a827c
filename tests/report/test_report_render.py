"""The ``render`` entry point: dispatch, validation and the shape shared by all formats."""

from __future__ import annotations

import json

import pytest

from compatlint.report import FORMATS, CheckResult, RuleInfo, render


def test_formats_are_the_documented_four() -> None:
    assert FORMATS == ("text", "json", "github", "sarif")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_returns_a_newline_terminated_string(fmt: str, sample: CheckResult) -> None:
    out = render(sample, fmt)
    assert isinstance(out, str)
    assert out.endswith("\n")
    assert not out.endswith("\n\n")


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_handles_an_empty_result(fmt: str, make_result) -> None:
    out = render(make_result([], files=0, floors={}, rules=()), fmt)
    assert out.endswith("\n")


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_machine_formats_parse_as_json(fmt: str, sample: CheckResult) -> None:
    json.loads(render(sample, fmt))


@pytest.mark.parametrize("fmt", ["", "TEXT", "junit", "sarif2"])
def test_unknown_format_is_a_value_error_naming_the_choices(fmt: str, sample) -> None:
    with pytest.raises(ValueError, match="text, json, github, sarif"):
        render(sample, fmt)


@pytest.mark.parametrize("fmt", ["json", "github", "sarif"])
def test_color_and_statistics_do_not_change_other_formats(fmt: str, sample) -> None:
    assert render(sample, fmt, color=True, statistics=True) == render(sample, fmt)


def test_check_result_coerces_lists_to_tuples(diag) -> None:
    result = CheckResult(
        diagnostics=[diag()],  # type: ignore[arg-type]
        files=1,
        floors={},
        rules=[RuleInfo("CL101", "expired-fallback", "x")],  # type: ignore[arg-type]
    )
    assert isinstance(result.diagnostics, tuple)
    assert isinstance(result.rules, tuple)


def test_render_is_pure(sample: CheckResult, capsys) -> None:
    for fmt in FORMATS:
        assert render(sample, fmt) == render(sample, fmt)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""
