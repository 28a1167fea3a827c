"""What an expression reads: a version of which upstream, in which form, or a literal.

A gate compares a *subject* — something that reads an upstream's version at run time —
with a *literal*. This module reads both sides through the module's own imports and
constants (pure ``ast``): ``np.__version__`` with ``import numpy as np`` reads numpy,
``_sys.version_info[:2]`` with ``import sys as _sys`` reads python, and
``np_version`` reads numpy when the module assigns ``np_version = parse_version(np.__version__)``
once, unconditionally, at module level. Names are resolved at module level: the caller
checks that a function does not shadow them.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from packaging.version import InvalidVersion, Version

from compatlint.analysis.gate_windows import TupleShape
from compatlint.names.bindings import read_bindings, statements

PYTHON = "python"

#: Constructors whose objects compare with ``packaging``'s order.
VERSION_CLASSES = frozenset(
    {
        "packaging.version.Version",
        "packaging.version.parse",
        "pkg_resources.parse_version",
        "pkg_resources.extern.packaging.version.Version",
        "setuptools.extern.packaging.version.Version",
        "numpy.lib.NumpyVersion",
    }
)
#: ``LooseVersion``: a list of numbers and words, compared as a list.
LOOSE_CLASSES = frozenset(
    {"distutils.version.LooseVersion", "looseversion.LooseVersion", "looseversion.LooseVersion2"}
)
#: Calls that return an installed distribution's version string.
DISTRIBUTION_VERSION = frozenset(
    {"importlib.metadata.version", "importlib_metadata.version", "pkg_resources.get_distribution"}
)
_PYTHON_TUPLE = TupleShape(release_length=3, tail=("final", 0))
_COMPONENTS = {"major": 0, "minor": 1, "micro": 2}
_BUILTINS = ("tuple", "map", "int")


@dataclass(frozen=True)
class Subject:
    """A run-time version read: ``kind`` is how it compares — ``version`` (packaging),
    ``loose`` (LooseVersion), ``string``, ``tuple`` (with its ``shape``) or ``int``
    (component ``index``); ``text`` is its source, for messages."""

    upstream: str
    kind: str
    text: str
    shape: TupleShape = field(default_factory=TupleShape)
    index: int = 0
    #: A NumpyVersion also compares with a plain string.
    takes_strings: bool = False


@dataclass(frozen=True)
class ModuleContext:
    """What the names of one module mean at module level."""

    module: str | None = None
    #: local name -> qualified name, for names bound only by imports of one target
    imports: Mapping[str, str] = field(default_factory=dict)
    #: names bound exactly once, by an unconditional module-level assignment
    constants: Mapping[str, ast.expr] = field(default_factory=dict)
    #: names bound exactly once, by a module-level ``def``
    functions: frozenset[str] = frozenset()
    #: every name bound at module level (a builtin of that name is shadowed)
    bound: frozenset[str] = frozenset()
    #: subjects other modules export, by qualified name (``pkg.compat.NP_VERSION``)
    known: Mapping[str, Subject] = field(default_factory=dict)
    #: flags decided at the floors, by qualified name, this module's included (a
    #: ``GateResult`` each; the caller decides which flags may fold)
    flags: Mapping[str, object] = field(default_factory=dict)

    def functions_qualified(self) -> dict[str, str]:
        """The module's functions by local name, qualified (as :func:`qualify` reads a
        function's name: only in a named module)."""
        if not self.module:
            return {}
        return {name: f"{self.module}.{name}" for name in self.functions}


