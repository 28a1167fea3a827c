"""Parsing an importer's head only never changes ``inline``'s output.

An importer whose edit is a quick from-import at module level is parsed by libcst up to a
clean cut two statement lines after the import; the edited head is spliced back onto the
untouched rest of the text. On generated importers — module docstrings, ``from __future__``,
parenthesised and continued imports, ``;`` joins, comments between imports, imports after
code or inside ``try``/``if``, bodies of every shape after them — the plan is byte for byte
the plan of whole-file parses, and big importers are in fact cut.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence

import libcst
import pytest
from helpers import examples, make_config
from hypothesis import given, settings
from hypothesis import strategies as st
from sorting_helpers import pkg_sorter

from compatlint.codemods.edits import compile_error
from compatlint.codemods.inline import importers as inline_importers
from compatlint.codemods.inline import plan_inline
from compatlint.codemods.inline.heads import head_end

SHIM = "pkg/_compat.py"
SHIM_TEXT = '''"""Compat shim."""

from sglang.srt.a import Alpha, beta
from sglang.srt.b import Orig as Gamma

__all__ = ["Alpha", "Gamma", "beta"]
'''
HEADERS = [
    "",
    '"""A module."""\n\n',
    "# A header.\n",
    '"""A module."""\n\nfrom __future__ import annotations\n\n',
    "#!/usr/bin/env python\n# -*- coding: utf-8 -*-\n'''Doc\nstring.'''\n",
]
SHIM_IMPORTS = [
    "from pkg._compat import {names}",
    "from pkg._compat import (\n    {names},\n)",
    "from ._compat import {names}  # noqa: F401",
    "from pkg._compat import \\\n    {names}",
    "import os; from pkg._compat import {names}",
    "from pkg._compat import {names}; x = 0",
    "try:\n    from pkg._compat import {names}\nexcept ImportError:\n    pass",
    "if True:\n    from pkg._compat import {names}",
]
# Statements around the shim import: other imports, comments and code of every shape.
STATEMENTS = [
    "import os",
    "import sys",
    "from sglang.srt.a import Zed",
    "# a comment between imports\nimport json",
    "",
    "# a lone comment",
    "x = 1",
    "x = 1; y = 2",
    "x = 1;",
    "value = (\n    1,\n    2,\n)",
    "text = '''a\nb\n'''",
    "total = 1 + \\\n    2",
    "note = 1  # a comment ending in a backslash \\",
    "@staticmethod\n\n# c\ndef f():\n    pass",
    "class A:\n\tx = 1\n\n\t# indented comment",
    "class B:\n  y = 2\n# dedented comment",
    "def g():\n    return Alpha\n",
    "try:\n    import numpy\nexcept ImportError:\n    numpy = None",
    "if TYPE_CHECKING:\n    from typing import Any",
    "print(beta)",
]
NAMES = ["Alpha", "beta", "Gamma", "Alpha as A", "beta as b_"]


@st.composite
def importer_texts(draw: st.DrawFn) -> str:
    names = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
    shim_import = draw(st.sampled_from(SHIM_IMPORTS)).format(names=", ".join(names))
    before = draw(st.lists(st.sampled_from(STATEMENTS), max_size=4))
    after = draw(st.lists(st.sampled_from(STATEMENTS), max_size=8))
    text = draw(st.sampled_from(HEADERS)) + "\n".join([*before, shim_import, *after])
    ending = draw(st.sampled_from(["\n", "", "\n\n# trailing comment\n"]))
    text += ending
    if draw(st.integers(0, 9)) == 0:
        text = text.replace("\n", "\r\n")
    return text


def _plan(files: dict[str, str], heads: bool, patch: pytest.MonkeyPatch) -> object:
    patch.setattr(inline_importers, "HEADS", heads)
    plan = plan_inline(make_config(), files, sorter=pkg_sorter())
    edits = {path: (edit.old_text, edit.new_text) for path, edit in plan.edits.items()}
    return plan.to_json(), edits


@settings(max_examples=examples(80), deadline=None)
@given(st.lists(importer_texts(), min_size=1, max_size=3))
def test_a_head_parse_plans_what_a_whole_parse_plans(texts: list[str]) -> None:
    files = {SHIM: SHIM_TEXT, "pkg/__init__.py": ""}
    files.update({f"pkg/mod{index}.py": text for index, text in enumerate(texts)})
    for text in texts:
        try:
            ast.parse(text)
        except SyntaxError:
            return  # an unparsable importer is blocked, not rewritten: nothing to compare
    with pytest.MonkeyPatch.context() as patch:
        whole = _plan(files, False, patch)
    with pytest.MonkeyPatch.context() as patch:
        head = _plan(files, True, patch)
    assert head == whole


BODY = "".join(
    f"\n\ndef work_{i}(values):\n    return [v * {i} for v in values]\n" for i in range(40)
)


def test_a_big_importer_is_parsed_up_to_its_imports(monkeypatch: pytest.MonkeyPatch) -> None:
    importer = '"""Doc."""\n\nimport os\n\nfrom pkg._compat import Alpha\n\nx = os\n' + BODY
    files = {SHIM: SHIM_TEXT, "pkg/__init__.py": "", "pkg/mod.py": importer + "print(Alpha)\n"}
    parsed: list[str] = []
    real_parse = libcst.parse_module

    def parse_module(source, *args, **kwargs):  # type: ignore[no-untyped-def]
        parsed.append(source)
        return real_parse(source, *args, **kwargs)

    monkeypatch.setattr(libcst, "parse_module", parse_module)
    monkeypatch.setattr(inline_importers, "PLAIN", False)  # a plain line is not parsed at all
    plan = plan_inline(make_config(), files)
    after = plan.edits["pkg/mod.py"].new_text
    assert "from sglang.srt.a import Alpha\n" in after and after.endswith(BODY + "print(Alpha)\n")
    heads = [source for source in parsed if files["pkg/mod.py"].startswith(source)]
    end_of_work_0 = importer.index(" 0 for v in values]\n") + len(" 0 for v in values]\n")
    assert [len(source) for source in heads] == [end_of_work_0]  # the import, x, work_0


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        ("import a\nx = 1\ny = 2\nz = 3\n", "import a\nx = 1\ny = 2\n"),
        ("import a\nx = 1; y = 2\nz = 3\nw = 4\n", "import a\nx = 1; y = 2\nz = 3\n"),
        ("import a\nx = 1 + \\\n  2\ny = 3\nz = 4\n", "import a\nx = 1 + \\\n  2\ny = 3\n"),
        ("import a\nx = 1 \\\n; y = 2\nz = 3\nw = 4\n", "import a\nx = 1 \\\n; y = 2\nz = 3\n"),
        ("import a\nx = 1\ny = 2\n", None),  # nothing after the margin: no tail to copy
        ("import a\r\nx = 1\r\ny = 2\r\nz = 3\r\n", None),
    ],
)
def test_the_cut_is_two_whole_lines_after_the_edit(text: str, cut: str | None) -> None:
    body = [(statement.lineno, statement.end_lineno) for statement in ast.parse(text).body]
    found = head_end(body, text, 0)
    assert (text[: found[0]] if found else None) == cut


class _AheadCompiler:
    """A compiler that can be sent texts ahead, noting what it is sent and asked."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.asked: list[tuple[str, str]] = []

    def ahead(self, items: Sequence[tuple[str, str]]) -> None:
        self.sent += items

    def __call__(self, items: list[tuple[str, str]]) -> list[str | None]:
        self.asked += items
        return [compile_error(item) for item in items]


def test_a_cut_importer_is_guarded_by_its_text_as_read_sent_ahead() -> None:
    """The compile guard of an importer whose head alone is edited compiles the file as
    read — sent to the compiler before the rewrites, to work on while they run — and the
    edited head alone."""
    importer = "import os\n\nfrom pkg._compat import Alpha\n\nx = os\n" + BODY + "print(Alpha)\n"
    files = {SHIM: SHIM_TEXT, "pkg/__init__.py": "", "pkg/mod.py": importer}
    compiler = _AheadCompiler()
    plan = plan_inline(make_config(), files, compiler=compiler)
    assert "from sglang.srt.a import Alpha\n" in plan.edits["pkg/mod.py"].new_text
    assert compiler.sent == [("pkg/mod.py", importer)]
    assert ("pkg/mod.py", importer) in compiler.asked
    assert not [text for path, text in compiler.asked if path == "pkg/mod.py" and text != importer]
