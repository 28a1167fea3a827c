"""The column-0 import-line path gives exactly the facts of the ast path, or declines."""

from __future__ import annotations

from textwrap import dedent

import pytest
from helpers import analyze, diagnostics, examples, make_config
from hypothesis import given, settings
from hypothesis import strategies as st

from compatlint.analysis.import_lines import line_facts
from compatlint.analysis.project import parsed_facts, suppressed_lines
from compatlint.rules import RULES_BY_CODE, Rule

CONFIG = make_config({"heavy-imports": ["sgl_kernel"]})
ROOTS = frozenset({"sglang"})
HEAVY = frozenset({"sgl_kernel"})


def both(text: str, path: str = "pkg/mod.py"):
    quick = line_facts(
        path,
        text,
        module="pkg.mod",
        is_package=False,
        upstream_roots=ROOTS,
        recorded_roots=HEAVY,
        suppressed=suppressed_lines(text),
    )
    exact = parsed_facts(CONFIG, path, text)
    return quick, exact


FAST = [
    "from sglang.srt.a import X\nimport os\n",
    "import sglang.srt.b as b, sglang.srt.c\n",
    "from sglang.srt.d import (\n    A,\n    B,\n)\n",
    "from sglang.srt.e import A as B  # compatlint: ignore[CL202]\n",
    "from . import sibling\nfrom .sub import thing\nfrom sglang import x\n",
    "import sgl_kernel\n\n\ndef f():\n    return 1\n",
    '"""Doc mentioning sglang."""\n\nX = 1\n',
]


@pytest.mark.parametrize("text", FAST)
def test_fast_path_equals_the_ast_path(text: str) -> None:
    quick, exact = both(text)
    assert quick is not None, "the fast path should apply"
    assert quick.imports == exact.imports
    assert quick.inline_fallbacks == exact.inline_fallbacks == ()
    assert quick.version_gates == exact.version_gates == ()
    assert quick.suppressed == exact.suppressed


DECLINES = [
    "try:\n    from sglang.srt.a import X\nexcept ImportError:\n    X = None\n",
    "import sglang\nOLD = sglang.__version__ < '0.5'\n",
    "def f():\n    from sglang.srt.a import X\n    return X\n",
    "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from sglang.srt.a import X\n",
    '"""\nfrom sglang.srt.a import X\n"""\n',
    "from sglang.srt.a import \\\n    X\n",
    "x = 1; import sglang.srt.a\n",
]


@pytest.mark.parametrize("text", DECLINES)
def test_fast_path_declines_what_it_cannot_see(text: str) -> None:
    quick, _exact = both(text)
    assert quick is None


def _rules_on_handler(text: str, rule: type[Rule]) -> list:
    files = {
        "pkg/handler.py": text,
        "tests/stubs.py": "STUBS = ['sglang', 'sglang.srt']\n",
    }
    overrides = {"mocks": {"file": "tests/stubs.py", "name": "STUBS", "collect": ["pkg"]}}
    return diagnostics(files, overrides, rules=(rule,))


@pytest.mark.parametrize("code", ["CL105", "CL201", "CL202"])
@pytest.mark.parametrize("text", FAST + DECLINES)
def test_rules_agree_through_both_paths(code: str, text: str, monkeypatch) -> None:
    rule = RULES_BY_CODE[code]
    through_default = _rules_on_handler(text, rule)
    import compatlint.analysis.project as project

    monkeypatch.setattr(project, "line_facts", lambda *a, **k: None)
    through_ast = _rules_on_handler(text, rule)
    assert through_default == through_ast


_LINES = st.sampled_from(
    [
        "import os",
        "from sglang.srt.a import X",
        "import sglang.srt.b as b",
        "from sglang import y, z",
        "from . import local",
        "from sgl_kernel import ops",
        "x = 1",
        "# from sglang.srt.c import hidden",
        "def f():\n    return 1",
        "class C:\n    attr = 2",
        "",
    ]
)


@settings(max_examples=examples(150), deadline=None)
@given(st.lists(_LINES, max_size=12))
def test_generated_modules_agree(lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    quick, exact = both(text)
    assert quick is not None
    assert quick.imports == exact.imports


def test_project_level_results_identical_on_a_mixed_tree() -> None:
    files = {
        "pkg/_compat.py": "from sglang.srt.a import X\n__all__ = ['X']\n",
        "pkg/a.py": "from sglang.srt.a import X\nfrom pkg._compat import X\n",
        "pkg/b.py": dedent(
            """
            import sglang
            try:
                from sglang.srt.n import Y
            except ImportError:
                from sglang.srt.o import Y
            GATE = sglang.__version__ >= "0.5"
            """
        ),
    }
    facts = analyze(files)
    assert facts.files["pkg/a.py"].imports[0].module == "sglang.srt.a"
    assert [g.line for g in facts.files["pkg/b.py"].version_gates] == [7]
