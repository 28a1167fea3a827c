"""What a guarded choice tests: the kind of its guard and which arm runs on new versions.

A *guard* is the condition of a site: import availability (``try``/``except ImportError``),
an API probe (``hasattr``, ``getattr(..., None)``, ``callable``, a signature-parameter
test, ``try``/``except TypeError``), a version expression, a *flag* (a name bound from one
of these, or a ``None`` sentinel), or anything else. Its *polarity* says whether the test
being true means the probed API is present (the new side: ``True``), absent (``False``),
or cannot be told (``None``: a test mixed with unrelated terms). Prune decides a probe only
from a tag's claim about one arm, so a wrong polarity would delete live code; every
reading here is conservative and anything unclear is ``None``.
"""

from __future__ import annotations

import ast
import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass

#: A probed name that may be the *old* API. Prune never decides from what a name looks
#: like: such a probe's polarity is unknown, and a site on it is listed for a person.
_OLD_NAME = re.compile(r"(?:^|_)(?:old|legacy|deprecated)(?:_|$)", re.IGNORECASE)
_VERSION_CALLS = frozenset({"Version", "parse_version", "parse", "LooseVersion", "version"})
_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "AttributeError"})


class GuardKind(str, enum.Enum):
    IMPORT = "import"
    PROBE = "probe"
    VERSION = "version"
    FLAG = "flag"
    OTHER = "other"


@dataclass(frozen=True)
class Guard:
    """A classified condition. ``positive``: the test is true exactly when the probed API
    is present (True), exactly when it is absent (False), or unknown (None)."""

    kind: GuardKind
    positive: bool | None = None
    subject: str = ""
    #: The probe is the test alone but which side is new cannot be told (a name that may be
    #: the old API): a tag *in* an arm decides by its claim alone; one above decides nothing.
    claim_decides: bool = False

    def negated(self) -> Guard:
        flipped = None if self.positive is None else not self.positive
        return Guard(self.kind, flipped, self.subject, self.claim_decides)

    @property
    def decidable_by_tag(self) -> bool:
        """Import, probe and flag guards are decided by a tag's claim; a version guard by
        arithmetic; anything else by nobody."""
        return self.kind in (GuardKind.IMPORT, GuardKind.PROBE, GuardKind.FLAG)


OTHER = Guard(GuardKind.OTHER)


def dotted(node: ast.expr) -> str:
    """``a.b.c`` for a name or attribute chain, else ``""``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = dotted(node.value)
        return f"{head}.{node.attr}" if head else ""
    return ""


def _call_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        return dotted(node.func).rsplit(".", 1)[-1]
    return ""


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _attribute_name(node: ast.Call) -> str:
    if len(node.args) >= 2 and isinstance(node.args[1], ast.Constant):
        return str(node.args[1].value)
    return ""


def _probe_call(node: ast.expr) -> Guard | None:
    """``hasattr(x, "n")``, ``getattr(x, "n", None)``, ``callable(getattr(...))``: true when
    the attribute is there, read as the new side — unless the name may be the old API
    (``old``, ``legacy``, ``deprecated``): then which side is new cannot be told."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        return None
    name = node.func.id
    if name == "callable" and len(node.args) == 1:
        inner = _probe_call(node.args[0])
        return inner if inner is not None and inner.kind is GuardKind.PROBE else None
    is_hasattr = name == "hasattr" and len(node.args) == 2
    is_getattr = name == "getattr" and len(node.args) == 3 and _is_none(node.args[2])
    attribute = _attribute_name(node) if is_hasattr or is_getattr else ""
    if not attribute:
        return None
    subject = f"{dotted(node.args[0])}.{attribute}"
    if _OLD_NAME.search(attribute):
        return Guard(GuardKind.PROBE, None, subject, claim_decides=True)
    return Guard(GuardKind.PROBE, True, subject)


def _signature_parameters(node: ast.expr) -> str:
    """The function of ``inspect.signature(f).parameters`` (or ``signature(f)...``)."""
    if (
        isinstance(node, ast.Attribute)
        and node.attr == "parameters"
        and _call_name(node.value) == "signature"
        and isinstance(node.value, ast.Call)
        and node.value.args
    ):
        return dotted(node.value.args[0]) or "?"
    return ""


