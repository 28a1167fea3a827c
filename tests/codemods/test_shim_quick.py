"""The ``ast`` decision of a shim's trivial re-exports never changes the facts.

A shim whose every upstream re-export is spelled once in the module and in no string
libcst may read as code is decided without libcst's scopes
(:mod:`compatlint.codemods.inline.quick_exports`). On generated shims — every way a
module can bind, read, annotate, suppress or share a line with a re-exported name — the
facts and the shim without its candidates are those the scopes give.
"""

from __future__ import annotations

import ast

import pytest
from helpers import examples, make_config
from hypothesis import given, settings
from hypothesis import strategies as st

from compatlint.codemods.inline import quick_exports
from compatlint.codemods.inline.quick_exports import quick_re_exports
from compatlint.codemods.inline.shim_facts import (
    ShimFacts,
    decode_shim_facts,
    encode_shim_facts,
    shim_facts,
    shim_without,
)

SHIM = "pkg/_compat.py"
NAMES = ["Alpha", "beta", "Gamma", "Orig"]
IMPORTS = [
    "from sglang.srt.a import Alpha",
    "from sglang.srt.a import Alpha, beta",
    "from sglang.srt.b import Orig as Gamma",
    "from sglang.srt.a import (\n    Alpha,\n    beta,  # the second\n)",
    "from sglang.srt.b import Orig",
    "from sglang.srt.c import beta  # compatlint: ignore[CL108]",
    "x = 1; from sglang.srt.a import Alpha",
    "x = (\n    1\n); from sglang.srt.a import Alpha",
    "x = 1; \\\nfrom sglang.srt.b import Orig as Gamma",
    "from sglang.srt.a import Alpha; y = 2",
    "from sglang.srt.b import *",
    "from .local import beta",
    "import sglang.srt.a",
    "from other.lib import Gamma",
]
# What else a shim may hold, each spelling a name ({n}) one way or another.
SNIPPETS = [
    "{n} = 1",
    "def {n}():\n    pass",
    "class {n}:\n    pass",
    "def run({n}):\n    return {n}",
    "def run():\n    global {n}\n    {n} = 3",
    "try:\n    pass\nexcept ValueError as {n}:\n    pass",
    "print([{n} for {n} in range(2)])",
    "del {n}",
    "class Holder:\n    {n} = 5",
    "match 1:\n    case {n}:\n        pass",
    "print({n})",
    "print(\n    {n},\n)",
    "def reads():\n    return {n}.attribute",
    "@{n}\ndef decorated():\n    pass",
    "def defaulted(x={n}):\n    pass",
    "class Reader({n}):\n    value = [{n} for _ in range(2)]",
    "def shadowed({n}=None):\n    return {n}",
    "def local():\n    {n} = 1\n    return {n}",
    "print(f'{{{n}}}')",
    "value = holder.{n}",
    "call(key={n})",
    "def annotated(x: '{n}') -> None:\n    pass",
    "def returns() -> 'list[{n}]':\n    pass",
    "from typing import cast\nvalue = cast('{n}', None)",
    "from typing import TypeVar\nT = TypeVar('T', bound='{n}')",
    "from typing import List\nAlias = List['{n}']",
    "value: '{n}' = None",
    "print('{n}')",
    "'''A docstring naming {n}.'''",
    "def documented():\n    '''Returns {n}.'''",
    "__all__ = ['{n}']",
    "__all__ += ['{n}']",
    "__all__.extend(['{n}'])",
    "if TYPE_CHECKING:\n    from sglang.srt.a import {n}",
    "import {n}.sub",
    "# {n} in a comment; with a semicolon",
    "note = 1  # a; b",
    "x = b'{n}'",
]


@st.composite
def shim_texts(draw: st.DrawFn) -> str:
    lines = ['"""Compat shim."""', ""]
    if draw(st.booleans()):
        lines += ["# compatlint: ignore[CL108]"]
    imports = draw(st.lists(st.sampled_from(IMPORTS), min_size=1, max_size=3, unique=True))
    snippets = [
        draw(st.sampled_from(SNIPPETS)).format(n=draw(st.sampled_from(NAMES)))
        for _ in range(draw(st.integers(0, 2)))
    ]
    pieces = imports + snippets
    order = draw(st.permutations(range(len(pieces))))
    lines += [pieces[index] for index in order]
    return "\n".join(lines) + "\n"


