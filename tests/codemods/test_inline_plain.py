"""Plain import lines rewritten as text plan exactly what the libcst rewrite plans.

An importer whose from-imports of the shim are plain lines (``from pkg._compat import A, B
as C``, alone on their line) is not parsed by libcst: the line is rewritten as text. On
generated importers — plain lines among lines that only look plain (extra spaces, a
comment, brackets, a ``;``), several shim imports, names kept in the shim, ``--only`` —
the plan and every edited text are byte for byte those of the libcst rewrite, and the
plain path is in fact taken.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from helpers import examples, make_config
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sorting_helpers import pkg_sorter

from compatlint.codemods.inline import importers as inline_importers
from compatlint.codemods.inline import plan_inline
from compatlint.codemods.inline import shim_facts as shim_facts_module
from compatlint.codemods.inline.plain import plain_import, plain_shim_without
from compatlint.codemods.inline.shim_facts import ShimFacts, shim_without

SHIM = "pkg/_compat.py"
SHIM_TEXT = '''"""Compat shim."""

from sglang.srt.a import Alpha, beta
from sglang.srt.b import Orig as Gamma


def helper():
    return 1


__all__ = ["Alpha", "Gamma", "beta", "helper"]
'''
BASES = ["Alpha", "beta", "Gamma", "helper"]
# Lines that import from the shim: plain ones (most), and ones that only look plain.
SHIM_LINES = [
    *["from pkg._compat import {names}"] * 8,
    *["from ._compat import {names}"] * 4,
    "from pkg._compat  import {names}",
    "from pkg._compat import {names} ",
    "from pkg._compat import {names}  # noqa: F401",
    "from pkg._compat import ({names})",
    "from pkg._compat import {names};",
    "from pkg._compat import \\\n    {names}",
]
OTHER_LINES = [
    "import os",
    "import os; \\",
    "from sglang.srt.a import Zed",
    "# a comment",
    "",
    "x = 1",
    "def f():\n    return Alpha\n",
    "print(beta, Gamma)",
]


@st.composite
def shim_lines(draw: st.DrawFn) -> list[str]:
    """One to three lines importing shim names, each name bound once."""
    bases = draw(st.permutations(BASES))[: draw(st.integers(1, 4))]
    names = [name + draw(st.sampled_from(["", "", f" as {name[0]}_"])) for name in bases]
    cuts = (
        sorted(draw(st.sets(st.integers(1, len(names) - 1), max_size=2))) if len(names) > 1 else []
    )
    groups = [names[a:b] for a, b in zip([0, *cuts], [*cuts, len(names)], strict=True)]
    lines = []
    for group in groups:
        separator = draw(st.sampled_from([*[", "] * 8, ",  ", " ,"]))
        lines.append(draw(st.sampled_from(SHIM_LINES)).format(names=separator.join(group)))
    return lines


@st.composite
def importer_texts(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.sampled_from(OTHER_LINES), max_size=3))
    for line in draw(shim_lines()):
        lines.insert(draw(st.integers(0, len(lines))), line)
    tail = draw(st.lists(st.sampled_from(OTHER_LINES), max_size=3))
    return '"""Doc."""\n\n' + "\n".join([*lines, "x = 1", "y = 2", "z = 3", *tail]) + "\n"


def _plan(
    files: dict[str, str], plain: bool, only: list[str] | None, patch: pytest.MonkeyPatch
) -> object:
    patch.setattr(inline_importers, "PLAIN", plain)
    plan = plan_inline(make_config(), files, only, sorter=pkg_sorter())
    edits = {path: (edit.old_text, edit.new_text) for path, edit in plan.edits.items()}
    return plan.to_json(), edits


@settings(max_examples=examples(100), deadline=None)
@given(
    st.lists(importer_texts(), min_size=1, max_size=3),
    st.sampled_from([None, ["Alpha"], ["beta", "Gamma"], ["helper"]]),
)
def test_a_plain_rewrite_plans_what_the_libcst_rewrite_plans(
    texts: list[str], only: list[str] | None
) -> None:
    files = {SHIM: SHIM_TEXT, "pkg/__init__.py": ""}
    files.update({f"pkg/mod{index}.py": text for index, text in enumerate(texts)})
    with pytest.MonkeyPatch.context() as patch:
        libcst_plan = _plan(files, False, only, patch)
    with pytest.MonkeyPatch.context() as patch:
        plain_plan = _plan(files, True, only, patch)
    assert plain_plan == libcst_plan


def test_plain_importers_are_not_parsed_by_libcst(monkeypatch: pytest.MonkeyPatch) -> None:
    body = "".join(f"\n\ndef work_{i}():\n    return {i}\n" for i in range(10))
    importer = '"""Doc."""\n\nimport os\nfrom pkg._compat import Alpha, helper as h\n' + body
    files = {SHIM: SHIM_TEXT, "pkg/__init__.py": "", "pkg/mod.py": importer + "print(Alpha)\n"}
    parse = mock.Mock(wraps=inline_importers.parse)
    monkeypatch.setattr(inline_importers, "parse", parse)
    plan = plan_inline(make_config(), files, sorter=pkg_sorter())
    assert "pkg/mod.py" not in [call.args[1] for call in parse.call_args_list]
    after = plan.edits["pkg/mod.py"].new_text
    assert after.startswith(
        '"""Doc."""\n\nimport os\nfrom pkg._compat import helper as h\n'
        "from sglang.srt.a import Alpha\n"
    )
    assert after.endswith(body + "print(Alpha)\n")


@pytest.mark.parametrize(
    ("line", "plain"),
    [
        ("from pkg._compat import A", ("pkg._compat", (("A", None),))),
        ("from .._compat import A as B, c", (".._compat", (("A", "B"), ("c", None)))),
        ("from . import A", (".", (("A", None),))),
        ("from pkg._compat import A ", None),
        ("from pkg._compat import A,B", None),
        ("from pkg._compat import (A)", None),
        ("from pkg._compat import A  # c", None),
        ("from pkg._compat import A; x = 1", None),
        ("from pkg._compat import *", None),
        ("from pkg._compat import A as", None),
        ("from pkg._compat import Ä", None),
        ("  from pkg._compat import A", None),
        ("from pkg. _compat import A", None),
    ],
)
def test_a_plain_line_is_the_simplest_form_and_nothing_else(
    line: str, plain: tuple[str, tuple[tuple[str, str | None], ...]] | None
) -> None:
    found = plain_import(line)
    assert (found and (found.module, found.names)) == plain


def test_each_edited_line_is_anchored_where_it_is_after_the_edits_above_it() -> None:
    """The first line keeps a name and gains one: the second line's block, sorted before
    and not after (``sglang`` is third party), is found one line down and sorted."""
    text = (
        '"""Doc."""\n\nfrom pkg._compat import Alpha, helper\n\nx = 1\n\n'
        "from pkg._compat import beta\nfrom pkg.zzz import q\n\ny = 2\nz = 3\nw = 4\n"
    )
    files = {SHIM: SHIM_TEXT, "pkg/__init__.py": "", "pkg/mod.py": text}
    with pytest.MonkeyPatch.context() as patch:
        libcst_plan = _plan(files, False, None, patch)
    with pytest.MonkeyPatch.context() as patch:
        plain_plan = _plan(files, True, None, patch)
    assert plain_plan == libcst_plan
    _, edits = plain_plan  # type: ignore[misc]
    assert "from sglang.srt.a import beta\n\nfrom pkg.zzz import q\n" in edits["pkg/mod.py"][1]


# -- the shim cut ------------------------------------------------------------------------------

UPSTREAM_NAMES = ["A", "B", "C", "D", "E", "F"]
OTHER_SHIM_LINES = [
    *["", "", "# a comment", "import os", "x = 1", "def f():\n    return 1\n"] * 6,
    "if x: __all__ = ['A', 'B']",
    "# keep __all__ sorted",
]


@st.composite
def shims(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A shim importing each upstream name once, on plain lines and others, with an
    ``__all__`` of some layout; and the names to cut: some of them, or whole lines."""
    names = draw(st.permutations(UPSTREAM_NAMES))[: draw(st.integers(1, 6))]
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(names) - 1)), max_size=3)))
    groups = [names[a:b] for a, b in zip([0, *cuts], [*cuts, len(names)], strict=True) if a < b]
    lines = ['"""Shim."""'] if draw(st.integers(0, 3)) else []
    for number, group in enumerate(groups):
        lines += draw(st.lists(st.sampled_from(OTHER_SHIM_LINES), max_size=2))
        listed = draw(st.sampled_from([*[", "] * 6, ",  "])).join(group)
        forms = ["from sglang.m{n} import {names}"] * 12 + [
            "from sglang.m{n} import ({names})",
            "from sglang.m{n} import {names}  # moved in 0.5",
        ]
        lines.append(draw(st.sampled_from(forms)).format(n=number, names=listed))
    lines += [
        "from sglang.kept import Z",
        *draw(st.lists(st.sampled_from(OTHER_SHIM_LINES), max_size=2)),
    ]
    exported = draw(st.lists(st.sampled_from(names), max_size=len(names), unique=True))
    exported.insert(draw(st.integers(0, len(exported))), "Z")  # never cut: never left empty
    quote = draw(st.sampled_from(['"', "'"]))
    indents = draw(st.sampled_from([*[["    "]] * 4, ["  ", "    "]]))
    entries = [f"{draw(st.sampled_from(indents))}{quote}{name}{quote},\n" for name in exported]
    layout = draw(st.sampled_from([*["lines"] * 6, "one line", "commented", "none"]))
    if layout == "lines":
        lines.append("__all__ = [\n" + "".join(entries) + "]")
    elif layout == "one line":
        lines.append(f"__all__ = [{', '.join(e.strip().rstrip(',') for e in entries)}]")
    elif layout == "commented":
        lines.append("__all__ = [  # public\n" + "".join(entries) + "]")
    lines += draw(st.lists(st.sampled_from(OTHER_SHIM_LINES), max_size=2))
    if draw(st.booleans()):
        cut = draw(st.lists(st.sampled_from(names), min_size=1, unique=True))
    else:
        whole = draw(st.lists(st.sampled_from(groups), min_size=1))
        cut = list(dict.fromkeys(name for group in whole for name in group))
    return "\n".join(lines) + "\n", cut


