"""A hypothesis strategy for whole projects: a shim with every kind of site prune and
inline act on, the fake upstream its tags describe, and importers of every style.

Each importer records what it imported: its module-level names (labelled by the import
driver) and a ``RESULT`` dict of values and of the return values of functions that use
the shim's names — including functions whose parameters or locals shadow them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

from oracle.upstream import Upstream

EXPIRED_TAG = "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+"
LIVE_TAG = "# Fallback for sglang 0.5.10. Remove when min supported version is 0.5.11+"
SHIM = "pkg/_compat.py"

# The kinds of names a shim binds.
EXPIRED, LIVE, DEFINITION, REEXPORT, HELPER = "expired", "live", "definition", "re-export", "helper"

RECORDER = '''\
class _Recorder:
    """Stands in for a module or a function; records every call made through it."""

    def __init__(self, calls, path):
        self.calls, self.path = calls, path

    def __getattr__(self, name):
        return _Recorder(self.calls, self.path + "." + name)

    def __call__(self, *args):
        self.calls.append(self.path)


_CALLS = []
'''

# How an importer reaches the shim.
DIRECT_STYLES = ("from", "from-alias", "from-rel", "from-init")
MODULE_STYLES = ("module-rel", "module-abs", "module-alias", "dotted")


@dataclass(frozen=True)
class ShimName:
    name: str
    kind: str


@dataclass
class Project:
    """Path → text, and the upstream the texts were written against."""

    files: dict[str, str]
    upstream: Upstream = field(default_factory=Upstream)

    def __repr__(self) -> str:
        parts = [f"# --- {path}\n{text}" for path, text in sorted(self.files.items())]
        layouts = {module: dict(names) for module, names in sorted(self.upstream.names.items())}
        return "Project(\n" + "\n".join(parts) + f"# upstream: {layouts}\n)"

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        """Hypothesis prints falsifying examples with this: the files, as files."""
        printer.text(repr(self))


@dataclass
class _Module:
    """An importer under construction."""

    imports: list[str] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)
    result: list[str] = field(default_factory=list)
    recorder: bool = False

    def text(self) -> str:
        blocks = ["\n".join(self.imports)] if self.imports else []
        if self.recorder:
            blocks.append(RECORDER.rstrip("\n"))
        blocks += self.functions
        tail = [*self.statements, "RESULT = {" + ", ".join(self.result) + "}"]
        if self.recorder:
            tail.append('RESULT["calls"] = "|".join(_CALLS)')
        return "\n\n\n".join(blocks) + ("\n\n" if blocks else "") + "\n".join(tail) + "\n"


# -- the shim -------------------------------------------------------------------------------


@st.composite
def shims(draw: st.DrawFn, upstream: Upstream) -> tuple[str, list[ShimName]]:
    """A shim text and the names it binds; ``upstream`` gets the names the shim needs."""
    names: list[ShimName] = []
    imports: list[str] = []
    blocks: list[str] = []
    calls: list[str] = []
    helpers: set[int] = set()

    def helper() -> str:
        index = draw(st.integers(0, 1))
        helpers.add(index)
        return f"helper{index}"

    for i in range(draw(st.integers(0, 2))):
        name, new = f"Moved{i}", f"sglang.srt.moved{i}"
        upstream.add(new, name)
        if draw(st.booleans()):
            fallback = f"from sglang.legacy.moved{i} import {name}"
        else:
            fallback = f'{name} = {helper()}("{name}")'
        blocks.append(
            f"try:\n    from {new} import {name}\nexcept ImportError:\n"
            f"    {EXPIRED_TAG}\n    {fallback}"
        )
        names.append(ShimName(name, EXPIRED))
    for i in range(draw(st.integers(0, 1))):
        name, new, old = f"Pending{i}", f"sglang.srt.pending{i}", f"sglang.legacy.pending{i}"
        upstream.add(new, name, ("0.5.11",))
        upstream.add(old, name, ("0.5.10",))
        blocks.append(
            f"try:\n    from {new} import {name}\nexcept ImportError:\n"
            f"    {LIVE_TAG}\n    from {old} import {name}"
        )
        names.append(ShimName(name, LIVE))
    for i in range(draw(st.integers(0, 2))):
        name = f"ensure_patched{i}"
        body = f"    {helper()}()\n" if draw(st.booleans()) else ""
        blocks.append(
            f'{EXPIRED_TAG}\ndef {name}():\n    """Patch what sglang 0.5.9 lacks."""\n'
            f"{body}    return None"
        )
        if draw(st.integers(0, 3)) == 0:
            calls.append(f"{name}()")
        names.append(ShimName(name, DEFINITION))
    count = draw(st.integers(0 if names else 1, 3))
    for i in range(count):
        original = f"Api{i}" if draw(st.booleans()) else f"api_fn{i}"
        bound = draw(st.sampled_from([original, f"{original}_alias"]))
        module = f"sglang.api.r{i % 2}"
        upstream.add(module, original)
        alias = "" if bound == original else f" as {bound}"
        imports.append(f"from {module} import {original}{alias}")
        names.append(ShimName(bound, REEXPORT))
    for index in sorted(helpers):
        upstream.add("sglang.utils", f"helper{index}")
        names.append(ShimName(f"helper{index}", HELPER))
    if helpers:
        imports.append(
            "from sglang.utils import " + ", ".join(f"helper{i}" for i in sorted(helpers))
        )

    text = '"""Compat shim for sglang."""\n'
    if imports:
        text += "\n" + "\n".join(sorted(imports)) + "\n"
    for block in blocks:
        text += ("\n\n" if block.startswith("#") else "\n") + block + "\n"
    if calls:
        text += "\n" + "\n".join(calls) + "\n"
    exported = draw(st.sampled_from(["none", "all", "no-helpers"]))
    if exported != "none":
        listed = [n.name for n in names if exported == "all" or n.kind != HELPER]
        text += "\n__all__ = [" + ", ".join(f'"{n}"' for n in sorted(listed)) + "]\n"
    return text, names


# -- importers ------------------------------------------------------------------------------


def _source(style: str, path: str) -> str:
    """Where ``from ... import name`` takes the shim's names from in ``path``."""
    if style == "from-rel" and path.startswith("pkg/"):
        return ".._compat" if path.startswith("pkg/sub/") else "._compat"
    return "pkg._compat"


