"""The plain-walk finders answer exactly as the ``libcst.matchers`` they replace."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m
import pytest

from compatlint.codemods.cst_find import find_all
from compatlint.codemods.removals.temporary_try import _is_guard

_GUARD = m.If(
    test=m.Comparison(
        left=m.Attribute(attr=m.Name("name")),
        comparisons=[m.ComparisonTarget(operator=m.NotEqual() | m.NotIn() | m.IsNot())],
    ),
    body=m.IndentedBlock(body=[m.SimpleStatementLine(body=[m.Raise(exc=None)])])
    | m.SimpleStatementSuite(body=[m.Raise(exc=None)]),
    orelse=None,
)

STATEMENTS = [
    "if exc.name != 'a':\n    raise\n",
    "if exc.name not in ('a', 'b'):\n    raise\n",
    "if exc.name is not None: raise\n",
    "if e.name != 'a': raise; x = 1\n",
    "if exc.name == 'a':\n    raise\n",
    "if exc.name != 'a':\n    raise ValueError\n",
    "if exc.name != 'a':\n    raise\nelse:\n    pass\n",
    "if exc.name != 'a' != 'b':\n    raise\n",
    "if exc.path != 'a':\n    raise\n",
    "if name != 'a':\n    raise\n",
    "if exc.name != 'a':\n    log()\n    raise\n",
    "if exc.name != 'a':\n    raise  # keep\n",
    "x = exc.name\n",
    "raise\n",
]


@pytest.mark.parametrize("source", STATEMENTS)
def test_guard_is_the_matcher(source: str) -> None:
    statement = cst.parse_module(source).body[0]
    assert _is_guard(statement) == m.matches(statement, _GUARD)


@pytest.mark.parametrize(
    ("source", "types"),
    [
        ("x = [  # one\n    'a',  # two\n\n    # three\n    'b',\n]\n", "lines"),
        ("def f(exc):\n    return exc, [exc for exc in y], exc.name\n", "names"),
    ],
)
def test_find_all_is_findall(source: str, types: str) -> None:
    module = cst.parse_module(source)
    if types == "lines":
        ours = find_all(module, (cst.EmptyLine, cst.TrailingWhitespace))
        theirs = m.findall(module, m.EmptyLine() | m.TrailingWhitespace())
    else:
        ours = find_all(module, cst.Name, lambda node: node.value == "exc")
        theirs = m.findall(module, m.Name("exc"))
    assert ours and [id(n) for n in ours] == [id(n) for n in theirs]
