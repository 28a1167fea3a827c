"""Start-up cost: reporters must not import ``rich`` unless coloured text needs it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.integration

SCRIPT = textwrap.dedent(
    """
    import sys
    import compatlint.report
    from compatlint.model import Diagnostic
    from compatlint.report import CheckResult, RuleInfo

    d = Diagnostic("CL101", "expired-fallback", "a.py", 1, 1, 1, 5, "gone", fixable=True)
    result = CheckResult((d,), 3, {{"sglang": "0.5.11"}}, (RuleInfo("CL101", "x", "y"),))
    out = compatlint.report.render(result, {fmt!r}, **{kwargs!r})
    assert out
    print(sorted(m for m in sys.modules if m == "rich" or m.startswith("rich.")))
    """
)


def _rich_modules(fmt: str, **kwargs: object) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(fmt=fmt, kwargs=kwargs)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_json_does_not_import_rich() -> None:
    assert _rich_modules("json") == "[]"


@pytest.mark.parametrize(
    ("fmt", "kwargs"),
    [
        ("text", {}),
        ("text", {"statistics": True}),
        ("github", {}),
        ("sarif", {}),
        ("json", {"color": True}),
        ("github", {"color": True}),
    ],
)
def test_other_uncoloured_output_does_not_import_rich(fmt: str, kwargs: dict) -> None:
    assert _rich_modules(fmt, **kwargs) == "[]"


def test_coloured_text_does_import_rich() -> None:
    # The control: proves the probe above would notice rich being imported.
    assert "'rich'" in _rich_modules("text", color=True)
