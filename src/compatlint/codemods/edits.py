"""What every planner does to finish its edits: texts in, whole-file ``Edit``s out."""

from __future__ import annotations

import difflib
from collections.abc import Mapping

from compatlint.model import Edit


def diff_edits(edits: Mapping[str, Edit]) -> str:
    """A ``git apply``-able diff of ``edits`` (path → edit; ``new_text=None`` deletes)."""
    chunks: list[str] = []
    for path, edit in sorted(edits.items()):
        old = edit.old_text.removeprefix("\ufeff").splitlines(keepends=True)
        new = (edit.new_text or "").removeprefix("\ufeff").splitlines(keepends=True)
        target = f"b/{path}" if edit.new_text is not None else "/dev/null"
        lines = list(difflib.unified_diff(old, new, f"a/{path}", target))
        for line in lines:
            if not line.endswith("\n"):
                line += "\n\\ No newline at end of file\n"
            chunks.append(line)
    return "".join(chunks)
