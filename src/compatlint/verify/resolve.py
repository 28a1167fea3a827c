"""Does module ``a.b.c`` — and name ``X`` in it — exist in an upstream version? (pure)

Everything is decided statically from the upstream's files; nothing is imported or run.
Answers are three-valued (:class:`Presence`) and carry the reason:

* a module exists as ``a/b/c.py``, ``a/b/c/__init__.py``, a namespace directory, or a
  compiled extension ``a/b/c.*.so`` (present, contents unknown);
* a name exists when the module binds it at module level — def, class, assignment,
  annotated assignment with a value, import or from-import re-export, in any branch of
  module-level control flow (``if``, ``try``, ``with``, ``for``, ``while``, ``match``), as
  :mod:`compatlint.names.bindings` reads it — when a ``from .x import *`` or
  ``from pkg.x import *`` within the package brings it (followed, honouring ``__all__``
  where the target defines one, with cycle protection), or when it is a submodule;
* a module-level ``__getattr__``, a compiled module, a star import from outside the
  package, a name bound only through ``global`` in a function, or a module that writes
  ``globals()`` make a missing name *unknown* instead of absent.

Parsed modules are cached on the tree, so each (version, module) is parsed once.
"""

from __future__ import annotations

import ast
import enum
import warnings
from collections.abc import Iterable
from dataclasses import dataclass

from compatlint.names.bindings import StarImport, read_bindings
from compatlint.verify.sources import UpstreamTree

__all__ = [
    "ModuleInfo",
    "Presence",
    "Resolution",
    "all_of",
    "any_of",
    "dotted_exists",
    "module_exists",
    "module_info",
    "name_exists",
]


class Presence(str, enum.Enum):
    """Whether an import path exists in one upstream version."""

    PRESENT = "present"
    ABSENT = "absent"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Resolution:
    """A :class:`Presence` and why."""

    presence: Presence
    reason: str

    @property
    def present(self) -> bool:
        return self.presence is Presence.PRESENT

    @property
    def absent(self) -> bool:
        return self.presence is Presence.ABSENT


@dataclass(frozen=True)
class ModuleInfo:
    """What a module binds at import time, as far as its source tells (read by
    :func:`compatlint.names.bindings.read_bindings`, like every module compatlint reads)."""

    names: dict[str, int]
    star_imports: tuple[StarImport, ...] = ()
    exported: frozenset[str] | None = None  # a literal __all__ (None: none, or not literal)
    all_is_literal: bool = True
    getattr_line: int | None = None
    global_names: frozenset[str] = frozenset()
    writes_globals: bool = False
    parse_error: str | None = None


def all_of(results: Iterable[Resolution]) -> Resolution:
    """Present when every part is; absent when any part is (with the first absent reason)."""
    found = list(results)
    for result in found:
        if result.absent:
            return result
    for result in found:
        if not result.present:
            return result
    return found[0] if found else Resolution(Presence.UNKNOWN, "nothing to resolve")


def any_of(results: Iterable[Resolution]) -> Resolution:
    """Present when any alternative is; absent when every one is."""
    found = list(results)
    for result in found:
        if result.present:
            return result
    for result in found:
        if not result.absent:
            return result
    return found[-1] if found else Resolution(Presence.UNKNOWN, "nothing to resolve")


def module_exists(tree: UpstreamTree, module: str) -> Resolution:
    """Whether ``import module`` finds a module in ``tree``."""
    entry = tree.module(module)
    if entry is not None:
        if entry.compiled:
            return Resolution(Presence.PRESENT, f"compiled extension {entry.file}")
        if entry.namespace:
            return Resolution(Presence.PRESENT, f"namespace package {entry.file}")
        return Resolution(Presence.PRESENT, entry.file)
    parts = module.split(".")
    if parts[0] != tree.package:
        return Resolution(Presence.UNKNOWN, f"{module} is outside the package {tree.package}")
    for depth in range(len(parts) - 1, 0, -1):
        parent = tree.module(".".join(parts[:depth]))
        if parent is None:
            continue
        if parent.compiled:
            return Resolution(
                Presence.UNKNOWN, f"{module} would be inside compiled extension {parent.file}"
            )
        break
    path = "/".join(parts)
    return Resolution(Presence.ABSENT, f"no {path}.py or {path}/")


def name_exists(tree: UpstreamTree, module: str, name: str) -> Resolution:
    """Whether ``from module import name`` succeeds in ``tree`` (as far as can be seen)."""
    key = ("name", module, name)
    if key not in tree.cache:
        tree.cache[key] = _lookup(tree, module, name, frozenset())
    return tree.cache[key]


