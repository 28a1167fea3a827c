"""Fast gathering: same facts as the pure analysis, cached, pooled, safe when concurrent."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import compatlint.cache as cache_module
import compatlint.engine as engine
from compatlint.analysis.project import analyze_project
from compatlint.cache import CACHE_DIR, FactCache, decode, encode
from compatlint.config_file import load_config
from compatlint.engine import gather_facts
from compatlint.errors import SourceError
from compatlint.workspace import Workspace

EXAMPLE = Path(__file__).parent.parent / "examples" / "sglang-backend"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    target = tmp_path / "example"
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns(CACHE_DIR))
    return target


def _workspace(root: Path) -> Workspace:
    return Workspace(load_config(root / "pyproject.toml"))


def _gather(root: Path, **options):
    workspace = _workspace(root)
    return gather_facts(workspace, workspace.python_files(), **options)


def test_engine_equals_the_pure_analysis(example: Path) -> None:
    workspace = _workspace(example)
    paths = workspace.python_files()
    pure = analyze_project(
        workspace.config, workspace.sources([*paths, *workspace.context_files()])
    )
    fast = gather_facts(workspace, paths, use_cache=False)
    assert fast.shims == pure.shims
    assert fast.mock_list == pure.mock_list
    assert fast.doc_tags == pure.doc_tags
    assert fast.gates == pure.gates
    for path, facts in pure.files.items():
        assert fast.files[path].imports == facts.imports, path
        assert fast.files[path].inline_fallbacks == facts.inline_fallbacks
        assert fast.files[path].version_gates == facts.version_gates


def test_pool_gives_the_same_facts(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sequential = _gather(example, use_cache=False)
    monkeypatch.setattr(engine, "POOL_MIN_FILES", 1)
    monkeypatch.setattr(engine, "POOL_MIN_BYTES", 1)
    monkeypatch.setattr(engine, "GATE_POOL_MIN_FILES", 1)
    monkeypatch.setattr(engine, "GATE_POOL_MIN_BYTES", 1)
    pooled = _gather(example, use_cache=False)
    assert pooled.files == sequential.files
    assert pooled.gates == sequential.gates


def test_codec_round_trip(example: Path) -> None:
    facts = _gather(example, use_cache=False)
    for value in [*facts.files.values(), *facts.shims.values(), facts.mock_list]:
        assert decode(json.loads(json.dumps(encode(value)))) == value


def test_codec_refuses_what_it_did_not_write() -> None:
    with pytest.raises(ValueError):
        decode({"~r": "Popen", "args": ["rm"]})
    with pytest.raises(ValueError):
        decode({"unexpected": 1})


def _forbid_computation(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args, **kwargs):
        raise AssertionError("recomputed a cached file")

    monkeypatch.setattr(engine, "facts_for_file", boom)
    monkeypatch.setattr(engine, "shim_model", boom)
    monkeypatch.setattr(engine, "policy_doc_tags", boom)


def test_warm_run_reads_everything_from_the_cache(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = _gather(example)
    assert (example / CACHE_DIR / ".gitignore").read_text().strip().endswith("*")
    _forbid_computation(monkeypatch)
    warm = _gather(example)
    assert warm.files == cold.files and warm.shims == cold.shims


def test_content_change_invalidates_that_file_only(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _gather(example)
    handler = example / "src" / "servo" / "handlers" / "chat.py"
    handler.write_text(handler.read_text() + "\nfrom sglang.srt.extra import Z\n")
    computed = []
    original = engine.facts_for_file

    def spy(config, rel, text, **kwargs):
        computed.append(rel)
        return original(config, rel, text, **kwargs)

    monkeypatch.setattr(engine, "facts_for_file", spy)
    facts = _gather(example)
    assert computed == ["src/servo/handlers/chat.py"]
    assert "sglang.srt.extra" in [i.module for i in facts.files[computed[0]].imports]


def cache_entries(path: Path) -> dict[str, dict[str, object]]:
    """The cache file's entries: key -> {"hash", "value"} (every line must parse)."""
    entries = {}
    for line in path.read_text().splitlines():
        key, digest, value = line.split("\t")
        entries[json.loads(key)] = {"hash": digest, "value": json.loads(value)}
    return entries


