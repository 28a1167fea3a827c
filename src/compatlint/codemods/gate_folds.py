"""Fold the version gates of one module that are decided at the floors (issue 13).

``fold_gates`` is pure: a module's text in, its new text and the report rows out. The
tests it folds and why some stay are :mod:`.gate_scan`'s; the surgery is prune's own
(:class:`~compatlint.codemods.prune_transform.PruneTransformer`): each decided gate
becomes a constant, and the constant folds as a sentinel's does — ``if``/``elif`` arms
go or stay dedented, ``and``/``or``/``not`` lose the operand, a ternary keeps one value,
an always-true ``assert`` goes. A constant that does not fold away (``f() and <False>``:
``f()`` must still run) means the root is listed instead, and the walk runs again
without it. Cheap before expensive: a byte needle, then ``ast``, then libcst only for a
module with a decided gate.
"""

from __future__ import annotations

import ast
import dataclasses
import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import MetadataWrapper

from compatlint.analysis.gate_facts import gate_needles as facts_needles
from compatlint.analysis.gate_facts import gate_roots
from compatlint.analysis.project import suppressed_lines, suppresses
from compatlint.analysis.version_gates import GateEnv, GateResult
from compatlint.analysis.version_subjects import ModuleContext, Subject, module_context
from compatlint.codemods.edits import check_parses
from compatlint.codemods.gate_scan import Decide, GateRoot, Key, scan_gates
from compatlint.codemods.gate_shapes import ShapeFolder
from compatlint.codemods.locate import NodeIndex, parse_module
from compatlint.codemods.plan import FollowUp, RemovedSite
from compatlint.codemods.prune_transform import PruneTransformer
from compatlint.codemods.removals import PruneActions
from compatlint.config import Config
from compatlint.sitekinds import VERSION_GATE

#: The rule a decided gate is reported under; its suppression keeps the gate.
DEAD_GATE = "CL112"


def gate_needles(predicates: Iterable[str] = ()) -> tuple[str, ...]:
    """The words of which a module must hold one to be searched for gates: the same as
    ``check`` reads gates by (:func:`compatlint.analysis.gate_facts.gate_needles`), so a
    gate ``check`` reports is a gate ``prune`` sees."""
    return tuple(needle.decode() for needle in facts_needles(dict.fromkeys(predicates)))


def fold_roots(config: Config) -> tuple[str, ...]:
    """Where prune folds gates: where ``check`` reads them (:func:`gate_roots`)."""
    return gate_roots(config)


def may_hold_gates(text: str, needles: Iterable[str]) -> bool:
    """Whether ``text`` holds one of ``needles``: those sharing the word ``version`` are
    looked for only in a text holding it, so most texts are scanned a few times, not
    once per needle (as ``check`` does it)."""
    loose, shared = _needle_plan(tuple(needles))
    return any(needle in text for needle in loose) or (
        bool(shared) and "version" in text and any(needle in text for needle in shared)
    )


class NeedleMemo:
    """:func:`may_hold_gates` of each file, kept while its text is the same object: prune
    asks about every file twice (the flag scan, then the folds), each a few searches of
    the whole tree."""

    def __init__(self, needles: Iterable[str]) -> None:
        self.needles = tuple(needles)
        self._held: dict[str, tuple[str, bool]] = {}

    def holds(self, path: str, text: str) -> bool:
        """Whether ``text`` (the file at ``path``) holds one of the needles."""
        known = self._held.get(path)
        if known is not None and known[0] is text:
            return known[1]
        held = may_hold_gates(text, self.needles)
        self._held[path] = (text, held)
        return held


