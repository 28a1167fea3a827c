"""``same_scopes_for`` says two texts resolve some names alike only when libcst agrees, and
the clean-up that trusts it removes exactly what resolving ``after``'s scopes removes."""

from __future__ import annotations

from ast import dump as ast_dump
from ast import parse as ast_parse

import libcst as cst
import pytest
from helpers import examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from libcst.metadata import MetadataWrapper

from compatlint.codemods import imports_cleanup
from compatlint.codemods.callsites import shim_uses
from compatlint.codemods.imports_cleanup import cleanup
from compatlint.codemods.locate import NodeIndex, parse_module
from compatlint.codemods.scope_view import same_scopes_for, syntax_tree

NAMES = ("foo", "bar", "Any")

#: Snippets over one name each: bindings, uses, shadows and scopes of every kind.
SNIPPETS = (
    "import {n}",
    "from m import {n}",
    "from m import x as {n}",
    "import {n}.sub",
    "from m import (\n    {n},  # note\n)",
    "def f{i}():\n    return {n}",
    "def f{i}():\n    {n} = 1\n    return {n}",
    "def f{i}():\n    global {n}\n    {n} = 2",
    "def f{i}():\n    import {n}\n    return {n}",
    "def f{i}():\n    from m import {n}",
    "def twice():\n    import {n}\n    return {n}",
    "def twice():\n    import {n}",
    "def f{i}():\n    def g():\n        nonlocal_{n} = {n}\n    return g",
    "class C{i}:\n    {n} = 1\n\n    def g(self):\n        return {n}",
    "class C{i}({n}):\n    pass",
    "x{i}: '{n}' = None",
    "x{i}: 'list[{n}]' = []",
    "y{i} = [{n} for {n} in range(3)]",
    "y{i} = [{n} for _ in range(3)]",
    "{n}()",
    "{n}.attr()",
    "print({n}.attr)",
    "value{i} = {n}",
    "if flag:\n    {n} = 3",
    "if flag:\n    print({n})",
    "try:\n    from m import {n}\nexcept ImportError:\n    {n} = None",
    "def f{i}(a: '{n}') -> None:\n    pass",
    "def f{i}(a=({n})):\n    pass",
    "@{n}\ndef f{i}():\n    pass",
    "key{i} = lambda: {n}",
    "cast('{n}', 1)",
    "__all__ = ['{n}']",
    "del {n}",
    "with open('x') as {n}:\n    pass",
    "if flag:\n\n    def h{i}():\n        return {n}",
    "(w{i} := {n})",
    "'{n}'",
    "print('{n}')",
    'print("it\'s {n}")',
    "label{i} = 'x'",
)


@st.composite
def items(draw: st.DrawFn) -> list[str]:
    count = draw(st.integers(1, 9))
    chosen = []
    for i in range(count):
        snippet = draw(st.sampled_from(SNIPPETS))
        chosen.append(snippet.format(n=draw(st.sampled_from(NAMES)), i=i))
    return chosen


def _indent(text: str) -> str:
    return "\n".join("    " + line if line else line for line in text.split("\n"))


@st.composite
def edited(draw: st.DrawFn, before: list[str]) -> list[str]:
    """``before`` with items dropped, wrapped in a block or a function, or unwrapped."""
    after = []
    for index, item in enumerate(before):
        edit = draw(st.sampled_from(["keep", "keep", "keep", "drop", "if", "def", "swap"]))
        if edit == "drop":
            continue
        if edit == "if":
            item = "if flag:\n" + _indent(item)
        elif edit == "def":
            item = f"def wrap{index}():\n" + _indent(item)
        elif edit == "swap":
            item = draw(st.sampled_from(SNIPPETS)).format(n=draw(st.sampled_from(NAMES)), i=index)
        after.append(item)
    return after


@st.composite
def pairs(draw: st.DrawFn) -> tuple[str, str]:
    before = draw(items())
    after = draw(edited(before))
    head = "from typing import cast\n\nflag = True\n\n"
    return head + "\n\n".join(before) + "\n", head + "\n\n".join(after) + "\n"


def _never_same(before: str, after: str, names: object) -> bool:
    return False


def _both(before: str, after: str) -> tuple[object, object]:
    trusted = cleanup(before, after, "m.py")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(imports_cleanup, "same_scopes_for", _never_same)
        resolved = cleanup(before, after, "m.py")
    return trusted, resolved


@settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(pairs())
def test_the_clean_up_removes_what_resolving_after_removes(pair: tuple[str, str]) -> None:
    before, after = pair
    trusted, resolved = _both(before, after)
    assert trusted == resolved


def _summary(text: str, name: str) -> list[tuple[object, ...]]:
    """What prune reads of a module-level definition's uses, for each ``def`` of ``name``."""
    index = NodeIndex(MetadataWrapper(parse_module(text), unsafe_skip_copy=True), text)
    found = []
    for statement in index.module.body:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
            uses = shim_uses(index, statement)
            found.append((uses.blocked, bool(uses.value_uses), len(uses.bare_calls)))
    return found


@settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(pairs(), st.sampled_from(["f0", "f1", "f2", "wrap0", *NAMES]))
def test_the_same_view_means_the_same_uses(pair: tuple[str, str], name: str) -> None:
    before, after = pair
    if same_scopes_for(before, after, (name,)):
        assert _summary(before, name) == _summary(after, name)


