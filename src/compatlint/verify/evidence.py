"""What ``verify`` checks: every upstream import path of the project, tied to its site (pure).

From the shims: every import in a ``try`` body (the path the shim prefers, role
``try``) or in an ``except`` handler (role ``except``), every string of a probe-path
tuple (role ``probe``) and every ``importlib.import_module("literal")`` (in a try or
handler like an import; outside one, role ``dynamic``, or ``import`` at module level).
From the whole project: every unconditional module-level upstream import, as ``check``'s
import facts see it (role ``import``).

Each path is linked to the shim site it belongs to, and every fallback — an import
fallback handler or a tagged probe-path entry — records the *preferred* paths tried
before it. A fallback is taken in a version only when every preferred alternative fails
there; an alternative is a group of paths that must all exist (a try body that imports
two names needs both). Nested fallbacks chain: the inner handler of a fallback that is
itself in a handler runs only when the outer try body failed too.
"""

from __future__ import annotations

import ast
import enum
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace

from compatlint.analysis.project import ProjectFacts
from compatlint.analysis.shapes import (
    IMPORT_ERRORS,
    caught_names,
    first_line,
    is_import_handler,
    string_elements,
)
from compatlint.analysis.source import parse_python
from compatlint.model import Site, SiteKind

__all__ = ["Evidence", "Fallback", "ImportPath", "Role", "collect_evidence"]

_BODY = -1
# ``try`` and, on Python 3.11+, ``try`` with ``except*`` handlers.
_TRY_STATEMENTS: tuple[type[ast.stmt], ...] = tuple({ast.Try, getattr(ast, "TryStar", ast.Try)})
_BROAD_ERRORS = frozenset({"Exception", "BaseException"})
_DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+")


class Role(str, enum.Enum):
    """Where an import path sits, which decides how it is judged."""

    NEW = "try"
    FALLBACK = "except"
    PROBE = "probe"
    DYNAMIC = "dynamic"
    UNGUARDED = "import"


