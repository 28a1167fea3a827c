"""Deterministic projects through the oracle: three breaks prune is known to make
silently, and checks that the oracle itself tells a silent break from a listed one."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from oracle.oracle import Allowances, check_project, judge
from oracle.projects import EXPIRED_TAG, RECORDER
from oracle.upstream import Upstream


def _dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


TAGGED_DEFINITION = _dedent(
    f'''
    """Compat shim for sglang."""


    {EXPIRED_TAG}
    def ensure_patched():
        """Patch what sglang 0.5.9 lacks."""
        return None
    '''
)


def test_a_parameter_named_like_the_shim_module_is_not_the_shim(tmp_path: Path) -> None:
    """``def other(_compat): _compat.ensure_patched()`` calls its argument, not the shim:
    prune must leave that call alone (it used to turn it into ``pass``)."""
    other = (
        "from pkg import _compat\n\n\n"
        + RECORDER
        + textwrap.dedent(
            """


        def other(_compat):
            _compat.ensure_patched()


        other(_Recorder(_CALLS, "param"))
        RESULT = {"calls": "|".join(_CALLS)}
        """
        )
    )
    files = {"pkg/__init__.py": "", "pkg/_compat.py": TAGGED_DEFINITION, "pkg/other.py": other}
    check_project(files, Upstream(), tmp_path)


def test_an_importer_through_the_package_init_still_imports(tmp_path: Path) -> None:
    """``pkg/__init__.py`` re-exports ``ensure_patched`` and ``user.py`` imports it from
    ``pkg``: after prune ``import user`` must work, or the report must list ``user.py``
    (it used to fail with ImportError, reported as "0 call sites edited")."""
    files = {
        "pkg/__init__.py": "from ._compat import ensure_patched\n",
        "pkg/_compat.py": TAGGED_DEFINITION,
        "user.py": "from pkg import ensure_patched\n\nensure_patched()\nRESULT = {}\n",
    }
    check_project(files, Upstream(), tmp_path)


def test_a_helper_an_importer_takes_from_the_shim_is_kept(tmp_path: Path) -> None:
    """A shim without ``__all__`` imports ``helper`` for an expired fallback only; an
    importer takes ``helper`` from the shim. Prune must keep it (or list the importer);
    it used to delete the import."""
    shim = _dedent(
        f'''
        """Compat shim for sglang."""

        from sglang.utils import helper

        try:
            from sglang.srt.moved import Moved
        except ImportError:
            {EXPIRED_TAG}
            Moved = helper("Moved")
        '''
    )
    user = 'from pkg._compat import helper\n\nRESULT = {"helper": helper, "called": helper()}\n'
    upstream = Upstream()
    upstream.add("sglang.utils", "helper")
    upstream.add("sglang.srt.moved", "Moved")
    files = {"pkg/__init__.py": "", "pkg/_compat.py": shim, "pkg/user.py": user}
    check_project(files, upstream, tmp_path)


def test_a_project_the_codemods_handle_passes(tmp_path: Path) -> None:
    """The oracle accepts a prune + inline run that keeps every importer working."""
    shim = _dedent(
        f'''
        """Compat shim for sglang."""

        from sglang.api import Api

        try:
            from sglang.srt.moved import Moved
        except ImportError:
            {EXPIRED_TAG}
            from sglang.legacy.moved import Moved
        '''
    )
    user = _dedent(
        """
        from pkg import _compat
        from pkg._compat import Moved as Renamed

        RESULT = {"api": _compat.Api, "moved": Renamed, "made": Renamed()}
        """
    )
    upstream = Upstream()
    upstream.add("sglang.api", "Api")
    upstream.add("sglang.srt.moved", "Moved")
    files = {"pkg/__init__.py": "", "pkg/_compat.py": shim, "pkg/user.py": user}
    run = check_project(files, upstream, tmp_path)
    assert "from sglang.srt.moved import Moved as Renamed" in run.final["pkg/user.py"]
    assert "from sglang.api import Api" in run.final["pkg/user.py"]


def test_a_generated_project_that_does_not_import_is_a_generator_bug(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": "", "pkg/user.py": "from sglang.missing import Gone\n"}
    with pytest.raises(AssertionError, match=r"does not import at 0\.5\.10"):
        check_project(files, Upstream(), tmp_path)


BEFORE = {
    "pkg._compat": {
        "names": {"Api": "sglang.api.Api", "helper": "sglang.utils.helper"},
        "result": {},
    },
    "pkg.user": {"names": {"Api": "sglang.api.Api"}, "result": {"calls": "param"}},
}
PATHS = {"pkg._compat": "pkg/_compat.py", "pkg.user": "pkg/user.py"}


def test_the_judge_reports_a_silent_break_and_accepts_a_listed_one() -> None:
    broken = {**BEFORE, "pkg.user": {"error": "ImportError: cannot import name 'Api'"}}
    assert judge(BEFORE, broken, Allowances(), PATHS) == [
        "pkg/user.py: imported before, now ImportError: cannot import name 'Api'"
    ]
    assert judge(BEFORE, broken, Allowances(listed={"pkg/user.py"}), PATHS) == []


def test_the_judge_compares_names_and_results() -> None:
    after = {
        **BEFORE,
        "pkg.user": {"names": {"Api": "sglang.other.Api", "x": 1}, "result": {"calls": ""}},
    }
    assert judge(BEFORE, after, Allowances(), PATHS) == [
        "pkg/user.py: gained x (1)",
        "pkg/user.py: Api was sglang.api.Api, now sglang.other.Api",
        "pkg/user.py: RESULT['calls'] was 'param', now ''",
    ]


def test_the_shim_may_lose_names_its_importers_do_not_need() -> None:
    after = {**BEFORE, "pkg._compat": {"names": {"Api": "sglang.api.Api"}, "result": {}}}
    assert judge(BEFORE, after, Allowances(), PATHS) == []
    lost = {**BEFORE, "pkg.user": {"names": {}, "result": {"calls": "param"}}}
    assert judge(BEFORE, lost, Allowances(), PATHS) == [
        "pkg/user.py: lost Api (was sglang.api.Api)"
    ]
    allowed = Allowances()
    allowed.removed["pkg/user.py"].add("Api")
    assert judge(BEFORE, lost, allowed, PATHS) == []