def _module_import(style: str, path: str) -> tuple[str, str]:
    """The import of the shim module and the expression that names it."""
    if style == "module-rel" and path.startswith("pkg/"):
        return (
            "from .. import _compat" if path.startswith("pkg/sub/") else "from . import _compat"
        ), "_compat"
    if style in ("module-rel", "module-abs"):
        return "from pkg import _compat", "_compat"
    if style == "module-alias":
        return "import pkg._compat as compat", "compat"
    return "import pkg._compat", "pkg._compat"


@st.composite
def importers(
    draw: st.DrawFn, path: str, names: list[ShimName], exported: dict[str, list[ShimName]]
) -> str:
    """An importer of some shim names (or of a package's re-exports of them)."""
    style = draw(st.sampled_from(DIRECT_STYLES + MODULE_STYLES))
    package, pool = "pkg", names
    if style == "from-init":
        packages = sorted(p for p, listed in exported.items() if listed)
        if packages:
            package = draw(st.sampled_from(packages))
            pool = exported[package]
        else:
            style = "from"
    chosen = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
    module = _Module()
    refs: dict[str, str] = {}
    prefix = ""
    if style in DIRECT_STYLES:
        source = package if style == "from-init" else _source(style, path)
        parts = []
        for item in chosen:
            bound = f"{item.name}_b" if style == "from-alias" else item.name
            parts.append(item.name if bound == item.name else f"{item.name} as {bound}")
            refs[item.name] = bound
        module.imports.append(f"from {source} import {', '.join(parts)}")
    else:
        statement, prefix = _module_import(style, path)
        module.imports.append(statement)
        refs = {item.name: f"{prefix}.{item.name}" for item in chosen}
    for item in chosen:
        _use(draw, module, item, refs[item.name])
    _shadow(draw, module, style, prefix, names, chosen, refs)
    return module.text()


