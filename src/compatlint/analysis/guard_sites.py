"""Tags as claims about the arms of a guarded ``if``: which arm a tag is about, and what
prune may fold once the tag expires.

A tag above an ``if`` claims the arm that runs when the probed API is absent; a tag first
in an arm (or trailing its header) claims that arm; a tag above the statement after an
early-return gate claims the code after the gate. The claim is checked against the guard
(:mod:`compatlint.analysis.guards`): a claim on the arm the guard runs on new versions is
a contradiction, a tag on a test about no upstream governs nothing, and a version gate is
decided by arithmetic (:mod:`compatlint.analysis.versions_eval`), never by the tag alone.
Each of these is reported (CL110) or listed, never acted on.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from compatlint.analysis.guards import Guard, GuardKind, classify_test, is_empty_body
from compatlint.analysis.shapes import first_line
from compatlint.analysis.source import docstring_of
from compatlint.analysis.versions_eval import read_version_test, value_from
from compatlint.model import CoverOp, SiteKind, Tag

if TYPE_CHECKING:
    from compatlint.analysis.source import CommentBlock, Comments

VERSION_GATE = "version gate: decided by arithmetic, not by its tag; not evaluated"
UNKNOWN_SIDE = (
    "which side of the probe is new is not known, and a tag above it claims no arm: "
    "put the tag in the arm it covers"
)
MIXED_TEST = "the test mixes the probe with other terms: which arm runs is not the probe's alone"


class GuardSites:
    """The guard-site half of the shim analyzer (a mixin: it reads and records through the
    analyzer's comments, tags and sites)."""

    comments: Comments
    consumed: set[int]
    upstream_roots: frozenset[str]
    module_flags: Mapping[str, Guard]

    if TYPE_CHECKING:

        def tag_of(self, block: CommentBlock | None) -> Tag | None: ...
        def take(self, block: CommentBlock | None) -> Tag | None: ...
        def tagged(self, *blocks: CommentBlock | None) -> CommentBlock | None: ...
        def misplace(self, block: CommentBlock, reason: str) -> None: ...
        def add(self, kind: SiteKind, node: ast.AST, tag: Tag | None, **fields: Any) -> None: ...

    def if_statement(self, node: ast.If, ctx: Any, lead: CommentBlock | None) -> None:
        """An ``if`` on a guard, with the tag that claims one of its arms; an untagged
        ``hasattr``/``getattr`` probe is a site too (CL101 asks for its tag)."""
        header = node.test.end_lineno or node.lineno
        arms: list[tuple[str, CommentBlock | None]] = [
            ("above", lead),
            (
                "body",
                self.tagged(
                    self.comments.trailing_on(header),
                    self.comments.block_above(node.body[0].lineno, after=header),
                ),
            ),
        ]
        if node.orelse and not _is_elif(node):
            else_line = self.code_line_before(first_line(node.orelse[0]), last_line(node.body))
            else_block = self.tagged(
                self.comments.trailing_on(else_line),
                self.comments.block_above(first_line(node.orelse[0]), after=else_line),
            )
            arms.append(("else", else_block))
        found = next(((arm, b) for arm, b in arms if self.tag_of(b) is not None), None)
        if found is None:
            if is_probe_test(node.test) and not (
                ctx.scope_tag or ctx.fallback_tag or ctx.owner_tag
            ):
                self.add(SiteKind.PROBE_BRANCH, node, None, detail=describe(node))
            return
        arm, block = found
        assert block is not None
        what = f"`if {ast.unparse(node.test)[:60]}`"
        self.claim(node, node.test, block, arm, what, ctx)

    def tagged_statement(self, node: ast.stmt, lead: CommentBlock, ctx: Any) -> None:
        """A tag above a statement that is no guard: the fallback arm of the early-return
        gate just above it, or misplaced."""
        gate = ctx.previous
        if isinstance(gate, ast.If) and not gate.orelse and _ends_in_exit(gate.body):
            what = f"the code after `if {ast.unparse(gate.test)[:60]}`"
            self.claim(node, gate.test, lead, "else", what, ctx)
            return
        self.misplace(lead, f"the tag leads `{describe(node)[:60]}`, which is not a guarded choice")

    def claim(
        self, node: ast.stmt, test: ast.expr, block: CommentBlock, arm: str, what: str, ctx: Any
    ) -> None:
        """Attach the tag of ``block`` to the guard ``test`` as a claim about ``arm``
        (``above``, ``body`` or ``else``) of ``node``, or report why it governs nothing."""
        guard = classify_test(test, {**self.module_flags, **ctx.flags})
        tag = self.tag_of(block)
        assert tag is not None
        if guard.kind is GuardKind.OTHER:
            self.misplace(block, f"the tag is on {what}, which tests no upstream API or version")
            return
        if guard.kind is GuardKind.VERSION:
            dead, undecided = self.version_dead_arm(test, tag)
        elif guard.positive is None and guard.claim_decides and arm != "above":
            dead, undecided = arm, ""  # no polarity to contradict: the claim alone decides
        elif guard.positive is None:
            dead, undecided = None, UNKNOWN_SIDE if guard.claim_decides else MIXED_TEST
        else:
            dead, undecided = ("else" if guard.positive else "body"), ""
        claimed = arm if arm != "above" else dead
        if dead is not None and claimed != dead:
            self.misplace(
                block,
                f"the tag claims an arm of {what} that runs on new versions "
                "(contradiction): nothing pruned",
            )
            return
        outcome = None if dead is None else dead == "else"
        if not undecided and not isinstance(node, ast.If) and not ctx.last:
            undecided = "the code after the gate is more than one statement"
        self.take(block)
        self.add(
            SiteKind.PROBE_BRANCH,
            node,
            tag,
            detail=describe(node),
            outcome=outcome,
            undecided=undecided,
        )

    def version_dead_arm(self, test: ast.expr, tag: Tag) -> tuple[str | None, str]:
        """The arm of a version gate that can no longer run once ``tag`` expires, or why
        that is not decided."""
        read = read_version_test(test)
        if read is None:
            return None, VERSION_GATE + " (not a comparison with a literal version)"
        names = {tag.upstream} if tag.upstream else set(self.upstream_roots)
        if not any(name and name.lower() in read.subject.lower() for name in names):
            return None, VERSION_GATE + f" (`{read.subject}` is not the tagged upstream's)"
        bound = tag.removal or (tag.covers if tag.covers_op is CoverOp.LT else None)
        if bound is None:
            return None, VERSION_GATE + " (the tag names no version it expires at)"
        value = value_from(read, bound)
        if value is None:
            return None, (
                f"version gate: the tag's {bound} does not decide "
                f"`{read.subject} {read.op} {read.bound}`: acted on by nobody"
            )
        return ("else" if value else "body"), ""

    def try_arm_tail(self, node: ast.Try) -> CommentBlock | None:
        """A comment block after the try body, before the first ``except``, indented as the
        body: it sits in the try arm, so it claims that arm (a temporary try)."""
        if not node.handlers:
            return None
        block = self.comments.block_above(node.handlers[0].lineno, after=last_line(node.body))
        if block is None or block.column <= node.col_offset:
            return None
        return block

    def does_work(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, ctx: Any
    ) -> str:
        """Why a tagged function may not go with its calls: its body does work on new
        versions (it does not fold to nothing once its probes are decided)."""
        if isinstance(node, ast.ClassDef):
            return ""
        body = node.body[1:] if docstring_of(node) else node.body
        if is_empty_body(body, {**self.module_flags, **ctx.flags}):
            return ""
        return "it does work on new versions too (its body does not fold to nothing)"

    def code_line_before(self, line: int, after: int) -> int:
        """The last line before ``line`` (and after ``after``) that holds code: an
        ``else:`` header."""
        probe = line - 1
        while probe > after and (
            probe in self.comments.blank_lines or probe in self.comments.own_line
        ):
            probe -= 1
        return probe


def is_probe_test(test: ast.expr) -> bool:
    """``hasattr(x, "y")``, ``getattr(x, "y", default)`` or ``callable(getattr(...))``."""
    for node in ast.walk(test):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "hasattr":
                return True
            if node.func.id == "getattr" and len(node.args) == 3:
                return True
    return False


def _is_elif(node: ast.If) -> bool:
    """Whether ``node``'s ``orelse`` is an ``elif`` (one ``if`` at the ``if``'s column)."""
    orelse = node.orelse
    return (
        len(orelse) == 1
        and isinstance(orelse[0], ast.If)
        and (orelse[0].col_offset == node.col_offset)
    )


def _ends_in_exit(body: list[ast.stmt]) -> bool:
    return isinstance(body[-1], (ast.Return, ast.Raise))


def describe(node: ast.stmt) -> str:
    """The statement's first line, for reports."""
    return ast.unparse(node).splitlines()[0][:80]


def last_line(body: list[ast.stmt]) -> int:
    last = body[-1]
    return last.end_lineno or last.lineno


__all__ = ["MIXED_TEST", "VERSION_GATE", "GuardSites", "describe", "is_probe_test", "last_line"]
