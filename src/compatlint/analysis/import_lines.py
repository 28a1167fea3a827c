"""The cheap path to a handler's import facts: column-0 import lines, no parse.

A column-0 ``import`` / ``from ... import`` line is at module level and unconditional by
construction (it cannot be inside a function, a ``try`` or an ``if``). When a file has no
``try:`` line, cannot hold a version gate, and imports the upstream nowhere but at column
0, its facts are exactly those lines — and reading them costs a regex instead of a parse.
:func:`line_facts` returns None whenever that is not certain; the caller then parses.
"""

from __future__ import annotations

import re

from compatlint.analysis.imports import FileFacts, may_gate_on_version
from compatlint.model import ImportFact
from compatlint.names.modules import package_of, resolve_relative

_TRY_LINE = re.compile(r"^[ \t]*try[ \t]*:", re.MULTILINE)
_IMPORT_LINE = re.compile(
    r"^(?P<indent>[ \t]*)(?:from[ \t]+(?P<source>\.*[\w.]*)[ \t]+import[ \t]+(?P<names>[^#\n]*)"
    r"|import[ \t]+(?P<modules>[^#\n]*))",
    re.MULTILINE,
)
_AFTER_SEMICOLON = re.compile(r";[ \t]*(?:import|from)[ \t]")
_TRIPLE_QUOTE = re.compile(r"\"\"\"|'''")


def line_facts(
    path: str,
    text: str,
    *,
    module: str | None,
    is_package: bool,
    upstream_roots: frozenset[str],
    recorded_roots: frozenset[str],
    suppressed: dict[int, frozenset[str]],
) -> FileFacts | None:
    """The facts of ``text`` from its import lines, or None when a parse is needed."""
    if _TRY_LINE.search(text) or may_gate_on_version(text) or _AFTER_SEMICOLON.search(text):
        return None
    roots = upstream_roots | recorded_roots
    package = package_of(module, is_package)
    quotes = [m.start() for m in _TRIPLE_QUOTE.finditer(text)]
    imports: list[ImportFact] = []
    for match in _IMPORT_LINE.finditer(text):
        statement = match.group(0)
        if statement.rstrip().endswith("\\") or ";" in statement:
            return None
        modules = _modules(match, package, text)
        if modules is None:
            return None
        wanted = [(m, names) for m, names in modules if m.split(".")[0] in roots]
        if not wanted:
            continue
        if match.group("indent") or sum(1 for q in quotes if q < match.start()) % 2:
            return None  # indented (maybe conditional) or possibly inside a string: parse
        line = text.count("\n", 0, match.start()) + 1
        for module_name, names in wanted:
            imports.append(
                ImportFact(path=path, line=line, column=1, module=module_name, names=names)
            )
    return FileFacts(
        path=path,
        module=module,
        imports=tuple(imports),
        suppressed=tuple(sorted(suppressed.items())),
    )


def _modules(
    match: re.Match[str], package: str | None, text: str
) -> list[tuple[str, tuple[str, ...]]] | None:
    """(module, names) pairs of one import line; None when the line is not plain."""
    if match.group("modules") is not None:
        found = []
        for part in match.group("modules").split(","):
            words = part.split()
            if not words:
                return None
            found.append((words[0], (words[-1] if len(words) == 3 else words[0],)))
        return found
    source = match.group("source")
    level = len(source) - len(source.lstrip("."))
    resolved = resolve_relative(source[level:] or None, level, package) if level else source
    if not resolved:
        return []
    names_text = match.group("names").strip()
    if names_text.startswith("("):
        names_text = names_text[1:]
        if ")" not in names_text:  # a parenthesised list over several lines
            close = text.find(")", match.end())
            if close < 0:
                return None
            following = text[match.end() : close].splitlines()
            names_text += "," + ",".join(line.split("#")[0] for line in following)
        names_text = names_text.split(")")[0]
    names = tuple(part.split()[0] for part in names_text.split(",") if part.split())
    return [(resolved, names)]
