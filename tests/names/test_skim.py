"""A skimmed module gives the import facts its whole ``ast`` gives, on any shape of text."""

from __future__ import annotations

import ast
import sysconfig
from dataclasses import replace
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from compatlint.names import importer_facts
from compatlint.names import skim as skim_module
from compatlint.names.importer_facts import ImporterFacts, facts_of, read
from compatlint.names.skim import Skimmed, skim

#: Top-level statements, many of them shaped to mislead a scan that does not tokenize.
BLOCKS = [
    "import os\n",
    "from pkg._compat import X\n",
    "from pkg._compat import X as Y\n",
    "def add(a, b=1):\n    return a + b\n",
    "def takes(X):\n    return X\n",
    "def local():\n    X = 1\n    return X\n",
    "def imports():\n    from pkg._compat import X\n    return X\n",
    "def declares():\n    global X\n    X = 2\n",
    "async def waits():\n    await waits()\n",
    "@decorator\ndef decorated():\n    pass\n",
    "@decorator(\n1,\n)\n@other\nclass Decorated(Base):\n    x = 1\n",
    "@property\n# between\ndef commented():\n    pass\n",
    'class Doc:\n    """Doc.\n\nfrom pkg._compat import X\ndef fake():\n"""\n\n    def m(self):\n'
    '        return "#"\n',
    "VALUE = [\n1,\nX,\n]\n",
    "CALL = dict(\nX=1,\nY=2)\n",
    "TOTAL = 1 + \\\n2\n",
    "if X:\n    pass\nelse:\n    Y = 2\n",
    "try:\n    import json\nexcept ImportError:\n    json = None\nfinally:\n    pass\n",
    '# a comment with quotes \' and """\n',
    'S = """\ndef not_a_function():\n    pass\n"""\n',
    "U = 'a \\\nb'\n",
    "def walrus(a=(Z := 3)):\n    return a\n",
    "def ñame():\n    pass\n",
    "def uses_ñ():\n    return 'ñ'\n",
    '__all__ = ["X"]\n',
    "def big():\n" + "    value = 1\n" * 40,
    "class Methods:\n    def f(self, X):\n        return X\n\n    def g(self):\n        return 1\n",
    "for X in range(3):\n    pass\n",
    "def one(): return 1\n",
    "def semi(): x = 1; return x\n",
    "match = 1\n",
    'def formats():\n    return f"{X!r:>{10}}"\n',
    "class Empty: pass\n",
    "def comprehension():\n    return [X for X in range(2)]\n",
    "def deleted():\n    del X\n",
    "def excepts():\n    try:\n        pass\n    except Exception as X:\n        pass\n",
    "def tail():\n    return 1\n    # trailing comment\n\n# top comment\n",
    "def quoted_tail():\n    return '''\n# not a comment\n'''\n",
    "x = 1; y = 2\n",
    "with open('f') as X:\n    pass\n",
    "class Kw(metaclass=Meta):\n    pass\n",
    "def typed(a: int) -> X:\n    return a\n",
    "lambda_ = lambda X: X\n",
    "def bracketed():\n    return [\n1,\nX,\n]\n",
    "def continued():\n    return 1 + \\\n2\n",
    'def hash_tail():\n    return """\n# ends the string"""\n',
    "class Clause:\n    pass\nelse_ = 1\n",
    "from m import value\n",
    "def nfkc():\n    \uff56alue = 2\n    return \uff56alue\n",  # binds `value` (NFKC)
]
SEPARATORS = ["\n", "\n\n", "\n# c\n", "\n\n\n"]


def whole_facts(text: str) -> ImporterFacts:
    return read(ast.parse(text), text, "pkg.mod", is_package=False)


def assert_same_facts(text: str, skimmed: Skimmed) -> None:
    whole = whole_facts(text)
    facts = facts_of(skimmed, text, "pkg.mod", is_package=False)
    assert set(facts.counts) == set(whole.counts)
    for name, count in whole.counts.items():
        assert facts.count(name, text) == count, name
    assert replace(facts, counts=whole.counts, left_out=(), spelling={}) == whole


@given(
    st.lists(st.tuples(st.sampled_from(BLOCKS), st.sampled_from(SEPARATORS)), max_size=14),
    st.booleans(),
)
def test_a_skimmed_module_has_the_facts_of_its_whole_tree(
    blocks: list[tuple[str, str]], trailing_newline: bool
) -> None:
    text = "".join(block + separator for block, separator in blocks)
    if not trailing_newline:
        text = text.rstrip("\n")
    skimmed = skim(text, smallest=0)
    if skimmed is not None:
        assert_same_facts(text, skimmed)


