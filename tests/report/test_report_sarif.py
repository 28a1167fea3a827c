"""The ``sarif`` format: a structurally valid SARIF 2.1.0 log with stable fingerprints."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from compatlint import __version__
from compatlint.model import Diagnostic
from compatlint.report import CheckResult, RuleInfo, render
from compatlint.report.sarif import FINGERPRINT_KEY, fingerprints


def _require(obj: Any, keys: dict[str, type | tuple[type, ...]], where: str) -> None:
    assert isinstance(obj, dict), f"{where}: not an object"
    for key, kind in keys.items():
        assert key in obj, f"{where}: missing {key!r}"
        assert isinstance(obj[key], kind), f"{where}.{key}: {type(obj[key]).__name__}"


def check_sarif(log: dict[str, Any]) -> None:
    """A structural check of the parts of SARIF 2.1.0 that compatlint emits.

    Not the full JSON schema, but every property the consumers we target (GitHub code
    scanning, the SARIF viewer) rely on, with its type and the cross references.
    """
    _require(log, {"$schema": str, "version": str, "runs": list}, "log")
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    _require(run, {"tool": dict, "results": list, "originalUriBaseIds": dict}, "run")
    _require(run["originalUriBaseIds"], {"%SRCROOT%": dict}, "originalUriBaseIds")
    driver = run["tool"]["driver"]
    _require(
        driver,
        {"name": str, "version": str, "informationUri": str, "rules": list},
        "driver",
    )
    assert driver["name"] == "compatlint"
    assert driver["version"]
    assert driver["informationUri"].startswith("https://")
    ids = []
    for i, rule in enumerate(driver["rules"]):
        _require(rule, {"id": str, "name": str, "shortDescription": dict}, f"rules[{i}]")
        _require(rule["shortDescription"], {"text": str}, f"rules[{i}].shortDescription")
        ids.append(rule["id"])
    assert len(ids) == len(set(ids)), "rule ids must be unique"
    for i, res in enumerate(run["results"]):
        where = f"results[{i}]"
        _require(
            res,
            {
                "ruleId": str,
                "ruleIndex": int,
                "level": str,
                "message": dict,
                "locations": list,
                "partialFingerprints": dict,
            },
            where,
        )
        assert res["level"] in {"none", "note", "warning", "error"}
        assert 0 <= res["ruleIndex"] < len(ids), f"{where}: ruleIndex out of range"
        assert ids[res["ruleIndex"]] == res["ruleId"], f"{where}: ruleIndex points elsewhere"
        _require(res["message"], {"text": str}, f"{where}.message")
        assert res["locations"], f"{where}: no location"
        phys = res["locations"][0]["physicalLocation"]
        _require(phys, {"artifactLocation": dict, "region": dict}, f"{where}.physicalLocation")
        _require(phys["artifactLocation"], {"uri": str, "uriBaseId": str}, f"{where}.artifact")
        assert phys["artifactLocation"]["uriBaseId"] in run["originalUriBaseIds"]
        region = phys["region"]
        fields = ("startLine", "startColumn", "endLine", "endColumn")
        _require(region, dict.fromkeys(fields, int), f"{where}.region")
        assert all(region[f] >= 1 for f in fields), f"{where}: region is 1-based"
        assert (region["endLine"], region["endColumn"]) >= (
            region["startLine"],
            region["startColumn"],
        )
        assert all(isinstance(v, str) and v for v in res["partialFingerprints"].values())


def _sarif(result: CheckResult, **kwargs: Any) -> dict[str, Any]:
    return json.loads(render(result, "sarif", **kwargs))


def _prints(result: CheckResult) -> list[str]:
    return [r["partialFingerprints"][FINGERPRINT_KEY] for r in _sarif(result)["runs"][0]["results"]]


def test_structure(sample) -> None:
    log = _sarif(sample, tool_version="1.2.3")
    check_sarif(log)
    run = log["runs"][0]
    assert run["tool"]["driver"]["version"] == "1.2.3"
    assert run["tool"]["driver"]["informationUri"] == "https://pypi.org/project/compatlint/"
    assert run["tool"]["driver"]["rules"][0] == {
        "id": "CL101",
        "name": "expired-fallback",
        "shortDescription": {"text": "A fallback whose removal tag has expired."},
        "defaultConfiguration": {"level": "error"},
    }
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["CL101", "CL102", "CL203"]


def test_results_mirror_the_diagnostics(sample) -> None:
    results = _sarif(sample)["runs"][0]["results"]
    assert len(results) == len(sample.diagnostics)
    for res, d in zip(results, sample.diagnostics, strict=True):
        assert res["ruleId"] == d.code
        assert res["level"] == "error"
        assert res["message"] == {"text": d.message}
        phys = res["locations"][0]["physicalLocation"]
        assert phys["artifactLocation"] == {"uri": d.path, "uriBaseId": "%SRCROOT%"}
        assert phys["region"] == {
            "startLine": d.line,
            "startColumn": d.column,
            "endLine": d.end_line,
            "endColumn": d.end_column,
        }


def test_rule_index_points_at_the_right_rule(diag, make_result) -> None:
    rules = (
        RuleInfo("CL300", "c", "third"),
        RuleInfo("CL100", "a", "first"),
        RuleInfo("CL200", "b", "second"),
    )
    result = make_result([diag("CL200"), diag("CL300", line=2)], rules=rules)
    log = _sarif(result)
    check_sarif(log)
    assert [r["ruleIndex"] for r in log["runs"][0]["results"]] == [2, 0]


def test_unlisted_rule_is_added_so_indices_stay_valid(diag, make_result) -> None:
    result = make_result([diag("CL999", name="mystery")], rules=())
    log = _sarif(result)
    check_sarif(log)
    assert log["runs"][0]["tool"]["driver"]["rules"][0]["id"] == "CL999"


def test_default_version_is_the_package_version(make_result) -> None:
    log = _sarif(make_result([]))
    check_sarif(log)
    assert log["runs"][0]["tool"]["driver"]["version"] == __version__
    assert log["runs"][0]["results"] == []


def test_uri_is_percent_encoded(diag, make_result) -> None:
    log = _sarif(make_result([diag(path="my dir/a:b%c.py")]))
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"] == "my%20dir/a%3Ab%25c.py"


def _shift(result: CheckResult, by: int) -> CheckResult:
    moved = tuple(
        dataclasses.replace(d, line=d.line + by, end_line=d.end_line + by)
        for d in result.diagnostics
    )
    return dataclasses.replace(result, diagnostics=moved)


def test_fingerprints_survive_line_shifts(sample) -> None:
    assert _prints(_shift(sample, 40)) == _prints(sample)


def test_fingerprints_survive_an_insertion_above_only_some_findings(diag, make_result) -> None:
    before = make_result([diag(line=5), diag("CL102", line=30, message="m")])
    after = make_result([diag(line=5), diag("CL102", line=33, message="m")])
    assert _prints(before) == _prints(after)


def test_fingerprints_differ_for_different_messages(diag, make_result) -> None:
    a = _prints(make_result([diag(message="one")]))
    b = _prints(make_result([diag(message="two")]))
    assert a != b


def test_fingerprints_differ_for_code_and_path(diag, make_result) -> None:
    base = _prints(make_result([diag()]))
    assert _prints(make_result([diag("CL102")])) != base
    assert _prints(make_result([diag(path="pkg/else.py")])) != base


def test_identical_findings_in_one_file_get_distinct_fingerprints(diag, make_result) -> None:
    prints = _prints(make_result([diag(line=3), diag(line=9), diag(line=12)]))
    assert len(set(prints)) == 3
    # Moving all three keeps their relative order and so their fingerprints.
    moved = _prints(make_result([diag(line=13), diag(line=19), diag(line=22)]))
    assert moved == prints


def test_fingerprints_are_hex_digests(sample) -> None:
    for value in _prints(sample):
        assert len(value) == 64
        int(value, 16)


def test_fingerprints_do_not_depend_on_input_order(sample) -> None:
    diags = list(sample.diagnostics)
    forward = dict(zip(diags, fingerprints(diags), strict=True))
    backward = dict(zip(diags[::-1], fingerprints(diags[::-1]), strict=True))
    assert forward == backward


@given(
    lines=st.lists(st.integers(1, 500), min_size=1, max_size=8, unique=True),
    shift=st.integers(0, 1000),
    messages=st.lists(st.sampled_from(["a", "b"]), min_size=8, max_size=8),
)
def test_fingerprints_stable_under_any_order_preserving_shift(
    lines: list[int], shift: int, messages: list[str]
) -> None:
    lines.sort()
    diags = [
        Diagnostic("CL101", "r", "f.py", line, 1, line, 2, messages[i])
        for i, line in enumerate(lines)
    ]
    moved = [
        dataclasses.replace(d, line=d.line + shift, end_line=d.end_line + shift) for d in diags
    ]
    assert fingerprints(diags) == fingerprints(moved)
    assert len(set(fingerprints(diags))) == len(diags)
