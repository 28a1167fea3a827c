"""Whether defining a function or class runs code of the program (pure, libcst).

A ``def`` runs its decorators, its parameter defaults and (unless annotations are
postponed) its annotations when it is defined; a ``class`` runs its bases' metaclass and
``__init_subclass__``, its keywords and its body. Removing a tagged definition removes
that work with it — a registration decorator, a default that sets something up — even
when nothing ever calls it. Such a definition is left for a person.
"""

from __future__ import annotations

import libcst as cst
from libcst.helpers import get_full_name_for_node

from compatlint.names.uses import inert

__all__ = ["ModuleNames", "definition_work"]

#: Decorators that only wrap what they decorate: defining it registers nothing anywhere
#: (``typing.overload`` records the function: not one of them).
PURE_DECORATORS = frozenset(
    {
        "staticmethod",
        "classmethod",
        "property",
        "functools.cache",
        "functools.lru_cache",
        "functools.cached_property",
        "functools.wraps",
        "functools.singledispatch",
        "contextlib.contextmanager",
        "contextlib.asynccontextmanager",
        "abc.abstractmethod",
        "typing.final",
        "typing_extensions.final",
    }
)


class ModuleNames:
    """What a module's own import statements bind (``import functools as ft``, ``from
    functools import cache``), to read a decorator's qualified name; and whether it
    postpones annotations (``from __future__ import annotations``)."""

    def __init__(self, module: cst.Module) -> None:
        self.imports: dict[str, str] = {}
        self.postponed = False
        for statement in module.body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.Import):
                    for alias in small.names:
                        full = get_full_name_for_node(alias.name) or ""
                        local = alias.evaluated_alias or full.split(".")[0]
                        self.imports[local] = full if alias.asname else local
                elif (
                    isinstance(small, cst.ImportFrom)
                    and small.module is not None
                    and not small.relative
                    and not isinstance(small.names, cst.ImportStar)
                ):
                    source = get_full_name_for_node(small.module) or ""
                    for alias in small.names:
                        name = get_full_name_for_node(alias.name) or ""
                        self.imports[alias.evaluated_alias or name] = f"{source}.{name}"
                        self.postponed |= (source, name) == ("__future__", "annotations")

    def qualified(self, node: cst.BaseExpression) -> str | None:
        """The dotted name ``node`` spells, its head read through the imports."""
        dotted = get_full_name_for_node(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        head = self.imports.get(head, head)
        return f"{head}.{rest}" if rest else head


def definition_work(node: cst.FunctionDef | cst.ClassDef, names: ModuleNames) -> str | None:
    """Why defining ``node`` runs code (None: it only binds the new object), in the
    module whose imports and future statements ``names`` holds."""
    if not all(_pure(decorator.decorator, names) for decorator in node.decorators):
        return "its decorators run code when it is defined"
    if isinstance(node, cst.ClassDef):
        return _class_work(node, names)
    return _function_work(node, names.postponed)


def _pure(decorator: cst.BaseExpression, names: ModuleNames) -> bool:
    """A decorator from :data:`PURE_DECORATORS`, called with inert arguments or not."""
    if isinstance(decorator, cst.Call):
        if not all(not arg.star and inert(arg.value) for arg in decorator.args):
            return False
        decorator = decorator.func
    return names.qualified(decorator) in PURE_DECORATORS


def _function_work(node: cst.FunctionDef, postponed: bool) -> str | None:
    params = node.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    for extra in (params.star_arg, params.star_kwarg):
        if isinstance(extra, cst.Param):
            every.append(extra)
    if any(param.default is not None and not inert(param.default) for param in every):
        return "its parameter defaults run code when it is defined"
    if postponed:
        return None
    annotations = [param.annotation for param in every] + [node.returns]
    if any(a is not None and not _inert_annotation(a.annotation) for a in annotations):
        return "its annotations run code when it is defined"
    return None


def _class_work(node: cst.ClassDef, names: ModuleNames) -> str | None:
    bases = [arg for arg in node.bases if get_full_name_for_node(arg.value) != "object"]
    if bases or node.keywords:
        return "its bases run code when it is defined (a metaclass, __init_subclass__)"
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else [node.body]
    for statement in body:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            if definition_work(statement, names) is None:
                continue
            return "its body runs code when it is defined"
        smalls = statement.body if isinstance(statement, cst.SimpleStatementLine) else None
        if smalls is None or not all(_inert_statement(s, names.postponed) for s in smalls):
            return "its body runs code when it is defined"
    return None


def _inert_statement(small: cst.BaseSmallStatement, postponed: bool) -> bool:
    if isinstance(small, cst.Pass):
        return True
    if isinstance(small, cst.Expr):
        return isinstance(small.value, cst.Ellipsis) or inert(small.value)
    if isinstance(small, cst.Assign):
        return inert(small.value) and all(isinstance(t.target, cst.Name) for t in small.targets)
    if isinstance(small, cst.AnnAssign):
        return (
            isinstance(small.target, cst.Name)
            and (small.value is None or inert(small.value))
            and (postponed or _inert_annotation(small.annotation.annotation))
        )
    return False


def _inert_annotation(node: cst.BaseExpression) -> bool:
    """A type as annotations spell it: names, dotted names, strings, ``X[...]``, ``X | Y``,
    ``None``; evaluating one runs no code of the program."""
    if isinstance(node, (cst.Name, cst.SimpleString, cst.Ellipsis)):
        return True
    if isinstance(node, cst.Attribute):
        return _inert_annotation(node.value)
    if isinstance(node, cst.Subscript):
        return _inert_annotation(node.value) and all(
            isinstance(element.slice, cst.Index) and _inert_annotation(element.slice.value)
            for element in node.slice
        )
    if isinstance(node, (cst.Tuple, cst.List)):
        return all(isinstance(e, cst.Element) and _inert_annotation(e.value) for e in node.elements)
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
        return _inert_annotation(node.left) and _inert_annotation(node.right)
    return False
