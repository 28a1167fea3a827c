"""Flags across modules: which flags prune folds, and their definitions once unused (pure).

A *flag* is a module constant whose value the floors decide (``py310 =
sys.version_info >= (3, 10)``; :func:`~compatlint.analysis.gate_verdicts.decided_flags`,
shared with ``check``). Its reads in tests fold like the gate itself, in every module:
:func:`find_flags` gives the version-gate scan every decided flag under every name the
name model knows for it (the definition, re-exports through ``__init__`` chains of any
depth), and refuses — for the whole project, listed with why — a flag that is not a
constant at run time after all: a store to it through a module (``compat.py310 = False``,
as tests do), ``global`` of it, a module-level rebinding of an imported name, its name in
a string passed to a call (``getattr``/``setattr``/``monkeypatch.setattr``), or a star
import whose reads of it cannot be resolved.

After the folds, :func:`remove_flags` deletes each definition nothing reads any more —
in any indexed file, tests included: the index is what is known — with the imports and
re-exports of it (then the imports that only served it and its ``__all__`` entries go
with prune's import clean-up). A value use (``x = py310``, ``f(py310)``) keeps the
definition: a literal in its place would be the same value, but the flag is the
project's name for a fact, and replacing a read by ``True`` is a rewrite of code that
does not test anything; a person decides. A flag listed under ``keep`` stays, assigned
its constant value, its re-exports and ``__all__`` entry kept.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Collection, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from compatlint.analysis.gate_verdicts import decided_flags
from compatlint.analysis.version_gates import GateEnv, GateResult
from compatlint.analysis.version_subjects import ModuleContext, exported_subjects
from compatlint.codemods.blocks import BlockEditor, EditActions
from compatlint.codemods.gate_folds import ModuleReadings, NeedleMemo
from compatlint.codemods.imports_cleanup import cleanup
from compatlint.codemods.locate import parse_module
from compatlint.codemods.plan import FollowUp, RemovedSite
from compatlint.names.importers import Alias, ImporterIndex, RawImport, reaches
from compatlint.sitekinds import VERSION_GATE

FLAG = "flag"


@dataclass(frozen=True)
class Flag:
    """A decided flag's definition: ``name`` assigned at ``line`` of ``path``."""

    module: str
    name: str
    path: str
    line: int
    result: GateResult

    @property
    def qualified(self) -> str:
        return f"{self.module}.{self.name}"


@dataclass
class FlagScan:
    """What the gate scan may fold (``flags``: every name of every foldable flag), the
    definitions to remove once unused, and the flags refused with why."""

    flags: dict[str, GateResult] = field(default_factory=dict)
    definitions: list[Flag] = field(default_factory=list)
    refused: list[FollowUp] = field(default_factory=list)
    #: qualified names of the flags refused
    refused_flags: set[str] = field(default_factory=set)

    def unmatched(self, keep: Iterable[str]) -> list[str]:
        """The ``keep`` entries that name no decided flag."""
        known = {flag.qualified for flag in self.definitions} | self.refused_flags
        return [name for name in keep if name not in known]

    @property
    def names(self) -> frozenset[str]:
        """The bare names of the flags: a module that holds none reads none."""
        return frozenset(q.rpartition(".")[2] for q in self.flags)


def find_flags(
    texts: Mapping[str, str],
    importers: ImporterIndex,
    env: GateEnv,
    needles: Iterable[str] | NeedleMemo,
    readings: ModuleReadings | None = None,
) -> FlagScan:
    """The decided flags of the modules whose text holds a gate needle, then of those that
    name one of their flags (a flag of flags), with their aliases and refusals. A
    :class:`NeedleMemo` keeps what each file holds for the caller to ask again, and
    ``readings`` the trees and contexts read."""
    memo = needles if isinstance(needles, NeedleMemo) else NeedleMemo(needles)
    readings = readings or ModuleReadings()
    contexts = _contexts(texts, importers, memo.holds, readings)
    flags = decided_flags(contexts.values(), env)
    if flags:
        names = {q.rpartition(".")[2] for q in flags}

        def names_one(_: str, text: str) -> bool:
            return any(name in text for name in names)

        more = _contexts(texts, importers, names_one, readings)
        if more.keys() - contexts.keys():
            contexts.update(more)
            flags = decided_flags(_with_known(contexts).values(), env)
    scan = FlagScan()
    for path, context in sorted(contexts.items()):
        for name in context.constants:
            result = flags.get(f"{context.module}.{name}")
            if result is None or context.module is None:
                continue
            flag = Flag(context.module, name, path, _line_of(importers, path, name), result)
            aliases = importers.aliases(flag.module, flag.name)
            refusal = _refusal(importers, flag, aliases)
            if refusal:
                reason = f"flag `{flag.qualified}` not folded: {refusal}"
                scan.refused.append(FollowUp(path, flag.line, FLAG, reason))
                scan.refused_flags.add(flag.qualified)
                continue
            scan.definitions.append(flag)
            for module, alias in aliases:
                scan.flags[f"{module}.{alias}"] = result
    return scan


