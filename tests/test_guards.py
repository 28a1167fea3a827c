"""Guards: what a condition tests and which arm runs on new versions; simple version
evaluation checked against ``packaging.specifiers``."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from compatlint.analysis.guards import GuardKind, bound_flags, classify_test, is_empty_body
from compatlint.analysis.versions_eval import read_version_test, value_from


def _guard(test: str, flags_source: str = ""):
    flags = bound_flags(ast.parse(flags_source).body, {})
    return classify_test(ast.parse(test, mode="eval").body, flags)


@pytest.mark.parametrize(
    ("test", "kind", "positive"),
    [
        ('hasattr(m, "new")', GuardKind.PROBE, True),
        ('not hasattr(m, "new")', GuardKind.PROBE, False),
        ('getattr(m, "fn", None) is not None', GuardKind.PROBE, True),
        ('getattr(m, "fn", None) is None', GuardKind.PROBE, False),
        ('getattr(m, "fn", None) == None', GuardKind.PROBE, False),
        ('callable(getattr(m, "fn", None))', GuardKind.PROBE, True),
        ('"b" in inspect.signature(f).parameters', GuardKind.PROBE, True),
        ('"b" not in inspect.signature(f).parameters', GuardKind.PROBE, False),
        ('hasattr(m, "old_api")', GuardKind.PROBE, None),  # never decided by how a name looks
        ('hasattr(m, "new") and x', GuardKind.PROBE, None),  # another term: undecidable
        ('Version(sglang.__version__) >= Version("0.5.10")', GuardKind.VERSION, None),
        ("sys.version_info >= (3, 12)", GuardKind.VERSION, None),
        ('importlib.metadata.version("sglang") < "1"', GuardKind.VERSION, None),
        ('hasattr(m, "new") or SGLANG_VERSION > (1,)', GuardKind.VERSION, None),
        ("flag == 2", GuardKind.OTHER, None),
        ('os.environ.get("X")', GuardKind.OTHER, None),
    ],
)
def test_classify(test: str, kind: GuardKind, positive: bool | None) -> None:
    guard = _guard(test)
    assert (guard.kind, guard.positive) == (kind, positive)


def test_a_name_bound_from_a_probe_is_a_flag_with_its_polarity() -> None:
    source = 'HAS = hasattr(m, "new")\nfn = getattr(m, "fn", None)\nV = Version(s.__version__)\n'
    assert (_guard("HAS", source).kind, _guard("HAS", source).positive) == (GuardKind.FLAG, True)
    assert _guard("not HAS", source).positive is False
    assert _guard("fn is None", source).positive is False
    assert _guard("V", source).kind is GuardKind.VERSION
    assert _guard("HAS", source + "HAS = 3\n").kind is GuardKind.OTHER  # rebound


@pytest.mark.parametrize(
    ("body", "empty"),
    [
        ("pass", True),
        ('"""doc"""\nreturn None', True),
        ('if not hasattr(m, "new"):\n    patch()', True),
        ('if hasattr(m, "new"):\n    return\npatch()', True),
        ('if hasattr(m, "new"):\n    patch()', False),
        ("patch()", False),
        ("if sys.version_info >= (3, 12):\n    a()\nelse:\n    b()", False),
    ],
)
def test_a_body_folds_to_nothing_only_when_new_versions_do_nothing(body: str, empty: bool) -> None:
    assert is_empty_body(ast.parse(body).body, {}) is empty


_VERSIONS = st.tuples(st.integers(0, 3), st.integers(0, 12), st.integers(0, 12)).map(
    lambda parts: Version(".".join(map(str, parts)))
)


@settings(max_examples=300, deadline=None)
@given(
    op=st.sampled_from(["<", "<=", ">", ">="]),
    bound=_VERSIONS,
    floor=_VERSIONS,
    later=st.lists(_VERSIONS, max_size=8),
    negate=st.booleans(),
)
def test_a_decided_version_test_holds_on_every_version_from_the_floor(
    op: str, bound: Version, floor: Version, later: list[Version], negate: bool
) -> None:
    text = f'Version(sglang.__version__) {op} Version("{bound}")'
    read = read_version_test(ast.parse(f"not ({text})" if negate else text, mode="eval").body)
    assert read is not None and read.subject == "Version(sglang.__version__)"
    specifier = SpecifierSet(f"{read.op}{read.bound}")
    value = value_from(read, floor)
    window = [floor, *(v for v in later if v >= floor)]
    if value is not None:
        assert all((v in specifier) is value for v in window)
    else:  # undecided: some version from the floor up goes each way
        assert (floor in specifier) != (Version("999") in specifier)


def test_literals_a_version_test_reads() -> None:
    for text in ('x < "1.4"', "x < (1, 4)", 'x < parse_version("1.4")', '"1.4" > x'):
        read = read_version_test(ast.parse(text, mode="eval").body)
        assert read is not None and (read.subject, read.op, read.bound) == (
            "x",
            "<",
            Version("1.4"),
        )
    assert read_version_test(ast.parse("x < y", mode="eval").body) is None
