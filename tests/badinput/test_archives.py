"""A broken ``--upstream`` archive is one line naming it, never a traceback.

Each case starts from a small, real-looking wheel or sdist written here with ``zipfile``
/ ``tarfile`` and breaks it the way a download breaks: a flipped byte (bad CRC, bad
deflate stream), a cut-off file, garbage with the right name.
"""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.badinput.harness import assert_refused, run_in_process, snapshot, write_project

# The modules the default project's shim imports: ``X`` moved from b to a in 0.5.10.
OLD_FILES = {
    "sglang/__init__.py": '__version__ = "0.5.9"\n',
    "sglang/srt/__init__.py": "",
    "sglang/srt/b.py": "class X:\n    '''The old home of X.'''\n" + "    pass\n" * 40,
}
NEW_FILES = {
    "sglang/__init__.py": '__version__ = "0.5.10"\n',
    "sglang/srt/__init__.py": "",
    "sglang/srt/a.py": "class X:\n    '''The new home of X.'''\n" + "    pass\n" * 40,
}


def _wheel(path: Path, files: dict[str, str], compression: int) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
        archive.writestr("sglang-0.5.9.dist-info/METADATA", "Name: sglang\nVersion: 0.5.9\n")
    return path


def _sdist(path: Path, files: dict[str, str]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"sglang-0.5.9/python/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _flip_in_member(path: Path, member: str) -> None:
    """Flip one byte inside ``member``'s stored data: the zip directory stays intact."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
    header = info.header_offset
    name_length = int.from_bytes(data[header + 26 : header + 28], "little")
    extra_length = int.from_bytes(data[header + 28 : header + 30], "little")
    start = header + 30 + name_length + extra_length
    data[start + info.compress_size // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def bad_crc_stored(folder: Path) -> Path:
    path = _wheel(folder / "sglang-0.5.9-py3-none-any.whl", OLD_FILES, zipfile.ZIP_STORED)
    _flip_in_member(path, "sglang/srt/b.py")
    return path


def bad_deflate_stream(folder: Path) -> Path:
    path = _wheel(folder / "sglang-0.5.9-py3-none-any.whl", OLD_FILES, zipfile.ZIP_DEFLATED)
    _flip_in_member(path, "sglang/srt/b.py")
    return path


def _patch_member_headers(path: Path, member: str, offset: int, value: bytes) -> None:
    """Overwrite a field of ``member``'s local header (at ``offset``) and the same field of
    its central-directory entry (two bytes further: that entry has one more field)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(member).header_offset
        entry = archive.start_dir
    while data[entry + 46 : entry + 46 + len(member)] != member.encode():
        lengths = [
            int.from_bytes(data[entry + at : entry + at + 2], "little") for at in (28, 30, 32)
        ]
        entry += 46 + sum(lengths)
    for at in (local + offset, entry + offset + 2):
        data[at : at + len(value)] = value
    path.write_bytes(bytes(data))


def unknown_compression(folder: Path) -> Path:
    path = _wheel(folder / "sglang-0.5.9-py3-none-any.whl", OLD_FILES, zipfile.ZIP_STORED)
    _patch_member_headers(path, "sglang/srt/b.py", 8, (99).to_bytes(2, "little"))
    return path


def encrypted_member(folder: Path) -> Path:
    path = _wheel(folder / "sglang-0.5.9-py3-none-any.whl", OLD_FILES, zipfile.ZIP_STORED)
    _patch_member_headers(path, "sglang/srt/b.py", 6, (1).to_bytes(2, "little"))
    return path


def truncated_wheel(folder: Path) -> Path:
    path = _wheel(folder / "sglang-0.5.9-py3-none-any.whl", OLD_FILES, zipfile.ZIP_DEFLATED)
    path.write_bytes(path.read_bytes()[:-40])
    return path


def wheel_cut_in_half(folder: Path) -> Path:
    path = _wheel(folder / "sglang-0.5.9-py3-none-any.whl", OLD_FILES, zipfile.ZIP_DEFLATED)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return path


def empty_wheel_file(folder: Path) -> Path:
    path = folder / "sglang-0.5.9-py3-none-any.whl"
    path.write_bytes(b"")
    return path


def html_saved_as_wheel(folder: Path) -> Path:
    path = folder / "sglang-0.5.9-py3-none-any.whl"
    path.write_text("<html><body>404 Not Found</body></html>\n")
    return path


def truncated_sdist(folder: Path) -> Path:
    path = _sdist(folder / "sglang-0.5.9.tar.gz", OLD_FILES)
    path.write_bytes(path.read_bytes()[:-30])
    return path


def sdist_cut_in_half(folder: Path) -> Path:
    path = _sdist(folder / "sglang-0.5.9.tar.gz", OLD_FILES)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return path


def corrupt_gzip_stream(folder: Path) -> Path:
    path = _sdist(folder / "sglang-0.5.9.tar.gz", OLD_FILES)
    data = bytearray(path.read_bytes())
    for offset in range(20, len(data) - 20, 7):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    return path


def gzip_of_garbage(folder: Path) -> Path:
    path = folder / "sglang-0.5.9.tar.gz"
    path.write_bytes(gzip.compress(b"this is not a tar archive\n" * 50))
    return path


def empty_tgz(folder: Path) -> Path:
    path = folder / "sglang-0.5.9.tgz"
    path.write_bytes(b"")
    return path


def truncated_plain_tar(folder: Path) -> Path:
    path = folder / "sglang-0.5.9.tar"
    with tarfile.open(path, "w") as archive:
        for name, text in OLD_FILES.items():
            data = text.encode()
            info = tarfile.TarInfo(f"sglang-0.5.9/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    path.write_bytes(path.read_bytes()[:700])
    return path


BROKEN: list[Callable[[Path], Path]] = [
    bad_crc_stored,
    bad_deflate_stream,
    unknown_compression,
    encrypted_member,
    truncated_wheel,
    wheel_cut_in_half,
    empty_wheel_file,
    html_saved_as_wheel,
    truncated_sdist,
    sdist_cut_in_half,
    corrupt_gzip_stream,
    gzip_of_garbage,
    empty_tgz,
    truncated_plain_tar,
]


@pytest.mark.parametrize("make_broken", BROKEN, ids=lambda f: f.__name__)
@pytest.mark.parametrize("extra", [[], ["--write", "--allow-dirty"]], ids=["read", "write"])
def test_a_broken_upstream_archive_is_one_line_naming_it(
    tmp_path: Path, make_broken: Callable[[Path], Path], extra: list[str]
) -> None:
    project = write_project(tmp_path / "project")
    folder = tmp_path / "wheels"
    folder.mkdir()
    broken = make_broken(folder)
    good = _wheel(folder / "sglang-0.5.10-py3-none-any.whl", NEW_FILES, zipfile.ZIP_DEFLATED)
    before = snapshot(tmp_path)
    ran = run_in_process(
        project, ["verify", "--upstream", f"0.5.9={broken}", "--upstream", f"0.5.10={good}", *extra]
    )
    assert_refused(ran, names=str(broken))
    assert len(ran.stderr.strip().splitlines()) == 1, ran.stderr
    assert snapshot(tmp_path) == before


def test_a_damaged_member_of_the_newer_wheel_names_that_wheel(tmp_path: Path) -> None:
    project = write_project(tmp_path / "project")
    old = _wheel(tmp_path / "sglang-0.5.9-py3-none-any.whl", OLD_FILES, zipfile.ZIP_STORED)
    new = _wheel(tmp_path / "sglang-0.5.10-py3-none-any.whl", NEW_FILES, zipfile.ZIP_STORED)
    _flip_in_member(new, "sglang/srt/a.py")
    before = snapshot(tmp_path)
    ran = run_in_process(
        project, ["verify", "--upstream", f"0.5.9={old}", "--upstream", f"0.5.10={new}"]
    )
    message = assert_refused(ran, names=f"--upstream 0.5.10={new}", says="sglang/srt/a.py")
    assert "Bad CRC-32" in message
    assert snapshot(tmp_path) == before


def test_the_intact_archives_verify(tmp_path: Path) -> None:
    """The fixtures above are sound before they are broken: verify reads them."""
    project = write_project(tmp_path / "project")
    old = _wheel(tmp_path / "sglang-0.5.9-py3-none-any.whl", OLD_FILES, zipfile.ZIP_STORED)
    sdist = _sdist(tmp_path / "sglang-0.5.9.tar.gz", OLD_FILES)
    new = _wheel(tmp_path / "sglang-0.5.10-py3-none-any.whl", NEW_FILES, zipfile.ZIP_DEFLATED)
    for first in (old, sdist):
        ran = run_in_process(
            project,
            [
                "verify",
                "--format",
                "json",
                "--upstream",
                f"0.5.9={first}",
                "--upstream",
                f"0.5.10={new}",
            ],
        )
        assert ran.exit_code in (0, 1), ran.stderr
        assert "sglang.srt.b" in ran.stdout and "sglang.srt.a" in ran.stdout
