"""Where an added import line goes: isort sections, ruff's order, and the block it joins.

The codemods add ``from upstream.x import Name`` lines to files that ruff (or isort) keeps
sorted. This module knows just enough of ruff's isort to place such a line so that a block
ruff accepted before the edit is still accepted after it:

* **sections** — future, standard library, third party, first party, local folder — decided
  like ruff does: relative imports are local, ``known-*`` settings win, then
  ``sys.stdlib_module_names``, then the first-party roots (top-level modules under the
  project's ``src`` directories), else third party;
* **order** within a section — ``import x`` lines before ``from x import`` lines (unless
  ``force-sort-within-sections`` or ``from-first``), modules compared case-insensitively in
  natural order (``m2`` before ``m10``), members by type (``CONSTANTS``, ``Classes``,
  ``functions``) when ``order-by-type``;
* **layout** — one line when it fits ``line-length``, else one name per line in
  parentheses with a trailing comma; one blank line between sections, none inside one,
  and one above a comment that leads an import.

An :class:`ImportBlock` (a run of import lines of one libcst suite) takes new bindings: a
name already imported is left alone, one whose module the block imports joins that
statement, any other gets a line — in sorted position when :func:`block_sorted` says the
block looked like ruff's output, else at the end of its section; a missing section is
created in its place. Settings are read from TOML *text* (``[tool.ruff.lint.isort]``,
``[tool.ruff.isort]`` or ``[tool.isort]`` of pyproject.toml, or a ruff.toml): the caller
reads the file.
"""

from __future__ import annotations

import enum
import fnmatch
import functools
import itertools
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import libcst as cst
from libcst.helpers import get_full_name_for_node

from compatlint.codemods.blocks import blank_run, has_comment

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

_STDLIB = frozenset(sys.stdlib_module_names)
_EMPTY = cst.Module(body=[])
_BLANK = cst.EmptyLine(indent=False)
_ISORT_DIRECTIVE = re.compile(r"#\s*(?:isort|ruff:\s*isort)\s*:")
DEFAULT_SRC = (".", "src")


class Section(enum.IntEnum):
    """isort's default sections, in their default order."""

    FUTURE = 0
    STANDARD_LIBRARY = 1
    THIRD_PARTY = 2
    FIRST_PARTY = 3
    LOCAL_FOLDER = 4


@dataclass(frozen=True)
class IsortSettings:
    """The isort settings that decide where an import line goes and how it looks."""

    known_first_party: tuple[str, ...] = ()
    known_third_party: tuple[str, ...] = ()
    known_local_folder: tuple[str, ...] = ()
    extra_standard_library: tuple[str, ...] = ()
    first_party_roots: frozenset[str] = frozenset()
    force_sort_within_sections: bool = False
    order_by_type: bool = True
    case_sensitive: bool = False
    force_single_line: bool = False
    combine_as_imports: bool = False
    from_first: bool = False
    split_on_trailing_comma: bool = True
    line_length: int = 88
    src: tuple[str, ...] = DEFAULT_SRC
    source: str = "defaults"

    def with_first_party(self, roots: Iterable[str]) -> IsortSettings:
        """These settings with more first-party top-level modules."""
        return replace(self, first_party_roots=self.first_party_roots | frozenset(roots))

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "known_first_party": list(self.known_first_party),
            "known_third_party": list(self.known_third_party),
            "first_party_roots": sorted(self.first_party_roots),
            "line_length": self.line_length,
            "force_sort_within_sections": self.force_sort_within_sections,
            "force_single_line": self.force_single_line,
            "combine_as_imports": self.combine_as_imports,
        }


# -- reading settings -----------------------------------------------------------------------