@dataclass(frozen=True)
class ImportPath:
    """One module, or one name of a module, that the project imports from the upstream.

    ``name`` is None when the module itself is imported (``import a.b``, a probe path,
    ``import_module``); ``dotted`` marks a probe-path string, which may also name an
    attribute of its parent module.
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    module: str
    name: str | None
    role: Role
    site: Site | None = None
    dotted: bool = False

    @classmethod
    def at(
        cls,
        path: str,
        node: ast.expr | ast.stmt,
        module: str,
        name: str | None,
        role: Role,
        *,
        site: Site | None = None,
        dotted: bool = False,
    ) -> ImportPath:
        """The import path written at ``node`` (its span, 1-based columns)."""
        line = node.lineno
        return cls(
            path=path,
            line=line,
            column=node.col_offset + 1,
            end_line=node.end_lineno or line,
            end_column=(node.end_col_offset or 0) + 1,
            module=module,
            name=name,
            role=role,
            site=site,
            dotted=dotted,
        )

    @property
    def target(self) -> str:
        """``module:name`` for a name, the module otherwise."""
        return f"{self.module}:{self.name}" if self.name else self.module


@dataclass(frozen=True)
class Fallback:
    """A fallback the evidence can judge, with the paths preferred over it.

    ``preferred`` holds the alternatives tried first, outermost first, as groups of row
    indices (a group exists when all its paths do); ``own`` are the fallback's own rows.
    ``header_line`` / ``body_line`` locate an ``except`` header and the first statement
    of its body (0 when the fallback is not a handler).
    """

    site: Site
    preferred: tuple[tuple[int, ...], ...]
    own: tuple[int, ...]
    header_line: int = 0
    body_line: int = 0

    @property
    def preferred_rows(self) -> tuple[int, ...]:
        return tuple(index for group in self.preferred for index in group)


@dataclass(frozen=True)
class Evidence:
    """Every path to resolve (sorted by file and position) and every judgeable fallback."""

    package: str
    rows: tuple[ImportPath, ...]
    fallbacks: tuple[Fallback, ...]


def collect_evidence(
    project: ProjectFacts, sources: Mapping[str, str], package: str | None = None
) -> Evidence:
    """The evidence of ``project`` for the upstream root package ``package``.

    ``package`` defaults to the root of the primary upstream of the config; ``sources``
    must hold the text of the shims and of every file with an upstream import.
    """
    root = (package or project.config.primary).split(".")[0]
    rows: list[ImportPath] = []
    fallbacks: list[Fallback] = []
    covered: set[tuple[str, int, int]] = set()
    for shim_path, shim in project.shims.items():
        if shim_path not in sources:
            continue
        walker = _ShimWalker(shim_path, root)
        walker.walk(parse_python(sources[shim_path], shim_path).body, (), in_function=False)
        offset = len(rows)
        shim_rows, shim_fallbacks = walker.link(shim.sites)
        rows += shim_rows
        fallbacks += [_shift(f, offset) for f in shim_fallbacks]
        covered |= {(r.path, r.line, r.column) for r in shim_rows}
    rows += _unguarded_rows(project, sources, root, covered)
    return _sorted(Evidence(root, tuple(rows), tuple(fallbacks)))


# -- the shim -----------------------------------------------------------------------------

_Frame = tuple[ast.Try, int]


@dataclass
class _HandlerInfo:
    node: ast.Try
    index: int
    frames: tuple[_Frame, ...]


@dataclass
class _ShimWalker:
    path: str
    package: str
    rows: list[ImportPath] = field(default_factory=list)
    owners: list[tuple[int, int] | None] = field(default_factory=list)
    handlers: dict[int, _HandlerInfo] = field(default_factory=dict)
    tries: dict[int, ast.Try] = field(default_factory=dict)
    probe_groups: list[list[int]] = field(default_factory=list)

    def walk(self, body: list[ast.stmt], frames: tuple[_Frame, ...], *, in_function: bool) -> None:
        for statement in body:
            self.statement(statement, frames, in_function=in_function)

    def statement(self, node: ast.stmt, frames: tuple[_Frame, ...], *, in_function: bool) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if frames:
                self.imports(node, frames)
            return
        self.dynamic_imports(node, frames, in_function=in_function)
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            self.probe_paths(node.value)
        if isinstance(node, _TRY_STATEMENTS):
            self.try_statement(node, frames, in_function=in_function)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.walk(node.body, (), in_function=True)
        else:
            for field_name in ("body", "orelse"):
                inner = getattr(node, field_name, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    self.walk(inner, frames, in_function=in_function)
            for case in getattr(node, "cases", []) or []:
                self.walk(case.body, frames, in_function=in_function)

    def try_statement(
        self, node: ast.Try, frames: tuple[_Frame, ...], *, in_function: bool
    ) -> None:
        self.tries[node.lineno] = node
        guarded = (*frames, (node, _BODY)) if _guards_imports(node) else frames
        self.walk(node.body, guarded, in_function=in_function)
        for index, handler in enumerate(node.handlers):
            self.handlers[handler.lineno] = _HandlerInfo(node, index, frames)
            self.walk(handler.body, (*frames, (node, index)), in_function=in_function)
        self.walk(node.orelse, frames, in_function=in_function)
        self.walk(node.finalbody, frames, in_function=in_function)

    # -- rows -----------------------------------------------------------------------------

    def add(
        self,
        node: ast.expr | ast.stmt,
        module: str,
        name: str | None,
        role: Role,
        owner: tuple[int, int] | None,
        *,
        dotted: bool = False,
    ) -> int:
        self.rows.append(ImportPath.at(self.path, node, module, name, role, dotted=dotted))
        self.owners.append(owner)
        return len(self.rows) - 1

    def is_upstream(self, module: str | None) -> bool:
        return module is not None and module.split(".")[0] == self.package

    def imports(self, node: ast.Import | ast.ImportFrom, frames: tuple[_Frame, ...]) -> None:
        owner = (id(frames[-1][0]), frames[-1][1])
        role = Role.NEW if frames[-1][1] == _BODY else Role.FALLBACK
        if isinstance(node, ast.Import):
            for alias in node.names:
                if self.is_upstream(alias.name):
                    self.add(node, alias.name, None, role, owner)
            return
        if node.level or not self.is_upstream(node.module):
            return
        for alias in node.names:
            name = None if alias.name == "*" else alias.name
            self.add(node, node.module or "", name, role, owner)

    def dynamic_imports(
        self, node: ast.stmt, frames: tuple[_Frame, ...], *, in_function: bool
    ) -> None:
        for call, module in _import_module_calls(node):
            if not self.is_upstream(module):
                continue
            if frames:
                owner: tuple[int, int] | None = (id(frames[-1][0]), frames[-1][1])
                role = Role.NEW if frames[-1][1] == _BODY else Role.FALLBACK
            else:
                owner, role = None, Role.DYNAMIC if in_function else Role.UNGUARDED
            self.add(call, module, None, role, owner)

    def probe_paths(self, value: ast.expr) -> None:
        elements = string_elements(value)
        if not elements:
            return
        upstream = [e for e in elements if _DOTTED.fullmatch(e.value) and self.is_upstream(e.value)]
        if upstream:
            group = [self.add(e, e.value, None, Role.PROBE, None, dotted=True) for e in upstream]
            self.probe_groups.append(group)

    # -- linking to sites -----------------------------------------------------------------

    def owned(self, node: ast.Try, part: int) -> tuple[int, ...]:
        key = (id(node), part)
        return tuple(i for i, owner in enumerate(self.owners) if owner == key)

    def link(self, sites: tuple[Site, ...]) -> tuple[list[ImportPath], list[Fallback]]:
        """Rows with their sites, and the fallbacks the evidence can judge."""
        site_of: dict[int, Site] = {}
        fallbacks: list[Fallback] = []
        for site in sites:
            if site.path != self.path:
                continue
            if site.kind is SiteKind.IMPORT_FALLBACK and site.line in self.handlers:
                fallback = self.handler_fallback(site, self.handlers[site.line])
                if fallback is not None:
                    fallbacks.append(fallback)
                    for index in fallback.own:
                        site_of[index] = site
                    for index in fallback.preferred[-1]:
                        site_of.setdefault(index, site)
            elif site.kind is SiteKind.TEMPORARY_TRY and site.line in self.tries:
                for index in self.owned(self.tries[site.line], _BODY):
                    site_of[index] = site
            elif site.kind is SiteKind.PROBE_PATH:
                fallback = self.probe_fallback(site)
                if fallback is not None:
                    site_of[fallback.own[0]] = site
                    if fallback.preferred:
                        fallbacks.append(fallback)
        rows = [
            replace(row, site=site_of[index]) if index in site_of else row
            for index, row in enumerate(self.rows)
        ]
        return rows, fallbacks

    def handler_fallback(self, site: Site, info: _HandlerInfo) -> Fallback | None:
        own_body = self.owned(info.node, _BODY)
        if not own_body:
            return None  # the try body imports nothing of the upstream
        preferred = [
            group
            for node, part in info.frames
            if part != _BODY and (group := self.owned(node, _BODY))
        ]
        handler = info.node.handlers[info.index]
        header = handler.type.end_lineno if handler.type is not None else handler.lineno
        return Fallback(
            site=site,
            preferred=(*preferred, own_body),
            own=self.owned(info.node, info.index),
            header_line=header or handler.lineno,
            body_line=first_line(handler.body[0]),
        )

    def probe_fallback(self, site: Site) -> Fallback | None:
        for group in self.probe_groups:
            for position, index in enumerate(group):
                row = self.rows[index]
                if row.line == site.line and site.names and row.module == site.names[0]:
                    before = tuple((earlier,) for earlier in group[:position])
                    return Fallback(site=site, preferred=before, own=(index,))
        return None


def _guards_imports(node: ast.Try) -> bool:
    """Whether an ImportError raised in the try body is caught by one of its handlers."""
    for handler in node.handlers:
        caught = caught_names(handler)
        if caught & (IMPORT_ERRORS | _BROAD_ERRORS) or is_import_handler(handler, node.body):
            return True
    return False


def _import_module_calls(node: ast.stmt) -> Iterator[tuple[ast.Call, str]]:
    """``importlib.import_module("literal")`` calls in the expressions of one statement."""
    for expression in _expressions(node):
        for inner in ast.walk(expression):
            if not isinstance(inner, ast.Call) or not inner.args:
                continue
            func = inner.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = inner.args[0]
            if (
                name == "import_module"
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
                and not first.value.startswith(".")
            ):
                yield inner, first.value


def _expressions(node: ast.stmt) -> Iterator[ast.AST]:
    """The direct expression children of a statement (not its nested statements)."""
    for _, value in ast.iter_fields(node):
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, ast.expr):
                yield item
            elif isinstance(item, ast.withitem):
                yield item.context_expr


# -- unconditional imports of the whole project -------------------------------------------


def _unguarded_rows(
    project: ProjectFacts,
    sources: Mapping[str, str],
    package: str,
    covered: set[tuple[str, int, int]],
) -> list[ImportPath]:
    rows: list[ImportPath] = []
    for path, facts in project.files.items():
        wanted = [
            fact
            for fact in facts.imports
            if fact.unconditional
            and fact.module.split(".")[0] == package
            and (path, fact.line, fact.column) not in covered
        ]
        if not wanted or path not in sources:
            continue
        statements = {
            (node.lineno, node.col_offset + 1): node
            for node in ast.walk(parse_python(sources[path], path))
            if isinstance(node, (ast.Import, ast.ImportFrom))
        }
        shim = project.shims.get(path)
        re_exports = {
            site.line: site
            for site in (shim.sites if shim else ())
            if site.kind is SiteKind.RE_EXPORT
        }
        done: set[tuple[int, int]] = set()
        for fact in wanted:
            key = (fact.line, fact.column)
            node = statements.get(key)
            if node is None or key in done:
                continue
            done.add(key)
            site = re_exports.get(fact.line)
            for module, name in _imported_paths(node, fact.module, package):
                rows.append(ImportPath.at(path, node, module, name, Role.UNGUARDED, site=site))
    return rows


def _imported_paths(
    node: ast.Import | ast.ImportFrom, resolved: str, package: str
) -> list[tuple[str, str | None]]:
    if isinstance(node, ast.Import):
        return [(a.name, None) for a in node.names if a.name.split(".")[0] == package]
    return [(resolved, None if a.name == "*" else a.name) for a in node.names]


# -- ordering -----------------------------------------------------------------------------


def _shift(fallback: Fallback, offset: int) -> Fallback:
    return replace(
        fallback,
        preferred=tuple(tuple(i + offset for i in group) for group in fallback.preferred),
        own=tuple(i + offset for i in fallback.own),
    )


def _sorted(evidence: Evidence) -> Evidence:
    order = sorted(
        range(len(evidence.rows)),
        key=lambda i: (evidence.rows[i].path, evidence.rows[i].line, evidence.rows[i].column, i),
    )
    new_index = {old: new for new, old in enumerate(order)}
    fallbacks = [
        replace(
            f,
            preferred=tuple(tuple(new_index[i] for i in group) for group in f.preferred),
            own=tuple(new_index[i] for i in f.own),
        )
        for f in evidence.fallbacks
    ]
    fallbacks.sort(key=lambda f: (f.site.path, f.site.line, f.site.column))
    return Evidence(evidence.package, tuple(evidence.rows[i] for i in order), tuple(fallbacks))
