"""Ways prune is known to change what a program does, each a small project run
through the behaviour oracle at every supported version of the fake upstream (feature 0
of :func:`oracle.guards.add_feature` appears at 0.5.10: ``sglang.api.Engine0.attr0``,
``sglang.api.sig0(a, b=None)``, ``sglang.srt.feat0``), and checks of the judge itself."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from oracle.behaviour import check_behaviour, prune_workers
from oracle.guards import add_feature, tag
from oracle.upstream import Upstream

EXPIRED = tag("0.5.10")


def _dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def _upstream() -> Upstream:
    upstream = Upstream()
    add_feature(upstream, 0, "0.5.10")
    return upstream


def _project(shim: str, **callers: str) -> dict[str, str]:
    files = {"pkg/__init__.py": "", "pkg/_compat.py": _dedent(shim)}
    files |= {f"pkg/{name}.py": _dedent(text) for name, text in callers.items()}
    return files


def test_a_tag_above_a_version_if_keeps_the_branch_the_version_takes(tmp_path: Path) -> None:
    """Bug 1: the tag above ``if Version(...) >= 0.5.10: ... else: ...`` deleted both
    branches, so ``call`` was gone and ``use`` raised NameError at every version."""
    shim = f'''
        """Compat shim for sglang."""

        import sglang
        from packaging.version import Version

        {EXPIRED}
        if Version(sglang.__version__) >= Version("0.5.10"):
            def call(x):
                return ("new", x)
        else:
            def call(x):
                return ("old", x)


        def use(x):
            return call(x)
        '''
    caller = """
        from pkg._compat import use

        RESULT = {"use": use(1)}
        """
    check_behaviour(_project(shim, caller=caller), _upstream(), tmp_path)


def test_a_tag_in_the_new_arm_never_drops_the_new_arm(tmp_path: Path) -> None:
    """Bug 2: a tag written inside the arm ``hasattr`` takes on new versions made prune
    drop that arm and keep the old one, so ``call`` returned ``("old", x)`` everywhere."""
    shim = f'''
        """Compat shim for sglang."""

        import sglang.api


        def call(x):
            if hasattr(sglang.api.Engine0, "attr0"):
                {EXPIRED}
                return ("new", sglang.api.Engine0.attr0, x)
            else:
                return ("old", x)
        '''
    caller = """
        from pkg._compat import call

        RESULT = {"call": call(1)}
        """
    check_behaviour(_project(shim, caller=caller), _upstream(), tmp_path)


def test_a_tagged_wrapper_that_does_work_keeps_its_calls(tmp_path: Path) -> None:
    """Bug 3: ``extract_all`` is tagged as a whole but does real work on new versions
    too; prune removed it and turned ``extract_all(box, path="target")`` into nothing."""
    shim = f'''
        """Compat shim for sglang."""

        import sglang
        from packaging.version import Version


        {EXPIRED}
        def extract_all(tar, path):
            if Version(sglang.__version__) >= Version("0.5.10"):
                tar.append(("new", path))
            else:
                tar.append(("old", path))
        '''
    caller = """
        from pkg._compat import extract_all

        box = []
        extract_all(box, path="target")
        RESULT = {"box": box}
        """
    check_behaviour(_project(shim, caller=caller), _upstream(), tmp_path)


def test_a_tag_after_a_gate_does_not_remove_the_next_statement(tmp_path: Path) -> None:
    """Bug 4: a tag written after a ``hasattr`` early return was taken as the tag of the
    unrelated ``try/except TypeError`` below it (a guard on the argument, not on any
    version): prune removed the handler and kept the gate, so ``call([])`` raised."""
    shim = f'''
        """Compat shim for sglang."""

        import sglang.api


        def call(x):
            if not hasattr(sglang.api.Engine0, "attr0"):
                return ("old", x)
            {EXPIRED}

            try:
                return ("new", int(x))
            except TypeError:
                return ("new", None)
        '''
    caller = """
        from pkg._compat import call

        RESULT = {"call": call([])}
        """
    check_behaviour(_project(shim, caller=caller), _upstream(), tmp_path)


def _many_unrelated_ifs(count: int) -> str:
    """A sentinel whose tests prune folds, among functions that never mention it."""
    parts = [
        '"""Compat shim for sglang."""\n\n'
        f"try:\n    from sglang.srt.feat0 import make0\nexcept ImportError:\n"
        f"    {EXPIRED}\n    make0 = None\n"
    ]
    for index in range(count):
        parts.append(
            f"\n\ndef use{index}(x):\n"
            '    if not (make0 is None) or x:\n        return "some"\n'
            '    y = "none" if make0 is None else x\n    return y\n'
            f"\n\ndef classify{index}(flag):\n"
            '    if flag == 2:\n        return "two"\n    return "other"\n'
        )
    return "".join(parts)


def test_prune_decides_the_same_under_every_hash_seed(tmp_path: Path) -> None:
    """Bug 5: the constant folder kept ``id()``s of nodes it had let go, so a later,
    unrelated ``if flag == 2: return "two"`` could be folded to ``return "two"``: which
    one, and whether at all, depended on the run (and so on ``PYTHONHASHSEED``)."""
    files = {"pkg/__init__.py": "", "pkg/_compat.py": _many_unrelated_ifs(12)}
    with prune_workers() as workers:
        for attempt in range(2):  # on main, each run breaks an ``if`` two times in three
            check_behaviour(files, _upstream(), tmp_path / str(attempt), workers)


# -- found by the generated run ------------------------------------------------------------


def _call(shim: str, tmp_path: Path, upstream: Upstream | None = None) -> None:
    """The shim and a caller that keeps what ``call`` returns on 1 and on a list."""
    caller = """
        from pkg._compat import call

        RESULT = {"call": [call(1), call([])]}
        """
    check_behaviour(_project(shim, caller=caller), upstream or _upstream(), tmp_path)


def test_a_tag_above_an_early_return_gate_keeps_the_new_path(tmp_path: Path) -> None:
    """The tag above ``if <new>: return new`` removed the whole gate, so the code after
    it (the old path) ran at every version."""
    shim = f'''
        """Compat shim for sglang."""

        import sglang.api


        def call(x):
            {EXPIRED}
            if getattr(sglang.api, "fn0", None) is not None:
                return sglang.api.fn0(x)
            return ("old", x)
        '''
    _call(shim, tmp_path)


def test_a_tag_above_a_ternary_keeps_the_statement(tmp_path: Path) -> None:
    """The tag above ``return old if <probe> else new`` removed the return statement:
    ``call`` returned None."""
    shim = f'''
        """Compat shim for sglang."""

        import sglang.api


        def call(x):
            {EXPIRED}
            return ("old", x) if getattr(sglang.api, "fn0", None) is None else sglang.api.fn0(x)
        '''
    _call(shim, tmp_path)


def test_a_tag_above_a_flag_keeps_the_flag_its_tests_read(tmp_path: Path) -> None:
    """The tag above ``HAS_FN = callable(getattr(...))`` removed the assignment and left
    ``if HAS_FN:`` in place: importing the shim raised NameError."""
    shim = f'''
        """Compat shim for sglang."""

        import sglang.api

        {EXPIRED}
        HAS_FN = callable(getattr(sglang.api, "fn0", None))


        def call(x):
            if HAS_FN:
                return sglang.api.fn0(x)
            return ("old", x)
        '''
    _call(shim, tmp_path)


def test_a_tag_above_an_elif_keeps_the_branch_its_condition_takes(tmp_path: Path) -> None:
    """The tag between an ``if`` arm and ``elif <new>:`` dropped the ``elif`` branch, the
    one new versions take, and promoted the old ``else``."""
    shim = f'''
        """Compat shim for sglang."""

        import sglang.api


        def call(x):
            if x == 0:
                return "zero"
            {EXPIRED}
            elif getattr(sglang.api, "fn0", None) is not None:
                return sglang.api.fn0(x)
            else:
                return ("old", x)
        '''
    _call(shim, tmp_path)


def test_a_tag_that_names_an_earlier_version_than_the_condition_acts_on_neither(
    tmp_path: Path,
) -> None:
    """The condition says 0.5.10 still takes the ``else`` arm; the tag in it says 0.5.9.
    Prune removed the arm's ``return`` (``call`` returned None at 0.5.10) where the code
    says it is live."""
    shim = f'''
        """Compat shim for sglang."""

        import sglang.api
        from packaging.version import Version


        def call(x):
            if Version(sglang.__version__) >= Version("0.5.11"):
                return sglang.api.sig0(x, b=1)
            else:
                {EXPIRED}
                return sglang.api.sig0(x)
        '''
    upstream = Upstream()
    add_feature(upstream, 0, "0.5.11")
    _call(shim, tmp_path, upstream)


def test_a_tag_after_one_fallback_does_not_expire_the_next(tmp_path: Path) -> None:
    """The tag written after the first handler's import (at its indentation) was read as
    the tag of the next, untagged ``try/except AttributeError``, whose fallback 0.5.10
    still needs (``fn0`` comes at 0.5.11): prune removed it and the shim stopped
    importing at 0.5.10."""
    shim = f'''
        """Compat shim for sglang."""

        import sglang.api

        try:
            from sglang.srt.feat1 import make1
        except ModuleNotFoundError:
            from sglang.legacy.feat1 import make1
            {EXPIRED}


        try:
            make0 = sglang.api.fn0
        except AttributeError:
            def make0(x):
                return ("polyfill", x)
        '''
    upstream = Upstream()
    add_feature(upstream, 0, "0.5.11")
    add_feature(upstream, 1, "0.5.10")
    caller = """
        from pkg._compat import make0, make1

        RESULT = {"made": [make0(1), make1(1)]}
        """
    check_behaviour(_project(shim, caller=caller), upstream, tmp_path)


# -- the judge ------------------------------------------------------------------------------


def test_the_oracle_accepts_a_prune_that_keeps_behaviour(tmp_path: Path) -> None:
    shim = f'''
        """Compat shim for sglang."""

        try:
            from sglang.srt.feat0 import make0
        except ImportError:
            {EXPIRED}
            from sglang.legacy.feat0 import make0


        def classify(flag):
            if flag == 2:
                return "two"
            return "other"
        '''
    caller = """
        from pkg._compat import classify, make0

        RESULT = {"made": make0(1), "two": classify(2)}
        """
    plan = check_behaviour(_project(shim, caller=caller), _upstream(), tmp_path)
    assert [site.kind for site in plan.removed] == ["import-fallback"]


def test_the_oracle_sees_a_function_return_something_else(tmp_path: Path) -> None:
    """A change no importer sees (nothing calls ``call``) is still caught: the driver
    calls the shim's functions itself. Here the tag is false (0.5.10 still needs the old
    arm: the attribute comes at 0.5.11) and a probe is no version, so prune trusts it."""
    shim = f'''
        """Compat shim for sglang."""

        import sglang.api


        def call(x):
            if not hasattr(sglang.api.Engine0, "attr0"):
                {tag("0.5.10")}
                return ("old", x)
            return (sglang.api.Engine0.attr0, x)
        '''
    upstream = Upstream()
    add_feature(upstream, 0, "0.5.11")
    with pytest.raises(AssertionError, match=r"sglang 0\.5\.10: pkg/_compat\.py: call\(1\) was"):
        check_behaviour(_project(shim), upstream, tmp_path)


def test_a_generated_project_that_does_not_import_is_a_generator_bug(tmp_path: Path) -> None:
    files = _project("from sglang.srt.feat0 import make0\n")
    upstream = Upstream()
    add_feature(upstream, 0, "0.5.10")
    with pytest.raises(AssertionError, match=r"does not import at 0\.5\.9"):
        check_behaviour(files, upstream, tmp_path)


def test_a_tag_above_a_type_error_guard_that_is_not_a_retry_keeps_the_handler(
    tmp_path: Path,
) -> None:
    """Bug 5 (a real library's shape): a tag above a ``try/except TypeError`` whose
    handler does not retry the call (it re-raises or sets ``None``: the exception says
    "not a chunked array", not "older upstream") was taken as a probe's fallback; prune
    deleted the handler, so ``window([])`` raised ``TypeError`` at every version."""
    shim = f'''
        """Compat shim for sglang."""

        import sglang.api


        def backend_of(x):
            if not isinstance(x, int):
                raise TypeError("not a backend")
            return sglang.api


        def window(x):
            {EXPIRED}
            try:
                api = backend_of(x)
            except TypeError:
                if isinstance(x, str):
                    raise
                api = None
            return ("api", api is None)
        '''
    caller = """
        from pkg._compat import window

        RESULT = {"list": window([]), "int": window(1)}
        """
    check_behaviour(_project(shim, caller=caller), _upstream(), tmp_path)