def _contexts(
    texts, importers: ImporterIndex, wanted, readings: ModuleReadings
) -> dict[str, ModuleContext]:
    found: dict[str, ModuleContext] = {}
    for path, text in texts.items():
        module = importers.module_of(path)
        if module is None or not wanted(path, text):
            continue
        tree = readings.tree(path, text, lambda p=path: importers.tree(p))
        if tree is not None:
            is_package = path.endswith("__init__.py")
            found[path] = readings.context(path, text, tree, module, is_package)
    return _with_known(found)


def _with_known(contexts: dict[str, ModuleContext]) -> dict[str, ModuleContext]:
    """The contexts with the version constants the others export (as check reads them)."""
    known = {}
    for context in contexts.values():
        known.update(exported_subjects(context))
    return {path: dataclasses.replace(c, known=known) for path, c in contexts.items()}


def _line_of(importers: ImporterIndex, path: str, name: str) -> int:
    tree = importers.tree(path)
    for statement in tree.body if tree else ():
        if _assigns(statement, name):
            return statement.lineno
    return 1


def _assigns(statement: ast.stmt, name: str) -> bool:
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        target = statement.target
    else:
        return False
    return isinstance(target, ast.Name) and target.id == name


# -- refusals and uses ------------------------------------------------------------------


@dataclass(frozen=True)
class _FileNames:
    """How one file reaches a flag: names bound to it, module bindings that reach a
    module exporting it, star imports of such a module."""

    tree: ast.Module
    bound: frozenset[str]
    modules: Mapping[str, str]
    stars: tuple[RawImport, ...]


def _file_names(importers: ImporterIndex, path: str, aliases: frozenset[Alias]):
    parsed = importers.parsed(path)
    if parsed is None:
        return None
    alias_modules = {module for module, _ in aliases}
    reach = importers.reach_paths(alias_modules)  # `import app` + `app.renamed.FLAG` too
    own = {name for module, name in aliases if module == parsed.module}
    bound, modules, stars = set(own), {}, []
    for raw in importers.raw_imports(path):
        if raw.name == "*":
            if raw.source in alias_modules:
                stars.append(raw)
        elif raw.name is not None and (raw.source, raw.name) in aliases:
            bound.add(raw.local)
        else:
            target = importers.bound_module_of(raw)
            if target is not None and reaches(target, reach):
                modules[raw.local] = target
    tree = importers.tree(path)
    assert tree is not None  # it parsed: its facts are read
    return _FileNames(tree, frozenset(bound), modules, tuple(stars))


def _refusal(importers: ImporterIndex, flag: Flag, aliases: frozenset[Alias]) -> str | None:
    """Why ``flag`` (known as ``aliases``) may not be a constant at run time."""
    names = {name for _, name in aliases}
    # A module holding the flag used as a value (``getattr(flags, n)``, ``def f(m=flags)``)
    # or named by a string (``import_module("app.flags")``) may read or set it unseen.
    for module in sorted({module for module, _ in aliases}):
        for escape in importers.module_escapes(module):
            return f"`{module}` is used as a value ({escape.path}:{escape.line})"
        for path, line, name in importers.strings_naming(module):
            if name is None:
                return f"a string names `{module}` ({path}:{line})"
    for path in importers.mentioning(names):
        found = _file_names(importers, path, aliases)
        if found is None:
            return f"{path} does not parse"
        for node in ast.walk(found.tree):
            reason = _refused_node(importers, node, found, names, aliases)
            if reason:
                return f"{reason} ({path}:{getattr(node, 'lineno', 1)})"
        # the definition itself binds the flag once (module_context made sure of it)
        defined = {flag.name} if path == flag.path else set()
        rebound = _module_stores(found.tree, found.bound - defined)
        if rebound:
            return f"`{sorted(rebound)[0]}` is rebound at module level ({path})"
    return None