_RUFF_KEYS = {
    "known-first-party": "known_first_party",
    "known-third-party": "known_third_party",
    "known-local-folder": "known_local_folder",
    "extra-standard-library": "extra_standard_library",
    "force-sort-within-sections": "force_sort_within_sections",
    "order-by-type": "order_by_type",
    "case-sensitive": "case_sensitive",
    "force-single-line": "force_single_line",
    "combine-as-imports": "combine_as_imports",
    "from-first": "from_first",
    "split-on-trailing-comma": "split_on_trailing_comma",
}
_ISORT_KEYS = {key.replace("-", "_"): name for key, name in _RUFF_KEYS.items()}
_ISORT_KEYS["line_length"] = "line_length"


def _table(data: Mapping[str, Any], *path: str) -> Mapping[str, Any] | None:
    current: Any = data
    for key in path:
        if not isinstance(current, Mapping) or key not in current:
            return None
        current = current[key]
    return current if isinstance(current, Mapping) else None


def _apply(values: dict[str, Any], table: Mapping[str, Any], keys: Mapping[str, str]) -> None:
    for key, name in keys.items():
        if key not in table:
            continue
        value = table[key]
        if name == "line_length":
            if isinstance(value, int) and not isinstance(value, bool) and value > 0:
                values[name] = value
        elif name.startswith(("known_", "extra_")):
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                values[name] = tuple(value)
        elif isinstance(value, bool):
            values[name] = value


def _from_ruff(values: dict[str, Any], ruff: Mapping[str, Any]) -> None:
    length = ruff.get("line-length")
    if isinstance(length, int) and not isinstance(length, bool) and length > 0:
        values["line_length"] = length
    src = ruff.get("src")
    if isinstance(src, list) and all(isinstance(s, str) for s in src):
        values["src"] = tuple(src)
    isort = _table(ruff, "lint", "isort") or _table(ruff, "isort")
    if isort is not None:
        _apply(values, isort, _RUFF_KEYS)


def settings_from_toml(text: str, *, ruff_toml: bool = False, source: str = "") -> IsortSettings:
    """The isort settings in a pyproject.toml (or, with ``ruff_toml``, a ruff.toml) text.

    Ruff's tables win over ``[tool.isort]``; a text that does not parse, or has neither,
    gives the defaults (which are ruff's).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return IsortSettings()
    values: dict[str, Any] = {}
    if ruff_toml:
        _from_ruff(values, data)
        found = True
    else:
        ruff = _table(data, "tool", "ruff")
        isort = _table(data, "tool", "isort")
        found = ruff is not None or isort is not None
        if ruff is not None:
            _from_ruff(values, ruff)
        elif isort is not None:
            _apply(values, isort, _ISORT_KEYS)
            if isort.get("profile") == "black" and "line_length" not in isort:
                values["line_length"] = 88
    if found and source:
        values["source"] = source
    return IsortSettings(**values)


# -- sections -------------------------------------------------------------------------------


def _matches(module: str, patterns: Sequence[str]) -> bool:
    if not patterns:
        return False
    parts = module.split(".")
    prefixes = [".".join(parts[: index + 1]) for index in range(len(parts))]
    return any(fnmatch.fnmatchcase(prefix, pattern) for pattern in patterns for prefix in prefixes)


def classify(module: str, level: int, settings: IsortSettings) -> Section:
    """The section of ``from <level dots><module> import`` / ``import <module>``."""
    if level > 0:
        return Section.LOCAL_FOLDER
    base = module.split(".")[0]
    if base == "__future__":
        return Section.FUTURE
    if _matches(module, settings.known_first_party):
        return Section.FIRST_PARTY
    if _matches(module, settings.known_third_party):
        return Section.THIRD_PARTY
    if _matches(module, settings.known_local_folder):
        return Section.LOCAL_FOLDER
    if base in _STDLIB or _matches(module, settings.extra_standard_library):
        return Section.STANDARD_LIBRARY
    if base in settings.first_party_roots:
        return Section.FIRST_PARTY
    return Section.THIRD_PARTY


# -- order ----------------------------------------------------------------------------------


def _digits(text: str, start: int) -> int:
    end = start
    while end < len(text) and text[end].isdigit():
        end += 1
    return end


def natord_compare(left: str, right: str) -> int:
    """Natural order as ruff's ``natord`` crate has it (``m2`` < ``m10``): -1, 0 or 1."""
    i = j = 0
    while True:
        while i < len(left) and left[i].isspace():
            i += 1
        while j < len(right) and right[j].isspace():
            j += 1
        if i >= len(left) or j >= len(right):
            return (i < len(left)) - (j < len(right))
        a, b = left[i], right[j]
        if a.isdigit() and b.isdigit():
            end_a, end_b = _digits(left, i), _digits(right, j)
            run_a, run_b = left[i:end_a], right[j:end_b]
            if a == "0" or b == "0":
                # Fractional comparison: digit by digit, the shorter run first.
                for x, y in zip(run_a, run_b, strict=False):
                    if x != y:
                        return -1 if x < y else 1
                if len(run_a) != len(run_b):
                    return -1 if len(run_a) < len(run_b) else 1
            else:
                if len(run_a) != len(run_b):
                    return -1 if len(run_a) < len(run_b) else 1
                if run_a != run_b:
                    return -1 if run_a < run_b else 1
            i, j = end_a, end_b
            continue
        if a != b:
            return -1 if a < b else 1
        i += 1
        j += 1


