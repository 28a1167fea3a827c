"""Prune acts on the new tag phrasings as they read: by the versions they serve."""

from __future__ import annotations

from prune_helpers import dedent, pruned

SCIPY = {"upstream": "scipy", "floor": "1.7", "tracks": {}}

CLAIMED_ARM = """
    import scipy

    if SCIPY_VERSION < (1, 8):  # SciPy < 1.8
        from scipy.old import thing
    else:
        from scipy.new import thing
    """


def test_a_claimed_old_arm_stays_while_the_floor_is_below_its_version() -> None:
    assert pruned(CLAIMED_ARM, "1.7.9", overrides=SCIPY) == dedent(CLAIMED_ARM)


def test_a_claimed_old_arm_goes_once_the_floor_reaches_its_version() -> None:
    after = pruned(CLAIMED_ARM, "1.8", overrides=SCIPY)
    assert "scipy.old" not in after and "from scipy.new import thing" in after


def test_a_claimed_new_arm_is_never_pruned() -> None:
    shim = """
        import scipy

        if SCIPY_VERSION >= (1, 8):  # scipy >= 1.8
            from scipy.new import thing
        else:
            from scipy.old import thing
        """
    assert pruned(shim, "2.0", overrides=SCIPY) == dedent(shim)


def test_dropping_python_support_is_not_judged_by_the_upstream_floor() -> None:
    shim = """
        try:
            from scipy.new import thing
        except ImportError:
            # Remove when we drop support for Python 3.9
            from scipy.old import thing
        """
    assert pruned(shim, "4.0", overrides=SCIPY) == dedent(shim)


def test_dropping_support_for_an_upstream_version_keeps_it_at_that_floor() -> None:
    shim = """
        try:
            from scipy.new import thing
        except ImportError:
            # Can be removed once support for SciPy 1.8 is dropped.
            from scipy.old import thing
        """
    assert pruned(shim, "1.8", overrides=SCIPY) == dedent(shim)
    assert "scipy.old" not in pruned(shim, "1.9", overrides=SCIPY)