def _refused_node(importers, node, found: _FileNames, names, aliases) -> str | None:
    if isinstance(node, ast.Global) and set(node.names) & (found.bound | names):
        return f"`global {', '.join(node.names)}`"
    stored = isinstance(node, ast.Attribute) and isinstance(node.ctx, (ast.Store, ast.Del))
    if stored and node.attr in names and _reaches_alias(importers, node, found, aliases):
        return f"`{ast.unparse(node)}` is assigned"
    if isinstance(node, ast.Call):
        for argument in (*node.args, *(k.value for k in node.keywords)):
            text = argument.value if isinstance(argument, ast.Constant) else None
            if isinstance(text, str) and text.rpartition(".")[2] in names:
                return f"`{ast.unparse(node)}` names it in a string"
    read = isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in names
    if read and found.stars and node.id not in found.bound:
        return f"`from {found.stars[0].source} import *` reads `{node.id}` unresolved"
    return None


def _reaches_alias(importers, node: ast.Attribute, found: _FileNames, aliases) -> bool:
    parts: list[str] = []
    value = node.value
    while isinstance(value, ast.Attribute):
        parts.append(value.attr)
        value = value.value
    if not isinstance(value, ast.Name) or value.id not in found.modules:
        return False
    module = importers.resolve_chain(found.modules[value.id], reversed(parts))
    return (module, node.attr) in aliases


def _module_stores(tree: ast.Module, names: Collection[str]) -> set[str]:
    """``names`` bound at module level by anything but an import."""
    found: set[str] = set()
    if not names:
        return found
    for node in _module_scope(tree):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            found.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
    return found & set(names)


def _module_scope(tree: ast.Module):
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(ast.iter_child_nodes(node))


def remaining_uses(importers: ImporterIndex, flag: Flag) -> list[tuple[str, int]]:
    """Where the flag is still read (a value use, a test prune did not fold)."""
    aliases = importers.aliases(flag.module, flag.name)
    names = {name for _, name in aliases}
    uses: list[tuple[str, int]] = []
    for path in importers.mentioning(names):
        found = _file_names(importers, path, aliases)
        if found is None:
            uses.append((path, 1))
            continue
        for node in ast.walk(found.tree):
            if isinstance(node, ast.Name) and node.id in found.bound | names:
                if isinstance(node.ctx, ast.Load) and (node.id in found.bound or found.stars):
                    uses.append((path, node.lineno))
            elif (
                isinstance(node, ast.Attribute)
                and isinstance(node.ctx, ast.Load)
                and node.attr in names
                and _reaches_alias(importers, node, found, aliases)
            ):
                uses.append((path, node.lineno))
    return uses


# -- removal ----------------------------------------------------------------------------


def remove_flags(
    texts: MutableMapping[str, str],
    src: Iterable[str],
    scan: FlagScan,
    keep: Collection[str],
    env: GateEnv,
) -> tuple[list[RemovedSite], list[FollowUp]]:
    """Delete (or, kept, assign its constant to) each flag of ``scan`` in ``texts``."""
    src = tuple(src)
    removed: list[RemovedSite] = []
    listed: list[FollowUp] = []
    waiting: dict[Flag, list[tuple[str, int]]] = {}
    pending = [flag for flag in scan.definitions if flag.qualified not in keep]
    for flag in scan.definitions:
        if flag.qualified in keep:
            text = texts[flag.path]
            new = _assign_constant(text, flag, _kept_comment(flag, env))
            if new != text:
                imported = _imported(ImporterIndex(texts, src), flag)
                texts[flag.path] = cleanup(text, new, flag.path, keep=imported)[0]
                removed.append(_site(flag, "kept: assigned its constant value"))
    while pending:  # a flag read only by another flag's definition goes after it
        waiting = {}
        for flag in pending:
            uses = remaining_uses(ImporterIndex(texts, src), flag)
            if uses:
                waiting[flag] = uses
                continue
            listed += _remove_flag(texts, src, flag, removed)
        if len(waiting) == len(pending):
            break
        pending = list(waiting)
    for flag, uses in waiting.items():
        where = ", ".join(f"{path}:{line}" for path, line in uses[:3])
        reason = f"flag `{flag.qualified}` kept: still read at {where}"
        listed.append(FollowUp(flag.path, flag.line, FLAG, reason))
    return removed, listed


