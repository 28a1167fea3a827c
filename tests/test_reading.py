"""Reading only regular files within a cap; the cap's syntax; the config file's errors."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compatlint.config_file import find_config, load_config, read_tool_table, toml_error
from compatlint.errors import ConfigError, SourceError
from compatlint.reading import (
    UnreadableFile,
    file_problem,
    format_size,
    parse_size,
    read_regular,
)
from compatlint.workspace import Workspace
from tests.badinput.harness import PYPROJECT, write_project

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")


# -- the cap ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "size"),
    [
        (1, 1),
        (10_000_000, 10_000_000),
        ("10MB", 10_000_000),
        ("10 mb", 10_000_000),
        ("1.5MB", 1_500_000),
        ("512KiB", 524_288),
        ("2 GiB", 2 * 1024**3),
        ("300", 300),
        ("300 B", 300),
    ],
)
def test_parse_size(value: object, size: int) -> None:
    assert parse_size(value) == size


@pytest.mark.parametrize("value", [0, -1, True, 1.5, "", "MB", "ten MB", "10 XB", "0KB", [1]])
def test_parse_size_refuses(value: object) -> None:
    with pytest.raises(ValueError):
        parse_size(value)


@settings(deadline=None)
@given(st.integers(min_value=1, max_value=10**13))
def test_format_size_reads_back_as_the_same_size(size: int) -> None:
    shown = format_size(size)
    assert parse_size(shown.removesuffix(" bytes")) == size


def test_format_size_says_it_as_a_person_would() -> None:
    assert format_size(10_000_000) == "10 MB"
    assert format_size(1000) == "1 KB"
    assert format_size(1024**2) == "1 MiB"
    assert format_size(1234) == "1234 bytes"


# -- regular files ----------------------------------------------------------------------------


def test_reads_a_regular_file_up_to_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(b"x" * 100)
    assert read_regular(path, 100) == b"x" * 100
    assert file_problem(path, 100) is None
    with pytest.raises(UnreadableFile) as info:
        read_regular(path, 99)
    assert info.value.reason == "larger than 99 bytes (max-file-size)"


def test_follows_a_link_to_a_regular_file(tmp_path: Path) -> None:
    (tmp_path / "real.py").write_text("x = 1\n")
    os.symlink("real.py", tmp_path / "link.py")
    assert read_regular(tmp_path / "link.py", None) == b"x = 1\n"


@needs_fifo
def test_refuses_a_pipe_without_opening_it(tmp_path: Path) -> None:
    # No writer ever opens this pipe: a read that opened it without O_NONBLOCK would block.
    os.mkfifo(tmp_path / "pipe.py")
    assert file_problem(tmp_path / "pipe.py", None) == "not a regular file"
    with pytest.raises(UnreadableFile, match="not a regular file"):
        read_regular(tmp_path / "pipe.py", None)


def test_a_stat_already_taken_is_trusted_for_the_open_and_what_was_opened_is_judged(
    tmp_path: Path,
) -> None:
    path = tmp_path / "m.py"
    path.write_bytes(b"x = 1\n")
    checked = os.stat(path)
    # It grew past one read, and past the cap, after the walk's stat: read whole, refused.
    path.write_bytes(b"y" * 200_000)
    assert read_regular(path, None, checked) == b"y" * 200_000
    with pytest.raises(UnreadableFile, match="larger than"):
        read_regular(path, 100_000, checked)
    with pytest.raises(UnreadableFile, match=r"^is a directory$"):
        read_regular(tmp_path, None, os.stat(tmp_path))


@needs_fifo
def test_a_pipe_swapped_in_after_the_stat_is_refused_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "m.py"
    path.write_text("x = 1\n")
    checked = os.stat(path)
    path.unlink()
    os.mkfifo(path)
    with pytest.raises(UnreadableFile, match="not a regular file"):
        read_regular(path, None, checked)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_refuses_a_device() -> None:
    with pytest.raises(UnreadableFile, match="not a regular file"):
        read_regular("/dev/zero", None)


def test_names_a_missing_file_and_a_directory(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match=r"^no such file$"):
        read_regular(tmp_path / "gone.py", None)
    with pytest.raises(UnreadableFile, match=r"^is a directory$"):
        read_regular(tmp_path, None)
    os.symlink("gone.py", tmp_path / "broken.py")
    assert file_problem(tmp_path / "broken.py", None) == "no such file (a broken link?)"


@needs_fifo
def test_a_walk_skips_what_it_cannot_read_and_says_why(tmp_path: Path) -> None:
    root = write_project(tmp_path, {"pkg/big.py": "x = 1\n" * 100})
    os.mkfifo(root / "pkg/pipe.py")
    os.symlink("missing.py", root / "pkg/broken.py")
    workspace = Workspace(_config(root, max_file_size="500"))
    assert workspace.python_files() == ["pkg/__init__.py", "pkg/_compat.py", "pkg/user.py"]
    assert workspace.python_files(["pkg/pipe.py"]) == []
    assert workspace.warnings == [
        "compatlint: warning: pkg/big.py: skipped: larger than 500 bytes (max-file-size)",
        "compatlint: warning: pkg/broken.py: skipped: no such file (a broken link?)",
        "compatlint: warning: pkg/pipe.py: skipped: not a regular file",
    ]
    with pytest.raises(SourceError) as info:
        workspace.read("pkg/pipe.py")
    assert str(info.value) == "pkg/pipe.py: not a regular file"


# -- the config file --------------------------------------------------------------------------


class _OldTomlError(ValueError):
    """A TOMLDecodeError as Python 3.11-3.13 raise it: the line only in the message."""


class _NewTomlError(ValueError):
    """As Python 3.14 raises it: ``lineno`` set."""

    lineno = 4


@pytest.mark.parametrize(
    ("error", "message", "line"),
    [
        (_OldTomlError("Invalid value (at line 7, column 3)"), "Invalid value", 7),
        (_OldTomlError("Unclosed array (at end of document)"), "Unclosed array", 3),
        (_OldTomlError("Something new"), "Something new", None),
        (_NewTomlError("Invalid value (at line 4, column 9)"), "Invalid value", 4),
    ],
)
def test_toml_errors_name_their_line_on_every_python(
    error: ValueError, message: str, line: int | None
) -> None:
    assert toml_error(error, "a = 1\nb = [\n") == (message, line)


def test_the_real_toml_error_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(PYPROJECT.replace('floor = "0.5.10"', "floor = 0.5.10"))
    with pytest.raises(ConfigError) as info:
        read_tool_table(path)
    assert info.value.line == 5
    assert "(at line" not in info.value.message
    assert sys.version_info >= (3, 11)  # the supported Pythons: tomllib, with or without lineno


def test_a_config_that_is_not_utf8_is_found_then_refused(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(PYPROJECT.encode() + b"# caf\xe9\n")
    (tmp_path / "sub").mkdir()
    assert find_config(tmp_path / "sub") == tmp_path / "pyproject.toml"
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "pyproject.toml")
    assert (info.value.line, info.value.message) == (
        6,
        "config file is not valid UTF-8 (TOML must be)",
    )


def test_a_config_without_the_table_that_is_not_utf8_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_bytes(b"[project]\nname = 'caf\xe9'\n")
    assert find_config(inner) == tmp_path / "pyproject.toml"


def test_a_table_that_is_not_a_table_is_no_table(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text('tool = "compatlint"\n[x]\n# [tool.compatlint]\n')
    with pytest.raises(ConfigError, match=r"no \[tool.compatlint\] table"):
        read_tool_table(path)


def test_the_cap_is_configured(tmp_path: Path) -> None:
    root = write_project(tmp_path)
    assert _config(root).max_file_size == 10_000_000
    assert _config(root, max_file_size='"2MiB"').max_file_size == 2 * 1024**2
    floors = _config(root).floors
    assert _config(root, max_file_size='"2MiB"').with_floors(floors).max_file_size == 2 * 1024**2


def _config(root: Path, **keys: str):
    text = PYPROJECT + "".join(f"{k.replace('_', '-')} = {v}\n" for k, v in keys.items())
    (root / "pyproject.toml").write_text(text)
    return load_config(root / "pyproject.toml")
