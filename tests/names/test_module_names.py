"""Module names from paths: the string fast path answers as ``PurePosixPath`` does."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from compatlint.names.modules import _module_name, _module_name_of_path, module_name

part = st.sampled_from(
    [
        "src",
        "pkg",
        "a",
        "b.c",
        "__init__.py",
        "mod.py",
        "x.tar.py",
        ".hidden",
        "..",
        ".",
        "",
        "é.py",
        "1bad.py",
        "mod.",
        "src.py",
    ]
)
spelled = st.lists(part, min_size=1, max_size=4).map("/".join)


@settings(max_examples=600, deadline=None)
@given(
    path=spelled, roots=st.lists(st.one_of(spelled, st.sampled_from(["", ".", "src/"])), max_size=3)
)
def test_the_fast_path_names_modules_as_pure_posix_path_does(path: str, roots: list[str]) -> None:
    assert outcome(_module_name.__wrapped__, path, roots) == outcome(
        _module_name_of_path, path, roots
    )


def outcome(function: Callable[..., object], path: str, roots: list[str]) -> object:
    """What ``function`` returns, or the type of what it raises (a path equal to a root)."""
    try:
        return function(path, tuple(roots))
    except ValueError as error:
        return type(error)


def test_module_names_of_plain_paths() -> None:
    assert module_name("src/pkg/mod.py", ["src"]) == ("pkg.mod", False)
    assert module_name("src/pkg/__init__.py", ["./src/"]) == ("pkg", True)
    assert module_name("pkg/mod.py", ["src", "."]) == ("pkg.mod", False)
    assert module_name("src/1bad/mod.py", ["src"]) == (None, False)
