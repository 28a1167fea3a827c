"""The model of a compat shim: its sites (fallbacks, probes, tagged definitions...) and tags.

A tag belongs to the nearest thing it leads. For an import fallback the places looked at,
in order: the comment leading the first statement of the ``except`` body (or trailing the
``except`` line), the comment above the ``except`` line, the comment leading the *try*
body (which marks the try branch as the temporary one instead), the comment above the
``try``, an enclosing fallback's tag, and the docstring of the enclosing function. Each
comment block is used by one site at most.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace

from compatlint.analysis.guard_sites import GuardSites, last_line
from compatlint.analysis.guards import Guard, bound_flags, sentinel_flags
from compatlint.analysis.prose_facts import ProseFact
from compatlint.analysis.shapes import (
    TRY_TYPES,
    binds,
    first_line,
    imported_modules,
    imports_in,
    is_import_handler,
    root_of,
    string_elements,
)
from compatlint.analysis.source import CommentBlock, Comments, docstring_of
from compatlint.model import MisplacedTag, Site, SiteKind, Tag
from compatlint.names.bindings import AllEntry, import_bound_names, read_bindings
from compatlint.tags import TagGrammar
from compatlint.versions import PYTHON

_TARGETS_DEFINITION = re.compile(
    r"\b(?:remove|drop|delete)\s+(?:this|these|(?:the\s+)?(?:[\w-]+\s+)?"
    r"(?:override|wrapper|helper|function|class|method|patch|polyfill|workaround|shim)s?\b)",
    re.IGNORECASE,
)
_LOGGER_NAMES = frozenset({"logger", "log", "_logger", "_log", "LOGGER", "LOG"})


@dataclass(frozen=True)
class ShimModel:
    """Everything the rules and codemods need to know about one shim file."""

    path: str
    sites: tuple[Site, ...]
    tags: tuple[Tag, ...]
    all_entries: tuple[AllEntry, ...] | None
    defined: frozenset[str]
    star_import: bool
    trivial: bool
    misplaced: tuple[MisplacedTag, ...] = ()
    #: version notes in prose (see :mod:`compatlint.analysis.prose_facts`), for CL111
    prose: tuple[ProseFact, ...] = ()


@dataclass(frozen=True)
class _Context:
    after: int = 0
    in_function: bool = False
    scope_tag: Tag | None = None
    fallback_tag: Tag | None = None
    module_level: bool = True
    fallback_line: int | None = None
    owner_tag: Tag | None = None
    flags: Mapping[str, Guard] = field(default_factory=dict)
    previous: ast.stmt | None = None
    last: bool = True


@dataclass
class _ShimAnalyzer(GuardSites):
    path: str
    tree: ast.Module
    comments: Comments
    grammar: TagGrammar
    upstream_roots: frozenset[str]
    sites: list[Site] = field(default_factory=list)
    consumed: set[int] = field(default_factory=set)
    block_tags: dict[int, Tag | None] = field(default_factory=dict)
    doc_tags: dict[int, Tag] = field(default_factory=dict)
    misplaced: list[MisplacedTag] = field(default_factory=list)

    # -- tags ---------------------------------------------------------------------------

    def tag_of(self, block: CommentBlock | None) -> Tag | None:
        if block is None or block.start in self.consumed:
            return None
        if block.start not in self.block_tags:
            self.block_tags[block.start] = self.grammar.parse(block.text, block.start, block.end)
        return self.block_tags[block.start]

    def take(self, block: CommentBlock | None) -> Tag | None:
        """The tag of ``block``, marking the block as used."""
        tag = self.tag_of(block)
        if tag is not None and block is not None:
            self.consumed.add(block.start)
        return tag

    def docstring_tag(self, node: ast.AST) -> Tag | None:
        found = docstring_of(node)
        if found is None:
            return None
        text, start, end = found
        if start not in self.doc_tags:
            tag = self.grammar.parse(text, start, end)
            if tag is None:
                return None
            self.doc_tags[start] = tag
        return self.doc_tags[start]

    def tagged(self, *blocks: CommentBlock | None) -> CommentBlock | None:
        """The first of ``blocks`` that holds a tag (or the first block, if none does)."""
        for block in blocks:
            if self.tag_of(block) is not None:
                return block
        return next((b for b in blocks if b is not None), None)

    def leading(self, node: ast.stmt, after: int) -> CommentBlock | None:
        """The comment block above ``node``, at its indentation. A block at another
        indentation, or one that touches the code above and is parted from ``node`` by a
        blank line, belongs to the code above instead."""
        line = first_line(node)
        block = self.comments.block_above(line, after=after)
        if block is None or block.column != node.col_offset:
            return None
        if block.end != line - 1 and after > 0 and block.start == after + 1:
            return None
        return block

    def misplace(self, block: CommentBlock, reason: str) -> None:
        """Report the tag of ``block`` as governing nothing prune may act on (CL110)."""
        tag = self.take(block)
        if tag is None:
            return
        column = block.column + 1
        self.misplaced.append(MisplacedTag(tag, block.start, column, block.end, column, reason))

    # -- walking ------------------------------------------------------------------------

    def run(self) -> None:
        self.module_flags = bound_flags(self.tree.body, sentinel_flags(self.tree))
        self.walk(self.tree.body, _Context(after=0, flags=sentinel_flags(self.tree)))
        for block in self.comments.blocks:
            if block.start not in self.consumed and self.tag_of(block) is not None:
                self.misplace(
                    block,
                    "the tag leads no statement (a blank line or a dedent "
                    "separates it from the code below)",
                )

    def walk(self, body: list[ast.stmt], ctx: _Context) -> None:
        after = ctx.after
        flags = ctx.flags
        previous: ast.stmt | None = None
        for position, statement in enumerate(body):
            last = position == len(body) - 1
            self.statement(
                statement,
                replace(ctx, after=after, flags=flags, previous=previous, last=last),
            )
            after = statement.end_lineno or statement.lineno
            previous = statement
            flags = bound_flags([statement], flags)

    def statement(self, node: ast.stmt, ctx: _Context) -> None:
        lead = self.leading(node, ctx.after)
        if isinstance(node, TRY_TYPES):  # try/except* too: its handlers are fallbacks alike
            self.try_statement(node, lead, ctx)  # type: ignore[arg-type]
            return
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.definition(node, lead, ctx)
            return
        if isinstance(node, ast.If):
            self.if_statement(node, ctx, lead)
        elif lead is not None and self.tag_of(lead) is not None:
            self.tagged_statement(node, lead, ctx)
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            self.probe_paths(node)
        if ctx.module_level and isinstance(node, ast.ImportFrom):
            self.re_export(node)
        self.children(node, ctx)

    def children(self, node: ast.stmt, ctx: _Context) -> None:
        inner = replace(ctx, module_level=False)
        if isinstance(node, ast.If):
            self.walk(node.body, replace(inner, after=node.test.end_lineno or node.lineno))
            if node.orelse:
                self.walk(node.orelse, replace(inner, after=last_line(node.body)))
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            self.walk(node.body, replace(inner, after=node.lineno))
            if node.orelse:
                self.walk(node.orelse, replace(inner, after=last_line(node.body)))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            self.walk(node.body, replace(inner, after=node.lineno))
        elif isinstance(node, ast.Match):
            for case in node.cases:
                header = case.guard or case.pattern
                self.walk(case.body, replace(inner, after=header.end_lineno or header.lineno))

    def try_statement(self, node: ast.Try, lead: CommentBlock | None, ctx: _Context) -> None:
        """Import fallbacks (and tagged probes of other exceptions) of one ``try``."""
        import_handlers = [h for h in node.handlers if is_import_handler(h, node.body)]
        # A try/except TypeError (or similar) probe is a fallback only when it is tagged.
        handlers = import_handlers or [h for h in node.handlers if _does_something(h.body)]
        body_block = self.tagged(
            self.comments.trailing_on(node.lineno),
            self.comments.block_above(node.body[0].lineno, after=node.lineno),
            self.try_arm_tail(node),
        )
        body_tag = self.tag_of(body_block) if handlers else None
        upstream = self.upstream_of(node)
        if body_tag is not None:
            self.take(body_block)
            names = _names_bound(node.body)
            self.add(SiteKind.TEMPORARY_TRY, node, body_tag, names=names, upstream=upstream)

        previous_end = last_line(node.body)
        above_try_used = False
        handler_tags: dict[int, Tag | None] = {}
        for handler in node.handlers:
            own_end = previous_end
            previous_end = last_line(handler.body)
            if handler not in handlers:
                continue
            header = handler.type.end_lineno if handler.type else handler.lineno
            own = self.tagged(
                self.comments.trailing_on(handler.lineno),
                self.comments.block_above(handler.body[0].lineno, after=header or handler.lineno),
            )
            tag = self.take(own)
            if tag is None:
                tag = self.take(self.comments.block_above(handler.lineno, after=own_end))
            if tag is None and body_tag is not None:
                continue  # the try body is the temporary side; this handler is the keeper
            if tag is None and self.tag_of(lead) is not None:
                tag, above_try_used = self.tag_of(lead), True
            tag = tag or ctx.fallback_tag or ctx.scope_tag
            if tag is None and (not import_handlers or ctx.owner_tag is not None):
                # An untagged non-import probe is not a fallback we can judge, and one
                # inside a tagged definition goes with that definition.
                continue
            handler_tags[id(handler)] = tag
            if import_handlers:
                undecided = self.import_try_problem(node, tag)
            else:
                undecided = _A_RETRY if _is_retry(node, handler) else _NOT_A_RETRY
            self.add_fallback(node, handler, tag, upstream, undecided)
        if above_try_used:
            self.take(lead)

        inner = replace(ctx, module_level=False)
        self.walk(node.body, replace(inner, after=node.lineno))
        for handler in node.handlers:
            tag = handler_tags.get(id(handler), ctx.fallback_tag)
            header = handler.type.end_lineno if handler.type else handler.lineno
            self.walk(
                handler.body,
                replace(
                    inner,
                    after=header or handler.lineno,
                    fallback_tag=tag,
                    fallback_line=handler.lineno if id(handler) in handler_tags else None,
                ),
            )
        if node.orelse:
            self.walk(node.orelse, replace(inner, after=last_line(node.body)))
        if node.finalbody:
            self.walk(node.finalbody, replace(inner, after=last_line(node.body)))

    def add_fallback(
        self,
        node: ast.Try,
        handler: ast.ExceptHandler,
        tag: Tag | None,
        upstream: str | None,
        undecided: str = "",
    ) -> None:
        names = _names_bound(handler.body)
        try_names = set(_names_bound(node.body))
        self.add(
            SiteKind.IMPORT_FALLBACK,
            handler,
            tag,
            names=names,
            upstream=upstream,
            undecided=undecided,
        )
        for statement in handler.body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.add(
                    SiteKind.POLYFILL,
                    statement,
                    tag,
                    names=(statement.name,),
                    upstream=upstream,
                    parent_line=handler.lineno,
                    undecided=undecided,
                )
            elif isinstance(statement, ast.Assign) and _is_none(statement.value):
                sentinels = tuple(
                    t.id for t in statement.targets if isinstance(t, ast.Name) and t.id in try_names
                )
                if sentinels:
                    self.add(
                        SiteKind.SENTINEL,
                        statement,
                        tag,
                        names=sentinels,
                        upstream=upstream,
                        parent_line=handler.lineno,
                        undecided=undecided,
                    )

    def definition(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef,
        lead: CommentBlock | None,
        ctx: _Context,
    ) -> None:
        scope = ctx.scope_tag
        owner = ctx.owner_tag
        if ctx.fallback_line is None:
            tag = self.take(lead)
            doc_tag = self.docstring_tag(node)
            if tag is None and doc_tag is not None and _TARGETS_DEFINITION.search(doc_tag.raw):
                tag = doc_tag
            if tag is not None:
                self.add(
                    SiteKind.TAGGED_DEFINITION,
                    node,
                    tag,
                    names=(node.name,),
                    undecided=self.does_work(node, ctx),
                )
                owner = tag
            elif doc_tag is not None:
                scope = doc_tag
        docstring = docstring_of(node)
        start = 1 if docstring else 0
        # Comment blocks must touch what they lead, so the def line itself is a safe bound
        # even for a signature over several lines.
        after = docstring[2] if docstring else node.lineno
        self.walk(
            node.body[start:],
            replace(
                ctx,
                after=after,
                in_function=True,
                scope_tag=scope,
                owner_tag=owner,
                module_level=False,
            ),
        )

    def probe_paths(self, node: ast.Assign | ast.AnnAssign) -> None:
        elements = string_elements(node.value) if node.value is not None else None
        if not elements or not any(self.is_upstream_path(e.value) for e in elements):
            return
        after = node.lineno
        for element in elements:
            block = self.comments.block_above(element.lineno, after=after)
            trailing = self.comments.trailing_on(element.end_lineno or element.lineno)
            own_line = sum(1 for e in elements if e.lineno == element.lineno) == 1
            tag = self.tag_of(block)
            used = block
            if tag is None and own_line:
                tag, used = self.tag_of(trailing), trailing
            if tag is not None:
                self.take(used)
                self.add(
                    SiteKind.PROBE_PATH,
                    element,
                    tag,
                    names=(element.value,),
                    upstream=root_of(element.value),
                    parent_line=node.lineno,
                )
            after = element.end_lineno or element.lineno

    def re_export(self, node: ast.ImportFrom) -> None:
        modules = imported_modules(node)
        if modules and root_of(modules[0]) in self.upstream_roots:
            self.add(
                SiteKind.RE_EXPORT,
                node,
                None,
                names=tuple(import_bound_names(node)),
                upstream=root_of(modules[0]),
                detail=modules[0],
            )

    # -- helpers ------------------------------------------------------------------------

    def is_upstream_path(self, value: str) -> bool:
        return bool(re.fullmatch(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+", value)) and (
            root_of(value) in self.upstream_roots
        )

    def import_try_problem(self, node: ast.Try, tag: Tag | None) -> str:
        """Why the ``ImportError`` its handler catches may not mean an older release of what
        the tag names ("": the try body imports it and does nothing else that could raise
        one). The tag names the upstream by default, Python (the standard library's
        modules), or a dependency (its import name)."""
        subject = tag.upstream if tag is not None and tag.upstream else None
        if subject == PYTHON:
            roots: Collection[str] = sys.stdlib_module_names
        else:
            roots = {
                *self.upstream_roots,
                *([subject.lower().replace("-", "_")] if subject else []),
            }
        problem = _try_body_problem(node.body, roots)
        if problem is None:
            return ""
        if problem == 0:
            return "the try imports nothing the tag names: its handler covers something else"
        return (
            f"the try body does more than import what the tag names (line {problem}): "
            "the ImportError may come from that"
        )

    def upstream_of(self, node: ast.Try) -> str | None:
        for statement in imports_in([node]):
            for module in imported_modules(statement):
                if root_of(module) in self.upstream_roots:
                    return root_of(module)
        return None

    def add(
        self,
        kind: SiteKind,
        node: ast.AST,
        tag: Tag | None,
        *,
        names: tuple[str, ...] = (),
        upstream: str | None = None,
        detail: str = "",
        parent_line: int | None = None,
        outcome: bool | None = None,
        undecided: str = "",
    ) -> None:
        line = first_line(node) if isinstance(node, ast.stmt) else node.lineno
        self.sites.append(
            Site(
                kind=kind,
                path=self.path,
                line=line,
                column=node.col_offset + 1,
                end_line=node.end_lineno or line,
                end_column=(node.end_col_offset or 0) + 1,
                tag=tag,
                names=tuple(names),
                upstream=upstream,
                detail=detail,
                parent_line=parent_line,
                outcome=outcome,
                undecided=undecided,
            )
        )


def analyze_shim(
    path: str,
    tree: ast.Module,
    comments: Comments,
    grammar: TagGrammar,
    upstream_roots: frozenset[str],
) -> ShimModel:
    """Build the :class:`ShimModel` of one shim from its ``ast`` and comments."""
    analyzer = _ShimAnalyzer(path, tree, comments, grammar, upstream_roots)
    analyzer.run()
    tags = _all_tags(analyzer, tree, comments)
    bindings = read_bindings(tree)
    return ShimModel(
        path=path,
        sites=tuple(sorted(analyzer.sites, key=lambda s: (s.line, s.column, s.kind.value))),
        tags=tags,
        all_entries=bindings.all_entries,
        defined=bindings.defined_names,
        star_import=bool(bindings.star_imports),
        trivial=is_trivial(tree),
        misplaced=tuple(sorted(analyzer.misplaced, key=lambda m: m.line)),
    )


def _all_tags(analyzer: _ShimAnalyzer, tree: ast.Module, comments: Comments) -> tuple[Tag, ...]:
    """Every tag in the shim: each comment block and each def/class docstring (not the module's)."""
    found: dict[int, Tag] = {}
    for block in comments.blocks:
        if block.start not in analyzer.block_tags:
            analyzer.block_tags[block.start] = analyzer.grammar.parse(
                block.text, block.start, block.end
            )
        tag = analyzer.block_tags[block.start]
        if tag is not None:
            found[block.start] = tag
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            tag = analyzer.docstring_tag(node)
            if tag is not None:
                found[tag.line] = tag
    return tuple(found[line] for line in sorted(found))


def is_trivial(tree: ast.Module) -> bool:
    """A shim that only re-exports: docstring, imports, ``__all__``, a logger — nothing else."""
    for index, statement in enumerate(tree.body):
        if index == 0 and docstring_of(tree) is not None:
            continue
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            target = statement.targets[0] if isinstance(statement, ast.Assign) else statement.target
            if isinstance(target, ast.Name) and (
                target.id == "__all__" or (target.id in _LOGGER_NAMES and _is_get_logger(statement))
            ):
                continue
        return False
    return True


def _try_body_problem(body: list[ast.stmt], roots: Collection[str]) -> int | None:
    """The line of the first statement of a try body that could raise an ImportError
    other than by importing one of ``roots`` (0: it imports none of them; None: fine)."""
    imports = 0

    def problem(statements: list[ast.stmt]) -> int | None:
        nonlocal imports
        for statement in statements:
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                modules = imported_modules(statement)
                if not modules or not all(root_of(m) in roots for m in modules):
                    return statement.lineno
                imports += 1
            elif isinstance(statement, ast.If) and _inert_value(statement.test):
                found = problem(statement.body) or problem(statement.orelse)
                if found:
                    return found
            elif not (
                isinstance(statement, ast.Pass)
                or (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant))
                or (
                    isinstance(statement, ast.Assign)
                    and all(isinstance(t, ast.Name) for t in statement.targets)
                    and _inert_value(statement.value)
                )
            ):
                return statement.lineno
        return None

    found = problem(body)
    if found is not None:
        return found
    return None if imports else 0


