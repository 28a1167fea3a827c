"""Facts about one Python file that need no comments: imports, inline fallbacks, version gates.

Built on the stdlib ``ast``; every fact carries its position so rules can report it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from compatlint.analysis.shapes import (
    caught_names,
    imported_modules,
    imports_in,
    is_import_handler,
    is_type_checking_test,
    root_of,
)
from compatlint.model import ImportFact


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


def resolve_relative(module: str | None, level: int, package: str | None) -> str | None:
    """The absolute module of ``from <level dots><module> import``, given the file's package."""
    if not level:
        return module
    if package is None:
        return None
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    if module:
        base.append(module)
    return ".".join(base) or None


class _FactCollector(ast.NodeVisitor):
    def __init__(self, path: str, package: str | None, upstream_roots: frozenset[str]) -> None:
        self.path = path
        self.package = package
        self.upstream_roots = upstream_roots
        self.imports: list[ImportFact] = []
        self.inline: list[Span] = []
        self.gates: list[Span] = []
        self.function_depth = 0
        self.guarded_depth = 0
        self.type_checking_depth = 0
        self.version_names: set[str] = set()
        self.upstream_aliases: dict[str, str] = {}

    # -- scopes -------------------------------------------------------------------------

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        self.function_depth += 1
        for statement in node.body:
            self.visit(statement)
        self.function_depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.function_depth += 1
        self.generic_visit(node)
        self.function_depth -= 1

    def visit_If(self, node: ast.If) -> None:
        if is_type_checking_test(node.test):
            self.type_checking_depth += 1
            for statement in node.body:
                self.visit(statement)
            self.type_checking_depth -= 1
            for statement in node.orelse:
                self.visit(statement)
            return
        self.generic_visit(node)

    def visit_Try(self, node: ast.Try) -> None:
        fallback_handlers = [h for h in node.handlers if is_import_handler(h, node.body)]
        catches_import = any(
            {"ImportError", "ModuleNotFoundError"} & _caught(h) for h in node.handlers
        )
        if fallback_handlers:
            upstream = self._upstream_import_in(node.body) or self._upstream_import_in(
                [s for h in fallback_handlers for s in h.body]
            )
            if upstream is not None:
                self.inline.append(_span(node, upstream))
        if catches_import:
            self.guarded_depth += 1
            for statement in node.body:
                self.visit(statement)
            self.guarded_depth -= 1
        else:
            for statement in node.body:
                self.visit(statement)
        for handler in node.handlers:
            # A fallback branch only runs when the preferred import failed: conditional too.
            self.guarded_depth += 1
            self.visit(handler)
            self.guarded_depth -= 1
        for statement in node.orelse + node.finalbody:
            self.visit(statement)

    visit_TryStar = visit_Try

    def _upstream_import_in(self, body: list[ast.stmt]) -> str | None:
        for statement in imports_in(body):
            for module in self._modules(statement):
                if root_of(module) in self.upstream_roots:
                    return module
        return None

    # -- imports ------------------------------------------------------------------------

    def _modules(self, node: ast.Import | ast.ImportFrom) -> list[str]:
        if isinstance(node, ast.ImportFrom) and node.level:
            resolved = resolve_relative(node.module, node.level, self.package)
            return [resolved] if resolved else []
        return imported_modules(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._record(node, alias.name, (alias.asname or alias.name,))
            if root_of(alias.name) in self.upstream_roots:
                bound = alias.asname or root_of(alias.name)
                self.upstream_aliases[bound] = alias.name if alias.asname else root_of(alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        modules = self._modules(node)
        if not modules:
            return
        module = modules[0]
        names = tuple(alias.name for alias in node.names)
        self._record(node, module, names)
        if root_of(module) in self.upstream_roots:
            for alias in node.names:
                if alias.name == "__version__":
                    self.version_names.add(alias.asname or alias.name)
                elif alias.name != "*":
                    self.upstream_aliases[alias.asname or alias.name] = f"{module}.{alias.name}"

    def _record(self, node: ast.stmt, module: str, names: tuple[str, ...]) -> None:
        in_function = self.function_depth > 0
        guarded = self.guarded_depth > 0
        type_checking = self.type_checking_depth > 0
        self.imports.append(
            ImportFact(
                path=self.path,
                line=node.lineno,
                column=node.col_offset + 1,
                module=module,
                names=names,
                unconditional=not (in_function or guarded or type_checking),
                in_function=in_function,
                guarded=guarded,
                type_checking=type_checking,
            )
        )

    # -- version gates ------------------------------------------------------------------

    def visit_Compare(self, node: ast.Compare) -> None:
        operands = [node.left, *node.comparators]
        if any(self._mentions_version(operand) for operand in operands):
            self.gates.append(_span(node, ast.unparse(node)[:80]))
            return
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in {"startswith", "endswith"}
            and self._mentions_version(func.value)
        ):
            self.gates.append(_span(node, ast.unparse(node)[:80]))
            return
        self.generic_visit(node)

    def _mentions_version(self, node: ast.expr) -> bool:
        for inner in ast.walk(node):
            if isinstance(inner, ast.Attribute) and inner.attr == "__version__":
                base = inner.value
                if isinstance(base, ast.Name) and (
                    base.id in self.upstream_aliases or base.id in self.upstream_roots
                ):
                    return True
                if isinstance(base, ast.Attribute) and root_of(ast.unparse(base)) in (
                    self.upstream_roots | set(self.upstream_aliases)
                ):
                    return True
            elif (isinstance(inner, ast.Name) and inner.id in self.version_names) or (
                isinstance(inner, ast.Call) and self._is_metadata_version(inner)
            ):
                return True
        return False

    def _is_metadata_version(self, call: ast.Call) -> bool:
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


def _caught(handler: ast.ExceptHandler) -> set[str]:
    return set(caught_names(handler))


def file_facts(
    path: str,
    tree: ast.Module,
    *,
    module: str | None,
    is_package: bool,
    upstream_roots: frozenset[str],
    suppressed: dict[int, frozenset[str]] | None = None,
) -> FileFacts:
    """Collect the :class:`FileFacts` of one parsed file."""
    if module is None:
        package = None
    elif is_package:
        package = module
    else:
        package = module.rpartition(".")[0]
    collector = _FactCollector(path, package, upstream_roots)
    collector.visit(tree)
    return FileFacts(
        path=path,
        module=module,
        imports=tuple(collector.imports),
        inline_fallbacks=tuple(collector.inline),
        version_gates=tuple(collector.gates),
        suppressed=tuple(sorted((suppressed or {}).items())),
    )