@functools.total_ordering
class Nat:
    """A string that sorts in natural order."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Nat) and natord_compare(self.text, other.text) == 0

    def __lt__(self, other: Nat) -> bool:
        return natord_compare(self.text, other.text) < 0

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"Nat({self.text!r})"


def _option(value: Any | None) -> tuple[Any, ...]:
    """``Option`` ordering: absent first."""
    return (0,) if value is None else (1, value)


def member_type(name: str) -> int:
    """0 constant, 1 class, 2 variable — ruff's ``order-by-type`` groups."""
    if len(name) > 1 and name.isupper():
        return 0
    if name[:1].isupper():
        return 1
    return 2


def member_key(name: str, asname: str | None, settings: IsortSettings) -> tuple[Any, ...]:
    """How ruff orders the names of one ``from`` import."""
    return (
        member_type(name) if settings.order_by_type else 0,
        0 if settings.case_sensitive else Nat(name.lower()),
        Nat(name),
        _option(Nat(asname) if asname is not None else None),
    )


@dataclass(frozen=True)
class ImportInfo:
    """One import statement, as isort sees it."""

    style: str  # "import" or "from"
    module: str  # the dotted module ("" for ``from . import x``)
    level: int = 0
    aliases: tuple[tuple[str, str | None], ...] = ()
    star: bool = False

    @property
    def plain(self) -> bool:
        """A ``from`` import with no ``as`` names (ruff merges these per module)."""
        return not any(asname is not None for _, asname in self.aliases)

    def section(self, settings: IsortSettings) -> Section:
        return classify(self.module, self.level, settings)


def statement_key(info: ImportInfo, settings: IsortSettings) -> tuple[Any, ...]:
    """How ruff orders import statements within one section."""
    if info.style == "import":
        name, asname = info.aliases[0] if info.aliases else (info.module, None)
        module = name
        first: tuple[Any, ...] = _option(None)
        own_as = _option(Nat(asname) if asname is not None else None)
    else:
        module = info.module
        ordered = sorted(info.aliases, key=lambda a: member_key(a[0], a[1], settings))
        if info.star:
            first = _option(None)
        else:
            first = _option(member_key(*ordered[0], settings) if ordered else None)
        own_as = _option(None)
    module_part = (
        -info.level,  # relative imports: furthest first
        _option(None if not module else (0 if settings.case_sensitive else Nat(module.lower()))),
        _option(Nat(module) if module else None),
    )
    straight_first = 0 if info.style == "import" else 1
    if settings.force_sort_within_sections:
        return (*module_part, straight_first, first, own_as)
    group = 1 - straight_first if settings.from_first else straight_first
    return (group, *module_part, first, own_as)


