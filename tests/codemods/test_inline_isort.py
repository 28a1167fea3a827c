"""Import placement for ``inline``: settings, sections and ruff's order, checked against ruff."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import make_config

from compatlint.codemods.inline import plan_inline
from compatlint.codemods.inline_command import load_isort_settings
from compatlint.codemods.isort_sections import (
    ImportInfo,
    IsortSettings,
    Section,
    classify,
    natord_compare,
    render_from,
    settings_from_toml,
    sort_key,
)
from compatlint.config import load_config

RUFF = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
SHIM = "pkg/_compat.py"
SHIM_TEXT = "from sglang.srt.a import A, B\nfrom sglang.srt.c import Orig as C\n"


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def ruff_fix(text: str, cwd: Path, *config: str) -> str:
    """``text`` as ``ruff check --select I --fix`` leaves it."""
    if RUFF is None:  # pragma: no cover - ruff is a dev dependency
        pytest.skip("ruff is not installed")
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


# -- settings -------------------------------------------------------------------------------


def test_settings_from_ruff_lint_isort() -> None:
    settings = settings_from_toml(
        dedent(
            """
            [tool.ruff]
            line-length = 100
            src = ["src", "tests"]

            [tool.ruff.lint.isort]
            known-first-party = ["servo"]
            known-third-party = ["pkg_resources"]
            force-sort-within-sections = true
            combine-as-imports = true
            order-by-type = false

            [tool.isort]
            known_first_party = ["ignored"]
            """
        ),
        source="pyproject.toml",
    )
    assert settings.line_length == 100
    assert settings.src == ("src", "tests")
    assert settings.known_first_party == ("servo",)
    assert settings.known_third_party == ("pkg_resources",)
    assert settings.force_sort_within_sections and settings.combine_as_imports
    assert not settings.order_by_type
    assert settings.source == "pyproject.toml"


def test_settings_from_the_deprecated_ruff_table_isort_and_ruff_toml() -> None:
    old = settings_from_toml('[tool.ruff.isort]\nknown-first-party = ["a"]\n')
    assert old.known_first_party == ("a",)
    isort = settings_from_toml(
        '[tool.isort]\nprofile = "black"\nknown_first_party = ["b"]\nforce_single_line = true\n'
    )
    assert isort.known_first_party == ("b",) and isort.force_single_line
    assert isort.line_length == 88
    ruff_toml = settings_from_toml(
        'line-length = 120\n[lint.isort]\nknown-first-party = ["c"]\n', ruff_toml=True
    )
    assert ruff_toml.line_length == 120 and ruff_toml.known_first_party == ("c",)
    assert settings_from_toml("not [ toml") == IsortSettings()
    assert settings_from_toml("[project]\nname = 'x'\n").source == "defaults"


def test_load_isort_settings_reads_the_project(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        dedent(
            """
            [tool.compatlint]
            upstream = "sglang"
            shim = ["src/servo/_compat.py"]
            src = ["src"]

            [tool.ruff]
            line-length = 99
            src = ["src", "tests"]

            [tool.ruff.lint.isort]
            known-third-party = ["servo_extras"]
            """
        )
    )
    (tmp_path / "src" / "servo").mkdir(parents=True)
    (tmp_path / "src" / "servo" / "_compat.py").write_text("")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "helpers.py").write_text("")
    (tmp_path / "tests" / "not-a-module.txt").write_text("")
    config = load_config(tmp_path / "pyproject.toml")
    settings = load_isort_settings(config)
    assert settings.line_length == 99
    assert settings.known_third_party == ("servo_extras",)
    assert settings.first_party_roots == {"servo", "helpers"}
    # A ruff.toml wins over the pyproject, as in ruff.
    (tmp_path / "ruff.toml").write_text("line-length = 77\n")
    assert load_isort_settings(config).line_length == 77


# -- sections and order ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("module", "level", "section"),
    [
        ("__future__", 0, Section.FUTURE),
        ("os.path", 0, Section.STANDARD_LIBRARY),
        ("sglang.srt.a", 0, Section.THIRD_PARTY),
        ("servo._compat", 0, Section.FIRST_PARTY),
        ("servo_extras", 0, Section.THIRD_PARTY),
        ("vendored.sub", 0, Section.FIRST_PARTY),
        ("numpy", 0, Section.FIRST_PARTY),
        ("", 1, Section.LOCAL_FOLDER),
        ("sub", 2, Section.LOCAL_FOLDER),
    ],
)
def test_classify(module: str, level: int, section: Section) -> None:
    settings = IsortSettings(
        known_first_party=("vendored*", "numpy"), first_party_roots=frozenset({"servo"})
    )
    assert classify(module, level, settings) is section


def test_natural_order() -> None:
    assert natord_compare("m2", "m10") < 0
    assert natord_compare("a.b", "a1") < 0
    assert natord_compare("x_y", "xy") < 0
    assert natord_compare("v01", "v1") < 0
    assert natord_compare("same", "same") == 0


def test_render_wraps_past_the_line_length() -> None:
    settings = IsortSettings(line_length=30)
    assert render_from("a.b", [("X", None)], settings) == "from a.b import X"
    assert render_from("a.b", [("Xyz", "W"), ("y", None)], settings, indent_width=12) == (
        "from a.b import (\n    Xyz as W,\n    y,\n)"
    )


POOL = [
    "import os",
    "import os.path",
    "import sys",
    "import Sglang",
    "import numpy",
    "import numpy as np",
    "import sglang.srt",
    "from os import path",
    "from numpy import linalg",
    "from numpy import Linalg as L",
    "from sglang.srt import server_args",
    "from sglang.srt.m2 import a2",
    "from sglang.srt.m10 import a10",
    "from sglang.srt.x_y import xy",
    "from sglang.srt.xy import XY",
    "from sglang.srt_x import sx",
    "from sglang.srt.managers.io_struct import CONST",
    "from sglang.srt.managers.io_struct import Aaa as Ccc",
    "from sglang.srt.managers import io_struct",
    "from pkg import other",
    "from pkg.sub import Thing",
    "import pkg.sub",
]


@pytest.mark.parametrize(
    "options",
    [
        (),
        ("lint.isort.force-sort-within-sections = true",),
        ("lint.isort.case-sensitive = true",),
        ("lint.isort.order-by-type = false",),
        ("lint.isort.from-first = true",),
    ],
    ids=["default", "force-sort", "case-sensitive", "no-order-by-type", "from-first"],
)
def test_statement_order_matches_ruff(options: tuple[str, ...], tmp_path: Path) -> None:
    """Shuffled import lines sorted by :func:`sort_key` are in the order ruff gives them."""
    settings = IsortSettings(known_first_party=("pkg",))
    for option in options:
        key, _, value = option.removeprefix("lint.isort.").partition(" = ")
        settings = settings_from_toml(f"[tool.ruff.lint.isort]\n{key} = {value}\n")
        settings = settings.with_first_party({"pkg"})
    shuffled = list(POOL)
    random.Random(7).shuffle(shuffled)
    expected = ruff_fix(
        "\n".join(shuffled) + "\n", tmp_path, 'lint.isort.known-first-party = ["pkg"]', *options
    )
    infos = []
    for line in shuffled:
        words = line.split()
        if words[0] == "import":
            asname = words[3] if len(words) > 2 else None
            infos.append((line, ImportInfo("import", words[1], 0, ((words[1], asname),))))
        else:
            asname = words[5] if len(words) > 4 else None
            infos.append((line, ImportInfo("from", words[1], 0, ((words[3], asname),))))
    ordered = sorted(infos, key=lambda item: sort_key(item[1], settings))
    lines: list[str] = []
    previous = None
    for line, info in ordered:
        section = info.section(settings)
        if previous is not None and section != previous:
            lines.append("")
        lines.append(line)
        previous = section
    assert "\n".join(lines) + "\n" == expected


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
    config = ['lint.isort.known-first-party = ["pkg"]', *options]
    before = ruff_fix(dedent(IMPORTERS[name]), tmp_path, *config)
    text = "\n".join(options)
    toml = text.replace("lint.isort.", "[tool.ruff.lint.isort]\n")
    if toml.startswith("line-length"):
        toml = "[tool.ruff]\n" + toml
    settings = settings_from_toml(toml + "\n")
    plan = plan_inline(
        make_config(), {SHIM: SHIM_TEXT, "pkg/mod.py": before, "pkg/other.py": ""}, isort=settings
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
    single = settings_from_toml("[tool.ruff.lint.isort]\nforce-single-line = true\n")
    one_per_line = ruff_fix(
        importer,
        tmp_path,
        "lint.isort.force-single-line = true",
        'lint.isort.known-first-party = ["pkg"]',
    )
    assert one_per_line.count("from pkg._compat import") == 3
    plan = plan_inline(make_config(), {SHIM: SHIM_TEXT, "pkg/mod.py": one_per_line}, isort=single)
    assert plan.new_text("pkg/mod.py", one_per_line) == (
        "from sglang.srt.a import A\nfrom sglang.srt.a import B\n"
        "from sglang.srt.c import Orig as C\nfrom sglang.srt.c import X\n\nprint(A, B, C, X)\n"
    )
    combine = settings_from_toml("[tool.ruff.lint.isort]\ncombine-as-imports = true\n")
    plan = plan_inline(make_config(), {SHIM: SHIM_TEXT, "pkg/mod.py": importer}, isort=combine)
    after = plan.new_text("pkg/mod.py", importer)
    assert after == (
        "from sglang.srt.a import A, B\n"
        "from sglang.srt.c import Orig as C, X\n\nprint(A, B, C, X)\n"
    )
    assert after is not None
    assert (
        ruff_fix(
            after,
            tmp_path,
            "lint.isort.combine-as-imports = true",
            'lint.isort.known-first-party = ["pkg"]',
        )
        == after
    )


def test_known_first_party_decides_the_section() -> None:
    importer = "import os\n\nfrom pkg._compat import A\n\nprint(os, A)\n"
    settings = settings_from_toml('[tool.ruff.lint.isort]\nknown-first-party = ["sglang"]\n')
    plan = plan_inline(make_config(), {SHIM: SHIM_TEXT, "pkg/mod.py": importer}, isort=settings)
    assert plan.new_text("pkg/mod.py", importer) == (
        "import os\n\nfrom sglang.srt.a import A\n\nprint(os, A)\n"
    )
    # With sglang first party the new line joins pkg's section, sorted before it.
    importer = (
        "import os\n\nfrom pkg import other\nfrom pkg._compat import A\n\nprint(os, A, other)\n"
    )
    plan = plan_inline(
        make_config(), {SHIM: SHIM_TEXT, "pkg/mod.py": importer, "pkg/other.py": ""}, isort=settings
    )
    assert plan.new_text("pkg/mod.py", importer) == (
        "import os\n\nfrom pkg import other\nfrom sglang.srt.a import A\n\nprint(os, A, other)\n"
    )
