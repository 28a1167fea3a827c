"""``inline`` on big importers, read skimmed (``names.skim``): the plan of whole reads."""

from __future__ import annotations

import pytest
from helpers import make_config
from sorting_helpers import pkg_sorter

from compatlint.codemods.inline import plan_inline
from compatlint.errors import SourceError
from compatlint.names import skim as skim_module


def big_importer(body: str) -> str:
    padding = "".join(f"\n\ndef filler_{n}():\n    return {n}\n" for n in range(200))
    return "from pkg._compat import A\n\n\n" + body + padding


SHIM = "pkg/_compat.py"
TRIVIAL_SHIM = "from sglang.srt.a import A, B\n\n__all__ = ['A', 'B']\n"


@pytest.mark.parametrize(
    "body",
    [
        "def use():\n    return A()\n",
        "def shadow(A):\n    return A\n",
        "def rebinds():\n    global A\n    A = None\n",
        "class Holder:\n    A = 1\n\n    def m(self, A=A):\n        return A\n",
    ],
)
def test_inline_plans_the_same_with_and_without_the_skim(
    body: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = {SHIM: TRIVIAL_SHIM, "pkg/user.py": big_importer(body), "pkg/__init__.py": ""}
    skimmed = plan_inline(make_config(None), sources, sorter=pkg_sorter())
    monkeypatch.setattr(skim_module, "SKIM_FROM", 10**9)
    whole = plan_inline(make_config(None), sources, sorter=pkg_sorter())
    assert skimmed.to_json() == whole.to_json()
    assert [skimmed.new_text(p, t) for p, t in sources.items()] == [
        whole.new_text(p, t) for p, t in sources.items()
    ]


def test_an_importer_broken_in_a_left_out_body_is_an_error_naming_its_line() -> None:
    """The body is read by no one (it does not spell ``A``, and the rewrite parses the
    file's head alone); the edit is compiled whole."""
    text = big_importer("print(A)\n") + "\n\ndef broken():\n    return 1 1\n"
    sources = {SHIM: TRIVIAL_SHIM, "pkg/user.py": text, "pkg/__init__.py": ""}
    with pytest.raises(SourceError) as info:
        plan_inline(make_config(None), sources, sorter=pkg_sorter())
    assert (info.value.path, info.value.line) == ("pkg/user.py", text.count("\n"))
    assert info.value.message.startswith("cannot parse: ")


def test_an_importer_broken_where_it_uses_the_name_is_left_as_is() -> None:
    """Counting the bindings of ``A`` reads the broken body: the importer is one that does
    not parse, listed and left as it is, as when the error is at module level."""
    text = big_importer("def use():\n    return A() A\n")
    sources = {SHIM: TRIVIAL_SHIM, "pkg/user.py": text, "pkg/__init__.py": ""}
    plan = plan_inline(make_config(None), sources, sorter=pkg_sorter())
    assert plan.new_text("pkg/user.py", text) == text
    assert [(item.path, item.reason.split(":")[0]) for item in plan.manual] == [
        ("pkg/user.py", "cannot parse")
    ]
