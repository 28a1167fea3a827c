"""``prune`` and ``check --fix``/``--diff`` keep what the importer index reads of each file
in ``.compatlint_cache/`` (by content hash), as ``inline`` does: a second run shows the
same and parses fewer files; ``--no-cache`` neither reads nor writes the cache."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import git_commit_all

from compatlint.cli import main
from compatlint.names import importer_facts
from compatlint.names.importers import ImporterIndex

EXAMPLE = Path(__file__).parent.parent.parent / "examples" / "sglang-backend"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "example"
    shutil.copytree(EXAMPLE, root)
    git_commit_all(root)
    return root


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = ImporterIndex._parse

    def counted(self: ImporterIndex, path: str, *, skim: bool = False) -> object:
        parsed.append(path)
        return real(self, path, skim=skim)

    monkeypatch.setattr(ImporterIndex, "_parse", counted)
    # Many files' facts are read at once (on the pool when there are enough of them;
    # here, in this process, for so small a project): each read counts as a parse too.
    read_many = importer_facts.encoded_facts_of

    def counted_read(item: tuple[str, str, str | None, bool]) -> object:
        parsed.append(item[0])
        return read_many(item)

    monkeypatch.setattr(importer_facts, "encoded_facts_of", counted_read)
    return parsed


@pytest.mark.parametrize(
    "arguments",
    [["prune", "--check", "--floor", "0.5.11"], ["check", "--diff"]],
    ids=["prune", "check-diff"],
)
def test_a_second_run_shows_the_same_and_parses_fewer_files(
    project: Path, parses: list[str], arguments: list[str]
) -> None:
    config = ["--config", str(project / "pyproject.toml")]
    uncached = CliRunner().invoke(main, [*arguments, *config, "--no-cache"])
    assert uncached.exit_code == 1, uncached.output
    assert not list((project / ".compatlint_cache").glob("*importers.jsonl"))
    parses.clear()
    first = CliRunner().invoke(main, [*arguments, *config])
    cold = len(parses)
    parses.clear()
    second = CliRunner().invoke(main, [*arguments, *config])
    assert first.output == second.output == uncached.output
    assert first.exit_code == second.exit_code == 1
    assert list((project / ".compatlint_cache").glob("*importers.jsonl"))
    assert cold > 0 and len(parses) < cold
