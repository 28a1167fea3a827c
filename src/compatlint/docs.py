"""Generate the rule documentation (README table, docs/rules.md) from the rules themselves.

Run ``python -m compatlint.docs`` to rewrite both; a test fails when they drift.
"""

from __future__ import annotations

import re
from pathlib import Path

import click

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


def write_docs(root: Path) -> None:
    """Rewrite the table in ``root/README.md`` and the whole of ``root/docs/rules.md``."""
    readme = root / "README.md"
    readme.write_text(with_table(readme.read_text(encoding="utf-8")), encoding="utf-8")
    (root / "docs" / "rules.md").write_text(rules_reference(), encoding="utf-8")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument(
    "root",
    required=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
def main(root: Path | None) -> None:
    """Regenerate the rules table in ROOT/README.md and ROOT/docs/rules.md from the rules.

    ROOT is the repository (default: the current directory).
    """
    root = root if root is not None else Path.cwd()
    for needed in (root / "README.md", root / "docs"):
        if not needed.exists():
            raise click.UsageError(f"{needed}: not found; ROOT must be the compatlint repository")
    write_docs(root)


if __name__ == "__main__":  # pragma: no cover
    main(prog_name="python -m compatlint.docs")
