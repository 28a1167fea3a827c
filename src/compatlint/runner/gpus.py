"""How many GPUs a launch script needs (from its header) and how many this machine has."""

from __future__ import annotations

import re
import subprocess

HEADER_LINES = 50
NVIDIA_SMI_TIMEOUT = 15.0

_NEEDS = (
    re.compile(r"^GPUs?\s*:\s*(\d+)\b", re.IGNORECASE),  # "# GPUs: 2"
    re.compile(r"^(\d+)\s*GPUs?\b", re.IGNORECASE),  # "# 2 GPUs" / "# 1 GPU"
)


def gpus_from_header(text: str) -> int | None:
    """The GPUs a script's header comment says it needs, or None when it does not say.

    The header is the leading run of comment and blank lines (the shebang included), at most
    :data:`HEADER_LINES` lines. A comment line counts when, after ``#``, it starts with
    ``GPUs: N`` or ``N GPU``/``N GPUs``.
    """
    for line in text.splitlines()[:HEADER_LINES]:
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        comment = stripped.lstrip("#").strip()
        for pattern in _NEEDS:
            found = pattern.match(comment)
            if found:
                return int(found.group(1))
    return None


def count_gpu_lines(output: str) -> int:
    """The number of ``GPU N: ...`` lines in ``nvidia-smi -L`` output."""
    return sum(1 for line in output.splitlines() if line.startswith("GPU "))


def count_gpus() -> int:
    """GPUs on this machine per ``nvidia-smi -L``; 0 when it is missing, fails or hangs."""
    try:
        done = subprocess.run(
            ["nvidia-smi", "-L"],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=NVIDIA_SMI_TIMEOUT,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return 0
    if done.returncode != 0:
        return 0
    return count_gpu_lines(done.stdout)