def is_version_expr(node: ast.expr, version_names: frozenset[str] = frozenset()) -> bool:
    """An expression that reads an upstream's version: ``__version__``, ``version_info``,
    ``Version(...)``, ``parse_version(...)``, ``importlib.metadata.version(...)``..."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Attribute) and inner.attr in ("__version__", "version_info"):
            return True
        if isinstance(inner, ast.Name) and (
            "version" in inner.id.lower() or inner.id in version_names
        ):
            return True
        called = _call_name(inner)
        if called in _VERSION_CALLS and (called != "parse" or "version" in dotted(inner.func)):
            return True
    return False


def classify_test(
    test: ast.expr,
    flags: Mapping[str, Guard] | None = None,
    version_names: frozenset[str] = frozenset(),
) -> Guard:
    """The guard an ``if`` (or ternary) test is; see the module docstring."""
    flags = flags or {}
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return classify_test(test.operand, flags, version_names).negated()
    if isinstance(test, ast.BoolOp):
        parts = [classify_test(value, flags, version_names) for value in test.values]
        kinds = {part.kind for part in parts} - {GuardKind.OTHER}
        if not kinds:
            return OTHER
        if GuardKind.VERSION in kinds:
            return Guard(GuardKind.VERSION)
        # Mixed with another term: which arm runs is not the guard's alone.
        return Guard(parts[0].kind if parts[0].kind in kinds else kinds.pop(), None)
    if is_version_expr(test, version_names):
        return Guard(GuardKind.VERSION)
    probe = _probe_call(test)
    if probe is not None:
        return probe
    if isinstance(test, ast.Name) and test.id in flags:
        return flags[test.id]
    if isinstance(test, ast.Compare) and len(test.ops) == 1:
        return _comparison(test, flags)
    return OTHER


def _comparison(test: ast.Compare, flags: Mapping[str, Guard]) -> Guard:
    op, left, right = test.ops[0], test.left, test.comparators[0]
    if isinstance(op, (ast.In, ast.NotIn)) and isinstance(left, ast.Constant):
        function = _signature_parameters(right)
        if function:
            guard = Guard(GuardKind.PROBE, True, f"{function}({left.value})")
            return guard if isinstance(op, ast.In) else guard.negated()
        return OTHER
    if isinstance(op, (ast.Is, ast.IsNot, ast.Eq, ast.NotEq)) and _is_none(right):
        inner = _probe_call(left)
        if inner is None and isinstance(left, ast.Name) and left.id in flags:
            inner = flags[left.id]
        if inner is None:
            return OTHER
        # ``x is not None`` is true when the probe found it; a flag holding a bool is
        # never None, so only a probe value or a sentinel reads this way.
        is_present = isinstance(op, (ast.IsNot, ast.NotEq))
        return inner if is_present else inner.negated()
    return OTHER


def flag_value(value: ast.expr, flags: Mapping[str, Guard]) -> Guard | None:
    """The guard a name assigned ``value`` carries, if it is a probe or version flag."""
    guard = classify_test(value, flags)
    if guard.kind is GuardKind.OTHER:
        return None
    if guard.kind is GuardKind.VERSION:
        return guard
    return Guard(GuardKind.FLAG, guard.positive, guard.subject, guard.claim_decides)


def bound_flags(body: list[ast.stmt], flags: Mapping[str, Guard]) -> dict[str, Guard]:
    """The names ``body`` binds from probes or versions (``HAS_X = hasattr(...)``,
    ``fn = getattr(m, "fn", None)``), added to ``flags``; a name rebound otherwise is
    dropped."""
    found = dict(flags)
    for statement in body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name):
                guard = flag_value(statement.value, found)
                if guard is None:
                    found.pop(target.id, None)
                else:
                    found[target.id] = guard
    return found


def sentinel_flags(tree: ast.Module) -> dict[str, Guard]:
    """Module-level names set to ``None`` in an import handler: None means the import
    failed, so ``X is not None`` is true on new versions."""
    found: dict[str, Guard] = {}
    for statement in tree.body:
        if not isinstance(statement, ast.Try):
            continue
        for handler in statement.handlers:
            if not catches_import_errors(handler):
                continue
            for inner in handler.body:
                if isinstance(inner, ast.Assign) and _is_none(inner.value):
                    for target in inner.targets:
                        if isinstance(target, ast.Name):
                            found[target.id] = Guard(GuardKind.FLAG, True, target.id)
    return found


def catches_import_errors(handler: ast.ExceptHandler) -> bool:
    """``except ImportError`` / ``ModuleNotFoundError`` / ``AttributeError`` (or a tuple)."""
    caught = handler.type
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught] if caught else []
    return bool(names) and all(dotted(name) in _IMPORT_ERRORS for name in names)


def is_empty_body(body: list[ast.stmt], flags: Mapping[str, Guard]) -> bool:
    """Whether ``body`` does nothing on new versions: ``pass``, a docstring, ``return`` /
    ``return None``, or a probe ``if`` whose new-side arm folds to nothing (the old arm
    goes with the tag). An early ``if <new>: return`` ends it."""
    for statement in body:
        if isinstance(statement, ast.Pass):
            continue
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            continue
        if isinstance(statement, ast.Return) and (
            statement.value is None or _is_none(statement.value)
        ):
            return True
        if isinstance(statement, ast.If):
            guard = classify_test(statement.test, flags)
            if not guard.decidable_by_tag or guard.positive is None:
                return False
            new_arm = statement.body if guard.positive else statement.orelse
            if not is_empty_body(new_arm, flags):
                return False
            if new_arm and _returns(new_arm):
                return True
            continue
        return False
    return True


def _returns(body: list[ast.stmt]) -> bool:
    return isinstance(body[-1], ast.Return)


__all__ = [
    "OTHER",
    "Guard",
    "GuardKind",
    "bound_flags",
    "catches_import_errors",
    "classify_test",
    "dotted",
    "flag_value",
    "is_empty_body",
    "is_version_expr",
    "sentinel_flags",
]
