"""prune asks each file for the gate needles once: the flag scan and the folds share the
answer (:class:`~compatlint.codemods.gate_folds.NeedleMemo`). Sharing it must plan exactly
what asking afresh each time plans, on generated projects of gates and flags across
modules, and the memo must answer what :func:`may_hold_gates` answers, whatever the text."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest
from helpers import examples, make_config
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version
from test_prune_gates import modules

from compatlint.codemods import flag_folds, gate_folds
from compatlint.codemods import prune as prune_module
from compatlint.codemods.gate_folds import NeedleMemo, gate_needles, may_hold_gates
from compatlint.codemods.plan import PrunePlan
from compatlint.codemods.prune import plan_prune

COMPAT = "pkg/util/compat.py"
FLAGS = {
    "py310": "sys.version_info >= (3, 10)",
    "py38": "sys.version_info < (3, 8)",
    "later": "sys.version_info >= (3, 14)",
}
READS = [
    "from pkg.util.compat import {flag}\n\nA = 1 if {flag} else 2\n",
    "from pkg.util import compat\n\nif compat.{flag}:\n    B = 1\nelse:\n    B = 2\n",
    "import pkg.util.compat\n\nC = pkg.util.compat.{flag} and 3\n",
    "D = 4\n",
]


def _prune(files: dict[str, str]) -> PrunePlan:
    config = dataclasses.replace(make_config({"shim": []}), python_floor=Version("3.10"))
    return plan_prune(config, dict(files))


@st.composite
def projects(draw: st.DrawFn) -> dict[str, str]:
    """A compat module of flags (or none) and modules that read them or hold gates."""
    flags = draw(st.lists(st.sampled_from(sorted(FLAGS)), unique=True, max_size=3))
    files = {"pkg/__init__.py": "", "pkg/util/__init__.py": ""}
    if flags:
        body = "".join(f"{name} = {FLAGS[name]}\n" for name in flags)
        files[COMPAT] = f"import sys\n\n{body}"
    for index in range(draw(st.integers(1, 4))):
        if flags and draw(st.booleans()):
            read = draw(st.sampled_from(READS)).format(flag=draw(st.sampled_from(flags)))
            files[f"pkg/m{index}.py"] = read
        else:
            files[f"pkg/m{index}.py"] = draw(modules())
    return files


@settings(max_examples=examples(60), deadline=None)
@given(projects())
def test_sharing_the_needle_answers_plans_what_asking_afresh_plans(files) -> None:  # type: ignore[no-untyped-def]
    shared = _prune(files)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            NeedleMemo, "holds", lambda self, path, text: may_hold_gates(text, self.needles)
        )
        fresh = _prune(files)
    assert shared == fresh


_WORDS = st.sampled_from(["version", "version_info", "sys.", "metadata", "x = 1", "\n", "é"])


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(_WORDS, max_size=8).map("".join), st.lists(_WORDS, max_size=8).map("".join))
def test_the_memo_answers_what_the_search_answers(first: str, second: str) -> None:
    memo = NeedleMemo(gate_needles())
    for text in (first, first, second, first):  # a new text is searched again
        assert memo.holds("pkg/a.py", text) == may_hold_gates(text, memo.needles)


def test_prune_searches_each_file_for_the_needles_once(monkeypatch: pytest.MonkeyPatch) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/util/__init__.py": "",
        COMPAT: "import sys\n\npy310 = sys.version_info >= (3, 10)\n",
        "pkg/a.py": READS[0].format(flag="py310"),
        "pkg/b.py": "B = 2\n",
    }
    searched: Counter[str] = Counter()
    real = gate_folds.may_hold_gates

    def counting(text: str, needles) -> bool:  # type: ignore[no-untyped-def]
        if "metadata" in needles:  # the gate needles, not a flag's name alone
            searched[text] += 1
        return real(text, needles)

    for module in (gate_folds, flag_folds, prune_module):
        monkeypatch.setattr(module, "may_hold_gates", counting, raising=False)
    plan = _prune(files)
    assert plan.edits["pkg/a.py"].new_text == "A = 1\n"
    assert searched["B = 2\n"] == 1
