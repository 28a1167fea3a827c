"""Import placement for ``inline``: ruff sorts the edited blocks; ruff is the oracle."""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

import pytest
from helpers import make_config
from sorting_helpers import FIRST_PARTY, pkg_sorter

from compatlint.codemods.inline import plan_inline
from compatlint.ruff_sorter import find_ruff

RUFF = find_ruff()
SHIM = "pkg/_compat.py"
SHIM_TEXT = "from sglang.srt.a import A, B\nfrom sglang.srt.c import Orig as C\n"


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def ruff_fix(text: str, cwd: Path, *config: str) -> str:
    """``text`` as ``ruff check --select I --fix`` leaves it."""
    options = [arg for item in config for arg in ("--config", item)]
    result = subprocess.run(
        [
            RUFF,
            *("check", "--isolated", "--no-cache", "--select", "I", "--fix-only", "--exit-zero"),
            *options,
            *("--stdin-filename", "pkg/mod.py", "-"),
        ],
        input=text,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


# -- inline against ruff --------------------------------------------------------------------


IMPORTERS = {
    "stdlib-only": """
        import os
        import sys

        from pkg._compat import A

        print(os, sys, A)
    """,
    "future-and-docstring": '''
        """Doc."""

        from __future__ import annotations

        from pkg._compat import A, C


        def f():
            return A, C
    ''',
    "third-party-first": """
        import numpy

        from pkg._compat import A

        print(numpy, A)
    """,
    "before-existing": """
        from sglang.srt.z import Zed

        from pkg._compat import A

        print(Zed, A)
    """,
    "merge-long": """
        from sglang.srt.a import ALongConstantName, AnotherLongClassName, a_long_function_name

        from pkg._compat import B

        print(ALongConstantName, AnotherLongClassName, a_long_function_name, B)
    """,
    "comment-led": """
        import os

        # The runtime.
        import sglang

        # The shim.
        from pkg._compat import A, C

        print(os, sglang, A, C)
    """,
    "relative-and-local": """
        import os

        from . import other
        from ._compat import A
        from .sub import thing

        print(os, other, A, thing)
    """,
    "module-alias-in-function": """
        import os


        def f():
            import sys

            from pkg import _compat

            return _compat.A, sys, os
    """,
}


@pytest.mark.parametrize("name", sorted(IMPORTERS))
@pytest.mark.parametrize(
    "options",
    [(), ("lint.isort.force-sort-within-sections = true",), ("line-length = 60",)],
    ids=["default", "force-sort", "short-lines"],
)
def test_a_ruff_sorted_importer_stays_sorted(
    name: str, options: tuple[str, ...], tmp_path: Path
) -> None:
    config = [FIRST_PARTY, *options]
    before = ruff_fix(dedent(IMPORTERS[name]), tmp_path, *config)
    plan = plan_inline(
        make_config(),
        {SHIM: SHIM_TEXT, "pkg/mod.py": before, "pkg/other.py": ""},
        sorter=pkg_sorter(*options),
    )
    after = plan.new_text("pkg/mod.py", before)
    assert after is not None and after != before
    assert ruff_fix(after, tmp_path, *config) == after
    checked = subprocess.run(
        [
            RUFF,
            *("check", "--isolated", "--no-cache", "--select", "F821,F401"),
            *("--stdin-filename", "pkg/mod.py", "-"),
        ],
        input=after,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout


def test_force_single_line_and_combine_as(tmp_path: Path) -> None:
    importer = (
        "from sglang.srt.c import X\n\nfrom pkg._compat import A, B, C\n\nprint(A, B, C, X)\n"
    )
    single = pkg_sorter("lint.isort.force-single-line = true")
    one_per_line = ruff_fix(importer, tmp_path, "lint.isort.force-single-line = true", FIRST_PARTY)
    assert one_per_line.count("from pkg._compat import") == 3
    plan = plan_inline(make_config(), {SHIM: SHIM_TEXT, "pkg/mod.py": one_per_line}, sorter=single)
    assert plan.new_text("pkg/mod.py", one_per_line) == (
        "from sglang.srt.a import A\nfrom sglang.srt.a import B\n"
        "from sglang.srt.c import Orig as C\nfrom sglang.srt.c import X\n\nprint(A, B, C, X)\n"
    )
    combine = pkg_sorter("lint.isort.combine-as-imports = true")
    plan = plan_inline(make_config(), {SHIM: SHIM_TEXT, "pkg/mod.py": importer}, sorter=combine)
    after = plan.new_text("pkg/mod.py", importer)
    assert after == (
        "from sglang.srt.a import A, B\n"
        "from sglang.srt.c import Orig as C, X\n\nprint(A, B, C, X)\n"
    )
    assert after is not None
    assert ruff_fix(after, tmp_path, "lint.isort.combine-as-imports = true", FIRST_PARTY) == after


def test_known_first_party_decides_the_section() -> None:
    importer = "import os\n\nfrom pkg._compat import A\n\nprint(os, A)\n"
    settings = pkg_sorter('lint.isort.known-first-party = ["pkg", "sglang"]')
    plan = plan_inline(make_config(), {SHIM: SHIM_TEXT, "pkg/mod.py": importer}, sorter=settings)
    assert plan.new_text("pkg/mod.py", importer) == (
        "import os\n\nfrom sglang.srt.a import A\n\nprint(os, A)\n"
    )
    # With sglang first party the new line joins pkg's section, sorted before it.
    importer = (
        "import os\n\nfrom pkg import other\nfrom pkg._compat import A\n\nprint(os, A, other)\n"
    )
    plan = plan_inline(
        make_config(),
        {SHIM: SHIM_TEXT, "pkg/mod.py": importer, "pkg/other.py": ""},
        sorter=settings,
    )
    assert plan.new_text("pkg/mod.py", importer) == (
        "import os\n\nfrom pkg import other\nfrom sglang.srt.a import A\n\nprint(os, A, other)\n"
    )