def _remove_flag(
    texts: MutableMapping[str, str], src: tuple[str, ...], flag: Flag, removed: list[RemovedSite]
) -> list[FollowUp]:
    """Remove an unread flag: its definition, the imports and re-exports of it."""
    importers = ImporterIndex(texts, src)
    before = dict(texts)
    aliases = importers.aliases(flag.module, flag.name)
    for path in importers.mentioning({name for _, name in aliases}):
        text = texts[path]
        new = _without_imports(importers, path, text, aliases)
        if path == flag.path:
            new = _without_definition(new, flag)
        if new != text:
            texts[path] = cleanup(text, new, path)[0]
    if _still_imported(ImporterIndex(texts, src), flag, aliases):
        texts.update(before)
        reason = f"flag `{flag.qualified}` kept: an import of it could not be removed"
        return [FollowUp(flag.path, flag.line, FLAG, reason)]
    removed.append(_site(flag, "flag removed: every read of it folded"))
    return []


def _imported(importers: ImporterIndex, flag: Flag) -> Collection[str]:
    return importers.imported_names(flag.module, exclude=flag.path)


def _still_imported(importers: ImporterIndex, flag: Flag, aliases) -> bool:
    """An import of a name the edit removed is left: it would fail."""
    for imports in importers.importers(flag.module, flag.name, aliases).values():
        if any(item.name is not None and not item.star for item in imports):
            return True
    return False


def _without_imports(importers, path: str, text: str, aliases: frozenset[Alias]) -> str:
    """``text`` without its from-imports of an alias of the flag."""
    wanted = {
        (raw.line, raw.name, raw.local)
        for raw in importers.raw_imports(path)
        if raw.name not in (None, "*") and (raw.source, raw.name) in aliases
    }
    if not wanted:
        return text
    wrapper = MetadataWrapper(parse_module(text, path))
    positions = wrapper.resolve(PositionProvider)
    actions = EditActions()
    for node in positions:
        if not isinstance(node, cst.ImportFrom) or isinstance(node.names, cst.ImportStar):
            continue
        line = positions[node].start.line
        for item in node.names:
            name = cst.helpers.get_full_name_for_node(item.name)
            local = item.evaluated_alias or name
            if (line, name, local) in wanted:
                actions.remove_aliases.add(item)
    if actions.is_empty():
        return text
    return wrapper.module.visit(BlockEditor(actions)).code


def _definition(module: cst.Module, flag: Flag) -> cst.SimpleStatementLine | None:
    for statement in module.body:
        if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
            small = statement.body[0]
            if isinstance(small, cst.Assign) and len(small.targets) == 1:
                target = small.targets[0].target
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                target = small.target
            else:
                continue
            if isinstance(target, cst.Name) and target.value == flag.name:
                return statement
    return None


def _without_definition(text: str, flag: Flag) -> str:
    module = parse_module(text, flag.path)
    statement = _definition(module, flag)
    if statement is None:
        return text
    actions = EditActions(remove={statement})
    return module.visit(BlockEditor(actions)).code


def _assign_constant(text: str, flag: Flag, comment: str) -> str:
    module = parse_module(text, flag.path)
    statement = _definition(module, flag)
    if statement is None:
        return text
    small = statement.body[0]
    value = cst.Name("True" if flag.result.value else "False")
    if isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is not None:
        if isinstance(small.value, cst.Name) and small.value.value == value.value:
            return text
        new = statement.with_changes(body=[small.with_changes(value=value)])
        if statement.trailing_whitespace.comment is None:
            trailing = cst.TrailingWhitespace(
                whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(f"# {comment}")
            )
            new = new.with_changes(trailing_whitespace=trailing)
        return module.deep_replace(statement, new).code  # type: ignore[union-attr]
    return text


def _kept_comment(flag: Flag, env: GateEnv) -> str:
    windows = [env.window(u) for u in flag.result.upstreams]
    where = "; ".join(w.describe() for w in windows if w is not None)
    return f"kept for compatibility: always {bool(flag.result.value)} ({where})"


def _site(flag: Flag, action: str) -> RemovedSite:
    return RemovedSite(
        path=flag.path,
        line=flag.line,
        kind=VERSION_GATE,
        names=(flag.name,),
        covers=None,
        removal=None,
        track=", ".join(flag.result.upstreams) or None,
        tag=flag.result.reason,
        action=action,
    )


__all__ = ["FLAG", "Flag", "FlagScan", "find_flags", "remaining_uses", "remove_flags"]
