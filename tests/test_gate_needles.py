"""The gate prefilters (check's on bytes, prune's on texts) find a needle exactly when a plain
search for each would."""

from __future__ import annotations

import ast
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from compatlint.analysis.gate_facts import GATE_NEEDLES, may_hold_gates
from compatlint.analysis.project import mentions_needle
from compatlint.codemods.gate_folds import may_hold_gates as fold_may_hold_gates

_WORDS = [*GATE_NEEDLES, b"version", b"is_hip", b"NP_VERSION", b"vers", b"meta", b"x = 1\n"]


@given(
    st.lists(st.sampled_from(_WORDS), max_size=8),
    st.lists(st.sampled_from([*_WORDS, b"HAS_VERSION", b"my_version"]), min_size=1, max_size=6),
)
def test_may_hold_gates_matches_a_search_per_needle(parts: list[bytes], needles: list[bytes]):
    data = b" ".join(parts)
    chosen = tuple(sorted(set(needles)))
    assert may_hold_gates(chosen, data) is any(needle in data for needle in chosen)


_ROOTS = [b"sglang", b"sgl_kernel", b"sgl", b"sg", b"torch", b"torchvision", b"vllm", b"x"]


@given(
    st.lists(st.sampled_from([*_ROOTS, b"import ", b"\n", b"sgla", b"sgl_"]), max_size=8),
    st.lists(st.sampled_from(_ROOTS), min_size=1, max_size=4),
)
def test_the_needle_prefilter_matches_a_search_per_needle(parts: list[bytes], needles: list[bytes]):
    """Needles sharing a part (``sgl``) are searched for behind one search for it."""
    data = b"".join(parts)
    chosen = tuple(sorted(set(needles)))
    assert mentions_needle(chosen, data) is any(needle in data for needle in chosen)


def test_needles_sharing_a_word_still_each_count() -> None:
    needles = tuple(sorted(GATE_NEEDLES))
    assert may_hold_gates(needles, b"from packaging import version")
    assert may_hold_gates(needles, b"importlib.metadata")
    assert not may_hold_gates(needles, b"a version without the rest")
    assert not may_hold_gates(needles, b"")


@given(
    st.lists(st.sampled_from(_WORDS), max_size=8),
    st.lists(st.sampled_from([*_WORDS, b"HAS_VERSION", b"my_version", b"USE_X"]), max_size=8),
)
def test_prune_prefilter_matches_a_search_per_needle(parts: list[bytes], needles: list[bytes]):
    """Prune's text prefilter (flag names join the needles, in any order, repeated)."""
    text = b" ".join(parts).decode()
    chosen = tuple(needle.decode() for needle in needles)
    assert fold_may_hold_gates(text, chosen) is any(needle in text for needle in chosen)


def test_the_gate_walk_skips_only_nodes_it_reads_nothing_in() -> None:
    from compatlint.analysis import gate_facts

    for leaf in gate_facts._LEAVES:
        for kind in (leaf, *leaf.__subclasses__()):
            assert f"visit_{kind.__name__}" not in vars(gate_facts._Collector)


def test_the_gate_walk_lists_what_ast_walk_yields_in_its_order() -> None:
    from compatlint.analysis import gate_facts

    sources = sorted(Path(gate_facts.__file__).parent.parent.rglob("*.py"))
    assert len(sources) > 50
    for source in sources:
        tree = ast.parse(source.read_text(encoding="utf-8"))
        assert gate_facts.walk(tree) == list(ast.walk(tree)), source