def _use(draw: st.DrawFn, module: _Module, item: ShimName, ref: str) -> None:
    key = item.name
    if item.kind == DEFINITION:
        how = draw(st.sampled_from(["bare", "bare-in-function", "value"]))
        if how == "bare":
            module.statements.append(f"{ref}()")
        elif how == "bare-in-function":
            module.functions.append(f"def call_{key}():\n    {ref}()")
            module.statements.append(f"call_{key}()")
        else:
            module.result.append(f'"{key}": {ref}')
        return
    module.result.append(f'"{key}": {ref}')
    if draw(st.booleans()):
        module.functions.append(f"def use_{key}():\n    return {ref}()")
        module.result.append(f'"use_{key}": use_{key}()')


def _shadow(
    draw: st.DrawFn,
    module: _Module,
    style: str,
    prefix: str,
    names: list[ShimName],
    chosen: list[ShimName],
    refs: dict[str, str],
) -> None:
    """Functions and comprehensions whose own names look like the shim's."""
    target = draw(st.sampled_from(chosen))
    defined = [n for n in names if n.kind == DEFINITION]
    if style in MODULE_STYLES:
        options = ["none", "param-module", "local", "comprehension"]
    else:
        options = ["none", "param-name", "local-call", "comprehension"]
    how = draw(st.sampled_from(options))
    root = prefix.split(".")[0]
    if how == "param-module":
        called = draw(st.sampled_from(defined or chosen)).name
        module.recorder = True
        module.functions.append(f"def shadow_module({root}):\n    {prefix}.{called}()")
        module.statements.append('shadow_module(_Recorder(_CALLS, "param"))')
    elif how == "param-name":
        bound = refs[target.name]
        module.recorder = True
        module.functions.append(f"def shadow_param({bound}):\n    {bound}()")
        module.statements.append('shadow_param(_Recorder(_CALLS, "param"))')
    elif how == "local-call":
        bound = refs[target.name]
        module.recorder = True
        module.functions.append(
            f'def shadow_local():\n    {bound} = _Recorder(_CALLS, "local")\n    {bound}()'
        )
        module.statements.append("shadow_local()")
    elif how == "local":
        name = target.name
        module.functions.append(
            f'def shadow_local():\n    {name} = "local"\n    return ({name}, {prefix}.{name})'
        )
        module.result.append('"shadow_local": shadow_local()')
    elif how == "comprehension":
        name = target.name
        value = f"{prefix}.{name}" if prefix else name
        module.statements.append(f'SHADOWED = [({name}, {value}) for {name} in ("local",)]')


def _package_init(
    draw: st.DrawFn, source: str, names: list[ShimName]
) -> tuple[str, list[ShimName]]:
    """A package ``__init__`` re-exporting some shim names (maybe in ``__all__``)."""
    exported = draw(st.lists(st.sampled_from(names), max_size=2, unique=True))
    if not exported:
        return "", []
    listed = ", ".join(n.name for n in exported)
    text = f"from {source} import {listed}\n"
    if draw(st.booleans()):
        text += "\n__all__ = [" + ", ".join(f'"{n.name}"' for n in exported) + "]\n"
    return text, exported


@st.composite
def projects(draw: st.DrawFn) -> Project:
    """A shim, package ``__init__`` files re-exporting some of it, one to four importers."""
    project = Project({})
    shim, names = draw(shims(project.upstream))
    source = draw(st.sampled_from(["._compat", "pkg._compat"]))
    init, top = _package_init(draw, source, names)
    sub_init, sub = _package_init(draw, "pkg._compat" if source[0] == "p" else ".._compat", names)
    exported = {"pkg": top, "pkg.sub": sub}
    project.files = {SHIM: shim, "pkg/__init__.py": init, "pkg/sub/__init__.py": sub_init}
    for index in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(["pkg/", "pkg/sub/", ""]))
        path = f"{where}m{index}.py"
        project.files[path] = draw(importers(path, names, exported))
    return project