def sort_key(info: ImportInfo, settings: IsortSettings) -> tuple[Any, ...]:
    """Section first, then :func:`statement_key`."""
    return (int(info.section(settings)), *statement_key(info, settings))


def names_sorted(aliases: Sequence[tuple[str, str | None]], settings: IsortSettings) -> bool:
    keys = [member_key(name, asname, settings) for name, asname in aliases]
    return all(a < b for a, b in itertools.pairwise(keys))


# -- layout ---------------------------------------------------------------------------------


def _alias_text(name: str, asname: str | None) -> str:
    return name if asname is None else f"{name} as {asname}"


def render_from(
    module: str,
    aliases: Sequence[tuple[str, str | None]],
    settings: IsortSettings,
    *,
    level: int = 0,
    indent_width: int = 0,
    indent_unit: str = "    ",
    newline: str = "\n",
    wrap: bool = False,
) -> str:
    """``from module import a, b`` as ruff writes it (no trailing newline), wrapped in
    parentheses, one name per line, when it does not fit ``line-length`` at this indent
    (or when ``wrap``: a "magic" trailing comma keeps a wrapped import wrapped)."""
    head = f"from {'.' * level}{module} import "
    names = [_alias_text(name, asname) for name, asname in aliases]
    line = head + ", ".join(names)
    if not wrap and indent_width + len(line) <= settings.line_length:
        return line
    body = "".join(f"{indent_unit}{name},{newline}" for name in names)
    return f"{head}({newline}{body})"


# -- import blocks in a concrete tree ------------------------------------------------------


def import_info(line: cst.BaseStatement) -> ImportInfo | None:
    """The isort view of a line holding exactly one import statement."""
    if not isinstance(line, cst.SimpleStatementLine) or len(line.body) != 1:
        return None
    node = line.body[0]
    if isinstance(node, cst.Import):
        aliases = tuple(
            (get_full_name_for_node(a.name) or "", a.evaluated_alias if a.asname else None)
            for a in node.names
        )
        return ImportInfo("import", aliases[0][0], 0, aliases)
    if isinstance(node, cst.ImportFrom):
        module = get_full_name_for_node(node.module) if node.module is not None else ""
        if isinstance(node.names, cst.ImportStar):
            return ImportInfo("from", module or "", len(node.relative), (), star=True)
        aliases = tuple(
            (get_full_name_for_node(a.name) or "", a.evaluated_alias if a.asname else None)
            for a in node.names
        )
        return ImportInfo("from", module or "", len(node.relative), aliases)
    return None


def _is_import_line(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
    )


def import_blocks(statements: Sequence[cst.BaseStatement]) -> list[tuple[int, int]]:
    """The runs ``[start, end)`` of consecutive import lines in a statement list."""
    blocks: list[tuple[int, int]] = []
    start: int | None = None
    for index, statement in enumerate(statements):
        if _is_import_line(statement):
            if start is None:
                start = index
        elif start is not None:
            blocks.append((start, index))
            start = None
    if start is not None:
        blocks.append((start, len(statements)))
    return blocks


def _has_inner_comment(node: cst.CSTNode) -> bool:
    found = False

    class _Find(cst.CSTVisitor):
        def visit_Comment(self, node: cst.Comment) -> None:
            nonlocal found
            found = True

    node.visit(_Find())
    return found


