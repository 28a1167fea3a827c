"""The libcst rewrite of one importer: shim names out, upstream imports in, ``m.X`` → ``X``.

Each added ``from upstream import X`` line takes the place of the shim import it replaces,
or follows it when that import keeps other names; sorting is the sorter's business.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import MetadataWrapper, PositionProvider

from compatlint.codemods.blocks import StatementStream, comments_only_tail
from compatlint.codemods.inline.exports import without_exports
from compatlint.codemods.inline.plain import NewName
from compatlint.codemods.sequences import remove_aliases
from compatlint.codemods.sorting import Anchor, BlockEdit

__all__ = ["FilePlan", "NewName", "rewrite_importer"]


@dataclass
class FilePlan:
    """What to change in one importer: aliases to drop (per statement, by index), attributes
    to turn into bare names, lines to add after an import line, ``__all__`` entries to drop."""

    remove_aliases: dict[cst.CSTNode, set[int]] = field(default_factory=lambda: defaultdict(set))
    attributes: dict[cst.CSTNode, str] = field(default_factory=dict)
    additions: dict[cst.CSTNode, list[NewName]] = field(default_factory=lambda: defaultdict(list))
    all_entries: set[str] = field(default_factory=set)

    def touches(self, statement: cst.BaseStatement) -> bool:
        if statement in self.additions:
            return True
        if isinstance(statement, cst.SimpleStatementLine):
            return any(small in self.remove_aliases for small in statement.body)
        return False

    def __bool__(self) -> bool:
        return bool(self.remove_aliases or self.attributes or self.additions)


def rewrite_importer(
    path: str,
    text: str,
    module: cst.Module,
    line_of: Callable[[cst.CSTNode], int],
    plan: FilePlan,
) -> BlockEdit:
    """The importer with ``plan`` applied, and where its import blocks changed.

    An edit of module-level import lines only is applied to the module's statement list,
    without visiting (and rebuilding) every node of a big file."""
    rewriter = _ImporterRewriter(plan, module, line_of)
    module_level = _module_level_only(module, plan)
    new = rewriter.leave_Module(module, module) if module_level else module.visit(rewriter)
    touched = [node for _, node in rewriter.touched]
    after = module_level_lines(new, touched)
    if after is None:
        positions = MetadataWrapper(new, unsafe_skip_copy=True).resolve(PositionProvider)
        after = {node: where.start.line for node, where in positions.items()}
    anchors = tuple(Anchor(line, after[node]) for line, node in rewriter.touched if node in after)
    code = _spliced_code(module, text, new) if module_level else None
    return BlockEdit(path, text, new.code if code is None else code, anchors)


def _spliced_code(original: cst.Module, text: str, new: cst.Module) -> str | None:
    """``new.code`` when ``new`` shares a tail of statements (and the footer) with
    ``original``: the new head is generated, the tail copied from ``text`` — a big file's
    body is not generated again for an edit of its imports. None: not that shape."""
    head, tail = len(new.body), len(original.body)
    while head and tail and new.body[head - 1] is original.body[tail - 1]:
        head, tail = head - 1, tail - 1
    same_ends = _same(new.header, original.header) and _same(new.footer, original.footer)
    if "\r" in text or not same_ends or not head or not tail or head == len(new.body):
        return None
    new_head = new.with_changes(body=new.body[:head], footer=(), has_trailing_newline=True)
    old_head = original.with_changes(
        body=original.body[:tail], footer=(), has_trailing_newline=True
    ).code
    if not text.startswith(old_head):
        return None
    return new_head.code + text[len(old_head) :]


def _same(first: Sequence[cst.CSTNode], second: Sequence[cst.CSTNode]) -> bool:
    return len(first) == len(second) and all(a is b for a, b in zip(first, second, strict=True))


def _module_level_only(module: cst.Module, plan: FilePlan) -> bool:
    """Whether ``plan`` edits nothing but import lines of the module's own body."""
    if plan.attributes or plan.all_entries:
        return False
    top = set(module.body)
    smalls = {
        small
        for line in module.body
        if isinstance(line, cst.SimpleStatementLine)
        for small in line.body
    }
    return all(node in smalls for node in plan.remove_aliases) and all(
        node in top for node in plan.additions
    )


def module_level_lines(
    module: cst.Module, nodes: Sequence[cst.CSTNode]
) -> dict[cst.CSTNode, int] | None:
    """The first line of each of ``nodes`` — simple statement lines of ``module.body`` — as
    libcst's ``PositionProvider`` gives it, from the code of the statements before it
    (None: a node is not one; a decorated definition, say, starts at its ``def``)."""
    indices = {id(statement): index for index, statement in enumerate(module.body)}
    if not all(id(n) in indices and isinstance(n, cst.SimpleStatementLine) for n in nodes):
        return None
    wanted = {indices[id(node)] for node in nodes}
    lines: dict[cst.CSTNode, int] = {}
    line = len(module.header) + 1
    for index, statement in enumerate(module.body[: max(wanted, default=-1) + 1]):
        if index in wanted:
            lines[statement] = line + len(statement.leading_lines)
        line += module.code_for_node(statement).count("\n")
    return lines


