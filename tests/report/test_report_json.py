"""The ``json`` format: one object with a fixed schema."""

from __future__ import annotations

import json

from compatlint.report import render


def test_exact_schema(sample) -> None:
    out = render(sample, "json")
    assert out.endswith("}\n")
    assert out.startswith('{\n  "version": 1,')  # indent=2
    data = json.loads(out)
    assert list(data) == ["version", "floors", "diagnostics", "summary"]
    assert data["version"] == 1
    assert data["floors"] == {"sglang": "0.5.11"}
    assert data["summary"] == {
        "files": 5,
        "diagnostics": 4,
        "by_code": {"CL101": 2, "CL102": 1, "CL203": 1},
    }
    assert list(data["summary"]["by_code"]) == ["CL101", "CL102", "CL203"]
    assert data["diagnostics"] == [d.to_json() for d in sample.diagnostics]


def test_diagnostic_entries_have_the_documented_keys_and_types(sample) -> None:
    types = {
        "code": str,
        "name": str,
        "path": str,
        "line": int,
        "column": int,
        "end_line": int,
        "end_column": int,
        "message": str,
        "fixable": bool,
    }
    for entry in json.loads(render(sample, "json"))["diagnostics"]:
        assert set(entry) == {*types, "tag"}
        for key, kind in types.items():
            assert type(entry[key]) is kind, key
        assert entry["tag"] is None or isinstance(entry["tag"], dict)


def test_tag_is_serialised(sample) -> None:
    first = json.loads(render(sample, "json"))["diagnostics"][0]
    assert first["tag"] == {
        "raw": "# Remove when min supported version is 0.5.10+",
        "line": 9,
        "end_line": 9,
        "removal": "0.5.10",
        "covers": None,
        "track": None,
        "upstream": "sglang",
        "vague": None,
    }


def test_by_code_is_sorted_by_code_not_by_count(diag, make_result) -> None:
    result = make_result([diag("CL9", line=1), *(diag("CL10", line=i) for i in range(2, 5))])
    by_code = json.loads(render(result, "json"))["summary"]["by_code"]
    assert list(by_code.items()) == [("CL10", 3), ("CL9", 1)]


def test_empty_result(make_result) -> None:
    result = make_result([], files=0, floors={"sglang": "0.5.11", "track:xpu": "0.5.19"})
    assert json.loads(render(result, "json")) == {
        "version": 1,
        "floors": {"sglang": "0.5.11", "track:xpu": "0.5.19"},
        "diagnostics": [],
        "summary": {"files": 0, "diagnostics": 0, "by_code": {}},
    }


def test_exactly_one_object_and_ascii_safe(diag, make_result) -> None:
    out = render(make_result([diag(message="naïve “quote”\nline two")]), "json")
    assert out.isascii()
    decoder = json.JSONDecoder()
    data, end = decoder.raw_decode(out)
    assert out[end:] == "\n"
    assert data["diagnostics"][0]["message"] == "naïve “quote”\nline two"
