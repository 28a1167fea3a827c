"""Source encodings: a file is read in the encoding its coding declaration names (PEP 263)
and written back in it, byte for byte outside the edit; a text the encoding cannot hold is
refused before anything is written."""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compatlint.analysis.source import declared_encoding, decode_source, text_encoding
from compatlint.config_file import load_config
from compatlint.errors import SourceError, WorkspaceError
from compatlint.model import Edit
from compatlint.workspace import Workspace
from tests.badinput.harness import PYPROJECT, SHIM, run_in_process, snapshot, write_project

LATIN1_SHIM = (
    b"# -*- coding: latin-1 -*-\n"
    b'"""Compat for the caf\xe9 backend (\xa9 Caf\xe9 Ltd)."""\n'
    + SHIM.encode()
    + b'\nGREETING = "d\xe9j\xe0 vu"  # \xbfqu\xe9?\n'
)


# -- reading ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "text"),
    [
        (b"# coding: latin-1\nx = '\xe9'\n", "# coding: latin-1\nx = '\xe9'\n"),
        (b"#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nx = '\x80'\n", None),
        (b"\xef\xbb\xbf# coding: utf-8\nx = '\xc3\xa9'\n", "# coding: utf-8\nx = '\xe9'\n"),
        (b"# -*- coding: utf8 -*-\nx = '\xc3\xa9'\n", "# -*- coding: utf8 -*-\nx = '\xe9'\n"),
    ],
)
def test_a_declared_encoding_is_read(data: bytes, text: str | None) -> None:
    expected = text if text is not None else data.decode("cp1252")
    assert decode_source(data, "m.py") == expected


def test_a_declaration_below_code_is_not_one() -> None:
    # Python reads a declaration on line 2 only below a blank or comment-only line 1.
    data = b"x = 1\n# coding: latin-1\ny = '\xe9'\n"
    with pytest.raises(SourceError) as info:
        decode_source(data, "m.py")
    assert str(info.value) == "m.py:3: not valid UTF-8"


def test_a_file_that_is_not_python_ignores_declarations() -> None:
    # A policy doc whose heading reads like a declaration is still UTF-8 text.
    data = "# Decoding: how the shim reads caf\xe9\n".encode()
    assert decode_source(data, "POLICY.md", python=False) == data.decode()
    with pytest.raises(SourceError, match="unknown encoding 'how'"):
        decode_source(data, "policy.py")


# The heads tokenize judges: line 1 and 2, each a blank, a comment, a declaration or code.
_LINES = st.sampled_from(
    [
        b"",
        b"   ",
        b"# just a comment",
        b"#!/usr/bin/env python3",
        b"# -*- coding: latin-1 -*-",
        b"# vim: set fileencoding=cp1252 :",
        b"  # coding=utf-8",
        b"#coding:iso-8859-15",
        b"# coding: latin_1",
        b"x = 1  # coding: latin-1",
        b"import os",
        b"\t# encoding: utf8",
    ]
)


@settings(deadline=None, max_examples=300)
@given(first=_LINES, second=_LINES, newline=st.sampled_from([b"\n", b"\r\n"]))
def test_the_declaration_is_the_one_tokenize_reads(
    first: bytes, second: bytes, newline: bytes
) -> None:
    data = first + newline + second + newline + b"pass" + newline
    expected, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    declared = declared_encoding(data, "m.py")
    ours = "utf-8" if declared is None else declared.codec
    assert _codec(ours) == _codec(expected)
    assert text_encoding(data.decode("ascii"), "m.py") == declared


def _codec(name: str) -> str:
    import codecs

    codec = codecs.lookup(name).name
    return "utf-8" if codec.startswith("utf-8") else codec


_ENCODINGS = st.sampled_from(["latin-1", "cp1252", "iso-8859-15", "utf-8"])


@settings(deadline=None, max_examples=200)
@given(encoding=_ENCODINGS, body=st.text(alphabet=st.characters(max_codepoint=0xFF)))
def test_what_is_read_is_written_back_as_it_was(encoding: str, body: str, tmp_path_factory) -> None:
    """For every file a declared encoding can hold: read, then encode = the same bytes."""
    text = f"# -*- coding: {encoding} -*-\n{body}"
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return  # not a file that encoding can hold
    workspace = _workspace(tmp_path_factory.mktemp("p"), {"pkg/m.py": data})
    assert workspace.read("pkg/m.py") == text
    assert workspace.encode("pkg/m.py", workspace.read("pkg/m.py")) == data


# -- writing ----------------------------------------------------------------------------------


def test_a_latin1_shim_is_pruned_in_latin1(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"pkg/_compat.py": LATIN1_SHIM})
    ran = run_in_process(root, ["prune", "--floor", "0.5.10", "--allow-dirty"])
    assert ran.exit_code == 0, ran.stderr
    fallback = SHIM.encode()
    unwrapped = b'from sglang.srt.a import X\n\n__all__ = ["X"]\n'
    assert (root / "pkg/_compat.py").read_bytes() == LATIN1_SHIM.replace(fallback, unwrapped)


def test_check_fix_writes_latin1_too(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"pkg/_compat.py": LATIN1_SHIM})
    ran = run_in_process(root, ["check", "--fix", "--no-cache"])
    assert "Traceback" not in ran.stderr
    written = (root / "pkg/_compat.py").read_bytes()
    assert written.startswith(b"# -*- coding: latin-1 -*-\n")
    assert b"caf\xe9 backend (\xa9 Caf\xe9 Ltd)" in written
    assert b'"d\xe9j\xe0 vu"  # \xbfqu\xe9?\n' in written
    assert b"except ImportError" not in written


def test_a_text_its_encoding_cannot_hold_is_refused_before_any_write(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"pkg/a.py": "x = 1\n", "pkg/b.py": LATIN1_SHIM})
    workspace = _workspace(root)
    before = snapshot(root)
    new_b = workspace.read("pkg/b.py").replace("GREETING", "# \u2603\nGREETING")
    edits = [Edit("pkg/a.py", "x = 2\n"), Edit("pkg/b.py", new_b)]
    with pytest.raises(WorkspaceError) as info:
        workspace.apply(edits)
    assert str(info.value) == (
        "pkg/b.py:11: cannot write '\u2603' in latin-1, the file's declared encoding; "
        "no file was changed"
    )
    assert snapshot(root) == before  # pkg/a.py untouched, no temporary file left


def test_a_new_declaration_decides_the_encoding_written(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"pkg/a.py": "x = 'caf\xe9'\n"})
    workspace = _workspace(root)
    workspace.read("pkg/a.py")
    assert workspace.encode("pkg/a.py", "# coding: cp1252\nx = '\u20ac'\n") == (
        b"# coding: cp1252\nx = '\x80'\n"
    )
    assert workspace.encode("NOTES.md", "# coding: latin-1 \u2603\n") == (
        "# coding: latin-1 \u2603\n".encode()
    )


def _workspace(root: Path, files: dict[str, str | bytes] | None = None) -> Workspace:
    write_project(root, files, pyproject=PYPROJECT)
    return Workspace(load_config(root / "pyproject.toml"))