@settings(max_examples=examples(200), deadline=None)
@given(shims())
@example(("x = 1\n\nfrom sglang.m0 import A\n\ny = 2\n", ["A"]))  # blank runs merge
@example(("from sglang.m0 import A\n\ny = 2\n", ["A"]))  # the first statement goes
@example(('"""S."""\nfrom sglang.m0 import A\nfrom sglang.m1 import B\n\ny = 2\n', ["A", "B"]))
@example(('x = 1\n__all__ = [\n  "A",\n    "B",\n  "C",\n]\nfrom sglang.m0 import B, C\n', ["B"]))
def test_a_plain_shim_cut_is_the_libcst_cut(shim: tuple[str, list[str]]) -> None:
    text, names = shim
    facts = ShimFacts(SHIM, "pkg._compat", text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(shim_facts_module, "PLAIN_CUT", False)
        by_libcst = shim_without(facts, names)
    assert shim_without(facts, names) == by_libcst


def test_the_plain_shim_cut_takes_the_common_shapes() -> None:
    text = (
        '"""Shim."""\n\nfrom sglang.a import A, B\nfrom sglang.b import C\n\nx = 1\n\n'
        '__all__ = [\n    "A",\n    "B",\n    "C",\n]\n'
    )
    assert plain_shim_without(text, ["B", "C"]) == (
        '"""Shim."""\n\nfrom sglang.a import A\n\nx = 1\n\n__all__ = [\n    "A",\n]\n'
    )
    assert plain_shim_without(text, ["A", "B", "C"]) is None  # __all__ left empty
    assert plain_shim_without(text.replace("import C", "import (C)"), ["C"]) is None
    assert plain_shim_without(text, ["Z"]) is None  # not imported: not a trivial re-export


def test_a_run_on_plain_lines_never_imports_libcst(tmp_path: Path) -> None:
    """Plain importers of a shim whose cut is plain: ``inline`` starts without libcst."""
    script = (
        "import sys\n"
        "from helpers import make_config\n"
        "from compatlint.codemods.inline import plan_inline\n"
        f"files = {PLAIN_RUN!r}\n"
        "plan = plan_inline(make_config(), files)\n"
        "assert plan.edits['pkg/mod.py'].new_text.startswith('from sglang.srt.a import Alpha')\n"
        "print('libcst' in sys.modules)\n"
    )
    tests = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tests, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


PLAIN_RUN = {
    SHIM: (
        '"""Shim."""\n\nfrom sglang.srt.a import Alpha, beta\n\n'
        '__all__ = [\n    "Alpha",\n    "beta",\n]\n'
    ),
    "pkg/__init__.py": "",
    "pkg/mod.py": "from pkg._compat import Alpha\n\nx = 1\ny = 2\nz = 3\nprint(Alpha)\n",
}
