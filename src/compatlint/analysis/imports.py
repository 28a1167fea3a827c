"""Facts about one Python file that need no comments: imports, inline fallbacks, version gates.

Built on the stdlib ``ast``; every fact carries its position so rules can report it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from compatlint.analysis.shapes import (
    IMPORT_ERRORS,
    caught_names,
    imported_modules,
    imports_in,
    is_import_handler,
    is_type_checking_test,
    root_of,
)
from compatlint.model import ImportFact
from compatlint.names.modules import package_of, resolve_relative


@dataclass(frozen=True)
class Span:
    """A located construct with a short description."""

    line: int
    column: int
    end_line: int
    end_column: int
    text: str


@dataclass(frozen=True)
class FileFacts:
    """What the rules need to know about one file."""

    path: str
    module: str | None
    imports: tuple[ImportFact, ...] = ()
    inline_fallbacks: tuple[Span, ...] = ()
    version_gates: tuple[Span, ...] = ()
    suppressed: tuple[tuple[int, frozenset[str]], ...] = ()
    parsed: bool = True

    def suppressed_codes(self, line: int) -> frozenset[str]:
        for number, codes in self.suppressed:
            if number == line:
                return codes
        return frozenset()


def _span(node: ast.AST, text: str) -> Span:
    line = node.lineno  # type: ignore[attr-defined]
    return Span(
        line=line,
        column=node.col_offset + 1,  # type: ignore[attr-defined]
        end_line=node.end_lineno or line,  # type: ignore[attr-defined]
        end_column=(node.end_col_offset or 0) + 1,  # type: ignore[attr-defined]
        text=text,
    )


@dataclass
class _Scope:
    in_function: bool = False
    guarded: bool = False
    type_checking: bool = False


class _FactCollector:
    """Walks statements only (never expressions) to collect imports and inline fallbacks.

    Expressions are visited only when the file can hold a version gate at all, which keeps
    the common case — a handler full of code that never compares versions — cheap.
    """

    def __init__(
        self,
        path: str,
        package: str | None,
        upstream_roots: frozenset[str],
        recorded_roots: frozenset[str],
    ) -> None:
        self.path = path
        self.package = package
        self.upstream_roots = upstream_roots
        self.recorded_roots = recorded_roots | upstream_roots
        self.imports: list[ImportFact] = []
        self.inline: list[Span] = []
        self.gates: list[Span] = []
        self.version_names: set[str] = set()
        self.upstream_aliases: set[str] = set()

    # -- statements ---------------------------------------------------------------------

    def body(self, statements: list[ast.stmt], scope: _Scope) -> None:
        for statement in statements:
            self.statement(statement, scope)

    def statement(self, node: ast.stmt, scope: _Scope) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self.record(node, alias.name, (alias.asname or alias.name,), scope)
                if root_of(alias.name) in self.upstream_roots:
                    self.upstream_aliases.add(alias.asname or root_of(alias.name))
        elif isinstance(node, ast.ImportFrom):
            modules = self.modules(node)
            if modules:
                self.record(node, modules[0], tuple(a.name for a in node.names), scope)
                if root_of(modules[0]) in self.upstream_roots:
                    for alias in node.names:
                        if alias.name == "__version__":
                            self.version_names.add(alias.asname or alias.name)
                        elif alias.name != "*":
                            self.upstream_aliases.add(alias.asname or alias.name)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.body(node.body, _Scope(True, scope.guarded, scope.type_checking))
        elif isinstance(node, ast.ClassDef):
            self.body(node.body, scope)
        elif isinstance(node, ast.If):
            if is_type_checking_test(node.test):
                self.body(node.body, _Scope(scope.in_function, scope.guarded, True))
            else:
                self.body(node.body, scope)
            self.body(node.orelse, scope)
        elif isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            self.try_statement(node, scope)  # type: ignore[arg-type]
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            self.body(node.body, scope)
            self.body(node.orelse, scope)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            self.body(node.body, scope)
        elif isinstance(node, getattr(ast, "Match", ())):
            for case in node.cases:  # type: ignore[attr-defined]
                self.body(case.body, scope)

    def try_statement(self, node: ast.Try, scope: _Scope) -> None:
        fallback_handlers = [h for h in node.handlers if is_import_handler(h, node.body)]
        if fallback_handlers:
            upstream = self.upstream_import_in(node.body) or self.upstream_import_in(
                [s for h in fallback_handlers for s in h.body]
            )
            if upstream is not None:
                self.inline.append(_span(node, upstream))
        catches_import = any(caught_names(h) & IMPORT_ERRORS for h in node.handlers)
        guarded = _Scope(scope.in_function, True, scope.type_checking)
        self.body(node.body, guarded if catches_import else scope)
        for handler in node.handlers:
            # A fallback branch only runs when the preferred import failed: conditional too.
            self.body(handler.body, guarded)
        self.body(node.orelse, scope)
        self.body(node.finalbody, scope)

    def upstream_import_in(self, body: list[ast.stmt]) -> str | None:
        for statement in imports_in(body):
            for module in self.modules(statement):
                if root_of(module) in self.upstream_roots:
                    return module
        return None

    def modules(self, node: ast.Import | ast.ImportFrom) -> list[str]:
        if isinstance(node, ast.ImportFrom) and node.level:
            resolved = resolve_relative(node.module, node.level, self.package)
            return [resolved] if resolved else []
        return imported_modules(node)

    def record(self, node: ast.stmt, module: str, names: tuple[str, ...], scope: _Scope) -> None:
        if root_of(module) not in self.recorded_roots:
            return
        self.imports.append(
            ImportFact(
                path=self.path,
                line=node.lineno,
                column=node.col_offset + 1,
                module=module,
                names=names,
                unconditional=not (scope.in_function or scope.guarded or scope.type_checking),
                in_function=scope.in_function,
                guarded=scope.guarded,
                type_checking=scope.type_checking,
            )
        )

    # -- version gates ------------------------------------------------------------------

    def version_gates(self, tree: ast.Module) -> None:
        """Comparisons (and ``startswith``) involving the upstream's version."""
        covered: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                operands = [node.left, *node.comparators]
                if any(self.mentions_version(operand) for operand in operands):
                    self.add_gate(node, covered)
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"startswith", "endswith"}
                and self.mentions_version(node.func.value)
            ):
                self.add_gate(node, covered)
        self.gates.sort(key=lambda span: (span.line, span.column))

    def add_gate(self, node: ast.expr, covered: set[int]) -> None:
        if id(node) in covered:
            return
        covered.update(id(inner) for inner in ast.walk(node))
        self.gates.append(_span(node, ast.unparse(node)[:80]))

    def mentions_version(self, node: ast.expr) -> bool:
        for inner in ast.walk(node):
            if isinstance(inner, ast.Attribute) and inner.attr == "__version__":
                base = inner.value
                while isinstance(base, ast.Attribute):
                    base = base.value
                if isinstance(base, ast.Name) and (
                    base.id in self.upstream_aliases or base.id in self.upstream_roots
                ):
                    return True
            elif (isinstance(inner, ast.Name) and inner.id in self.version_names) or (
                isinstance(inner, ast.Call) and self.is_metadata_version(inner)
            ):
                return True
        return False

    def is_metadata_version(self, call: ast.Call) -> bool:
        func = call.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name not in {"version", "distribution", "get_distribution"} or not call.args:
            return False
        first = call.args[0]
        return (
            isinstance(first, ast.Constant)
            and isinstance(first.value, str)
            and first.value.replace("-", "_").lower() in self.upstream_roots
        )


def may_gate_on_version(text: str) -> bool:
    """Whether ``text`` can hold a version gate at all (the cheap needle for CL105)."""
    return "__version__" in text or "version(" in text


def file_facts(
    path: str,
    tree: ast.Module,
    *,
    module: str | None,
    is_package: bool,
    upstream_roots: frozenset[str],
    recorded_roots: frozenset[str] = frozenset(),
    suppressed: dict[int, frozenset[str]] | None = None,
    gates: bool = True,
) -> FileFacts:
    """Collect the :class:`FileFacts` of one parsed file.

    Only imports of ``upstream_roots`` and ``recorded_roots`` (heavy imports) are kept;
    ``gates=False`` skips the expression walk when the text cannot hold a version gate.
    """
    collector = _FactCollector(path, package_of(module, is_package), upstream_roots, recorded_roots)
    collector.body(tree.body, _Scope())
    if gates:
        collector.version_gates(tree)
    return FileFacts(
        path=path,
        module=module,
        imports=tuple(collector.imports),
        inline_fallbacks=tuple(collector.inline),
        version_gates=tuple(collector.gates),
        suppressed=tuple(sorted((suppressed or {}).items())),
    )