class _ImporterRewriter(cst.CSTTransformer):
    """Applies a :class:`FilePlan`."""

    def __init__(
        self, plan: FilePlan, module: cst.Module, line_of: Callable[[cst.CSTNode], int]
    ) -> None:
        super().__init__()
        self.plan = plan
        self.module = module
        self.line_of = line_of
        self.depth = 0
        # (line before the edit, the statement it became) for each import statement touched
        self.touched: list[tuple[int, cst.BaseStatement]] = []

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        name = self.plan.attributes.get(original_node)
        if name is None:
            return updated_node
        return cst.Name(name, lpar=updated_node.lpar, rpar=updated_node.rpar)

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        return self._exports(updated_node)

    def leave_AnnAssign(
        self, original_node: cst.AnnAssign, updated_node: cst.AnnAssign
    ) -> cst.AnnAssign:
        return self._exports(updated_node)

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.AugAssign:
        return self._exports(updated_node)

    def _exports(self, node: Any) -> Any:
        if not self.plan.all_entries or self.depth:
            return node
        return without_exports(node, self.plan.all_entries)

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.depth += 1

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        self.depth -= 1
        rebuilt = self._suite(original_node.body, updated_node.body)
        if rebuilt is None:
            return updated_node
        statements, carry = rebuilt
        if not statements:  # every statement of the block was an import of the deleted shim
            statements = [cst.SimpleStatementLine(body=[cst.Pass()])]
        footer = [*comments_only_tail(carry), *updated_node.footer]
        return updated_node.with_changes(body=statements, footer=footer)

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        rebuilt = self._suite(original_node.body, updated_node.body)
        if rebuilt is None:
            return updated_node
        statements, carry = rebuilt
        footer = [*comments_only_tail(carry), *updated_node.footer]
        return updated_node.with_changes(body=statements, footer=footer)

    def _suite(
        self, original: Sequence[cst.BaseStatement], updated: Sequence[cst.BaseStatement]
    ) -> tuple[list[cst.BaseStatement], list[cst.EmptyLine]] | None:
        plan = self.plan
        if not any(plan.touches(statement) for statement in original):
            return None
        present = _imported_from(original)
        stream = StatementStream(block_start=True)
        for before, after in zip(original, updated, strict=True):
            kept = self._without_shim_names(before, after)
            added = self._new_lines(plan.additions.get(before, ()), present)
            if kept is None and not added:
                if not stream.statements:
                    stream.removed()
                stream.lines(before.leading_lines)
                continue
            if kept is None:
                added[0] = added[0].with_changes(leading_lines=before.leading_lines)
            new = [*([kept] if kept is not None else []), *added]
            stream.add(new)
            if plan.touches(before):
                line = self.line_of(before)
                self.touched.append((line, stream.statements[-len(new)]))
        result = stream.finish()
        return list(result.statements), result.carry_after

    def _new_lines(
        self, names: Sequence[NewName], present: set[tuple[str, str, str | None]]
    ) -> list[cst.SimpleStatementLine]:
        """``from module import ...`` lines for ``names`` not imported here yet, one per
        module, in the order the names come."""
        per_module: dict[str, list[tuple[str, str | None]]] = {}
        for name in names:
            key = (name.module, *name.alias)
            if key in present:
                continue
            present.add(key)
            per_module.setdefault(name.module, []).append(name.alias)
        lines: list[cst.SimpleStatementLine] = []
        for module, aliases in per_module.items():
            listed = ", ".join(n if a is None else f"{n} as {a}" for n, a in aliases)
            text = f"from {module} import {listed}{self.module.default_newline}"
            line = cst.parse_statement(text, config=self.module.config_for_parsing)
            assert isinstance(line, cst.SimpleStatementLine)
            lines.append(line)
        return lines

    def _without_shim_names(
        self, before: cst.BaseStatement, after: cst.BaseStatement
    ) -> cst.BaseStatement | None:
        if not isinstance(before, cst.SimpleStatementLine):
            return after
        drops = [self.plan.remove_aliases.get(small) for small in before.body]
        if not any(drops):
            return after
        assert isinstance(after, cst.SimpleStatementLine)
        small: list[cst.BaseSmallStatement] = []
        for original, updated, drop in zip(before.body, after.body, drops, strict=True):
            if not drop:
                small.append(updated)
                continue
            assert isinstance(original, (cst.Import, cst.ImportFrom))
            count = len(original.names)  # type: ignore[arg-type]
            if len(drop) >= count:
                continue
            small.append(remove_aliases(updated, sorted(drop)))  # type: ignore[arg-type]
        if not small:
            return None
        if small[-1].semicolon is not cst.MaybeSentinel.DEFAULT:
            small[-1] = small[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return after.with_changes(body=small)


def _imported_from(statements: Sequence[cst.BaseStatement]) -> set[tuple[str, str, str | None]]:
    """``(module, name, alias)`` of each absolute ``from`` import among ``statements``."""
    found: set[tuple[str, str, str | None]] = set()
    for statement in statements:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not isinstance(small, cst.ImportFrom) or small.relative or small.module is None:
                continue
            if isinstance(small.names, cst.ImportStar):
                continue
            module = get_full_name_for_node(small.module) or ""
            for alias in small.names:
                name = get_full_name_for_node(alias.name) or ""
                found.add((module, name, alias.evaluated_alias if alias.asname else None))
    return found