def _inert_value(node: ast.expr) -> bool:
    """A literal, a name, or a container of those: evaluating it runs no code."""
    if isinstance(node, (ast.Constant, ast.Name)):
        return True
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_inert_value(element) for element in node.elts)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return isinstance(node.operand, ast.Constant)
    return False


def acts_at_import(tree: ast.Module) -> int | None:
    """The first line where importing the module does work others may see (None: none):
    a call made as a statement (``_patch()``), a store into another object
    (``sglang.x.A.extra = 1``, ``registry[k] = v``), a ``del`` — at module level or in a
    module-level ``if``/``try``/``with``. A module that does such work must stay imported
    by whoever relied on it."""
    for node in _module_level(tree.body):
        if isinstance(node, ast.Expr) and isinstance(node.value, (ast.Call, ast.Await)):
            return node.lineno
        if isinstance(node, ast.Delete):
            return node.lineno
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            if any(isinstance(n, (ast.Attribute, ast.Subscript)) for n in ast.walk(target)):
                return node.lineno
    return None


def _module_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """The statements that run when the module is imported (the bodies of module-level
    ``if``/``try``/``with``/loops included; not those of definitions)."""
    found: list[ast.stmt] = []
    for statement in body:
        found.append(statement)
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for part in ("body", "orelse", "finalbody"):
            found += _module_level(getattr(statement, part, None) or [])
        for handler in getattr(statement, "handlers", None) or []:
            found += _module_level(handler.body)
    return found


