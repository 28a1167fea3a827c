"""``add_stub_entries``: new modules in the list's own style, next to their relatives."""

from __future__ import annotations

import pytest
from prune_helpers import dedent

from compatlint.codemods.stubs import add_stub_entries
from compatlint.errors import ConfigError

LIST = dedent(
    """
    STUB_MODULES = [
        "sglang",
        "sglang.srt",
        # Request structs.
        "sglang.srt.managers",
        "sglang.srt.managers.io_struct",
        "sglang.srt.server_args",  # the CLI
        # Tokenizer helpers.
        "sglang.srt.utils",
    ]
    """
)


def test_each_entry_goes_after_its_longest_shared_prefix_comments_untouched() -> None:
    modules = [
        "sglang.srt.utils.network",
        "sglang.srt.entrypoints",
        "sglang.srt.entrypoints.engine",
        "sglang.srt.managers.mm_utils",
        "sglang.srt.speculative",
    ]
    assert add_stub_entries(LIST, "STUB_MODULES", modules) == dedent(
        """
        STUB_MODULES = [
            "sglang",
            "sglang.srt",
            "sglang.srt.entrypoints",
            "sglang.srt.entrypoints.engine",
            # Request structs.
            "sglang.srt.managers",
            "sglang.srt.managers.io_struct",
            "sglang.srt.managers.mm_utils",
            "sglang.srt.server_args",  # the CLI
            "sglang.srt.speculative",
            # Tokenizer helpers.
            "sglang.srt.utils",
            "sglang.srt.utils.network",
        ]
        """
    )


def test_no_duplicates_and_nothing_new_is_byte_identical() -> None:
    assert add_stub_entries(LIST, "STUB_MODULES", ["sglang", "sglang.srt.utils"]) == LIST
    twice = add_stub_entries(LIST, "STUB_MODULES", ["sglang.x", "sglang.x"])
    assert twice.count('"sglang.x"') == 1


def test_quoting_indentation_and_no_trailing_comma_are_kept() -> None:
    source = "MOCKS = (\n  'sglang',\n  'sglang.srt'\n)\n"
    assert add_stub_entries(source, "MOCKS", ["sglang.srt.a"]) == (
        "MOCKS = (\n  'sglang',\n  'sglang.srt',\n  'sglang.srt.a'\n)\n"
    )


def test_single_line_lists_tuples_and_sets() -> None:
    assert add_stub_entries("S = ['a', 'c']\n", "S", ["b"]) == "S = ['a', 'b', 'c']\n"
    assert add_stub_entries("S = ('a',)\n", "S", ["a.b"]) == "S = ('a', 'a.b',)\n"
    assert add_stub_entries('S = {"a.z"}\n', "S", ["a"]) == 'S = {"a", "a.z"}\n'
    assert add_stub_entries("S = []\n", "S", ["b", "a"]) == 'S = ["a", "b"]\n'


def test_annotated_and_crlf() -> None:
    source = 'MODS: list[str] = [\r\n    "sglang",\r\n]\r\n'
    assert add_stub_entries(source, "MODS", ["sglang.srt"]) == (
        'MODS: list[str] = [\r\n    "sglang",\r\n    "sglang.srt",\r\n]\r\n'
    )


def test_last_entry_with_a_trailing_comment() -> None:
    source = 'S = [\n    "a",  # first\n    "b",  # last\n]\n'
    assert add_stub_entries(source, "S", ["c"]) == (
        'S = [\n    "a",  # first\n    "b",  # last\n    "c",\n]\n'
    )


def test_before_the_first_entry() -> None:
    source = 'S = [\n    # numbers first\n    "b",\n]\n'
    assert add_stub_entries(source, "S", ["a"]) == (
        'S = [\n    "a",\n    # numbers first\n    "b",\n]\n'
    )


def test_not_a_literal_is_an_error() -> None:
    with pytest.raises(ConfigError, match="STUBS"):
        add_stub_entries("STUBS = make()\n", "STUBS", ["a"])