def module_context(
    tree: ast.Module,
    module: str | None = None,
    *,
    is_package: bool = False,
    known: Mapping[str, Subject] | None = None,
) -> ModuleContext:
    """The names of ``tree`` that a gate may read, from its imports and assignments."""
    bindings = read_bindings(tree, module, is_package=is_package)
    counts = _binding_counts(tree.body)
    unstable = _rebound_elsewhere(tree)
    if bindings.writes_globals:  # `globals()[...] = ...` may rebind any of them
        unstable |= set(counts)
    imports: dict[str, str] = {}
    for local, found in bindings.from_imports.items():
        targets = {(entry.module, entry.name) for entry in found}
        count = len(found) + len(bindings.module_imports.get(local, ()))
        if len(targets) == 1 and counts[local] == count and local not in unstable:
            source, name = targets.pop()
            if source is not None:
                imports[local] = f"{source}.{name}"
    for local, names in bindings.module_imports.items():
        # `import a.b` binds `a` itself; `import a.b as c` binds `a.b`
        targets = {local if local == name.split(".")[0] else name for name in names}
        only_imports = counts[local] == len(names) and local not in bindings.from_imports
        if len(targets) == 1 and only_imports and local not in unstable:
            imports[local] = targets.pop()
    constants, functions = {}, set()
    for statement in tree.body:
        name, value = _single_assignment(statement)
        if name is not None and counts[name] == 1 and name not in unstable:
            constants[name] = value
        is_function = isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
        if is_function and counts[statement.name] == 1 and statement.name not in unstable:
            functions.add(statement.name)
    return ModuleContext(
        module=module,
        imports=imports,
        constants=constants,
        functions=frozenset(functions),
        bound=frozenset(counts) | unstable,
        known=dict(known or {}),
    )


def _single_assignment(statement: ast.stmt) -> tuple[str | None, ast.expr]:
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target, value = statement.targets[0], statement.value
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        target, value = statement.target, statement.value
    else:
        return None, ast.Constant(None)
    return (target.id if isinstance(target, ast.Name) else None), value


_NAMED_BINDERS = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.ExceptHandler,
    ast.MatchAs,
    ast.MatchStar,
)


