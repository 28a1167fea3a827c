"""The test stub-module list: adding entries in the list's own style.

:func:`add_stub_entries` is shared by ``prune`` (modules a removed fallback made
unconditional) and ``mocks``. Each new module goes right after the existing entry that
shares the longest dotted prefix with it (in sorted position among those), in the
list's own quoting, indentation and trailing-comma style; comments stay where they were
and modules already listed are skipped.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping

import libcst as cst

from compatlint.analysis.mocklist import required_modules, under
from compatlint.analysis.project import facts_for_file, stub_imports
from compatlint.analysis.shapes import root_of
from compatlint.codemods.sequences import insert_item
from compatlint.config import Config
from compatlint.errors import ConfigError

_CONTAINERS = (cst.List, cst.Tuple, cst.Set)


def _parts(module: str) -> tuple[str, ...]:
    return tuple(module.split("."))


def _shared(a: str, b: str) -> int:
    count = 0
    for left, right in zip(_parts(a), _parts(b), strict=False):
        if left != right:
            break
        count += 1
    return count


def anchor_for(entries: list[str | None], module: str) -> int:
    """The index of the entry ``module`` goes after (-1: before the first entry)."""
    best = max((_shared(entry, module) for entry in entries if entry), default=0)
    group = [i for i, entry in enumerate(entries) if entry and _shared(entry, module) == best]
    if not group:
        return len(entries) - 1
    before = [i for i in group if _parts(entries[i] or "") < _parts(module)]
    if before:
        return before[-1]
    return group[0] - 1


def _quote_of(elements: Iterable[cst.BaseElement]) -> str:
    for element in elements:
        value = element.value
        if isinstance(value, cst.SimpleString) and value.prefix == "":
            return value.quote if len(value.quote) == 1 else '"'
    return '"'


class _ListFinder(cst.CSTVisitor):
    def __init__(self, name: str) -> None:
        self.name = name
        self.found: cst.BaseExpression | None = None

    def visit_Module(self, node: cst.Module) -> bool:
        for statement in node.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                value = _assigned_value(small, self.name)
                if value is not None:
                    self.found = value  # the last one is in effect
        return False


def _assigned_value(small: cst.BaseSmallStatement, name: str) -> cst.BaseExpression | None:
    if isinstance(small, cst.Assign) and any(
        isinstance(target.target, cst.Name) and target.target.value == name
        for target in small.targets
    ):
        return small.value
    if (
        isinstance(small, cst.AnnAssign)
        and isinstance(small.target, cst.Name)
        and small.target.value == name
    ):
        return small.value
    return None


class _Inserter(cst.CSTTransformer):
    def __init__(self, target: cst.BaseExpression, modules: list[str]) -> None:
        self.target = target
        self.modules = modules

    def leave_List(self, original_node, updated_node):
        return self._insert(original_node, updated_node)

    def leave_Tuple(self, original_node, updated_node):
        return self._insert(original_node, updated_node)

    def leave_Set(self, original_node, updated_node):
        return self._insert(original_node, updated_node)

    def _insert(self, original_node, updated_node):
        if original_node is not self.target:
            return updated_node
        quote = _quote_of(updated_node.elements)
        node = updated_node
        for module in self.modules:
            entries = [_entry(element) for element in node.elements]
            anchor = anchor_for(entries, module)
            node = insert_item(node, anchor, cst.SimpleString(f"{quote}{module}{quote}"))
        return node


def _entry(element: cst.BaseElement) -> str | None:
    value = element.value
    if isinstance(value, cst.SimpleString):
        return _string_value(value.value)
    return None


@functools.lru_cache(maxsize=4096)
def _string_value(source: str) -> str | None:
    """A string literal's value (None: bytes). Cached: each insertion reads every entry
    again, and libcst evaluates a literal by parsing it."""
    evaluated = cst.SimpleString(source).evaluated_value
    return evaluated if isinstance(evaluated, str) else None


def add_stub_entries(text: str, list_name: str, modules: Iterable[str]) -> str:
    """``text`` with ``modules`` added to the module-level list/tuple/set ``list_name``.

    Modules already listed are skipped; the rest go in sorted order, each after the entry
    sharing its longest dotted prefix, in the list's quoting, indentation and comma style.
    Raises :class:`ConfigError` when ``list_name`` is not a literal of that kind.
    """
    module = cst.parse_module(text)
    finder = _ListFinder(list_name)
    module.visit(finder)
    target = finder.found
    if not isinstance(target, _CONTAINERS):
        raise ConfigError(f"no module-level list, tuple or set literal named {list_name!r}")
    present = {_entry(element) for element in target.elements}
    new = sorted({m for m in modules if m not in present}, key=_parts)
    if not new:
        return text
    return module.visit(_Inserter(target, new)).code


def unconditional_modules(config: Config, path: str, text: str) -> set[str]:
    """Upstream modules ``text`` imports unconditionally at module level (and that the stub
    list must cover)."""
    roots = {root_of(upstream) for upstream in config.upstreams}
    facts = facts_for_file(config, path, text, force=True)
    return {fact.module for fact in stub_imports(facts, roots)}


def newly_required(
    config: Config, before: Mapping[str, str], after: Mapping[str, str], listed: Iterable[str]
) -> list[str]:
    """Modules (with their parents) that the edits made unconditionally imported in files
    under ``mocks.collect`` and that the stub list does not have yet."""
    if config.mocks is None:
        return []
    listed = set(listed)
    needed: set[str] = set()
    for path, new_text in after.items():
        if not path.endswith(".py") or not under(path, config.mocks.collect):
            continue
        old = unconditional_modules(config, path, before.get(path, ""))
        for module in unconditional_modules(config, path, new_text) - old:
            needed.update(required_modules(module))
    return sorted(needed - listed, key=_parts)