def _plain(facts: ShimFacts) -> tuple[object, ...]:
    return (facts.candidates, facts.kept, facts.suppressed, facts.acts)


def _both(text: str) -> tuple[ShimFacts, ShimFacts]:
    config = make_config()
    quick = shim_facts(config, SHIM, text, "pkg._compat")
    full = shim_facts(config, SHIM, text, "pkg._compat", quick=False)
    return quick, full


@settings(max_examples=examples(300), deadline=None)
@given(text=shim_texts())
def test_the_ast_decides_what_the_scopes_decide(text: str) -> None:
    try:
        ast.parse(text)
    except SyntaxError:
        return
    quick, full = _both(text)
    assert _plain(quick) == _plain(full)
    names = sorted(full.candidates)
    assert shim_without(quick, names) == shim_without(full, names)
    assert shim_without(quick, names[:1]) == shim_without(full, names[:1])


@pytest.mark.parametrize(
    "text",
    [
        '"""Compat shim."""\n\nfrom sglang.srt.a import Alpha, beta\n'
        "from sglang.srt.b import Orig as Gamma\n\n"
        '__all__ = ["Alpha", "Gamma", "beta"]\n',
        "from sglang.srt.a import (\n    Alpha,\n    beta,\n)\n\n\ndef helper():\n"
        '    """Not about the names."""\n    return 1\n',
    ],
    ids=["all-list", "parenthesised"],
)
def test_a_plain_shim_is_decided_without_the_scopes(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import libcst.metadata

    def no_scopes(*args: object) -> None:
        raise AssertionError("the scopes were resolved")

    monkeypatch.setattr(libcst.metadata, "MetadataWrapper", no_scopes)
    quick = shim_facts(make_config(), SHIM, text, "pkg._compat")
    assert quick.file is None and quick.candidates
    monkeypatch.undo()
    _, full = _both(text)
    assert _plain(quick) == _plain(full)
    assert shim_without(quick, list(full.candidates)) == shim_without(full, list(full.candidates))


@pytest.mark.parametrize(
    "snippet",
    [
        "def annotated(x: 'Alpha') -> None:\n    pass",
        "from typing import cast\nvalue = cast('Alpha', None)",
        "Alpha = 1",
        "def shadowed(Alpha):\n    return Alpha",
        "print(f'{Alpha}')",
        "del Alpha",
        "x = 1; y = 2",
    ],
    ids=["string-annotation", "cast", "rebound", "parameter", "f-string", "del", "semicolon"],
)
def test_what_the_ast_cannot_vouch_for_goes_to_the_scopes(snippet: str) -> None:
    text = f"from sglang.srt.a import Alpha\n\n{snippet}\n"
    tree = ast.parse(text)
    assert quick_re_exports(tree, text, {1}, {"sglang"}) is None


def test_a_name_the_shim_reads_is_kept_with_its_first_read() -> None:
    text = (
        "def early():\n    return Alpha\n\nfrom sglang.srt.a import Alpha, beta\n\nprint(Alpha)\n"
    )
    found = quick_re_exports(ast.parse(text), text, {4}, {"sglang"})
    assert found is not None
    assert [(export.name, reason) for export, reason in found] == [
        ("Alpha", "used by the shim itself (line 2)"),
        ("beta", None),
    ]
    quick, full = _both(text)
    assert _plain(quick) == _plain(full)


def test_facts_read_back_from_the_cache_cut_the_shim_the_same() -> None:
    text = "from sglang.srt.a import Alpha, beta\n\nprint(beta)\n"
    _, full = _both(text)
    cached = decode_shim_facts(SHIM, "pkg._compat", text, encode_shim_facts(full))
    assert cached.file is None and list(cached.candidates) == ["Alpha"]
    assert shim_without(cached, ["Alpha"]) == shim_without(full, ["Alpha"])
    assert shim_without(cached, ["Alpha"]) == "from sglang.srt.a import beta\n\nprint(beta)\n"


def test_every_identifier_field_is_a_spelling() -> None:
    text = "import a.Name\nfrom b.Name import c\nx.Name\nf(Name=1)\ndef g(Name): global Name\n"
    assert quick_exports._spellings(ast.parse(text))["Name"] == 6
