"""Prune decides the same whatever the run: no edit may hang on a reused ``id()``.

The constant folder once kept the ``id()`` of folded constants it had let go; a later,
unrelated node created at the same address then read as a folded ``True``, and
``if flag == 2: return "two"`` became ``return "two"`` in some runs only. Which runs
depended on memory addresses, so the reproducer prunes under many hash seeds in fresh
interpreters and demands one answer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from helpers import BASE_TABLE
from prune_helpers import SHIM, pruned

SEEDS = range(20)

_HEADER = '''\
"""Compat shim for sglang."""

try:
    from sglang.srt.fast import FastPath
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    FastPath = None
'''

_FUNCTIONS = """

def use{n}(x):
    if not (FastPath is None) or x:
        return "some"
    y = "none" if FastPath is None else x
    if FastPath is None:
        return y
    return "fast"


def classify{n}(flag):
    if flag == 2:
        return "two"
    return "other"
"""

_PRUNED = """

def use{n}(x):
    return "some"


def classify{n}(flag):
    if flag == 2:
        return "two"
    return "other"
"""

_DRIVER = """
import json, sys
from pathlib import Path
from compatlint.config import parse_config
from compatlint.codemods.prune import plan_prune

table, shim, text = json.loads(sys.stdin.read())
root = Path("/project")
config = parse_config(table, root=root, config_path=root / "pyproject.toml")
plan = plan_prune(config, {shim: text}, config.floors)
removed = [site.action for site in plan.removed]
follow_ups = [item.reason for item in plan.follow_ups]
print(json.dumps([plan.new_text(shim, text), removed, follow_ups]))
"""


def _shim(functions: int) -> str:
    return _HEADER + "".join(_FUNCTIONS.format(n=n) for n in range(functions))


def _prune_in_fresh_interpreter(seed: int, text: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    payload = json.dumps([BASE_TABLE, SHIM, text])
    done = subprocess.run(
        [sys.executable, "-c", _DRIVER],
        input=payload,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _expected(functions: int) -> str:
    """The sentinel's tests folded, its import gone with its last use, every ``classify``
    as it was."""
    return '"""Compat shim for sglang."""\n' + "".join(
        _PRUNED.format(n=n) for n in range(functions)
    )


def test_prune_output_is_the_same_under_every_hash_seed() -> None:
    text = _shim(8)
    with ThreadPoolExecutor(max_workers=2) as pool:
        outputs = list(pool.map(lambda seed: _prune_in_fresh_interpreter(seed, text), SEEDS))
    assert len(set(outputs)) == 1, "prune's output depends on the run"
    new_text, removed, follow_ups = json.loads(outputs[0])
    assert new_text == _expected(8)
    assert removed == [
        "except branch removed, try unwrapped",
        "removed with its except branch; tests of FastPath against None folded",
    ]
    assert follow_ups == []


def test_unrelated_ifs_are_untouched_by_sentinel_folding() -> None:
    for _ in range(5):
        assert pruned(_shim(8)) == _expected(8)
