"""Prune moves an unwrapped import into the import block only across statements that cannot
tell the difference; any other statement keeps it in place, listed for a person."""

from __future__ import annotations

import ast

import pytest
from prune_helpers import SHIM, dedent, prune

from compatlint.codemods.formatting import touched_lines
from compatlint.codemods.import_order import OrderJudge
from compatlint.codemods.imports_hoist import hoist_imports, late_imports
from compatlint.codemods.sorting import Anchor, BlockEdit, Finding, Replacement, resort

FALLBACK = """
try:
    from sglang.srt.new import X
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    from sglang.srt.old import X
"""


def shim_with(between: str, head: str = "") -> str:
    """A shim: an import block, ``between``, then an import fallback expiring at 0.5.10."""
    return (
        "import logging\nimport sys\nfrom typing import TYPE_CHECKING, TypeVar\n"
        + dedent(head)
        + "\n"
        + dedent(between)
        + FALLBACK
        + "\n__all__ = ['X']\n"
    )


def import_follow_ups(text: str) -> list[str]:
    return [f.reason for f in prune(text, "0.5.10").follow_ups if f.kind == "import"]


SAFE = {
    "logger": "logger = logging.getLogger(__name__)\n",
    "literals": "LIMIT = -1\nNAMES = ('a', 'b')\nTABLE = {'a': [1, 2], 'b': None}\n",
    "name alias": "Alias = sys\n",
    "__all__ edits": "__all__ = ['Y']\n__all__ += ['Z']\n__all__.append('W')\n",
    "def": "def helper(x: int = 1, *, y: str = 'a') -> int:\n    return X(x)\n",
    "class": "class Box(Exception):\n    '''doc'''\n    size = 1\n\n    def get(self):\n"
    "        return X\n",
    "type checking": "if TYPE_CHECKING:\n    from os import path\n",
    "version gate": "if sys.version_info >= (3, 11):\n    FAST = True\nelse:\n    FAST = False\n",
    "typevar": "T = TypeVar('T')\n",
    "other fallback": "try:\n    from a import B\nexcept ImportError:\n    B = None\n",
    "guarded fallback": "try:\n    from a import C\nexcept ModuleNotFoundError as exc:\n"
    "    if exc.name != 'a':\n        raise\n    from b import C\n",
    "docstring and pass": "x = 1\n'''a string'''\npass\n",
}

UNSAFE = {
    "call": ("logging.basicConfig()\n", "an expression statement"),
    "assigned call": ("CACHE = dict(a=1)\n", "an assignment that runs code"),
    "attribute value": ("SEP = sys.path\n", "an assignment that runs code"),
    "subscript target": ("TABLE = {}\nTABLE['a'] = 1\n", "an assignment that runs code"),
    "loop": ("for _ in range(2):\n    pass\n", "a for statement"),
    "decorated def": (
        "@staticmethod\ndef helper():\n    return 1\n",
        "a decorated def",
    ),
    "default runs code": ("def helper(x=len('a')):\n    return x\n", "defaults run code"),
    "class keywords": ("class Box(metaclass=type):\n    pass\n", "with keywords"),
    "class with a base of the project": (
        "class Base:\n    def __init_subclass__(cls):\n        print(cls)\n\n\n"
        "class Plugin(Base):\n    pass\n",
        "a class with bases",
    ),
    "class with a shadowed builtin base": (
        "Exception = type('E', (), {})\n\n\nclass Box(Exception):\n    pass\n",
        "an assignment that runs code",
    ),
    "subscripted annotation": ("LIMIT: Ann[int] = 1\n", "annotated assignment that runs code"),
    "subscripted def annotation": (
        "def helper(x: Ann[int]):\n    return x\n",
        "annotations run code",
    ),
    "class body call": ("class Box:\n    size = len('ab')\n", "an assignment that runs code"),
    "probe": ("if hasattr(sys, 'x'):\n    FLAG = 1\n", "an if whose test may run code"),
    "handler call": (
        "try:\n    from a import B\nexcept ImportError:\n    B = object()\n",
        "an assignment that runs code",
    ),
    "raise outside a handler": ("if sys.platform == 'x':\n    raise SystemExit\n", "a raise"),
    "rebinds the name": ("X = None\n", "binds X too"),
    "reads the name": ("X = None\nALIAS = X\n", "binds X too"),
    "star import": ("from os.path import *\n", "a star import"),
}


@pytest.mark.parametrize("between", SAFE.values(), ids=list(SAFE))
def test_an_unwrapped_import_moves_up_across_statements_that_cannot_tell(between: str) -> None:
    text = shim_with("CLOSES = 1\n" + between)
    plan = prune(text, "0.5.10")
    new = plan.new_text(SHIM, text)
    assert not [f for f in plan.follow_ups if f.kind == "import"], new
    head = new[: new.index("CLOSES = 1")]
    assert "from sglang.srt.new import X\n" in head
    assert late_imports(new) == []
    compile(new, SHIM, "exec")
    assert prune(new, "0.5.10").edits == {}  # idempotent