@dataclass
class Layout:
    """How import lines look in one block: the settings, the block's indentation width,
    the file's indent unit and newline, and the parser config to build nodes with."""

    settings: IsortSettings
    indent_width: int
    indent_unit: str
    newline: str
    config: Any

    def canonical(self, info: ImportInfo, *, wrap: bool = False) -> str:
        """The statement as ruff writes it here (no trailing newline)."""
        if info.style == "import":
            name, asname = info.aliases[0]
            return f"import {name}" + (f" as {asname}" if asname else "")
        return render_from(
            info.module,
            info.aliases,
            self.settings,
            level=info.level,
            indent_width=self.indent_width,
            indent_unit=self.indent_unit,
            newline=self.newline,
            wrap=wrap,
        )

    def statement(
        self, module: str, aliases: Sequence[tuple[str, str | None]], *, wrap: bool = False
    ) -> cst.SimpleStatementLine:
        """A new ``from module import ...`` line, as ruff writes it here."""
        info = ImportInfo("from", module, 0, tuple(aliases))
        text = self.canonical(info, wrap=wrap) + self.newline
        parsed = cst.parse_statement(text, config=self.config)
        assert isinstance(parsed, cst.SimpleStatementLine)
        return parsed


def _with_lead(
    statement: cst.SimpleStatementLine, blanks: Sequence[cst.EmptyLine], *, top: bool = False
) -> cst.SimpleStatementLine:
    """``statement`` with ``blanks`` above its own comment lines (at least one blank above a
    comment inside a block, as ruff has it)."""
    own = statement.leading_lines
    comments = list(own[blank_run(own) :])
    if comments and not blanks and not top:
        blanks = [_BLANK]
    return statement.with_changes(leading_lines=[*blanks, *comments])


def _magic_comma(node: cst.CSTNode, settings: IsortSettings) -> bool:
    """A parenthesized ``from`` import whose last name has a trailing comma stays wrapped."""
    if not settings.split_on_trailing_comma or not isinstance(node, cst.ImportFrom):
        return False
    names = node.names
    if node.lpar is None or isinstance(names, cst.ImportStar) or not names:
        return False
    return isinstance(names[-1].comma, cst.Comma)


def block_sorted(statements: Sequence[cst.BaseStatement], layout: Layout) -> bool:
    """Whether an import block looks as ruff's isort leaves it (order, blank lines, layout)."""
    settings = layout.settings
    previous: tuple[Any, ...] | None = None
    previous_section: Section | None = None
    plain_per_module: set[tuple[str, int]] = set()
    for position, statement in enumerate(statements):
        info = import_info(statement)
        if info is None:
            return False
        assert isinstance(statement, cst.SimpleStatementLine)
        if any(
            line.comment is not None and _ISORT_DIRECTIVE.match(line.comment.value)
            for line in statement.leading_lines
        ):
            return False
        node = statement.body[0]
        if info.style == "import" and len(info.aliases) != 1:
            return False
        if info.style == "from" and not info.star:
            if len(info.aliases) > 1 and not names_sorted(info.aliases, settings):
                return False
            if settings.force_single_line and len(info.aliases) > 1:
                return False
            if not settings.combine_as_imports and len(info.aliases) > 1 and not info.plain:
                return False
            mergeable = info.plain or settings.combine_as_imports
            if mergeable and not settings.force_single_line:
                module_key = (info.module, info.level)
                if module_key in plain_per_module:
                    return False
                plain_per_module.add(module_key)
        trailing = statement.trailing_whitespace
        comment = trailing.comment is not None or _has_inner_comment(node)
        if trailing.comment is not None and _ISORT_DIRECTIVE.search(trailing.comment.value):
            return False
        if not comment and not info.star:
            wrap = _magic_comma(node, settings)
            if _EMPTY.code_for_node(node) != layout.canonical(info, wrap=wrap):
                return False
            if (
                trailing.whitespace.value
                or statement.body[0].semicolon != cst.MaybeSentinel.DEFAULT
            ):
                return False
        key = sort_key(info, settings)
        section = info.section(settings)
        if position:
            assert previous is not None
            if not previous < key:
                return False
            leading = statement.leading_lines
            blanks = blank_run(leading)
            rest = leading[blanks:]
            if any(line.comment is None for line in rest):
                return False
            expected = 1 if (section != previous_section or rest) else 0
            if blanks != expected:
                return False
        previous, previous_section = key, section
    return True


