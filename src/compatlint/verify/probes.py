"""The API probes of a shim: what each one asks of the upstream (pure, from the shim's text).

A probe asks one question whose answer the upstream's files can give per release
(:mod:`compatlint.verify.members` answers it):

* ``hasattr(mod, "X")`` / ``getattr(mod, "X", None)`` where ``mod`` is bound by an import
  of an upstream module — does the module bind ``X``?
* ``hasattr(obj, "f")`` / ``getattr(obj, "f", None)`` / ``callable(getattr(obj, "f", None))``
  where the class of ``obj`` is known — from an annotation naming an upstream class the
  shim imports, from such an import itself (the class object), or from the project's
  ``[tool.compatlint.verify.types]`` hint (shims annotate upstream objects as ``Any`` so
  as not to import them) — does the class have the member?
* ``"p" in inspect.signature(f).parameters`` — does ``f`` take a parameter ``p``?
* ``try: f(a, b) except TypeError: f(a)`` — does ``f`` accept the first call's shape?

Names resolve by scope: a function's annotated parameters and locals first, then the
shim's imports (every import of a name, in order: the try body's path first), then the
hint table. A name a function rebinds without an upstream annotation is not resolved.
"""

from __future__ import annotations

import ast
import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace

__all__ = ["CallShape", "Form", "Probe", "ProbeKind", "Ref", "find_probes"]


class ProbeKind(str, enum.Enum):
    """What a probe asks."""

    ATTRIBUTE = "attribute"  # hasattr / getattr / callable(getattr(...))
    PARAMETER = "parameter"  # "p" in inspect.signature(f).parameters
    CALL = "call"  # try: f(a, b) except TypeError: ...


class Form(str, enum.Enum):
    """How an attribute probe turns presence into a truth value."""

    HASATTR = "hasattr"  # present -> True
    GETATTR = "getattr"  # the value itself (truthy only when it is a def or a class)
    IS_NOT_NONE = "is not None"  # getattr(...) is not None
    IS_NONE = "is None"
    CALLABLE = "callable"  # callable(getattr(...))
    IN = "in"  # "p" in parameters
    NOT_IN = "not in"
    ACCEPTS = "accepts"  # the call shape binds to the signature


@dataclass(frozen=True)
class Ref:
    """An upstream object a shim expression stands for: the dotted paths it may be bound
    to (alternatives in the order the shim tries them); for an instance of the class at
    ``paths``, ``instance`` is set and ``attrs`` are the attributes taken from it."""

    paths: tuple[str, ...]
    instance: bool = False
    attrs: tuple[str, ...] = ()

    def member(self, name: str) -> Ref:
        """``ref.name``: an attribute of the object (of the instance, for an instance)."""
        if self.instance:
            return Ref(self.paths, True, (*self.attrs, name))
        return Ref(tuple(f"{path}.{name}" for path in self.paths))

    @property
    def shown(self) -> str:
        return ".".join((self.paths[0], *self.attrs))


@dataclass(frozen=True)
class CallShape:
    """The arguments of a call: how many positional ones, and the keyword names."""

    positional: int
    keywords: tuple[str, ...] = ()

    def __str__(self) -> str:
        parts = ["_"] * self.positional + [f"{k}=_" for k in self.keywords]
        return f"({', '.join(parts)})"