def test_config_and_version_changes_use_another_cache_file(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _gather(example)
    first = sorted((example / CACHE_DIR).glob("*.jsonl"))
    pyproject = example / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"sgl_kernel", ', ""))
    _gather(example)
    second = sorted((example / CACHE_DIR).glob("*.jsonl"))
    assert len(second) == 2 and first[0] in second
    monkeypatch.setattr(cache_module, "__version__", "999.0")
    _gather(example)
    names = [p.name for p in (example / CACHE_DIR).glob("*.jsonl")]
    assert len(names) == 1 and names[0].startswith("v999.0-")


def test_floor_changes_share_the_cache(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _gather(example)
    pyproject = example / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('floor = "0.5.10"', 'floor = "0.5.11"'))
    _forbid_computation(monkeypatch)
    _gather(example)


@pytest.mark.parametrize("damage", ["{not json", "[]", '{"file:src/servo/_compat.py": 3}'])
def test_corrupt_cache_is_ignored_and_rewritten(example: Path, damage: str) -> None:
    cold = _gather(example)
    (cache_file,) = (example / CACHE_DIR).glob("*.jsonl")
    cache_file.write_text(damage)
    again = _gather(example)
    assert again.files == cold.files
    assert "file:src/servo/_compat.py" in cache_entries(cache_file)


def test_corrupt_entry_is_recomputed(example: Path) -> None:
    _gather(example)
    (cache_file,) = (example / CACHE_DIR).glob("*.jsonl")
    key = "file:src/servo/handlers/chat.py"
    lines = cache_file.read_text().splitlines()
    damaged = [
        f"{json.dumps(key)}\t{line.split(chr(9))[1]}\t" + '{"~r":"Nope"}'
        if line.startswith(json.dumps(key) + "\t")
        else line
        for line in lines
    ]
    assert damaged != lines
    cache_file.write_text("\n".join(damaged) + "\n")
    facts = _gather(example)
    assert facts.files["src/servo/handlers/chat.py"].imports
    assert cache_entries(cache_file)[key]["value"]["~r"] == "FileFacts"


def test_no_cache_writes_nothing(example: Path) -> None:
    _gather(example, use_cache=False)
    assert not (example / CACHE_DIR).exists()


def test_save_merges_with_a_concurrent_writer(example: Path) -> None:
    workspace = _workspace(example)
    digest = workspace.config.digest()
    first = FactCache(example, digest)
    second = FactCache(example, digest)
    first.put("file:a.py", "h1", None)
    second.put("file:b.py", "h2", None)
    first.save()
    second.save()
    merged = cache_entries(first.path)
    assert {"file:a.py", "file:b.py"} <= set(merged)


@pytest.mark.integration
def test_concurrent_runs_agree(example: Path) -> None:
    command = [sys.executable, "-m", "compatlint.cli", "check", "--format", "json"]
    runs = [
        subprocess.Popen(command, cwd=example, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    outputs = [run.communicate(timeout=600) for run in runs]  # generous: a busy machine
    assert [run.returncode for run in runs] == [1, 1, 1, 1]
    assert len({out for out, _ in outputs}) == 1
    (cache_file,) = (example / CACHE_DIR).glob("*.jsonl")
    assert cache_entries(cache_file)
    assert not list((example / CACHE_DIR).glob(".tmp-*"))


def test_progress_bar_path_yields_every_result(example: Path) -> None:
    workspace = _workspace(example)
    pending = [rel for rel in workspace.python_files() if "handlers" in rel]
    shown = list(engine._compute(workspace.config, workspace, pending, show_progress=True))
    hidden = list(engine._compute(workspace.config, workspace, pending, show_progress=False))
    assert shown == hidden and len(shown) == len(pending)


def test_a_key_with_tabs_and_newlines_round_trips(tmp_path: Path) -> None:
    cache = FactCache(tmp_path, "digest")
    cache.put("file:odd\tname\n.py", "h1", ("a\tb", 1))
    cache.put("file:plain.py", "h2", None)
    cache.save()
    again = FactCache(tmp_path, "digest")
    assert again.get("file:odd\tname\n.py", "h1") == ("a\tb", 1)
    assert again.get("file:odd\tname\n.py", "other") is None
    assert set(cache_entries(cache.path)) == {"file:odd\tname\n.py", "file:plain.py"}


def test_a_run_without_the_cache_hashes_nothing(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached = _gather(example)

    def boom(data: bytes) -> str:
        raise AssertionError("hashed a file with the cache off")

    monkeypatch.setattr(engine, "content_hash", boom)
    assert _gather(example, use_cache=False).files == cached.files


def test_files_without_a_needle_skip_the_cache(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (example / "src" / "servo" / "plain.py").write_text("VALUE = 1\n")
    cold = _gather(example)
    hashed: list[bytes] = []
    real = engine.content_hash

    def counting(data: bytes) -> str:
        hashed.append(data)
        return real(data)

    monkeypatch.setattr(engine, "content_hash", counting)
    warm = _gather(example)
    assert warm.files == cold.files
    assert not warm.files["src/servo/plain.py"].parsed
    assert b"VALUE = 1\n" not in hashed
    assert "file:src/servo/plain.py" not in cache_entries(
        next((example / CACHE_DIR).glob("*.jsonl"))
    )


@pytest.fixture
def signatures(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Every file settled, with a signature that changes when the test bumps its count."""
    counts: dict[str, int] = {}
    monkeypatch.setattr(Workspace, "signature", lambda self, rel: f"sig:{counts.get(rel, 0)}")
    return counts


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    reads: list[str] = []
    real = Workspace.read_bytes

    def counting(self: Workspace, rel: str) -> bytes:
        reads.append(rel)
        return real(self, rel)

    monkeypatch.setattr(Workspace, "read_bytes", counting)
    return reads


def test_a_file_whose_signature_is_unchanged_is_not_read(
    example: Path, monkeypatch: pytest.MonkeyPatch, signatures: dict[str, int]
) -> None:
    cold = _gather(example)
    (cache_file,) = (example / CACHE_DIR).glob("*.jsonl")
    assert any(key.startswith("stat:") for key in cache_entries(cache_file))
    reads = _count_reads(monkeypatch)

    def boom(*args: object) -> None:
        raise AssertionError("rewrote the cache with nothing new")

    monkeypatch.setattr(cache_module, "_atomic_write", boom)
    warm = _gather(example)
    assert reads == []
    assert warm.files == cold.files and warm.gates == cold.gates and warm.shims == cold.shims


def test_a_file_with_a_new_signature_is_read_again(
    example: Path, monkeypatch: pytest.MonkeyPatch, signatures: dict[str, int]
) -> None:
    _gather(example)
    plain = example / "src" / "servo" / "plain.py"
    plain.write_text("VALUE = 1\n")
    rel = "src/servo/plain.py"
    assert not _gather(example).files[rel].parsed
    plain.write_text("import sglang.x\n")
    signatures[rel] = 1
    reads = _count_reads(monkeypatch)
    facts = _gather(example)
    assert set(reads) == {rel}
    assert [fact.module for fact in facts.files[rel].imports] == ["sglang.x"]


def test_a_change_keeping_size_and_mtime_is_seen(example: Path) -> None:
    """A file written within :data:`SETTLED_NS` of the run has no signature: it is read,
    even when a second write kept its size and modification time (the racy case)."""
    plain = example / "src" / "servo" / "plain.py"
    plain.write_text("import sglang.aa\n")
    rel = "src/servo/plain.py"
    assert [fact.module for fact in _gather(example).files[rel].imports] == ["sglang.aa"]
    before = plain.stat()
    plain.write_text("import sglang.bb\n")
    os.utime(plain, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert plain.stat().st_size == before.st_size
    assert [fact.module for fact in _gather(example).files[rel].imports] == ["sglang.bb"]


def test_a_broken_gate_file_is_reported_before_a_broken_context_file(example: Path) -> None:
    """Gates are computed while the context (shims, stubs, collection, docs) is read; an
    error in both is still the gate file's, which used to be read first."""
    (example / "src" / "servo" / "gated.py").write_text(
        "import sys\n\nif sys.version_info >= (3, 11):\n    x = (\n"
    )
    (example / "docs" / "compat-policy.md").write_bytes(b"\xff\xfe not utf-8 \xff")
    with pytest.raises(SourceError) as raised:
        _gather(example, use_cache=False)
    assert "src/servo/gated.py" in str(raised.value)


@given(st.text(max_size=30))
def test_cache_keys_are_written_as_json_writes_them(key: str) -> None:
    assert cache_module._encoded_key(key) == json.dumps(key)


def test_flags_round_trip_and_only_words_are_written(tmp_path: Path) -> None:
    cache = FactCache(tmp_path, "digest")
    cache.put_flags("stat:a.py", "1:2:3:4", {"hash": "0af3", "c0ffee": True, "d1": False})
    cache.save()
    again = FactCache(tmp_path, "digest")
    assert again.plain("stat:a.py", "1:2:3:4") == {"hash": "0af3", "c0ffee": True, "d1": False}
    assert again.plain("stat:a.py", "1:2:3:5") is None
    for bad in ({"hash": 'a"b'}, {"a b": True}, {"hash": "é"}):
        with pytest.raises(ValueError):
            cache.put_flags("stat:b.py", "1", bad)


def _reference_encode(value: object) -> object:
    """The codec's encoder as first written: one isinstance chain for every value."""
    import dataclasses
    import enum

    from packaging.version import Version

    if isinstance(value, enum.Enum):
        return {"~e": type(value).__name__, "v": value.value}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {
            f.name: _reference_encode(getattr(value, f.name)) for f in dataclasses.fields(value)
        }
        return {"~r": type(value).__name__, **fields}
    if isinstance(value, Version):
        return {"~v": str(value)}
    if isinstance(value, frozenset):
        return {"~s": [_reference_encode(v) for v in sorted(value)]}  # type: ignore[type-var]
    if isinstance(value, (list, tuple)):
        return [_reference_encode(v) for v in value]
    return value


def test_the_encoder_writes_what_one_isinstance_chain_writes(example: Path) -> None:
    facts = _gather(example, use_cache=False)
    values = [
        *facts.files.values(),
        *facts.shims.values(),
        *facts.gates.values(),
        facts.mock_list,
        *facts.doc_tags.values(),
    ]
    assert len(values) > 10
    for value in values:
        assert json.dumps(encode(value)) == json.dumps(_reference_encode(value))
