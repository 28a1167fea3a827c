"""The hypothesis profiles, and per-test settings that must not undo them.

A per-test ``deadline`` fails on a busy machine however generous it is, and a per-test
``derandomize`` makes CI try different examples on every run; both belong to the profile.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from helpers import examples
from hypothesis import settings

TESTS = Path(__file__).parent


def settings_overrides(source: str) -> list[str]:
    """``line: keyword=value`` for each ``settings(...)`` call in ``source`` that sets a
    deadline other than None, or derandomize at all."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and _is_settings(node.func)):
            continue
        for keyword in node.keywords:
            value = ast.unparse(keyword.value)
            if (keyword.arg == "deadline" and value != "None") or keyword.arg == "derandomize":
                found.append(f"{node.lineno}: {keyword.arg}={value}")
    return found


def _is_settings(func: ast.expr) -> bool:
    return (isinstance(func, ast.Name) and func.id == "settings") or (
        isinstance(func, ast.Attribute) and func.attr == "settings"
    )


@pytest.mark.parametrize("name", ["default", "ci"])
def test_make_test_profiles_have_no_deadline_and_are_derandomized(name: str) -> None:
    profile = settings.get_profile(name)
    assert profile.deadline is None
    assert profile.derandomize is True


def test_explore_searches_longer_at_random_with_no_deadline() -> None:
    profile = settings.get_profile("explore")
    assert profile.deadline is None
    assert profile.derandomize is False
    assert profile.max_examples == 1000


def test_examples_give_way_to_a_profile_that_asks_for_more() -> None:
    assert examples(150, settings.get_profile("default")) == 150
    assert examples(30, settings.get_profile("default")) == 100  # hypothesis' default
    assert examples(150, settings.get_profile("explore")) == 1000
    assert examples(5000, settings.get_profile("explore")) == 5000


def test_settings_overrides_are_found() -> None:
    source = (
        "@settings(max_examples=10, deadline=None)\n"
        "def a(): ...\n"
        "@hypothesis.settings(deadline=200)\n"
        "def b(): ...\n"
        "@settings(derandomize=False, deadline=timedelta(seconds=1))\n"
        "def c(): ...\n"
    )
    assert settings_overrides(source) == [
        "3: deadline=200",
        "5: derandomize=False",
        "5: deadline=timedelta(seconds=1)",
    ]


def test_no_test_overrides_the_profiles_deadline_or_derandomize() -> None:
    found = {
        str(path.relative_to(TESTS)): overrides
        for path in sorted(TESTS.rglob("*.py"))
        if path.name != "conftest.py" and path.name != Path(__file__).name
        if (overrides := settings_overrides(path.read_text(encoding="utf-8")))
    }
    assert found == {}
