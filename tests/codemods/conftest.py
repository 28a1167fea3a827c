"""Fixtures for the codemod tests."""

from __future__ import annotations

from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sglang-backend"


@pytest.fixture
def example_root() -> Path:
    return EXAMPLE