class ModuleReadings:
    """The ``ast`` of each text and its module contexts, read once while the text is the
    same object: prune's flag scan reads the modules that hold a needle, and its folds
    read them again."""

    def __init__(self) -> None:
        self._trees: dict[str, tuple[str, ast.Module | None]] = {}
        self._contexts: dict[tuple[str, str | None, bool], ModuleContext] = {}

    def tree(
        self, path: str, text: str, parse: Callable[[], ast.Module | None] | None = None
    ) -> ast.Module | None:
        """The ``ast`` of ``text`` (the file at ``path``; None: it does not parse), by
        ``parse`` if given (the importer index's reading of the same text)."""
        known = self._trees.get(path)
        if known is not None and known[0] is text:
            return known[1]
        tree = parse() if parse is not None else _parse(text)
        self._trees[path] = (text, tree)
        for key in [key for key in self._contexts if key[0] == path]:
            del self._contexts[key]
        return tree

    def context(
        self, path: str, text: str, tree: ast.Module, module: str | None, is_package: bool
    ) -> ModuleContext:
        """:func:`module_context` of ``tree`` (of ``text``, as :meth:`tree` gave it)."""
        self.tree(path, text, lambda: tree)  # a new text forgets the old contexts
        key = (path, module, is_package)
        if key not in self._contexts:
            self._contexts[key] = module_context(tree, module, is_package=is_package)
        return self._contexts[key]


def _parse(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError):
        return None