@dataclass(frozen=True)
class Probe:
    """One probe of the shim at ``path``: ``text`` is its source, the span is its
    expression (1-based columns, as ``ast`` counts them plus one)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    kind: ProbeKind
    form: Form
    ref: Ref
    name: str = ""  # the member or parameter probed
    shape: CallShape | None = None  # the call shape, for a CALL probe
    text: str = ""
    #: ``ast`` span of the probe expression: line, column offset, end line, end offset.
    span: tuple[int, int, int, int] | None = None
    #: The line of the innermost ``if``/``elif``/ternary/``assert`` whose test holds the
    #: probe (the line prune's fold reports), or None.
    root_line: int | None = None
    #: For a probe that is the whole test of an ``if`` (or its ``not``): the ``if`` line.
    test_of: int | None = None
    negated: bool = False

    @property
    def subject(self) -> str:
        """What is probed, for messages: ``ServerArgs.x``, ``f(_, _)``, ``f(p=...)``."""
        base = self.ref.shown
        if self.kind is ProbeKind.CALL:
            return f"{base}{self.shape}"
        if self.kind is ProbeKind.PARAMETER:
            return f"parameter {self.name!r} of {base}"
        return f"{base}.{self.name}"


def find_probes(
    path: str, tree: ast.Module, package: str, hints: Mapping[str, str] | None = None
) -> list[Probe]:
    """Every probe in the shim ``tree`` at ``path`` whose object is of the upstream
    ``package`` (a root package name); ``hints`` is the name → class table of the config."""
    finder = _Finder(path, package, dict(hints or {}))
    finder.module_names(tree)
    finder.block(tree.body, {})
    return sorted(_placed(tree, finder.found), key=lambda p: (p.line, p.column))


def _span(node: ast.expr) -> tuple[int, int, int, int]:
    return (node.lineno, node.col_offset, node.end_lineno or node.lineno, node.end_col_offset or 0)


def _placed(tree: ast.Module, probes: list[Probe]) -> list[Probe]:
    """``probes`` with the test that holds each (the innermost one: ``ast.walk`` visits
    outer nodes first)."""
    placed = {p.span: p for p in probes}
    for node in ast.walk(tree):
        if not isinstance(node, (ast.If, ast.IfExp, ast.Assert)):
            continue
        test = _span(node.test)
        whole = node.test
        negated = isinstance(whole, ast.UnaryOp) and isinstance(whole.op, ast.Not)
        exact = _span(whole.operand) if isinstance(whole, ast.UnaryOp) and negated else test
        for span, probe in placed.items():
            if span is None or not (test[:2] <= span[:2] and span[2:] <= test[2:]):
                continue
            is_test = isinstance(node, ast.If) and span == exact
            placed[span] = replace(
                probe,
                root_line=node.lineno,
                test_of=node.lineno if is_test else None,
                negated=negated if is_test else False,
            )
    return list(placed.values())


# -- names --------------------------------------------------------------------------------


def _imports(tree: ast.AST, package: str) -> dict[str, list[str]]:
    """local name → the upstream paths its imports bind (module or ``module.Name``)."""
    bound: dict[str, list[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] != package:
                    continue
                local = alias.asname or alias.name.split(".")[0]
                target = alias.name if alias.asname else package
                bound.setdefault(local, []).append(target)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            if node.module.split(".")[0] != package:
                continue
            for alias in node.names:
                if alias.name != "*":
                    path = f"{node.module}.{alias.name}"
                    bound.setdefault(alias.asname or alias.name, []).append(path)
    return bound


def _annotation_name(annotation: ast.expr | None) -> ast.expr | None:
    """The class an annotation names: ``C``, ``m.C``, ``"C"``, ``Optional[C]``, ``C | None``."""
    if annotation is None:
        return None
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            return _annotation_name(ast.parse(annotation.value, mode="eval").body)
        except SyntaxError:
            return None
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = [s for s in (annotation.left, annotation.right) if not _is_none(s)]
        return _annotation_name(sides[0]) if len(sides) == 1 else None
    if isinstance(annotation, ast.Subscript) and _dotted(annotation.value) in (
        "Optional",
        "typing.Optional",
    ):
        return _annotation_name(annotation.slice)
    if isinstance(annotation, (ast.Name, ast.Attribute)):
        return annotation
    return None


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = _dotted(node.value)
        return f"{inner}.{node.attr}" if inner else None
    return None


def _string(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


_Scope = dict[str, "Ref | None"]


class _Finder:
    def __init__(self, path: str, package: str, hints: dict[str, str]) -> None:
        self.path = path
        self.package = package
        self.hints = hints
        self.globals: dict[str, Ref] = {}
        self.found: list[Probe] = []

    def module_names(self, tree: ast.Module) -> None:
        for name, paths in _imports(tree, self.package).items():
            self.globals[name] = Ref(tuple(dict.fromkeys(paths)))
        for node in tree.body:
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                typed = self.typed(node.annotation, {})
                if typed is not None:
                    self.globals[node.target.id] = typed

    # -- resolution ---------------------------------------------------------------------

    def typed(self, annotation: ast.expr | None, scope: _Scope) -> Ref | None:
        """An instance of the upstream class ``annotation`` names."""
        named = _annotation_name(annotation)
        ref = self.ref(named, scope) if named is not None else None
        if ref is None or ref.instance:
            return None
        return Ref(ref.paths, instance=True)

    def ref(self, node: ast.expr, scope: _Scope) -> Ref | None:
        """The upstream object ``node`` stands for, if the shim says."""
        if isinstance(node, ast.Name):
            if node.id in scope:
                return scope[node.id]
            if node.id in self.globals:
                return self.globals[node.id]
            return self.hinted(node.id)
        if isinstance(node, ast.Attribute):
            inner = self.ref(node.value, scope)
            return inner.member(node.attr) if inner is not None else None
        return None

    # -- walking ------------------------------------------------------------------------

    def block(self, body: list[ast.stmt], scope: _Scope) -> None:
        for statement in body:
            self.statement(statement, scope)

    def statement(self, node: ast.stmt, scope: _Scope) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.block(node.body, self.function_scope(node, scope))
            return
        if isinstance(node, ast.ClassDef):
            self.block(node.body, scope)
            return
        if isinstance(node, ast.Try):
            self.try_call(node, scope)
        for _, value in ast.iter_fields(node):
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, ast.stmt):
                    self.statement(item, scope)
                elif isinstance(item, (ast.excepthandler, ast.match_case)):
                    self.block(item.body, scope)
                elif isinstance(item, ast.AST):
                    self.expression(item, scope)

    def function_scope(self, node: ast.FunctionDef | ast.AsyncFunctionDef, outer: _Scope) -> _Scope:
        scope: _Scope = dict(outer)
        args = node.args
        every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
        every += [a for a in (args.vararg, args.kwarg) if a is not None]
        for arg in every:
            scope[arg.arg] = self.typed(arg.annotation, outer) or self.hinted(arg.arg)
        for inner in ast.walk(node):
            if isinstance(inner, ast.AnnAssign) and isinstance(inner.target, ast.Name):
                name = inner.target.id
                scope[name] = self.typed(inner.annotation, outer) or self.hinted(name)
            elif isinstance(inner, (ast.Assign, ast.AugAssign, ast.For, ast.With, ast.NamedExpr)):
                for target in _targets(inner):  # rebound: only the project's hint still holds
                    scope[target] = self.hinted(target)
        return scope

    def hinted(self, name: str) -> Ref | None:
        """An instance of the class ``[tool.compatlint.verify.types]`` gives ``name``."""
        hint = self.hints.get(name)
        return Ref((hint,), instance=True) if hint else None

    def expression(self, node: ast.AST, scope: _Scope) -> None:
        for inner in ast.walk(node):
            if isinstance(inner, ast.Compare):
                self.compare(inner, scope)
            elif isinstance(inner, ast.Call):
                self.call(inner, scope)

    # -- probe shapes -------------------------------------------------------------------

    def call(self, node: ast.Call, scope: _Scope) -> None:
        name = _dotted(node.func)
        if name == "callable" and len(node.args) == 1 and isinstance(node.args[0], ast.Call):
            inner = node.args[0]
            if _dotted(inner.func) == "getattr" and len(inner.args) == 3:
                self.attribute(node, inner, Form.CALLABLE, scope)
            return
        if name == "hasattr" and len(node.args) == 2:
            self.attribute(node, node, Form.HASATTR, scope)
        elif name == "getattr" and len(node.args) == 3 and not self.claimed(node):
            self.attribute(node, node, Form.GETATTR, scope)

    def compare(self, node: ast.Compare, scope: _Scope) -> None:
        if len(node.ops) != 1:
            return
        op, left, right = node.ops[0], node.left, node.comparators[0]
        if isinstance(op, (ast.Is, ast.IsNot)) and _is_none(right) and isinstance(left, ast.Call):
            if _dotted(left.func) == "getattr" and len(left.args) == 3:
                form = Form.IS_NOT_NONE if isinstance(op, ast.IsNot) else Form.IS_NONE
                self.attribute(node, left, form, scope)
            return
        if not isinstance(op, (ast.In, ast.NotIn)):
            return
        parameter = _string(left)
        target = _signature_of(right)
        if parameter is None or target is None:
            return
        ref = self.ref(target, scope)
        if ref is None:
            return
        form = Form.IN if isinstance(op, ast.In) else Form.NOT_IN
        self.add(node, ProbeKind.PARAMETER, form, ref, name=parameter)

    def attribute(self, node: ast.expr, probe: ast.Call, form: Form, scope: _Scope) -> None:
        name = _string(probe.args[1])
        ref = self.ref(probe.args[0], scope)
        if name is None or ref is None:
            return
        if len(probe.args) == 3 and not _is_none(probe.args[2]):
            return  # a default other than None: the value says nothing clear about presence
        self.add(node, ProbeKind.ATTRIBUTE, form, ref, name=name)

    def claimed(self, node: ast.Call) -> bool:
        """Whether ``node`` lies inside a probe found before it (``callable(getattr(..))``,
        ``getattr(..) is not None``: the outer expression is the probe)."""
        start = (node.lineno, node.col_offset)
        end = (node.end_lineno or node.lineno, node.end_col_offset or 0)
        return any(
            p.span is not None and p.span[:2] <= start and end <= p.span[2:] for p in self.found
        )

    def try_call(self, node: ast.Try, scope: _Scope) -> None:
        """``try: f(a, b) except TypeError: f(a)``: the first call's shape is the probe."""
        if not any("TypeError" in ast.unparse(h.type) for h in node.handlers if h.type):
            return
        body_calls = [c for s in node.body for c in ast.walk(s) if isinstance(c, ast.Call)]
        for handler in node.handlers:
            if handler.type is None or "TypeError" not in ast.unparse(handler.type):
                continue
            handler_calls = [
                c for s in handler.body for c in ast.walk(s) if isinstance(c, ast.Call)
            ]
            for call in body_calls:
                func = ast.unparse(call.func)
                if any(ast.unparse(other.func) == func for other in handler_calls):
                    ref = self.ref(call.func, scope)
                    if ref is not None and not any(isinstance(a, ast.Starred) for a in call.args):
                        keywords = tuple(k.arg for k in call.keywords if k.arg is not None)
                        if len(keywords) == len(call.keywords):
                            shape = CallShape(len(call.args), keywords)
                            self.add(call, ProbeKind.CALL, Form.ACCEPTS, ref, shape=shape)
                            return

    def add(
        self,
        node: ast.expr,
        kind: ProbeKind,
        form: Form,
        ref: Ref,
        *,
        name: str = "",
        shape: CallShape | None = None,
    ) -> None:
        span = _span(node)
        end_line = span[2]
        if any(p.span == span for p in self.found):
            return
        self.found.append(
            Probe(
                path=self.path,
                line=node.lineno,
                column=node.col_offset + 1,
                end_line=end_line,
                end_column=(node.end_col_offset or 0) + 1,
                kind=kind,
                form=form,
                ref=ref,
                name=name,
                shape=shape,
                text=ast.unparse(node),
                span=span,
            )
        )


def _signature_of(node: ast.expr) -> ast.expr | None:
    """``f`` of ``inspect.signature(f).parameters`` (or ``signature(f).parameters``)."""
    if not (isinstance(node, ast.Attribute) and node.attr == "parameters"):
        return None
    call = node.value
    if (
        isinstance(call, ast.Call)
        and _dotted(call.func) in ("inspect.signature", "signature")
        and len(call.args) == 1
    ):
        return call.args[0]
    return None


def _targets(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Assign):
        roots: list[ast.expr] = list(node.targets)
    elif isinstance(node, (ast.AugAssign, ast.For, ast.NamedExpr)):
        roots = [node.target]
    elif isinstance(node, ast.With):
        roots = [item.optional_vars for item in node.items if item.optional_vars is not None]
    else:
        roots = []
    for root in roots:
        for inner in ast.walk(root):
            if isinstance(inner, ast.Name):
                yield inner.id
