"""Reading an upstream PATH: wheel, sdist, unpacked tree, checkout, and the errors."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

import pytest
from verify_fakes import COMPILED, V0_5_9, V0_5_10, write_tree, write_wheel

from compatlint.errors import CompatlintError
from compatlint.verify.sources import (
    UpstreamError,
    UpstreamTree,
    index_modules,
    load_upstream,
    parse_upstream_option,
)
from compatlint.versions import parse_version

V = parse_version


def test_wheel_is_indexed_in_place(upstreams: dict[str, Path]) -> None:
    tree = load_upstream(V("0.5.9"), upstreams["0.5.9"], "sglang")
    try:
        assert tree.module("sglang.srt.old_place").file == "sglang/srt/old_place.py"
        assert tree.module("sglang.srt.utils").is_package
        assert tree.module("sglang.srt._native").compiled
        assert tree.detected_version == V("0.5.9")
        assert "def helper" in tree.source("sglang.srt.utils.common")
        assert tree.source("sglang.srt._native") is None
    finally:
        tree.close()
        tree.close()  # closing twice is harmless


def test_unpacked_directory_and_checkout(upstreams: dict[str, Path]) -> None:
    unpacked = load_upstream(V("0.5.10"), upstreams["0.5.10"], "sglang")
    assert "sglang.srt.new_place" in unpacked.modules
    assert "sglang.srt.old_place" not in unpacked.modules
    assert unpacked.detected_version == V("0.5.10")  # read from "sglang-0.5.10-unpacked"
    checkout = load_upstream(V("0.5.11"), upstreams["0.5.11"], "sglang")
    assert "sglang.srt.utils.network" in checkout.modules
    assert checkout.source("sglang.srt.utils.network").startswith("def get_ip")
    assert checkout.detected_version is None


@pytest.mark.parametrize("layout", ["", "src/", "python/", "sglang-0.5.10/", "repo/python/"])
def test_package_found_in_each_layout(tmp_path: Path, layout: str) -> None:
    write_tree(tmp_path / "root" / layout if layout else tmp_path / "root", V0_5_10)
    tree = load_upstream(V("0.5.10"), tmp_path / "root", "sglang")
    assert "sglang.srt.new_place" in tree.modules


def test_the_package_directory_itself(tmp_path: Path) -> None:
    write_tree(tmp_path, V0_5_10)
    tree = load_upstream(V("0.5.10"), tmp_path / "sglang", "sglang")
    assert "sglang.srt.io_struct" in tree.modules


def test_wheel_data_directory_layout(tmp_path: Path) -> None:
    path = tmp_path / "sglang-0.5.10-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("sglang-0.5.10.data/purelib/sglang/__init__.py", "")
        archive.writestr("sglang-0.5.10.data/purelib/sglang/x.py", "X = 1\n")
    tree = load_upstream(V("0.5.10"), path, "sglang")
    assert tree.source("sglang.x") == "X = 1\n"
    tree.close()


def test_sdist_tarball(tmp_path: Path) -> None:
    path = tmp_path / "sglang-0.5.10.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for name, content in V0_5_10.items():
            data = content if isinstance(content, bytes) else content.encode()
            info = tarfile.TarInfo(f"sglang-0.5.10/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    tree = load_upstream(V("0.5.10"), path, "sglang")
    assert tree.detected_version == V("0.5.10")
    assert "class AbortReq" in tree.source("sglang.srt.io_struct")


def test_namespace_packages_and_odd_files() -> None:
    modules = index_modules(
        "sglang",
        [
            "sglang/__init__.py",
            "sglang/srt/tokenizer/tiktoken_tokenizer.py",
            "sglang/srt/kernels/ops.cpython-311-x86_64-linux-gnu.so",
            "sglang/srt/kernels/ops.py",
            "sglang/srt/win.pyd",
            "sglang/srt/not-importable/x.py",
            "sglang/srt/__pycache__/x.cpython-311.pyc",
            "sglang/srt/data.json",
            "other/x.py",
        ],
    )
    assert modules["sglang.srt"].namespace and modules["sglang.srt.tokenizer"].namespace
    assert not modules["sglang.srt.kernels.ops"].compiled  # the source wins
    assert modules["sglang.srt.win"].compiled
    assert not any("not-importable" in name or "other" in name for name in modules)


def test_from_files_accepts_text_and_bytes() -> None:
    tree = UpstreamTree.from_files(
        "0.5.9", "sglang", {**V0_5_9, "sglang/bom.py": b"\xef\xbb\xbfX=1"}
    )
    assert tree.source("sglang.bom") == "X=1"
    assert tree.module(COMPILED.replace("/", ".").split(".cpython")[0]).compiled


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0.5.10", "expected VERSION=PATH"),
        ("=wheels/", "expected VERSION=PATH"),
        ("0.5.10=", "expected VERSION=PATH"),
        ("latest=wheels/", "not a version"),
    ],
)
def test_bad_upstream_option(value: str, message: str) -> None:
    with pytest.raises(UpstreamError, match=message):
        parse_upstream_option(value)


def test_upstream_option_parses() -> None:
    assert parse_upstream_option("v0.5.10.post1=a=b.whl") == (V("0.5.10"), Path("a=b.whl"))


def test_load_errors(tmp_path: Path) -> None:
    with pytest.raises(UpstreamError, match="no such file or directory"):
        load_upstream(V("1.0"), tmp_path / "missing.whl", "sglang")
    bad_zip = tmp_path / "bad.whl"
    bad_zip.write_bytes(b"not a zip")
    with pytest.raises(UpstreamError, match="not a readable wheel"):
        load_upstream(V("1.0"), bad_zip, "sglang")
    bad_tar = tmp_path / "bad.tar.gz"
    bad_tar.write_bytes(b"not a tarball")
    with pytest.raises(UpstreamError, match="not a readable sdist"):
        load_upstream(V("1.0"), bad_tar, "sglang")
    other = tmp_path / "notes.txt"
    other.write_text("x")
    with pytest.raises(UpstreamError, match="not a directory or an archive"):
        load_upstream(V("1.0"), other, "sglang")
    empty = write_wheel(tmp_path / "other.whl", {"numpy/__init__.py": ""})
    with pytest.raises(UpstreamError, match="no package 'sglang' found"):
        load_upstream(V("1.0"), empty, "sglang")
    (tmp_path / "dir").mkdir()
    with pytest.raises(CompatlintError, match="no package 'sglang' found"):
        load_upstream(V("1.0"), tmp_path / "dir", "sglang")
