"""GPU needs from script headers and the GPU count from ``nvidia-smi -L``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from walk_helpers import set_gpus

from compatlint.runner.config import WalkConfig
from compatlint.runner.gpus import count_gpu_lines, count_gpus, gpus_from_header
from compatlint.runner.walk import gpus_needed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#!/bin/bash\n# GPUs: 2\nset -e\n", 2),
        ("#!/bin/bash\n# gpus:4\n", 4),
        ("#!/bin/bash\n# GPU: 1\n", 1),
        ("#!/usr/bin/env bash\n# SPDX-License-Identifier: Apache-2.0\n\n# 8 GPUs\n", 8),
        ("# 1 GPU\n", 1),
        ("## 2GPUs (prefill + decode)\n", 2),
        ("#!/bin/bash\n# Aggregated serving on one node\nset -e\n", None),
        ("#!/bin/bash\nset -e\n# GPUs: 2\n", None),  # below the header: not read
        ("#!/bin/bash\n# runs on 8 GPUs or fewer\n", None),  # must start the comment
        ("", None),
    ],
)
def test_gpus_from_header(text: str, expected: int | None) -> None:
    assert gpus_from_header(text) == expected


def test_configured_gpus_win_over_the_header(tmp_path: Path) -> None:
    script = tmp_path / "disagg.sh"
    script.write_text("#!/bin/bash\n# GPUs: 2\n")
    plain = tmp_path / "plain.sh"
    plain.write_text("echo hi\n")
    assert gpus_needed(WalkConfig(), script) == 2
    assert gpus_needed(WalkConfig(gpus={"disagg": 0}), script) == 0
    assert gpus_needed(WalkConfig(), plain) is None
    assert gpus_needed(WalkConfig(), tmp_path / "missing.sh") is None


@given(st.integers(min_value=0, max_value=16))
def test_count_gpu_lines(count: int) -> None:
    output = "".join(
        f"GPU {i}: NVIDIA H100 (UUID: GPU-{i})\n  MIG 1g.10gb Device 0\n" for i in range(count)
    )
    assert count_gpu_lines(output) == count


@pytest.mark.integration
def test_count_gpus_uses_nvidia_smi(fake_bin: Path) -> None:
    assert count_gpus() == 1
    set_gpus(fake_bin, 4)
    assert count_gpus() == 4
    set_gpus(fake_bin, None)  # nvidia-smi fails: no GPUs
    assert count_gpus() == 0


@pytest.mark.integration
def test_count_gpus_without_nvidia_smi(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert count_gpus() == 0
    assert os.environ["PATH"] == str(tmp_path)