def _is_get_logger(statement: ast.stmt) -> bool:
    value = getattr(statement, "value", None)
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, (ast.Attribute, ast.Name))
        and getattr(value.func, "attr", getattr(value.func, "id", "")) == "getLogger"
    )


def _names_bound(body: list[ast.stmt]) -> tuple[str, ...]:
    """The names running ``body`` (a try body or a handler) may bind, in order."""
    return tuple(read_bindings(ast.Module(body=body, type_ignores=[])).names)


#: Why a retry (``try: f(a, b) except TypeError: f(a)``) is listed, not pruned: the call
#: may raise the exception for another reason than an older signature on every version.
_A_RETRY = (
    "the handler retries on any exception of that type the call raises, not only one from "
    "an older signature: probe the signature instead (inspect.signature)"
)

#: Why a tagged handler of another exception than ImportError is listed, not pruned.
_NOT_A_RETRY = (
    "the handler does not retry a call of the try body: the exception may come from "
    "anything there, not only from an older upstream"
)


def _is_retry(node: ast.Try, handler: ast.ExceptHandler) -> bool:
    """A ``try: f(a, b) except TypeError: f(a)`` probe: the handler calls a callee the try
    body calls. Only then does the exception stand for the older API; any other handler
    (a re-raise, a default) guards something else and removing it changes behaviour."""
    tried = {ast.dump(c.func) for c in _calls(node.body)}
    return any(ast.dump(c.func) in tried for c in _calls(handler.body))


def _calls(body: list[ast.stmt]) -> list[ast.Call]:
    return [n for s in body for n in ast.walk(s) if isinstance(n, ast.Call)]


def _does_something(body: list[ast.stmt]) -> bool:
    """A handler body that is more than ``pass`` / ``raise`` / ``continue``."""
    return binds(body) or any(
        not isinstance(s, (ast.Pass, ast.Raise, ast.Continue, ast.Break)) for s in body
    )


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None