def _binding_counts(body: list[ast.stmt]) -> Counter[str]:
    """How many statements bind each name at module level, in every branch."""
    counts: Counter[str] = Counter()
    for statement in body:
        for node in _module_scope_nodes(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                counts[node.id] += 1
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                for alias in node.names:
                    if alias.name != "*":
                        counts[alias.asname or alias.name.split(".")[0]] += 1
            elif isinstance(node, _NAMED_BINDERS) and node.name:
                counts[node.name] += 1
    return counts


def _module_scope_nodes(statement: ast.stmt):
    """The nodes of ``statement`` that run in the module scope (decorators and defaults,
    not function or class bodies)."""
    stack: list[ast.AST] = [statement]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            stack.extend([*node.decorator_list, *node.args.defaults])
            stack.extend(d for d in node.args.kw_defaults if d is not None)
        elif isinstance(node, ast.ClassDef):
            stack.extend([*node.decorator_list, *node.bases])
        elif not isinstance(node, ast.Lambda):
            stack.extend(ast.iter_child_nodes(node))


def _rebound_elsewhere(tree: ast.Module) -> set[str]:
    """Names a function rebinds with ``global``: none of them is a constant."""
    found: set[str] = set()
    for node in statements(tree.body):  # a ``global`` is a statement: no expression walk
        if isinstance(node, ast.Global):
            found.update(node.names)
    return found


def flag_name(node: ast.expr, context: ModuleContext) -> str | None:
    """The qualified name a flag read ``node`` may name: ``pkg.compat.py310`` for ``py310``
    in ``pkg.compat`` (a constant of its own) or after ``from pkg.compat import py310``."""
    if isinstance(node, ast.Name) and node.id in context.constants and context.module:
        return f"{context.module}.{node.id}"
    return qualify(node, context)


def binding_counts(body: list[ast.stmt]) -> Counter[str]:
    """How many statements bind each name at module level, in every branch."""
    return _binding_counts(body)


def qualify(node: ast.expr, context: ModuleContext) -> str | None:
    """``numpy.lib.NumpyVersion`` for ``np.lib.NumpyVersion`` after ``import numpy as np``."""
    if isinstance(node, ast.Name):
        if node.id in context.imports:
            return context.imports[node.id]
        if node.id in context.functions and context.module:
            return f"{context.module}.{node.id}"
        return None
    if isinstance(node, ast.Attribute):
        head = qualify(node.value, context)
        return f"{head}.{node.attr}" if head else None
    return None


def _builtin(node: ast.expr, name: str, context: ModuleContext) -> bool:
    return isinstance(node, ast.Name) and node.id == name and name not in context.bound


def upstream_of_module(qualified: str) -> str:
    """The upstream a module belongs to: its top-level package."""
    return qualified.split(".")[0]


def distribution_upstream(name: str) -> str:
    """A distribution name as an upstream (``Foo-Bar`` → ``foo_bar``)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def read_subject(node: ast.expr, context: ModuleContext, depth: int = 0) -> Subject | None:
    """The version ``node`` reads at run time, if it is one this module understands."""
    if depth > 8:
        return None
    text = ast.unparse(node)
    if isinstance(node, ast.Name) and node.id in context.constants:
        inner = read_subject(context.constants[node.id], context, depth + 1)
        return None if inner is None else _retext(inner, text)
    qualified = qualify(node, context)
    if qualified is not None and qualified in context.known:
        return _retext(context.known[qualified], text)
    if qualified == "sys.version_info":
        return Subject(PYTHON, "tuple", text, _PYTHON_TUPLE)
    if qualified == "sys.version":
        return Subject(PYTHON, "string", text)
    if qualified is not None and qualified.endswith(".__version__"):
        return Subject(upstream_of_module(qualified), "string", text)
    if isinstance(node, ast.Attribute):
        return _attribute_subject(node, context, depth, text)
    if isinstance(node, ast.Subscript):
        return _subscript_subject(node, context, depth, text)
    if isinstance(node, ast.Call):
        return _call_subject(node, context, depth, text)
    return None


def _retext(subject: Subject, text: str) -> Subject:
    return Subject(
        subject.upstream, subject.kind, text, subject.shape, subject.index, subject.takes_strings
    )


def _attribute_subject(node: ast.Attribute, context, depth, text) -> Subject | None:
    if node.attr == "__version__":  # `x.__version__` where x is a module bound by import
        head = qualify(node.value, context)
        return None if head is None else Subject(upstream_of_module(head), "string", text)
    inner = read_subject(node.value, context, depth + 1)
    if inner is None:
        return None
    if node.attr in _COMPONENTS and (
        inner.kind == "version" or (inner.kind == "tuple" and inner.upstream == PYTHON)
    ):
        return _component(inner, _COMPONENTS[node.attr], text)
    if node.attr == "release" and inner.kind == "version":
        return Subject(inner.upstream, "tuple", text)
    if node.attr == "base_version" and inner.kind == "version":
        return Subject(inner.upstream, "string", text)
    if node.attr == "version" and inner.kind == "distribution":
        return Subject(inner.upstream, "string", text)
    return None


def _component(inner: Subject, index: int, text: str) -> Subject:
    """Component ``index`` of a version, as an int: a release padded with zeros."""
    length = 3 if inner.upstream == PYTHON else index + 1
    shape = TupleShape(release_length=length, take=index + 1)
    return Subject(inner.upstream, "int", text, shape, index)


def _subscript_subject(node: ast.Subscript, context, depth, text) -> Subject | None:
    inner = read_subject(node.value, context, depth + 1)
    if inner is None or inner.kind != "tuple" or inner.shape.take is not None:
        return None
    index = node.slice
    if isinstance(index, ast.Constant) and type(index.value) is int and 0 <= index.value < 3:
        if inner.upstream == PYTHON:
            return _component(inner, index.value, text)
        return None
    stop = _prefix_slice(index)
    if stop is None:
        return None
    shape = inner.shape
    return Subject(
        inner.upstream,
        "tuple",
        text,
        TupleShape(shape.release_length, shape.tail, stop, shape.loose_tail),
    )


def _prefix_slice(index: ast.expr) -> int | None:
    """``n`` for ``[:n]`` or ``[0:n]``."""
    if not isinstance(index, ast.Slice) or index.step is not None:
        return None
    start = index.lower
    if start is not None and not (isinstance(start, ast.Constant) and start.value == 0):
        return None
    stop = index.upper
    if isinstance(stop, ast.Constant) and type(stop.value) is int and stop.value >= 0:
        return stop.value
    return None


def _call_subject(node: ast.Call, context, depth, text) -> Subject | None:
    called = qualify(node.func, context)
    argument = node.args[0] if len(node.args) == 1 and not node.keywords else None
    if called == "platform.python_version" and not node.args and not node.keywords:
        return Subject(PYTHON, "string", text)
    if called in DISTRIBUTION_VERSION and argument is not None:
        name = _string(argument)
        if name is None:
            return None
        # get_distribution gives a distribution; its `.version` is the string
        kind = "distribution" if called == "pkg_resources.get_distribution" else "string"
        return Subject(distribution_upstream(name), kind, text)
    if argument is None:
        return None
    if called in VERSION_CLASSES or called in LOOSE_CLASSES:
        inner = read_subject(argument, context, depth + 1)
        if inner is None or inner.kind != "string":
            return None
        if called in LOOSE_CLASSES:
            return Subject(inner.upstream, "loose", text, TupleShape(loose_tail=True))
        return Subject(
            inner.upstream, "version", text, takes_strings=called == "numpy.lib.NumpyVersion"
        )
    if _builtin(node.func, "tuple", context):
        return _split_tuple(argument, context, depth, text)
    if _builtin(node.func, "int", context):  # int(v.split(".")[0])
        split = _split_of(argument, context, depth, require_index=True)
        if split is not None:
            return Subject(split.upstream, "int", text, TupleShape(release_length=1, take=1))
    return None


def _split_tuple(argument: ast.expr, context, depth, text) -> Subject | None:
    """``tuple(map(int, v.split(".")[:n]))``: the first n release components."""
    if not (
        isinstance(argument, ast.Call)
        and _builtin(argument.func, "map", context)
        and len(argument.args) == 2
        and _builtin(argument.args[0], "int", context)
    ):
        return None
    source = argument.args[1]
    take = None
    if isinstance(source, ast.Subscript):
        take = _prefix_slice(source.slice)
        if take is None:
            return None
        source = source.value
    split = _split_of(source, context, depth, require_index=False)
    if split is None:
        return None
    return Subject(split.upstream, "tuple", text, TupleShape(take=take))


def _split_of(node: ast.expr, context, depth, *, require_index: bool) -> Subject | None:
    """The string subject ``s`` of ``s.split(".")`` (``s.split(".")[0]`` if
    ``require_index``)."""
    if require_index:
        if not (
            isinstance(node, ast.Subscript)
            and isinstance(node.slice, ast.Constant)
            and node.slice.value == 0
        ):
            return None
        node = node.value
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "split"
        and len(node.args) == 1
        and _string(node.args[0]) == "."
        and not node.keywords
    ):
        return None
    inner = read_subject(node.func.value, context, depth + 1)
    return inner if inner is not None and inner.kind == "string" else None


def _string(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


# -- literals ---------------------------------------------------------------------------


def read_literal(
    node: ast.expr, subject: Subject, context: ModuleContext, depth: int = 0
) -> object | None:
    """The literal ``node`` spells in the form ``subject`` compares with: a ``Version``,
    a tuple, a string or an int; None when it is not one."""
    if isinstance(node, ast.Name) and node.id in context.constants and depth < 8:
        return read_literal(context.constants[node.id], subject, context, depth + 1)
    if subject.kind == "string":
        return _string(node)
    if subject.kind == "int":
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        return None
    if subject.kind == "tuple":
        return _tuple_literal(node)
    if subject.kind == "loose":
        text = (
            _string(node) if _string(node) is not None else _wrapped(node, context, LOOSE_CLASSES)
        )
        return None if text is None else loose_parts(text)
    text = _wrapped(node, context, VERSION_CLASSES)
    if text is None and subject.takes_strings:
        text = _string(node)
    try:
        return None if text is None else Version(text)
    except InvalidVersion:
        return None


def _wrapped(node: ast.expr, context: ModuleContext, classes: frozenset[str]) -> str | None:
    """``"1.22"`` of ``Version("1.22")``, for a constructor in ``classes``."""
    if (
        isinstance(node, ast.Call)
        and len(node.args) == 1
        and not node.keywords
        and qualify(node.func, context) in classes
    ):
        return _string(node.args[0])
    return None


def _tuple_literal(node: ast.expr) -> tuple[object, ...] | None:
    if not isinstance(node, ast.Tuple):
        return None
    parts = []
    for element in node.elts:
        if not isinstance(element, ast.Constant) or type(element.value) not in (int, str):
            return None
        parts.append(element.value)
    return tuple(parts)


_LOOSE_PART = re.compile(r"(\d+|[a-z]+|\.)", re.IGNORECASE)


def loose_parts(text: str) -> tuple[object, ...]:
    """What ``LooseVersion(text).version`` holds: numbers and the words between them."""
    parts: list[object] = []
    for piece in _LOOSE_PART.split(text):
        if piece and piece != ".":
            parts.append(int(piece) if piece.isdigit() else piece)
    return tuple(parts)


#: The qualified names :func:`read_subject` starts a version from, besides a name it
#: reaches through an ``__version__`` and the subjects of ``known``: every other subject
#: reads one of them (a constant, an attribute, a call or a slice of one).
SUBJECT_SOURCES = frozenset(
    {"sys.version_info", "sys.version", "platform.python_version", *DISTRIBUTION_VERSION}
)
VERSION_ATTRIBUTE = "__version__"
#: The expressions :func:`read_subject` may read a version from; a constant holding
#: anything else (a literal, a container, an operator) reads none.
_SUBJECT_NODES = (ast.Name, ast.Attribute, ast.Subscript, ast.Call)


def names_reaching(context: ModuleContext, qualified: Iterable[str]) -> frozenset[str]:
    """The module's names through which an expression may :func:`qualify` to one of
    ``qualified``: those whose own qualified name is one of them or a package above one
    (an attribute chain only lengthens it), and those that name an ``__version__``."""
    above = {q.rsplit(".", depth)[0] for q in qualified for depth in range(q.count(".") + 1)}
    targets = {**context.functions_qualified(), **context.imports}  # imports come first
    return frozenset(
        local for local, target in targets.items() if target in above or VERSION_ATTRIBUTE in target
    )


def version_constants(context: ModuleContext) -> frozenset[str]:
    """The module's constants that read a version (:func:`read_subject` of their name)."""
    return frozenset(
        name
        for name, value in context.constants.items()
        if isinstance(value, _SUBJECT_NODES) and read_subject(ast.Name(name), context) is not None
    )


def exported_subjects(context: ModuleContext) -> dict[str, Subject]:
    """The module's constants that read a version, by qualified name, for the contexts of
    the modules that import them (``from .compat import NP_VERSION``)."""
    if not context.module:
        return {}
    found = {}
    for name, value in context.constants.items():
        subject = read_subject(value, context)
        if subject is not None:
            found[f"{context.module}.{name}"] = _retext(subject, name)
    return found


__all__ = [
    "PYTHON",
    "SUBJECT_SOURCES",
    "VERSION_ATTRIBUTE",
    "ModuleContext",
    "Subject",
    "binding_counts",
    "distribution_upstream",
    "exported_subjects",
    "flag_name",
    "loose_parts",
    "module_context",
    "names_reaching",
    "qualify",
    "read_literal",
    "read_subject",
    "upstream_of_module",
    "version_constants",
]