def _insert_alias(node: cst.ImportFrom, index: int, alias: cst.ImportAlias) -> cst.ImportFrom:
    """``node`` with ``alias`` at ``index`` of its names, in the layout around it."""
    assert not isinstance(node.names, cst.ImportStar)
    items = list(node.names)
    single = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))

    def gap_before(i: int) -> Any:
        if i == 0:
            return node.lpar.whitespace_after if node.lpar is not None else None
        comma = items[i - 1].comma
        return comma.whitespace_after if isinstance(comma, cst.Comma) else None

    lpar, rpar = node.lpar, node.rpar
    if index < len(items):
        gap = gap_before(index)
        if isinstance(gap, cst.ParenthesizedWhitespace):
            kept = gap.with_changes(empty_lines=[])
            after = cst.ParenthesizedWhitespace(
                first_line=cst.TrailingWhitespace(),
                empty_lines=gap.empty_lines,
                indent=gap.indent,
                last_line=gap.last_line,
            )
            if index == 0:
                assert lpar is not None
                lpar = lpar.with_changes(whitespace_after=kept)
            else:
                previous = items[index - 1]
                items[index - 1] = previous.with_changes(
                    comma=previous.comma.with_changes(whitespace_after=kept)  # type: ignore[union-attr]
                )
            new = alias.with_changes(comma=cst.Comma(whitespace_after=after))
        else:
            new = alias.with_changes(comma=single)
        items.insert(index, new)
        return node.with_changes(names=items, lpar=lpar, rpar=rpar)
    last = items[-1]
    has_comma = isinstance(last.comma, cst.Comma)
    if has_comma:
        tail = last.comma.whitespace_after  # type: ignore[union-attr]
    else:
        tail = rpar.whitespace_before if rpar is not None else None
    if isinstance(tail, cst.ParenthesizedWhitespace) and rpar is not None:
        previous_gap = gap_before(len(items) - 1)
        indent = (
            previous_gap.last_line
            if isinstance(previous_gap, cst.ParenthesizedWhitespace)
            else cst.SimpleWhitespace("    ")
        )
        between = cst.ParenthesizedWhitespace(
            first_line=tail.first_line, empty_lines=[], indent=True, last_line=indent
        )
        closing = cst.ParenthesizedWhitespace(
            first_line=cst.TrailingWhitespace(),
            empty_lines=tail.empty_lines,
            indent=tail.indent,
            last_line=tail.last_line,
        )
        base = last.comma if has_comma else cst.Comma()
        items[-1] = last.with_changes(comma=base.with_changes(whitespace_after=between))  # type: ignore[union-attr]
        if has_comma:
            items.append(alias.with_changes(comma=cst.Comma(whitespace_after=closing)))
        else:
            items.append(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT))
            rpar = rpar.with_changes(whitespace_before=closing)
        return node.with_changes(names=items, rpar=rpar)
    if has_comma:
        items[-1] = last.with_changes(comma=single)
        items.append(alias.with_changes(comma=last.comma))
    else:
        items[-1] = last.with_changes(comma=single)
        items.append(alias.with_changes(comma=cst.MaybeSentinel.DEFAULT))
    return node.with_changes(names=items)


def _alias_node(name: str, asname: str | None) -> cst.ImportAlias:
    return cst.ImportAlias(
        name=cst.Name(name),
        asname=cst.AsName(name=cst.Name(asname)) if asname is not None else None,
    )