@functools.lru_cache(maxsize=16)
def _needle_plan(needles: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``needles`` split into those looked for directly and those holding ``version``
    (when fewer than two do, grouping them saves nothing)."""
    shared = tuple(needle for needle in needles if "version" in needle)
    if len(shared) < 2:
        return needles, ()
    return tuple(needle for needle in needles if needle not in shared), shared


@dataclass
class GateFolds:
    """A module after folding: its text, the folds made and the gates left for a person."""

    text: str
    folded: list[RemovedSite] = field(default_factory=list)
    listed: list[FollowUp] = field(default_factory=list)


def fold_gates(
    path: str,
    text: str,
    env: GateEnv,
    module: str | None = None,
    *,
    is_package: bool = False,
    known: Mapping[str, Subject] | None = None,
    flags: Mapping[str, GateResult] | None = None,
    decide: Decide | None = None,
    readings: ModuleReadings | None = None,
) -> GateFolds:
    """Fold the decided version gates of ``text`` (the module ``module`` at ``path``);
    ``flags``: the decided flags prune may fold, by qualified name (:mod:`.flag_folds`);
    ``decide``: decides the other tests (verify's probes); ``readings``: the trees and
    contexts read before in the run."""
    readings = readings or ModuleReadings()
    tree = readings.tree(path, text)
    if tree is None:
        return GateFolds(text)
    context = readings.context(path, text, tree, module, is_package)
    if known:
        context = dataclasses.replace(context, known=dict(known))
    if flags:
        context = dataclasses.replace(context, flags=flags)
    scan = scan_gates(tree, text, context, env, decide)
    listed = list(scan.listed)
    roots = list(scan.roots)
    if "compatlint:" in text:  # what check does not report, prune does not fold
        suppressed = suppressed_lines(text)
        for root in [root for root in roots if _suppressed(root, suppressed)]:
            roots.remove(root)
            listed.append((root.line, _SUPPRESSED))
    new_text = text
    if roots:
        wrapper = MetadataWrapper(parse_module(text, path))
        index = NodeIndex(wrapper, text)
        while roots:
            new_text, failed = _fold(index, roots, scan.pytestmark_read)
            if not failed:
                break
            for root, reason in failed.items():
                listed.append((root.line, f"version gate not folded: {reason}"))
            roots = [root for root in roots if root not in failed]
        else:
            new_text = text
        if new_text != text:
            check_parses(path, new_text, "prune")
    folded = [_removed(path, root) for root in roots]
    return GateFolds(new_text, folded, _listed(path, listed))


def _fold(
    index: NodeIndex, roots: list[GateRoot], keep_pytestmark: bool = False
) -> tuple[str, dict[GateRoot, str]]:
    """One walk folding ``roots``; the roots whose constants stayed, or whose gates were
    not found, with why."""
    atoms = {key: value for root in roots for key, value in root.atoms.items()}
    targets = {root.target: root for root in roots if root.target is not None}
    transformer = _GateTransformer(index, atoms, targets, keep_pytestmark)
    module = index.module.visit(transformer)
    owner = {key: root for root in roots for key in root.atoms}
    failed: dict[GateRoot, str] = {}
    for key in atoms.keys() - transformer.replaced:
        failed.setdefault(owner[key], "its gate could not be located in the source")
    for key in targets.keys() - transformer.shaped:
        failed.setdefault(targets[key], "its gate could not be located in the source")
    for key in _left_constants(module, transformer.origin):
        failed.setdefault(owner[key], _LEFT)
    return module.code, failed


_LEFT = "the other operands must still run (or the test stays a constant): a person decides"


#: The nodes a decided gate can be: a comparison, a predicate call, a flag read.
_ATOMS = (cst.Comparison, cst.Call, cst.Name, cst.Attribute)


class _GateTransformer(ShapeFolder, PruneTransformer):
    """Prune's transformer, with every decided gate replaced by a folding constant."""

    def __init__(
        self,
        index: NodeIndex,
        atoms: Mapping[Key, bool],
        targets: Mapping[Key, GateRoot] | None = None,
        keep_pytestmark: bool = False,
    ) -> None:
        super().__init__(PruneActions(), index)
        self.atoms = atoms
        self.origin: dict[cst.CSTNode, Key] = {}
        self.replaced: set[Key] = set()
        self.init_shapes(targets or {}, keep_pytestmark)

    def on_leave(self, original_node, updated_node):  # type: ignore[no-untyped-def]
        result = super().on_leave(original_node, updated_node)
        if isinstance(original_node, _ATOMS):
            where = self.index.positions[original_node]
            key = (where.start.line, where.start.column, where.end.line, where.end.column)
            if key in self.atoms:
                self.replaced.add(key)
                constant = self.constant(self.atoms[key])
                self.origin[constant] = key
                return constant
        return result

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        """A block whose only statement was a dead arm keeps a ``pass``: the arm never
        ran, so the block did nothing there either."""
        result = super().leave_IndentedBlock(original_node, updated_node)
        if result.body:
            return result
        return result.with_changes(body=[cst.SimpleStatementLine(body=[cst.Pass()])])


def _left_constants(module: cst.Module, origin: Mapping[cst.CSTNode, Key]) -> list[Key]:
    """The keys of the constants still in ``module``."""
    found: list[Key] = []

    class Finder(cst.CSTVisitor):
        def visit_Name(self, node: cst.Name) -> None:
            if node in origin:
                found.append(origin[node])

    module.visit(Finder())
    return found


_SUPPRESSED = f"suppressed (# compatlint: ignore[{DEAD_GATE}]): kept"


def _suppressed(root: GateRoot, suppressed: Mapping[int, frozenset[str]]) -> bool:
    """``check`` reports a dead gate on the line of its condition (or of an operand)."""
    lines = {root.line, *(key[0] for key in root.atoms)}
    if root.target is not None:
        lines.add(root.target[0])
    return any(suppresses(suppressed.get(line, frozenset()), DEAD_GATE) for line in lines)


def _removed(path: str, root: GateRoot) -> RemovedSite:
    return RemovedSite(
        path=path,
        line=root.line,
        kind=VERSION_GATE,
        names=(root.text,),
        covers=None,
        removal=None,
        track=", ".join(root.upstreams) or None,
        tag=root.reason,
        action=root.describe(),
    )


def _listed(path: str, listed: Iterable[tuple[int, str]]) -> list[FollowUp]:
    return [FollowUp(path, line, VERSION_GATE, reason) for line, reason in listed]


__all__ = [
    "DEAD_GATE",
    "GateFolds",
    "ModuleReadings",
    "NeedleMemo",
    "fold_gates",
    "fold_roots",
    "gate_needles",
    "may_hold_gates",
]
