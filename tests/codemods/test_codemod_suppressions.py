"""``# compatlint: ignore[CODE]`` keeps a site from every codemod exactly as from ``check``.

``prune`` honours CL102, ``inline`` CL108 and ``mocks`` CL202, so the codemods run on
their own and ``check --fix`` (which chains them for the findings that survive
suppression) write the same files.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from helpers import analyze, diagnostics, make_config
from prune_helpers import SHIM, dedent, prune

from compatlint.codemods.fix import FIXABLE, plan_fixes
from compatlint.codemods.inline import plan_inline
from compatlint.codemods.mocks import plan_mocks

MOCKS = {"mocks": {"file": "tests/stubs.py", "name": "STUBS", "collect": ["pkg"]}}
#: a test that imports the handler, so collection reaches it
COLLECTED = {"tests/test_handler.py": "import pkg.handler\n"}
EXPIRED = "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+"


def _fixed(files: Mapping[str, str], overrides: Mapping[str, Any] | None = None):
    """What ``check --fix`` writes: the fixes of the findings ``check`` reports."""
    codes = {d.code for d in diagnostics(files, overrides) if d.code in FIXABLE}
    edits = plan_fixes(make_config(overrides), files, codes)
    return {path: edit.new_text for path, edit in edits.items()}


def _edited(edits) -> dict[str, str | None]:
    return {path: edit.new_text for path, edit in edits.items() if edit.new_text != edit.old_text}


# -- prune: CL102 ---------------------------------------------------------------------------

SUPPRESSED_SHIM = dedent(
    f"""
    try:
        from sglang.srt.fast import FastPath
    except ImportError:
        {EXPIRED}
        # compatlint: ignore[CL102]
        FastPath = None

    try:
        from sglang.srt.a import X
    except ImportError:  # compatlint: ignore[CL102]
        {EXPIRED}
        from sglang.srt.b import X

    try:
        from sglang.srt.a import Y
    except ImportError:
        {EXPIRED}
        from sglang.srt.b import Y


    def make(runner):
        if FastPath is not None:
            return FastPath(runner)
        return None
    """
)


def test_prune_keeps_a_suppressed_expired_site_and_lists_it() -> None:
    plan = prune(SUPPRESSED_SHIM)
    head, _, _ = SUPPRESSED_SHIM.partition("try:\n    from sglang.srt.a import Y")
    assert plan.new_text(SHIM, SUPPRESSED_SHIM) == head + dedent(
        """
        from sglang.srt.a import Y


        def make(runner):
            if FastPath is not None:
                return FastPath(runner)
            return None
        """
    )
    assert [site.names for site in plan.removed] == [("Y",)]
    # The sentinel in the kept handler stays with it: kept, not "not pruned".
    assert [(item.line, item.reason) for item in plan.follow_ups] == [
        (3, "suppressed (# compatlint: ignore[CL102]): kept"),
        (10, "suppressed (# compatlint: ignore[CL102]): kept"),
    ]


def test_a_suppression_of_another_code_does_not_keep_an_expired_site() -> None:
    shim = SUPPRESSED_SHIM.replace("ignore[CL102]", "ignore[CL101]")
    plan = prune(shim)
    assert "except ImportError" not in plan.new_text(SHIM, shim)
    assert plan.follow_ups == []


def test_a_bare_ignore_keeps_every_code() -> None:
    shim = SUPPRESSED_SHIM.replace("ignore[CL102]", "ignore")
    assert [site.names for site in prune(shim).removed] == [("Y",)]


def test_prune_and_check_fix_write_the_same_shim() -> None:
    files = {SHIM: SUPPRESSED_SHIM}
    assert _fixed(files) == _edited(prune(files).edits)
    every = SUPPRESSED_SHIM.replace(f"    {EXPIRED}\n    from sglang.srt.b import Y", "    pass")
    assert _fixed({SHIM: every}) == _edited(prune({SHIM: every}).edits) == {}


# -- inline: CL108 --------------------------------------------------------------------------

TRIVIAL_SHIM = dedent(
    """
    \"\"\"Compat shim.\"\"\"

    from sglang.srt.a import A
    from sglang.srt.b import B  # compatlint: ignore[CL108]

    __all__ = ["A", "B"]
    """
)
USER = "from pkg._compat import A, B\n\nRESULT = (A, B)\n"


def _inline(files: Mapping[str, str]) -> dict[str, str | None]:
    return _edited(plan_inline(make_config(), files).edits)


def test_inline_keeps_a_re_export_whose_line_suppresses_cl108() -> None:
    files = {"pkg/__init__.py": "", SHIM: TRIVIAL_SHIM, "pkg/user.py": USER}
    plan = plan_inline(make_config(), files)
    assert [name.name for name in plan.inlined] == ["A"]
    assert [(kept.name, kept.reason) for kept in plan.kept] == [
        ("B", "suppressed (# compatlint: ignore[CL108]): kept in the shim")
    ]
    edited = _edited(plan.edits)
    assert edited[SHIM] is not None and "import B  # compatlint: ignore[CL108]" in edited[SHIM]
    assert "from pkg._compat import B" in (edited["pkg/user.py"] or "")
    assert plan.deleted == []


def test_a_shim_whose_first_line_suppresses_cl108_is_left_alone() -> None:
    shim = "# compatlint: ignore[CL108]\n" + TRIVIAL_SHIM.replace(
        "  # compatlint: ignore[CL108]", ""
    )
    files = {"pkg/__init__.py": "", SHIM: shim, "pkg/user.py": USER}
    assert _inline(files) == {}
    assert _fixed(files) == {}
    assert not [d for d in diagnostics(files) if d.code == "CL108"]


def test_a_suppressed_name_nobody_imports_keeps_the_shim() -> None:
    files = {"pkg/__init__.py": "", SHIM: TRIVIAL_SHIM, "pkg/user.py": USER.replace(", B", "")}
    plan = plan_inline(make_config(), files)
    assert plan.deleted == []
    assert "from sglang.srt.b import B" in (_edited(plan.edits)[SHIM] or "")


def test_inline_and_check_fix_write_the_same_files() -> None:
    files = {"pkg/__init__.py": "", SHIM: TRIVIAL_SHIM, "pkg/user.py": USER}
    assert _fixed(files) == _inline(files) != {}


# -- mocks: CL202 ---------------------------------------------------------------------------

HANDLER = dedent(
    """
    from sglang.srt.a import X
    from sglang.srt.b import Y  # compatlint: ignore[CL202]
    # compatlint: ignore[CL202]
    from sglang.srt.c import Z
    """
)
STUBS = "STUBS = ['sglang', 'sglang.srt']\n"


def test_mocks_skips_an_import_that_suppresses_cl202() -> None:
    files = {SHIM: "X = 1\n", "pkg/handler.py": HANDLER, "tests/stubs.py": STUBS, **COLLECTED}
    plan = plan_mocks(analyze(files, MOCKS), STUBS)
    assert plan.added == ("sglang.srt.a",)


def test_mocks_and_check_fix_write_the_same_stub_list() -> None:
    files = {SHIM: "X = 1\n", "pkg/handler.py": HANDLER, "tests/stubs.py": STUBS, **COLLECTED}
    mocks = _edited(plan_mocks(analyze(files, MOCKS), STUBS).edits)
    assert (
        _fixed(files, MOCKS) == mocks == {"tests/stubs.py": STUBS.replace("]", ", 'sglang.srt.a']")}
    )


def test_prune_adds_no_stub_for_an_unwrapped_import_that_suppresses_cl202() -> None:
    shim = dedent(
        f"""
        try:
            from sglang.srt.a import X  # compatlint: ignore[CL202]
        except ImportError:
            {EXPIRED}
            from sglang.srt.b import X

        try:
            from sglang.srt.c import Y
        except ImportError:
            {EXPIRED}
            from sglang.srt.d import Y
        """
    )
    files = {SHIM: shim, "tests/stubs.py": STUBS}
    plan = prune(files, overrides=MOCKS)
    assert [stub.module for stub in plan.stubs] == ["sglang.srt.c"]
    assert _fixed(files, MOCKS) == _edited(plan.edits)