BASE = """\
import functools
from typing import Any

from m import helper


def keep(x: Any) -> Any:
    return functools.reduce(max, [x])


try:
    from new import thing
except ImportError:
    # Fallback for old. Remove when min supported version is 2+
    from old import thing


def use():
    return helper()


LIMIT = 3
"""


def test_a_removed_fallback_that_spells_none_of_the_names_keeps_the_view() -> None:
    after = BASE.replace(
        "try:\n    from new import thing\nexcept ImportError:\n"
        "    # Fallback for old. Remove when min supported version is 2+\n"
        "    from old import thing\n",
        "from new import thing\n",
    )
    names = {"functools", "Any", "helper"}
    assert same_scopes_for(BASE, after, names)
    assert not same_scopes_for(BASE, after, {"thing"})  # its imports moved


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # a local binding now shadows the import in the function
        (
            "import foo\ndef f():\n    return foo\n",
            "import foo\ndef f():\n    foo = 1\n    return foo\n",
        ),
        # a line that spells nothing moves a use into a function that binds the name
        (
            "import foo\ndef f():\n    foo = 1\nif x:\n    print(foo)\n",
            "import foo\ndef f():\n    foo = 1\n    print(foo)\n",
        ),
        # the enclosing def became a class, whose names nested functions do not see
        (
            "def f():\n    import foo\n    def g():\n        return foo\n",
            "class f:\n    import foo\n    def g():\n        return foo\n",
        ),
        # a load became a store without touching the line that spells it
        ("import foo\nx = (\n    foo\n)\n", "import foo\n(\n    foo\n) = x\n"),
        # the import moved into a function
        ("import foo\nfoo()\n", "def f():\n    import foo\nfoo()\n"),
        # a comment inside the import: part of how the clean-up matches imports
        ("from m import (\n    foo,\n)\nfoo()\n", "from m import (\n    foo,  # c\n)\nfoo()\n"),
    ],
)
def test_changes_that_can_move_a_use_change_the_view(before: str, after: str) -> None:
    assert not same_scopes_for(before, after, {"foo"})


@pytest.mark.parametrize(
    "text",
    [
        "import foo\nx: 'foo' = 1\n",  # an annotation libcst parses
        "import foo\ny = cast('foo', 1)\n",  # typing.cast's first argument
        "import foo\nz: 'list[\"int\"]' = []\n",  # a string that may hold another
        "from typing import TypeVar\nimport foo\nT = TypeVar(foo)\n",  # its first argument
        "import foo\nname = 'café'\n",  # not ASCII: ast normalises identifiers
    ],
)
def test_what_other_names_decide_is_refused(text: str) -> None:
    assert not same_scopes_for(text, text + "\nother = 1\n", {"foo"})


def test_strings_libcst_never_parses_are_no_reason_to_refuse() -> None:
    text = 'import foo\n"""foo, the module."""\n__all__ = ["foo"]\nfoo()\n'
    assert same_scopes_for(text, text + "\nother = 1\n", {"foo"})


def test_an_import_unused_before_beside_a_used_one_of_its_key_is_resolved() -> None:
    """The clean-up matches imports by scope path, module and name: two functions of one
    name that import one module, one using it, make that key used before, and the unused
    import then goes on any change; libcst decides it, not the view."""
    before = "def twice():\n    import foo\n    return foo\n\n\ndef twice():\n    import foo\n"
    after = before + "\n\nother = 1\n"
    trusted, resolved = _both(before, after)
    assert trusted == resolved
    assert trusted[1] == ["foo (line 7)"]


def test_no_names_is_the_same_view() -> None:
    assert same_scopes_for("x = 1\n", "y = 2\n", ())


def test_the_clean_up_does_not_ask_for_the_new_tree_when_no_use_can_be_lost() -> None:
    after = BASE.replace("def use():\n    return helper()\n", "")
    assert after != BASE
    asked: list[bool] = []

    def index() -> NodeIndex:
        asked.append(True)
        return NodeIndex(MetadataWrapper(parse_module(after)), after)

    # helper lost its only use: the new tree is needed, and the import goes
    text, removed, _ = cleanup(BASE, after, "m.py", after=index)
    assert asked and removed == ["helper (line 4)"]
    assert "from m import helper" not in text
    # a change that spells none of the imported names: nothing asked, nothing removed
    asked.clear()
    quiet = BASE.replace("LIMIT = 3", "LIMIT = 4")
    assert cleanup(BASE, quiet, "m.py", after=index) == (quiet, [], [])
    assert not asked


def test_an_index_resolving_scopes_with_positions_reads_what_one_resolving_later_reads() -> None:
    text = "def ensure():\n    pass\n\n\nensure()\nvalue = ensure\n"
    read = []
    for scopes in (True, False):
        wrapper = MetadataWrapper(parse_module(text), unsafe_skip_copy=True)
        index = NodeIndex(wrapper, text, scopes=scopes)
        definition = index.module.body[0]
        assert isinstance(definition, cst.FunctionDef)
        uses = shim_uses(index, definition)
        read.append((uses.blocked, uses.value_uses, [index.line_of(c) for c in uses.bare_calls]))
    assert read == [(None, [6], [5])] * 2


def test_syntax_trees_are_shared_for_the_same_text() -> None:
    assert syntax_tree(BASE) is syntax_tree(BASE)
    assert ast_dump(syntax_tree(BASE)) == ast_dump(ast_parse(BASE))