@dataclass
class ImportBlock:
    """The statements of one import block while names are added to it.

    ``sorted_mode``: the block looked like ruff's output before the edit, so new lines go
    in sorted position and a statement whose order changed moves; otherwise new lines go
    at the end of their section and nothing moves.
    """

    statements: list[cst.BaseStatement]
    layout: Layout
    sorted_mode: bool

    def info(self, index: int) -> ImportInfo | None:
        return import_info(self.statements[index])

    def section(self, index: int) -> Section | None:
        info = self.info(index)
        return info.section(self.layout.settings) if info is not None else None

    def key(self, index: int) -> tuple[Any, ...] | None:
        info = self.info(index)
        return sort_key(info, self.layout.settings) if info is not None else None

    # merging ------------------------------------------------------------------------------

    def already(self, module: str, alias: tuple[str, str | None]) -> bool:
        for index in range(len(self.statements)):
            info = self.info(index)
            if (
                info
                and info.style == "from"
                and info.level == 0
                and info.module == module
                and alias in info.aliases
            ):
                return True
        return False

    def merge_target(self, module: str, alias: tuple[str, str | None]) -> int | None:
        settings = self.layout.settings
        if settings.force_single_line:
            return None
        aliased = alias[1] is not None
        if aliased and not settings.combine_as_imports:
            return None
        for index in range(len(self.statements)):
            info = self.info(index)
            if info is None or info.style != "from" or info.star:
                continue
            if info.level or info.module != module:
                continue
            if not settings.combine_as_imports and not info.plain:
                continue
            return index
        return None

    def merge(self, index: int, aliases: Sequence[tuple[str, str | None]]) -> None:
        settings = self.layout.settings
        line = self.statements[index]
        assert isinstance(line, cst.SimpleStatementLine)
        node = line.body[0]
        assert isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar)
        info = self.info(index)
        assert info is not None
        ordered = len(info.aliases) < 2 or names_sorted(info.aliases, settings)
        comments = line.trailing_whitespace.comment is not None or _has_inner_comment(node)
        if self.sorted_mode and not comments:
            merged = sorted(
                [*info.aliases, *aliases], key=lambda a: member_key(a[0], a[1], settings)
            )
            wrap = _magic_comma(node, settings)
            fresh = self.layout.statement(info.module, merged, wrap=wrap)
            self.statements[index] = line.with_changes(body=fresh.body)
        else:
            for alias in aliases:
                names = [
                    (get_full_name_for_node(a.name) or "", a.evaluated_alias if a.asname else None)
                    for a in node.names  # type: ignore[union-attr]
                ]
                position = len(names)
                if ordered:
                    new_key = member_key(alias[0], alias[1], settings)
                    position = next(
                        (
                            i
                            for i, (n, a) in enumerate(names)
                            if member_key(n, a, settings) > new_key
                        ),
                        len(names),
                    )
                node = _insert_alias(node, position, _alias_node(*alias))
            self.statements[index] = line.with_changes(body=[node])
        if self.sorted_mode and not self._in_order(index):
            self._move(index)

    def _in_order(self, index: int) -> bool:
        key = self.key(index)
        before = self.key(index - 1) if index > 0 else None
        after = self.key(index + 1) if index + 1 < len(self.statements) else None
        return (before is None or before < key) and (after is None or key < after)  # type: ignore[operator]

    def _close_gap(self, index: int, moved: cst.BaseStatement) -> None:
        """The blank lines above a statement moved away go to the one that follows it."""
        if index < len(self.statements):
            follower = self.statements[index]
            own = follower.leading_lines
            carried = moved.leading_lines
            if index == 0 or blank_run(carried) > blank_run(own):
                self.statements[index] = follower.with_changes(
                    leading_lines=[*carried[: blank_run(carried)], *own[blank_run(own) :]]
                )

    def settle(self, indices: Iterable[int]) -> None:
        """Move the statements at ``indices`` (which lost names, and so maybe their place
        in ruff's order) to where a sorted block has them."""
        if not self.sorted_mode:
            return
        for index in sorted(indices, reverse=True):
            if index < len(self.statements) and not self._in_order(index):
                self._move(index)

    def _move(self, index: int) -> None:
        moved = self.statements.pop(index)
        self._close_gap(index, moved)
        assert isinstance(moved, cst.SimpleStatementLine)
        self.insert(moved)

    # inserting ----------------------------------------------------------------------------

    def insert(self, new: cst.SimpleStatementLine) -> None:
        info = import_info(new)
        assert info is not None
        settings = self.layout.settings
        section = info.section(settings)
        key = sort_key(info, settings)
        same = [i for i in range(len(self.statements)) if self.section(i) == section]
        if same:
            if self.sorted_mode:
                later = [i for i in same if self.key(i) > key]  # type: ignore[operator]
                if later:
                    self._before(later[0], new, first=later[0] == same[0])
                    return
            self._after(same[-1], new, new_section=False)
            return
        lower = [
            i
            for i in range(len(self.statements))
            if (s := self.section(i)) is not None and s < section
        ]
        if lower:
            self._after(lower[-1], new, new_section=True)
        else:
            self._top(new)

    def _before(self, index: int, new: cst.SimpleStatementLine, *, first: bool) -> None:
        follower = self.statements[index]
        if first:
            own = list(follower.leading_lines)
            blanks = blank_run(own)
            rest = own[blanks:]
            new = _with_lead(new, own[:blanks], top=index == 0)
            lead = [_BLANK] if has_comment(rest) else []
            self.statements[index] = follower.with_changes(leading_lines=[*lead, *rest])
        else:
            new = _with_lead(new, [])
        self.statements.insert(index, new)

    def _after(self, index: int, new: cst.SimpleStatementLine, *, new_section: bool) -> None:
        new = _with_lead(new, [_BLANK] if new_section else [])
        self.statements.insert(index + 1, new)

    def _top(self, new: cst.SimpleStatementLine) -> None:
        if not self.statements:
            self.statements.append(new)
            return
        first = self.statements[0]
        own = list(first.leading_lines)
        blanks = blank_run(own)
        new = _with_lead(new, own[:blanks], top=True)
        self.statements[0] = first.with_changes(leading_lines=[_BLANK, *own[blanks:]])
        self.statements.insert(0, new)

    # adding names -------------------------------------------------------------------------

    def add(self, names: Sequence[tuple[str, tuple[str, str | None]]]) -> list[str]:
        """Bind each ``(module, (name, asname))`` here: nothing if this block already
        imports it, else merged into an import of the module, else a new line. Returns
        ``"merged"`` / ``"added"`` per statement touched."""
        settings = self.layout.settings
        wanted: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
        for module, alias in names:
            if alias not in wanted[module]:
                wanted[module].append(alias)
        actions: list[str] = []
        for module in sorted(wanted, key=lambda m: sort_key(ImportInfo("from", m), settings)):
            aliases = [a for a in wanted[module] if not self.already(module, a)]
            aliases.sort(key=lambda a: member_key(a[0], a[1], settings))
            merged: list[tuple[str, str | None]] = []
            fresh: list[tuple[str, str | None]] = []
            for alias in aliases:
                target = self.merge_target(module, alias)
                (fresh if target is None else merged).append(alias)
            if merged:
                index = self.merge_target(module, merged[0])
                assert index is not None
                self.merge(index, merged)
                actions.append("merged")
            for group in self._groups(fresh):
                self.insert(self.layout.statement(module, group))
                actions.append("added")
        return actions

    def _groups(
        self, aliases: Sequence[tuple[str, str | None]]
    ) -> list[list[tuple[str, str | None]]]:
        settings = self.layout.settings
        if not aliases:
            return []
        if settings.force_single_line:
            return [[alias] for alias in aliases]
        if settings.combine_as_imports:
            return [list(aliases)]
        plain = [alias for alias in aliases if alias[1] is None]
        groups = [plain] if plain else []
        groups += [[alias] for alias in aliases if alias[1] is not None]
        return groups