@pytest.mark.parametrize(("between", "why"), UNSAFE.values(), ids=list(UNSAFE))
def test_an_unwrapped_import_stays_below_a_statement_that_may_depend_on_it(
    between: str, why: str
) -> None:
    text = shim_with("CLOSES = 1\n" + between)
    plan = prune(text, "0.5.10")
    new = plan.new_text(SHIM, text)
    reasons = [f.reason for f in plan.follow_ups if f.kind == "import"]
    assert len(reasons) == 1, new
    assert "left in place" in reasons[0] and why in reasons[0], reasons
    # It stays exactly where the try was: below the statement that holds it.
    assert new.index("from sglang.srt.new import X") > new.index(between.splitlines()[0])
    assert prune(new, "0.5.10").edits == {}


def test_a_name_bound_in_the_import_block_keeps_the_import_in_place() -> None:
    # The sorter could put the moved import before `from a import X`: the other X would win.
    text = shim_with("CLOSES = 1\n", head="from a import X\n")
    reasons = import_follow_ups(text)
    assert len(reasons) == 1 and "X is also bound on line 4" in reasons[0]


def test_a_plain_import_of_the_same_package_is_not_a_rebinding() -> None:
    text = dedent(
        """
        import sglang

        CLOSES = 1

        try:
            import sglang.srt.lora
        except ImportError:
            # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
            import sglang.srt.old_lora
        """
    )
    plan = prune(text, "0.5.10")
    assert plan.new_text(SHIM, text) == dedent(
        """
        import sglang
        import sglang.srt.lora

        CLOSES = 1
        """
    )


def test_moved_imports_take_their_comments_and_leave_no_blank_line_runs() -> None:
    original = dedent(
        """
        import os

        CLOSES = 1

        # Where X lives now.
        from a import X  # the new home


        from b import Y

        VALUE = 2
        """
    )
    # ``original`` stands for the text before prune: X and Y were not at module level.
    before = original.replace("from a import X  # the new home", "pass").replace(
        "from b import Y", "pass"
    )
    hoist = hoist_imports(before, original)
    assert hoist.text == dedent(
        """
        import os
        # Where X lives now.
        from a import X  # the new home
        from b import Y

        CLOSES = 1

        VALUE = 2
        """
    )
    assert hoist.unwrapped_lines == [3, 4]
    assert hoist.moved == 2


def test_without_an_import_block_the_import_goes_above_the_first_statement() -> None:
    before = '"""Doc."""\n\nCLOSES = 1\n\npass\n'
    current = '"""Doc."""\n\nCLOSES = 1\n\nfrom a import X\n'
    assert hoist_imports(before, current).text == '"""Doc."""\n\nfrom a import X\n\nCLOSES = 1\n'


def test_an_import_ruff_accepts_where_it_is_is_not_moved() -> None:
    text = "import sys\n\nsys.path.insert(0, 'x')\n__version__ = '1'\n" + FALLBACK
    new = prune(text, "0.5.10").new_text(SHIM, text)
    assert new.endswith("__version__ = '1'\n\nfrom sglang.srt.new import X\n")


def test_touched_lines_cover_changes_and_both_sides_of_a_deletion() -> None:
    assert touched_lines("a\nb\nc\n", "a\nb\nc\n") is None
    assert touched_lines("a\nb\nc\n", "a\nB\nc\n") == (2, 2)
    assert touched_lines("a\nb\nc\nd\n", "a\nd\n") == (1, 2)
    assert touched_lines("a\nb\n", "a\nb\nc\nd\n") == (3, 4)
    assert touched_lines("a\nb\nc\n", "a\nb\n") == (2, 2)


def test_an_anchor_without_a_before_line_is_sorted_only_in_a_sorted_file() -> None:
    edit = BlockEdit("m.py", "import b\n", "import b\nimport a\n", (Anchor(None, 2),))
    fix = Finding(1, 2, (Replacement(1, 1, 3, 1, "import a\nimport b\n"),))
    assert resort(edit, [], [fix]) == "import a\nimport b\n"
    assert resort(edit, [Finding(1, 1, ())], [fix]) == edit.after  # the file was unsorted


@pytest.mark.parametrize(
    ("statement", "why"),
    [
        ("ALIAS = X", "reads X"),
        ("class Box:\n    size = X", "reads X"),
        ("def f(x=X):\n    pass", "reads X"),
        ("def f():\n    return X", None),  # the body does not run here
        ("def f(x: X):\n    pass", None),  # annotations are lazy in this module
    ],
)
def test_what_a_statement_reads_when_it_runs(statement: str, why: str | None) -> None:
    tree = ast.parse("from __future__ import annotations\n" + statement)
    assert OrderJudge(tree).blocker(tree.body[1], {"X": False}) == why
