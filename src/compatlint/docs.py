"""Generate the rule documentation (README table, docs/rules.md) from the rules themselves.

Run ``python -m compatlint.docs`` to rewrite both; a test fails when they drift.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from compatlint.catalog import documented_rules, runs_under_verify

TABLE_START = "<!-- rules-table:start -->"
TABLE_END = "<!-- rules-table:end -->"


def rules_table() -> str:
    """The Markdown table of all rules, as shown in the README."""
    lines = ["| code | name | fix | what it flags |", "| --- | --- | --- | --- |"]
    for rule in documented_rules():
        fix = "yes" if rule.fixable else ""
        where = " (`verify`)" if runs_under_verify(rule) else ""
        lines.append(f"| {rule.code} | `{rule.name}` | {fix} | {rule.summary}{where} |")
    return "\n".join(lines) + "\n"


def rules_reference() -> str:
    """Every rule's full documentation, one after the other."""
    parts = ["# Rules\n", "Generated from the rule modules by `python -m compatlint.docs`.\n"]
    parts += [
        rule.doc().replace("# ", "## ", 1).replace("\n## ", "\n### ") for rule in documented_rules()
    ]
    return "\n".join(parts)


def with_table(readme: str) -> str:
    """``readme`` with the text between the table markers replaced by the current table."""
    pattern = re.compile(re.escape(TABLE_START) + ".*?" + re.escape(TABLE_END), re.DOTALL)
    return pattern.sub(lambda _: f"{TABLE_START}\n{rules_table()}{TABLE_END}", readme)


def main(root: Path) -> int:
    readme = root / "README.md"
    readme.write_text(with_table(readme.read_text(encoding="utf-8")), encoding="utf-8")
    (root / "docs" / "rules.md").write_text(rules_reference(), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()))