def dotted_exists(tree: UpstreamTree, dotted: str) -> Resolution:
    """A probe-path string: a module, or else an attribute of its parent module."""
    found = module_exists(tree, dotted)
    if found.presence is not Presence.ABSENT or "." not in dotted:
        return found
    parent, _, last = dotted.rpartition(".")
    if not module_exists(tree, parent).present:
        return found
    attribute = name_exists(tree, parent, last)
    if attribute.present:
        return Resolution(Presence.PRESENT, f"attribute of {parent}: {attribute.reason}")
    if attribute.presence is Presence.UNKNOWN:
        return attribute
    return found


def module_info(tree: UpstreamTree, module: str) -> ModuleInfo | None:
    """The parsed facts of ``module`` (None when it has no source: namespace or compiled)."""
    key = ("info", module)
    if key not in tree.cache:
        source = tree.source(module)
        entry = tree.module(module)
        if source is None or entry is None:
            tree.cache[key] = None
        else:
            tree.cache[key] = _read_module(source, module, entry.is_package)
    return tree.cache[key]


# -- lookup -------------------------------------------------------------------------------


def _lookup(tree: UpstreamTree, module: str, name: str, seen: frozenset[str]) -> Resolution:
    found = module_exists(tree, module)
    if not found.present:
        return found
    entry = tree.module(module)
    assert entry is not None
    if entry.compiled:
        return Resolution(Presence.UNKNOWN, f"{module} is a compiled extension ({entry.file})")
    info = module_info(tree, module)
    if info is not None and name in info.names:
        return Resolution(Presence.PRESENT, f"defined in {entry.file}:{info.names[name]}")
    submodule = tree.module(f"{module}.{name}")
    if submodule is not None:
        return Resolution(Presence.PRESENT, f"submodule {submodule.file}")
    if info is None:
        return Resolution(Presence.ABSENT, f"namespace package {module} has no {name}")
    if info.parse_error is not None:
        return Resolution(Presence.UNKNOWN, f"cannot parse {entry.file}: {info.parse_error}")

    unknown: list[str] = []
    left_out: list[str] = []
    for star in info.star_imports:
        if star.module is None:
            unknown.append(f"unresolvable star import at {entry.file}:{star.line}")
            continue
        if star.module.split(".")[0] != tree.package:
            unknown.append(f"star import from {star.module} ({entry.file}:{star.line})")
            continue
        if star.module in seen or star.module == module:
            continue
        through, note = _through_star(tree, star.module, name, seen | {module})
        if note is not None:
            left_out.append(note)
        if through.present:
            return Resolution(
                Presence.PRESENT,
                f"via `from {star.module} import *` in {entry.file}: {through.reason}",
            )
        if through.presence is Presence.UNKNOWN:
            unknown.append(through.reason)
    if name in info.global_names:
        unknown.append(f"{name} is bound only through `global` in a function of {entry.file}")
    if info.getattr_line is not None:
        unknown.append(f"{module} defines __getattr__ ({entry.file}:{info.getattr_line})")
    if info.writes_globals:
        unknown.append(f"{entry.file} writes globals() at module level")
    if unknown:
        return Resolution(Presence.UNKNOWN, unknown[0])
    note = f" ({left_out[0]})" if left_out else ""
    return Resolution(Presence.ABSENT, f"{name} is not defined in {entry.file}{note}")


def _through_star(
    tree: UpstreamTree, target: str, name: str, seen: frozenset[str]
) -> tuple[Resolution, str | None]:
    """Whether ``from target import *`` binds ``name``; and a note when ``target`` binds
    it but the star import leaves it out (not in ``__all__``, or private)."""
    exists = module_exists(tree, target)
    if not exists.present:
        return Resolution(Presence.ABSENT, exists.reason), None
    info = module_info(tree, target)
    binds = info is not None and name in info.names
    if info is not None and not info.all_is_literal:
        result = _lookup(tree, target, name, seen)
        if result.present:
            return Resolution(Presence.UNKNOWN, f"{target}.__all__ is not a literal list"), None
        return result, None
    if info is not None and info.exported is not None:
        if name not in info.exported:
            note = f"{target} leaves it out of __all__" if binds else None
            return Resolution(Presence.ABSENT, f"{name} is not in {target}.__all__"), note
    elif name.startswith("_"):
        note = f"a star import of {target} skips private names" if binds else None
        return Resolution(Presence.ABSENT, f"a star import skips the private {name}"), note
    return _lookup(tree, target, name, seen), None


# -- reading a module ---------------------------------------------------------------------


def _read_module(source: str, module: str, is_package: bool) -> ModuleInfo:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError) as exc:
        message = getattr(exc, "msg", None) or str(exc)
        line = getattr(exc, "lineno", None)
        return ModuleInfo(names={}, parse_error=f"{message} (line {line})" if line else message)
    bindings = read_bindings(tree, module, is_package=is_package)
    return ModuleInfo(
        names=bindings.names,
        star_imports=bindings.star_imports,
        exported=bindings.all_names,
        all_is_literal=bindings.all_is_literal,
        getattr_line=bindings.names.get("__getattr__"),
        global_names=bindings.global_names,
        writes_globals=bindings.writes_globals,
    )
