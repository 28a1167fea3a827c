"""The CL3xx rule reference in ``docs/verify.md``, generated from the rules themselves.

Run ``python -m compatlint.verify.docs`` to rewrite the part of ``docs/verify.md``
between the markers; a test fails when it drifts.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from compatlint.verify.rules import VERIFY_RULES

START = "<!-- verify-rules:start -->"
END = "<!-- verify-rules:end -->"


def rules_reference() -> str:
    """Every CL3xx rule's documentation, one after the other, one heading level down."""
    parts = [
        rule.doc().replace("# ", "### ", 1).replace("\n## ", "\n#### ") for rule in VERIFY_RULES
    ]
    return "\n".join(parts)


def with_reference(text: str) -> str:
    """``text`` with the part between the markers replaced by the current reference."""
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.DOTALL)
    return pattern.sub(lambda _: f"{START}\n{rules_reference()}{END}", text)


def main(root: Path) -> int:
    path = root / "docs" / "verify.md"
    path.write_text(with_reference(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()))
