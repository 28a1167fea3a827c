"""Which parameters a function of an upstream release takes, and whether a call binds (pure).

Read from the ``def`` that :func:`compatlint.verify.members.find_object` found, never by
importing it. Unknown, never absent, where the ``def`` cannot tell: a missing name with
``**kwargs``, too many positional arguments with ``*args``, or a decorator that may change
the signature (``inspect.signature`` follows ``functools.wraps``, but a decorator need not
use it).
"""

from __future__ import annotations

import ast

from compatlint.verify.members import Found, dotted
from compatlint.verify.probes import CallShape
from compatlint.verify.resolve import Presence, Resolution

__all__ = ["accepts", "has_parameter"]

#: Function decorators that keep the signature (``inspect.signature`` follows ``wraps``).
_PLAIN_FUNCTION_DECORATORS = frozenset(
    {
        "staticmethod",
        "classmethod",
        "abstractmethod",
        "abc.abstractmethod",
        "override",
        "typing.override",
        "torch.no_grad",
        "torch.inference_mode",
        "functools.cache",
        "functools.lru_cache",
        "lru_cache",
        "cache",
    }
)


def _signature_problem(node: ast.AST | None) -> str | None:
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return "not a def"
    for decorator in node.decorator_list:
        shown = dotted(decorator.func if isinstance(decorator, ast.Call) else decorator)
        if shown not in _PLAIN_FUNCTION_DECORATORS and not shown.endswith(".setter"):
            return f"{node.name} is decorated with @{shown or ast.unparse(decorator)}"
    return None


def has_parameter(found: Found, parameter: str) -> Resolution:
    """Whether the function ``found`` declares ``parameter``."""
    node = found.node
    problem = _signature_problem(node)
    if problem is not None:
        return Resolution(Presence.UNKNOWN, problem)
    assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    args = node.args
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    where = f"{found.module}:{node.lineno}"
    if parameter in names:
        return Resolution(Presence.PRESENT, f"def {node.name} at {where} declares {parameter}")
    if args.kwarg is not None:
        return Resolution(Presence.UNKNOWN, f"{node.name} takes **{args.kwarg.arg} ({where})")
    shown = ", ".join(names) if len(names) <= 8 else ", ".join([*names[:8], "..."])
    return Resolution(Presence.ABSENT, f"def {node.name}({shown}) at {where}")


def accepts(found: Found, shape: CallShape, *, bound: bool) -> Resolution:
    """Whether a call of shape ``shape`` binds to the function ``found`` (``bound``: called
    on an instance, so the first parameter is taken; staticmethods excepted)."""
    node = found.node
    problem = _signature_problem(node)
    if problem is not None:
        return Resolution(Presence.UNKNOWN, problem)
    assert isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    args = node.args
    decorators = {dotted(d) for d in node.decorator_list}
    positional = [*args.posonlyargs, *args.args]
    skip = 1 if (bound or "classmethod" in decorators) and "staticmethod" not in decorators else 0
    positional = positional[skip:]
    posonly = {a.arg for a in args.posonlyargs[skip:]}
    where = f"def {node.name} at {found.module}:{node.lineno}"
    defaults = len(args.defaults)
    required = [a.arg for a in positional[: len(positional) - defaults]]
    keyword_names = {a.arg for a in positional if a.arg not in posonly} | {
        a.arg for a in args.kwonlyargs
    }
    if shape.positional > len(positional):
        if args.vararg is not None:
            return Resolution(Presence.UNKNOWN, f"{where} takes *{args.vararg.arg}")
        return Resolution(
            Presence.ABSENT, f"{where} takes {len(positional)} positional, not {shape.positional}"
        )
    for keyword in shape.keywords:
        if keyword not in keyword_names:
            if args.kwarg is not None:
                return Resolution(Presence.UNKNOWN, f"{where} takes **{args.kwarg.arg}")
            return Resolution(Presence.ABSENT, f"{where} has no parameter {keyword}")
    given = {a.arg for a in positional[: shape.positional]} | set(shape.keywords)
    missing = [n for n in required if n not in given]
    missing += [
        a.arg
        for a, default in zip(args.kwonlyargs, args.kw_defaults, strict=True)
        if default is None and a.arg not in given
    ]
    if missing:
        return Resolution(Presence.ABSENT, f"{where} needs {', '.join(missing)}")
    return Resolution(Presence.PRESENT, f"{where} accepts it")