def stdlib_modules() -> list[Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    return sorted(
        path for path in root.glob("*.py") if path.stat().st_size >= skim_module.SKIM_FROM
    )


def test_the_standard_library_skims_to_the_facts_of_its_whole_trees() -> None:
    """Real code, with every shape its authors wrote: the interpreter's own modules."""
    skimmed_any = 0
    for path in stdlib_modules():
        text = path.read_text(encoding="utf-8")
        try:
            skimmed = skim(text)
        except SyntaxError:  # a test module written to fail, as the whole parse does
            with pytest.raises(SyntaxError):
                ast.parse(text)
            continue
        if skimmed is not None:
            skimmed_any += 1
            assert_same_facts(text, skimmed)
    assert skimmed_any > 50


def test_a_definition_in_a_docstring_is_not_a_statement() -> None:
    text = 'class A:\n    """\nclass G:\ndef f():\n"""\n\n\ndef b():\n    pass\n'
    skimmed = skim(text, smallest=0)
    assert skimmed is not None
    assert skimmed.left_out == ((1, 7), (8, 10))
    assert [(node.lineno, node.end_lineno) for node in skimmed.tree.body] == [(1, 5), (8, 9)]


def test_an_import_in_a_docstring_keeps_the_definition_and_is_no_import() -> None:
    text = 'class A:\n    """\nfrom pkg._compat import X\n"""\n\n\ndef b():\n    pass\n'
    skimmed = skim(text, smallest=0)
    assert skimmed is not None and skimmed.left_out == ((7, 9),)
    assert_same_facts(text, skimmed)
    assert whole_facts(text).raw_imports == ()


@pytest.mark.parametrize(
    "text",
    [
        "def f():\n    pass\n'unclosed\n",  # a quote no string closes
        "def f():\r\n    pass\r\n",
        "def f():\n    pass\n\fx = 1\n",
        "def f():\n    return (\n",
        "def f():\n    return )\n",
    ],
)
def test_what_the_scan_cannot_vouch_for_is_parsed_whole(text: str) -> None:
    assert skim(text, smallest=0) is None


@pytest.mark.parametrize(
    "text",
    [
        'def f():\n    return f"{x["a"]}"\n',
        "def f():\n    return f'{\"}\"}'\n",
        'def f():\n    return rf"{d["k"]}"\n',
    ],
)
def test_nested_f_strings_are_parsed_whole_where_python_nests_them(text: str) -> None:
    """PEP 701 (3.12+) lets a replacement field hold the f-string's own quote."""
    assert skim(text, smallest=0, nested_fstrings=True) is None


@pytest.mark.parametrize(
    "text",
    [
        "def f():\n    import os\n",
        "def f():\n    global X\n",
        "def f(a=(b := 1)):\n    pass\n",
        "def fñ():\n    pass\n",
        "def f[T](a: T) -> T:\n    return a\n",
        "if True:\n    def f():\n        pass\n",
    ],
)
def test_a_definition_that_may_bind_outside_itself_is_kept(text: str) -> None:
    assert skim(text, smallest=0) is None


def test_a_syntax_error_in_a_kept_statement_is_a_syntax_error() -> None:
    with pytest.raises(SyntaxError):
        skim("def f():\n    pass\n\nx = = 1\n", smallest=0)


def test_a_syntax_error_in_a_left_out_body_is_not_seen() -> None:
    skimmed = skim("import os\n\n\ndef f():\n    x y\n", smallest=0)
    assert skimmed is not None and skimmed.left_out == ((4, 6),)


def test_each_left_out_definition_is_parsed_once_for_every_count(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The importer scan asks for the same counts again (choosing the heads, then reading
    the imports), and one definition often spells several of the names: each left-out
    definition that spells one is parsed once."""
    padding = "".join(f"\n\ndef filler_{n}():\n    return {n}\n" for n in range(200))
    user = "def user():\n    X = 1\n    Y = 2\n    return X, Y\n"
    text = "from m import X, Y\n\n\n" + user + "\n\ndef other(Y):\n    return Y\n" + padding
    skimmed = skim(text)
    assert skimmed is not None
    facts = facts_of(skimmed, text, "pkg.mod", is_package=False)
    parses = mock.Mock(wraps=importer_facts.piece_bindings)
    monkeypatch.setattr(importer_facts, "piece_bindings", parses)
    assert [facts.count(name, text) for name in ("X", "Y", "X", "Y")] == [2, 3, 2, 3]
    assert parses.call_count == 2  # user(), other()
    assert replace(facts, body=facts.body).count("X", text) == 2  # a copy counts afresh
    assert parses.call_count == 3
