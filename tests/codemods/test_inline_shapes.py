"""``plan_inline`` on small in-memory projects: every importer shape, exact output."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from helpers import make_config
from sorting_helpers import pkg_sorter

from compatlint.codemods.inline import InlinePlan, plan_inline
from compatlint.codemods.sorting import ImportSorter

SHIM = "pkg/_compat.py"
RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")

BASIC_SHIM = '''
"""Compat shim."""

from __future__ import annotations

import logging

from sglang.srt.a import A, B
from sglang.srt.c import Orig as C

logger = logging.getLogger(__name__)


def helper():
    return 1


__all__ = ["A", "B", "C", "helper"]
'''

TRIVIAL_SHIM = '''
"""Compat shim."""

import logging

from sglang.srt.a import A, B

logger = logging.getLogger(__name__)

__all__ = ["A", "B"]
'''


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def inline(
    files: Mapping[str, str],
    only: Sequence[str] | None = None,
    *,
    overrides: Mapping[str, Any] | None = None,
    sorter: ImportSorter | None = None,
) -> tuple[InlinePlan, dict[str, str | None]]:
    """Inline an in-memory project (sorted by ruff); the plan and every file's text
    afterwards."""
    sources = {path: dedent(text) for path, text in files.items()}
    plan = plan_inline(make_config(overrides), sources, only, sorter=sorter or pkg_sorter())
    after = {path: plan.new_text(path, text) for path, text in sources.items()}
    return plan, after


def ruff_complaints(text: str, tmp_path: Path, select: str = "I", *options: str) -> str:
    """What ``ruff check --select`` says about ``text`` as pkg/mod.py ("" when clean)."""
    if RUFF is None:  # pragma: no cover - ruff is a dev dependency
        pytest.skip("ruff is not installed")
    result = subprocess.run(
        [
            RUFF,
            "check",
            "--isolated",
            "--no-cache",
            "--select",
            select,
            "--config",
            'lint.isort.known-first-party = ["pkg"]',
            *options,
            "--stdin-filename",
            "pkg/mod.py",
            "-",
        ],
        input=text,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    return "" if result.returncode == 0 else result.stdout + result.stderr


# -- importer shapes ------------------------------------------------------------------------


def test_absolute_import_from_a_nested_shim() -> None:
    shim = BASIC_SHIM
    plan, after = inline(
        {
            "pkg/sub/_compat.py": shim,
            "pkg/handler.py": """
                import os

                from pkg.sub._compat import A, B


                def run():
                    return A(os), B
            """,
        },
        overrides={"shim": ["pkg/sub/_compat.py"]},
    )
    assert after["pkg/handler.py"] == dedent(
        """
        import os

        from sglang.srt.a import A, B


        def run():
            return A(os), B
        """
    )
    assert [item.name for item in plan.inlined] == ["A", "B"]
    assert plan.inlined[0].statement == "from sglang.srt.a import A"
    assert plan.inlined[0].importers[0].path == "pkg/handler.py"


def test_relative_import_and_the_shim_loses_the_names() -> None:
    plan, after = inline(
        {
            SHIM: BASIC_SHIM,
            "pkg/handler.py": """
                from ._compat import A, helper

                print(A, helper)
            """,
        }
    )
    assert after["pkg/handler.py"] == dedent(
        """
        from sglang.srt.a import A

        from ._compat import helper

        print(A, helper)
        """
    )
    # Only the inlined name leaves the shim (B has no importer: it stays).
    assert after[SHIM] == dedent(
        '''
        """Compat shim."""

        from __future__ import annotations

        import logging

        from sglang.srt.a import B
        from sglang.srt.c import Orig as C

        logger = logging.getLogger(__name__)


        def helper():
            return 1


        __all__ = ["B", "C", "helper"]
        '''
    )
    assert plan.deleted == []


def test_parent_package_import_and_attribute_uses() -> None:
    plan, after = inline(
        {
            SHIM: BASIC_SHIM,
            "pkg/sub/handler.py": """
                import os

                from .. import _compat


                def run():
                    return _compat.A(os), (_compat.C), _compat.helper()
            """,
        }
    )
    assert after["pkg/sub/handler.py"] == dedent(
        """
        import os

        from sglang.srt.a import A
        from sglang.srt.c import Orig as C

        from .. import _compat


        def run():
            return A(os), (C), _compat.helper()
        """
    )
    actions = [edit.action for item in plan.inlined for edit in item.importers]
    assert actions == [
        "_compat.A -> A (1 use); from sglang.srt.a import A",
        "_compat.C -> C (1 use); from sglang.srt.c import Orig as C",
    ]


def test_module_alias_dropped_when_nothing_else_is_used() -> None:
    _, after = inline(
        {
            SHIM: BASIC_SHIM,
            "pkg/handler.py": """
                import json

                import pkg._compat as compat


                def run(x):
                    if compat.B(x):
                        return compat.A
                    return json.dumps(compat.B)
            """,
        }
    )
    assert after["pkg/handler.py"] == dedent(
        """
        import json

        from sglang.srt.a import A, B


        def run(x):
            if B(x):
                return A
            return json.dumps(B)
        """
    )


def test_dotted_module_import_and_attribute_uses() -> None:
    _, after = inline(
        {
            SHIM: BASIC_SHIM,
            "pkg/handler.py": """
                import pkg._compat
                import pkg.other


                def run():
                    return pkg._compat.A, pkg.other
            """,
        }
    )
    assert after["pkg/handler.py"] == dedent(
        """
        from sglang.srt.a import A

        import pkg.other


        def run():
            return A, pkg.other
        """
    )


def test_aliases_on_both_sides() -> None:
    plan, after = inline(
        {
            SHIM: BASIC_SHIM,
            "pkg/handler.py": """
                from pkg._compat import A as Alpha
                from pkg._compat import C
                from pkg._compat import C as Gamma

                print(Alpha, C, Gamma)
            """,
        }
    )
    assert after["pkg/handler.py"] == dedent(
        """
        from sglang.srt.a import A as Alpha
        from sglang.srt.c import Orig as C
        from sglang.srt.c import Orig as Gamma

        print(Alpha, C, Gamma)
        """
    )
    assert plan.inlined[1].statement == "from sglang.srt.c import Orig as C"


def test_parenthesised_multi_line_list_with_comments() -> None:
    _, after = inline(
        {
            SHIM: BASIC_SHIM,
            "pkg/handler.py": """
                import os

                from pkg._compat import (  # compat names
                    A,  # the a
                    # helpers below
                    helper,
                    B,
                )

                print(os, A, B, helper)
            """,
        }
    )
    # ruff would reorder the names (classes before functions): the block was not sorted,
    # so the new line follows the import it came from and nothing else moves.
    assert after["pkg/handler.py"] == dedent(
        """
        import os

        from pkg._compat import (  # compat names
            # helpers below
            helper,
        )
        from sglang.srt.a import A, B

        print(os, A, B, helper)
        """
    )


def test_function_level_and_type_checking_imports_stay_where_they_were() -> None:
    _, after = inline(
        {
            SHIM: BASIC_SHIM,
            "pkg/handler.py": """
                from typing import TYPE_CHECKING

                if TYPE_CHECKING:
                    from pkg._compat import C


                def run() -> C:
                    import os

                    from pkg._compat import A

                    return A(os)
            """,
        }
    )
    assert after["pkg/handler.py"] == dedent(
        """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from sglang.srt.c import Orig as C


        def run() -> C:
            import os

            from sglang.srt.a import A

            return A(os)
        """
    )


# -- where the new line goes ----------------------------------------------------------------


def test_merges_into_an_existing_upstream_import_in_sorted_position() -> None:
    plan, after = inline(
        {
            SHIM: BASIC_SHIM,
            "pkg/handler.py": """
                from sglang.srt.a import Z, zeta

                from pkg._compat import A

                print(A, Z, zeta)
            """,
        }
    )
    assert after["pkg/handler.py"] == dedent(
        """
        from sglang.srt.a import A, Z, zeta

        print(A, Z, zeta)
        """
    )
    assert plan.inlined[0].importers[0].action == "import now from sglang.srt.a import A"


LONG_ONE = "AnExtremelyLongClassNameOne1"
LONG_TWO = "AnExtremelyLongClassNameTwo2"


def test_merges_into_a_wrapped_import_and_wraps_a_long_one() -> None:
    _, after = inline(
        {
            SHIM: BASIC_SHIM,
            "pkg/a.py": """
                from sglang.srt.a import (
                    Zeta,  # last
                )

                from pkg._compat import B

                print(B, Zeta)
            """,
            "pkg/b.py": "\n".join(
                [
                    f"from sglang.srt.a import {LONG_ONE}, {LONG_TWO}, Zed",
                    "",
                    "from pkg._compat import B",
                    "",
                    f"print(B, {LONG_ONE}, {LONG_TWO}, Zed)",
                    "",
                ]
            ),
        }
    )
    assert after["pkg/a.py"] == dedent(
        """
        from sglang.srt.a import (
            B,
            Zeta,  # last
        )

        print(B, Zeta)
        """
    )
    assert after["pkg/b.py"] == dedent(
        """
        from sglang.srt.a import (
            AnExtremelyLongClassNameOne1,
            AnExtremelyLongClassNameTwo2,
            B,
            Zed,
        )

        print(B, AnExtremelyLongClassNameOne1, AnExtremelyLongClassNameTwo2, Zed)
        """
    )


def test_creates_a_third_party_section_between_stdlib_and_first_party() -> None:
    _, after = inline(
        {
            SHIM: BASIC_SHIM,
            "pkg/handler.py": '''
                """Handler."""

                from __future__ import annotations

                import os

                from pkg import other
                from pkg._compat import A, helper


                def run():
                    return A(os), other, helper
            ''',
        }
    )
    assert after["pkg/handler.py"] == dedent(
        '''
        """Handler."""

        from __future__ import annotations

        import os

        from sglang.srt.a import A

        from pkg import other
        from pkg._compat import helper


        def run():
            return A(os), other, helper
        '''
    )


def test_creates_the_first_section_of_a_block() -> None:
    _, after = inline(
        {
            SHIM: BASIC_SHIM,
            "pkg/handler.py": '''
                """Handler."""

                # First-party only.
                from pkg import other
                from pkg._compat import A

                print(A, other)
            ''',
        }
    )
    # ruff's own output: the comment that opens the block stays at its top.
    assert after["pkg/handler.py"] == dedent(
        '''
        """Handler."""

        # First-party only.
        from sglang.srt.a import A

        from pkg import other

        print(A, other)
        '''
    )


def test_replaces_a_block_that_held_only_the_shim_import() -> None:
    _, after = inline(
        {
            SHIM: BASIC_SHIM,
            "pkg/handler.py": '''
                """Handler."""

                # Names from the shim.
                from pkg._compat import A, C


                def run():
                    return A, C
            ''',
        }
    )
    assert after["pkg/handler.py"] == dedent(
        '''
        """Handler."""

        # Names from the shim.
        from sglang.srt.a import A
        from sglang.srt.c import Orig as C


        def run():
            return A, C
        '''
    )


def test_sorted_block_gets_the_line_in_sorted_position(tmp_path: Path) -> None:
    handler = """
        import os
        import sys
        from collections import abc

        import numpy as np
        import sglang
        from numpy import linalg
        from sglang.srt.z import Zed

        from pkg import other
        from pkg._compat import A

        print(os, sys, abc, np, sglang, linalg, Zed, other, A)
    """
    assert ruff_complaints(dedent(handler), tmp_path) == ""
    _, after = inline({SHIM: BASIC_SHIM, "pkg/handler.py": handler})
    text = after["pkg/handler.py"]
    assert text == dedent(
        """
        import os
        import sys
        from collections import abc

        import numpy as np
        import sglang
        from numpy import linalg
        from sglang.srt.a import A
        from sglang.srt.z import Zed

        from pkg import other

        print(os, sys, abc, np, sglang, linalg, Zed, other, A)
        """
    )
    assert text is not None
    assert ruff_complaints(text, tmp_path) == ""


def test_unsorted_block_gets_the_line_in_place_of_the_shim_import(tmp_path: Path) -> None:
    handler = """
        import sys
        import os

        from sglang.srt.z import Zed
        import numpy as np

        from pkg._compat import A

        print(os, sys, np, Zed, A)
    """
    assert ruff_complaints(dedent(handler), tmp_path) != ""
    _, after = inline({SHIM: BASIC_SHIM, "pkg/handler.py": handler})
    assert after["pkg/handler.py"] == dedent(
        """
        import sys
        import os

        from sglang.srt.z import Zed
        import numpy as np

        from sglang.srt.a import A

        print(os, sys, np, Zed, A)
        """
    )


def test_only_the_edited_blocks_are_sorted(tmp_path: Path) -> None:
    handler = """
        import os

        from pkg import other
        from pkg._compat import B


        def run():
            import sys
            import json

            from pkg._compat import A

            return os, sys, json, A, B, other


        def other():
            import sys
            import json

            return sys, json
    """
    _, after = inline({SHIM: BASIC_SHIM, "pkg/handler.py": handler})
    text = after["pkg/handler.py"]
    # The module block was sorted: ruff sorts it again. run()'s block was not: the line
    # takes the shim import's place. other()'s block is not touched at all.
    assert text == dedent(
        """
        import os

        from sglang.srt.a import B

        from pkg import other


        def run():
            import sys
            import json

            from sglang.srt.a import A

            return os, sys, json, A, B, other


        def other():
            import sys
            import json

            return sys, json
        """
    )
    assert text is not None
    assert ruff_complaints(text, tmp_path).count("I001") == 2


# -- names that stay, conflicts, safety ------------------------------------------------------


def test_partial_inlining_keeps_other_names_in_the_shim_import() -> None:
    plan, after = inline(
        {
            SHIM: BASIC_SHIM,
            "pkg/handler.py": """
                from pkg._compat import A, B, C

                print(A, B, C)
            """,
        },
        only=["B"],
    )
    assert after["pkg/handler.py"] == dedent(
        """
        from sglang.srt.a import B

        from pkg._compat import A, C

        print(A, B, C)
        """
    )
    shim = after[SHIM]
    assert shim is not None
    assert "from sglang.srt.a import A\n" in shim
    assert '__all__ = ["A", "C", "helper"]' in shim
    assert [item.name for item in plan.inlined] == ["B"]


def test_unknown_only_names_are_reported() -> None:
    plan, _ = inline({SHIM: BASIC_SHIM, "pkg/h.py": "from pkg._compat import A\n"}, ["Nope"])
    assert not plan.changed
    assert plan.unknown_only == ["Nope"]


def test_name_conflict_is_manual_work_and_the_importer_is_left_alone() -> None:
    plan, after = inline(
        {
            SHIM: BASIC_SHIM,
            "pkg/clash.py": """
                from pkg import _compat


                def A():
                    return _compat.A, _compat.B
            """,
            "pkg/builtin.py": """
                import pkg._compat as compat

                print(compat.A, A)
            """,
            "pkg/fine.py": """
                from pkg._compat import A

                print(A)
            """,
        }
    )
    assert after["pkg/clash.py"] == dedent(
        """
        from pkg import _compat


        def A():
            return _compat.A, _compat.B
        """
    )
    assert after["pkg/fine.py"] == "from sglang.srt.a import A\n\nprint(A)\n"
    reasons = [(item.path, item.name, item.reason) for item in plan.manual]
    assert reasons == [
        (
            "pkg/builtin.py",
            "A",
            "A already names a builtin or global here (line 3); importer left as is",
        ),
        (
            "pkg/clash.py",
            "A",
            "A is already bound differently here (line 4); importer left as is",
        ),
    ]
    # A and B are still imported from the shim by the importers left alone.
    shim = after[SHIM]
    assert shim is not None and "from sglang.srt.a import A, B\n" in shim
    assert [(i.name, i.removed_from_shim) for i in plan.inlined] == [("A", False)]


def test_attribute_use_and_direct_import_of_the_same_name_share_one_line() -> None:
    _, after = inline(
        {
            SHIM: BASIC_SHIM,
            "pkg/handler.py": """
                from pkg import _compat
                from pkg._compat import A

                print(A, _compat.A)
            """,
        }
    )
    assert after["pkg/handler.py"] == dedent(
        """
        from sglang.srt.a import A

        print(A, A)
        """
    )


def test_names_the_shim_uses_or_rebinds_are_kept() -> None:
    shim = """
        from sglang.srt.a import A, B, C
        from sglang.srt.d import D

        if D is None:
            C = object

        try:
            from sglang.srt.e import E
        except ImportError:
            E = None


        def use() -> A:
            return A
    """
    plan, after = inline(
        {
            SHIM: shim,
            "pkg/handler.py": "from pkg._compat import A, B, C, D, E\n",
        }
    )
    assert after["pkg/handler.py"] == dedent(
        """
        from sglang.srt.a import B

        from pkg._compat import A, C, D, E
        """
    )
    # E is not a re-export at all: its import is conditional.
    assert [(k.name, k.reason) for k in plan.kept] == [
        ("A", "used by the shim itself (line 13)"),
        ("C", "bound more than once in the shim"),
        ("D", "used by the shim itself (line 4)"),
    ]


def test_star_import_blocks_the_importer() -> None:
    plan, after = inline(
        {
            SHIM: TRIVIAL_SHIM,
            "pkg/star.py": "from pkg._compat import *\n\nprint(A)\n",
            "pkg/h.py": "from pkg._compat import A\n",
        }
    )
    assert after["pkg/star.py"] == "from pkg._compat import *\n\nprint(A)\n"
    assert after["pkg/h.py"] == "from sglang.srt.a import A\n"
    assert after[SHIM] is not None  # not deleted: the star import still needs it
    assert [(m.path, m.reason) for m in plan.manual] == [
        ("pkg/star.py", "star-imports the shim; importer left as is")
    ]


def test_assignment_to_a_shim_attribute_is_not_rewritten() -> None:
    _, after = inline(
        {
            SHIM: BASIC_SHIM,
            "pkg/h.py": "from pkg import _compat\n\n_compat.A = 1\nprint(_compat.B)\n",
        }
    )
    assert after["pkg/h.py"] == (
        "from sglang.srt.a import B\n\nfrom pkg import _compat\n\n_compat.A = 1\nprint(B)\n"
    )


def test_crlf_and_bom_are_kept() -> None:
    handler = "\ufeffimport os\r\n\r\nfrom pkg._compat import A\r\n\r\nprint(os, A)\r\n"
    plan = plan_inline(make_config(), {SHIM: dedent(BASIC_SHIM), "pkg/h.py": handler})
    assert plan.new_text("pkg/h.py", handler) == (
        "\ufeffimport os\r\n\r\nfrom sglang.srt.a import A\r\n\r\nprint(os, A)\r\n"
    )
    # ruff sorting the block keeps them too.
    handler = "\ufeffimport os\r\n\r\nfrom pkg import other\r\nfrom pkg._compat import A\r\n\r\n"
    sources = {SHIM: dedent(BASIC_SHIM), "pkg/h.py": handler, "pkg/other.py": ""}
    plan = plan_inline(make_config(), sources, sorter=pkg_sorter())
    assert plan.new_text("pkg/h.py", handler) == (
        "\ufeffimport os\r\n\r\nfrom sglang.srt.a import A\r\n\r\nfrom pkg import other\r\n\r\n"
    )


def test_nothing_to_inline_changes_nothing() -> None:
    plan, _ = inline({SHIM: BASIC_SHIM, "pkg/h.py": "from pkg._compat import helper\n"})
    assert not plan.changed and plan.edits == {} and plan.inlined == []


# -- deleting the shim ------------------------------------------------------------------------


DELETED_SHIM_PROJECT = {
    SHIM: TRIVIAL_SHIM,
    "pkg/__init__.py": '''
        """The package."""

        from . import _compat  # noqa: F401
        from .version import VERSION

        __all__ = ["VERSION", "_compat"]
    ''',
    "pkg/version.py": 'VERSION = "1"\n',
    "pkg/handler.py": """
        import pkg._compat as compat


        def run():
            return compat.A, compat.B
    """,
}
MOCKED = {
    "tests/test_handler.py": """
        from unittest import mock


        def test_run():
            with mock.patch("pkg._compat.A"):
                pass
    """
}


def test_a_trivial_shim_is_deleted_with_the_imports_of_it() -> None:
    plan, after = inline(DELETED_SHIM_PROJECT, overrides={"src": ["."]})
    assert plan.deleted == [SHIM]
    assert plan.edits[SHIM].new_text is None
    assert after["pkg/__init__.py"] == dedent(
        '''
        """The package."""

        from .version import VERSION

        __all__ = ["VERSION"]
        '''
    )
    assert after["pkg/handler.py"] == dedent(
        """
        from sglang.srt.a import A, B


        def run():
            return A, B
        """
    )
    assert [(m.path, m.line, m.reason) for m in plan.manual] == [
        (
            "pyproject.toml",
            0,
            "remove pkg/_compat.py from [tool.compatlint] shim: the file is deleted",
        ),
    ]


def test_a_name_a_string_names_stays_and_so_does_the_shim() -> None:
    """``mock.patch("pkg._compat.A")`` reads ``A`` from the shim at run time: the
    importers take ``A`` from the upstream, and the shim keeps it (listed)."""
    plan, after = inline({**DELETED_SHIM_PROJECT, **MOCKED}, overrides={"src": ["."]})
    assert plan.deleted == []
    assert "from sglang.srt.a import A\n" in after[SHIM]
    assert "B" not in after[SHIM]
    assert after["pkg/__init__.py"] == dedent(DELETED_SHIM_PROJECT["pkg/__init__.py"])
    assert after["pkg/handler.py"] == dedent(
        """
        from sglang.srt.a import A, B


        def run():
            return A, B
        """
    )
    assert [(m.path, m.line, m.name, m.reason) for m in plan.manual] == [
        ("tests/test_handler.py", 5, "A", "a string names pkg._compat.A: it stays in the shim")
    ]


@pytest.mark.parametrize(
    "reference",
    ['importlib.import_module("pkg._compat").A', 'sys.modules["pkg._compat"].B'],
)
def test_a_string_naming_the_shim_module_keeps_it_whole(reference: str) -> None:
    user = f"import importlib\nimport sys\n\nprint({reference})\n"
    plan, after = inline({**DELETED_SHIM_PROJECT, "pkg/dynamic.py": user})
    assert plan.deleted == []
    assert after[SHIM] == dedent(TRIVIAL_SHIM)
    assert after["pkg/handler.py"].startswith("from sglang.srt.a import A, B\n")
    assert [(m.path, m.line, m.reason) for m in plan.manual] == [
        ("pkg/dynamic.py", 4, "a string names pkg._compat: the shim and its names stay")
    ]


def test_a_trivial_shim_still_imported_is_kept_and_says_why() -> None:
    plan, after = inline(
        {
            SHIM: TRIVIAL_SHIM,
            "pkg/h.py": "from pkg._compat import A, logger\n\nprint(A, logger)\n",
        }
    )
    assert plan.deleted == []
    assert after["pkg/h.py"] == (
        "from sglang.srt.a import A\n\nfrom pkg._compat import logger\n\nprint(A, logger)\n"
    )
    assert [(m.path, m.reason) for m in plan.manual] == [
        ("pkg/h.py", "still imports logger; the trivial shim is kept")
    ]


def test_inline_is_idempotent() -> None:
    files = {
        SHIM: BASIC_SHIM,
        "pkg/h.py": "from pkg import _compat\nfrom pkg._compat import C\n\nprint(_compat.A, C)\n",
    }
    plan, after = inline(files)
    assert plan.changed
    again = plan_inline(make_config(), {p: t for p, t in after.items() if t is not None})
    assert not again.changed and again.edits == {}


def test_deleting_the_shim_can_empty_a_block() -> None:
    plan, after = inline(
        {
            SHIM: TRIVIAL_SHIM,
            "pkg/h.py": """
                from typing import TYPE_CHECKING

                from pkg._compat import A

                if TYPE_CHECKING:
                    import pkg._compat

                print(A)
            """,
            "pkg/root.py": """
                import pkg._compat

                print(pkg.version)
            """,
        }
    )
    # ``import pkg._compat`` also binds ``pkg``, which root.py uses: the shim stays.
    assert plan.deleted == []
    assert [(m.path, m.reason) for m in plan.manual] == [
        (
            "pkg/root.py",
            "import pkg._compat also binds pkg, which is used; the trivial shim is kept",
        )
    ]
    del after["pkg/root.py"]
    plan, after = inline({path: text for path, text in after.items() if text is not None})
    assert plan.deleted == [SHIM]
    assert after["pkg/h.py"] == dedent(
        """
        from typing import TYPE_CHECKING

        from sglang.srt.a import A

        if TYPE_CHECKING:
            pass

        print(A)
        """
    )


def test_an_importer_that_does_not_parse_keeps_the_shim() -> None:
    plan, after = inline(
        {
            SHIM: TRIVIAL_SHIM,
            "pkg/broken.py": "from pkg._compat import A\n\ndef (:\n",
            "pkg/h.py": "from pkg._compat import A, B\n\nprint(A, B)\n",
        }
    )
    assert plan.deleted == []
    assert after["pkg/h.py"] == "from sglang.srt.a import A, B\n\nprint(A, B)\n"
    assert after["pkg/broken.py"] == "from pkg._compat import A\n\ndef (:\n"
    assert [(m.path, m.line) for m in plan.manual] == [("pkg/broken.py", 3)]
    assert plan.manual[0].reason.startswith("cannot parse: ")
    assert plan.manual[0].reason.endswith("; importer left as is")
    shim = after[SHIM]
    assert shim is not None and "from sglang.srt.a import A\n" in shim


def test_a_module_used_as_a_value_keeps_the_names_in_the_shim() -> None:
    plan, after = inline(
        {
            SHIM: TRIVIAL_SHIM,
            "pkg/h.py": """
                from unittest import mock

                from pkg import _compat


                def test():
                    with mock.patch.object(_compat, "B"):
                        return _compat.A
            """,
        }
    )
    assert after["pkg/h.py"] == dedent(
        """
        from unittest import mock

        from sglang.srt.a import A

        from pkg import _compat


        def test():
            with mock.patch.object(_compat, "B"):
                return A
        """
    )
    assert plan.deleted == [] and after[SHIM] == dedent(TRIVIAL_SHIM)
    assert [(m.path, m.line, m.reason) for m in plan.manual] == [
        ("pkg/h.py", 3, "still uses _compat otherwise; the trivial shim is kept"),
        ("pkg/h.py", 7, "uses the shim module as a value: the inlined names stay in the shim"),
    ]


@pytest.mark.parametrize(
    "user",
    [
        "from pkg import _compat\n\nprint(_compat.A, _compat.__all__)\n",
        "from pkg._compat import A, __all__ as names\n\nprint(A, names)\n",
    ],
)
def test_a_read_of_the_shims_all_keeps_what_it_lists(user: str) -> None:
    """``__all__`` read from the shim would lose the inlined names: they stay."""
    shim = "from sglang.srt.a import A, B\n\n__all__ = ['A', 'B']\n"
    _, after = inline({SHIM: shim, "pkg/__init__.py": "", "pkg/user.py": user})
    assert after[SHIM] == shim
    assert "from sglang.srt.a import A\n" in (after["pkg/user.py"] or "")
