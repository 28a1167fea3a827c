"""The ``ast`` pre-decision of ``inline`` never changes its output.

An importer whose from-import of the shim is, by its ``ast``, the only binding of the name
takes a quick path (no scope analysis, no parent map, an edit of the module's statement
list only). On generated projects — every import style, with names rebound in every way a
file can bind one — the plan with the quick path is identical to the plan without it.
"""

from __future__ import annotations

import ast

import libcst as cst
import pytest
from helpers import examples, make_config
from hypothesis import given, settings
from hypothesis import strategies as st
from libcst.metadata import MetadataWrapper, PositionProvider
from sorting_helpers import pkg_sorter
from test_inline_properties import EXPORTS, projects

from compatlint.codemods.inline import importers as inline_importers
from compatlint.codemods.inline import plan_inline
from compatlint.codemods.inline.rewrite import _spliced_code, module_level_lines
from compatlint.names.quick import binding_counts

# Ways a file binds a name besides the import (each must send the file to the scopes).
REBINDINGS = [
    "{n} = 1",
    "def {n}():\n    pass",
    "class {n}:\n    pass",
    "def run({n}):\n    return {n}",
    "def run():\n    {n} = 2\n    return {n}",
    "def run():\n    global {n}\n    {n} = 3",
    "for {n} in range(2):\n    pass",
    "try:\n    pass\nexcept ValueError as {n}:\n    pass",
    "with open('f') as {n}:\n    pass",
    "print([{n} for {n} in range(2)])",
    "if ({n} := 4):\n    pass",
    "import os as {n}",
    "del {n}",
    "class Holder:\n    {n} = 5",
    "lambda {n}: {n}",
    "match 1:\n    case {n}:\n        pass",
    "print({n})",  # a read only: not a binding
]
NAMES = sorted({bound for _, _, bound in EXPORTS} | {f"{bound}_" for _, _, bound in EXPORTS})


def _plan(files: dict[str, str], quick: bool, monkeypatch: pytest.MonkeyPatch) -> object:
    monkeypatch.setattr(inline_importers, "QUICK", quick)
    plan = plan_inline(make_config(), files, sorter=pkg_sorter())
    edits = {path: (edit.old_text, edit.new_text) for path, edit in plan.edits.items()}
    return plan.to_json(), edits


@settings(max_examples=examples(60), deadline=None)
@given(project=projects(), data=st.data())
def test_the_quick_path_plans_what_the_scopes_plan(project: object, data: st.DataObject) -> None:
    files = dict(project.files)  # type: ignore[attr-defined]
    for importer in project.importers:  # type: ignore[attr-defined]
        if data.draw(st.booleans()):
            snippet = data.draw(st.sampled_from(REBINDINGS)).format(
                n=data.draw(st.sampled_from(NAMES))
            )
            files[importer.path] += "\n\n" + snippet + "\n"
    with pytest.MonkeyPatch.context() as patch:
        full = _plan(files, False, patch)
    with pytest.MonkeyPatch.context() as patch:
        quick = _plan(files, True, patch)
    assert quick == full


@pytest.mark.parametrize("snippet", REBINDINGS[:-1])
def test_every_rebinding_is_counted(snippet: str) -> None:
    tree = ast.parse(snippet.format(n="Alpha"))
    assert binding_counts(tree)["Alpha"] >= 1


def test_a_read_is_not_a_binding() -> None:
    assert binding_counts(ast.parse("print(Alpha)\nx.Alpha = 1\nf(Alpha=2)"))["Alpha"] == 0


MODULES = [
    '"""Doc."""\n\nimport os\n\n\nfrom a import (\n    b,\n    c,\n)\nx = 1; y = 2\n',
    "# header\n\n# more\nimport os\n@dec\n\n# c\ndef f():\n    pass\n\n\nclass A:\n    x = 1\n"
    "z = 3",
    "if x:\n    import a\nelse:\n    import b\n\n\n\n# trailing comment\nimport c\n",
    "\n\n\nimport a  # note\n'''a\nstring'''\nimport b\n",
]


@pytest.mark.parametrize("text", MODULES)
def test_module_level_lines_are_libcst_positions(text: str) -> None:
    module = cst.parse_module(text)
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    simple = [node for node in module.body if isinstance(node, cst.SimpleStatementLine)]
    lines = module_level_lines(module, simple)
    assert lines == {node: positions[node].start.line for node in simple}


def test_module_level_lines_decline_other_statements() -> None:
    module = cst.parse_module("@dec\n\ndef f():\n    import a\n")
    nested = module.body[0].body.body[0]  # type: ignore[attr-defined]
    assert module_level_lines(module, [nested]) is None
    assert module_level_lines(module, [module.body[0]]) is None


@pytest.mark.parametrize("text", [*MODULES, "import a\r\nimport b\r\nx = 1\r\n", "import a\nx = 1"])
@pytest.mark.parametrize("edit", ["replace", "drop", "insert"])
def test_a_spliced_module_is_its_generated_code(text: str, edit: str) -> None:
    module = cst.parse_module(text)
    line = cst.parse_statement("from up import thing\n")
    body = list(module.body)
    if edit == "replace":
        body[0] = line
    elif edit == "drop":
        body[1:2] = []
    else:
        body.insert(1, line)
    new = module.with_changes(body=body)
    spliced = _spliced_code(module, text, new)
    assert spliced in (None, new.code)
    if edit == "replace" and "\r" not in text:
        assert spliced is not None  # a tail is shared: it is copied, not generated
