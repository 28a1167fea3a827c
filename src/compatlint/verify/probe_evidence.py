"""The shim's API probes answered per release, and what that decides (pure).

:func:`probe_matrix` answers every probe of :mod:`compatlint.verify.probes` in every
release with :mod:`compatlint.verify.members`: an :class:`Answer` is the presence of the
member (or the parameter, or the signature's acceptance of the call) with its reason, and
the truth value the probe expression then takes — None where the files do not tell
(unknown), or where presence alone does not give the value (``getattr(m, "X", None)`` is
falsy when ``X = None``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from compatlint.analysis.project import ProjectFacts
from compatlint.analysis.source import parse_python
from compatlint.model import Site, SiteKind
from compatlint.verify.members import (
    CLASS,
    FUNCTION,
    MODULE,
    Found,
    find_object,
    member_of,
)
from compatlint.verify.probes import Form, Probe, ProbeKind, Ref, find_probes
from compatlint.verify.resolve import Presence, Resolution
from compatlint.verify.signatures import accepts, has_parameter
from compatlint.verify.sources import UpstreamTree

__all__ = ["Answer", "ProbeMatrix", "answer", "collect_probes", "probe_matrix"]

_TRUTHY_KINDS = (MODULE, CLASS, FUNCTION)


@dataclass(frozen=True)
class Answer:
    """A probe in one release: what the files show and the value the probe takes."""

    resolution: Resolution
    truth: bool | None

    @property
    def presence(self) -> Presence:
        return self.resolution.presence


@dataclass(frozen=True)
class ProbeMatrix:
    """``answers[probe][column]`` for the releases of the verify matrix (ascending)."""

    probes: tuple[Probe, ...] = ()
    answers: tuple[tuple[Answer, ...], ...] = ()

    def decided(self, index: int, columns: Sequence[int]) -> Presence | None:
        """The presence shared by every column of ``columns``, none unknown (else None)."""
        found = {self.answers[index][column].presence for column in columns}
        if len(found) != 1 or Presence.UNKNOWN in found:
            return None
        return found.pop()

    def truth(self, index: int, columns: Sequence[int]) -> bool | None:
        """The value the probe takes in every column of ``columns`` (None: not one value)."""
        values = {self.answers[index][column].truth for column in columns}
        if len(values) != 1 or None in values or not columns:
            return None
        return values.pop()


def collect_probes(
    project: ProjectFacts, sources: Mapping[str, str], package: str
) -> tuple[Probe, ...]:
    """Every probe of the project's shims on the upstream ``package``."""
    hints = project.config.verify_types
    found: list[Probe] = []
    for path in project.shims:
        if path in sources:
            found += find_probes(path, parse_python(sources[path], path), package, hints)
    return tuple(found)


def probe_matrix(probes: Sequence[Probe], trees: Sequence[UpstreamTree]) -> ProbeMatrix:
    ordered = sorted(trees, key=lambda tree: tree.version)
    return ProbeMatrix(
        tuple(probes), tuple(tuple(answer(tree, probe) for tree in ordered) for probe in probes)
    )


def probe_site(project: ProjectFacts, probe: Probe) -> Site | None:
    """The probe-branch site whose ``if`` the probe is the whole test of (its tag's claim)."""
    shim = project.shims.get(probe.path)
    if shim is None or probe.test_of is None:
        return None
    for site in shim.sites:
        if site.kind is SiteKind.PROBE_BRANCH and site.line == probe.test_of:
            return site
    return None


# -- one release --------------------------------------------------------------------------


def answer(tree: UpstreamTree, probe: Probe) -> Answer:
    """``probe`` in the release ``tree``."""
    target, bound = _object(tree, probe.ref)
    if target.presence is not Presence.PRESENT:
        return Answer(_about(target.resolution, probe.ref), None)
    if probe.kind is ProbeKind.ATTRIBUTE:
        member = _attribute(tree, target, probe.name, instance=probe.ref.instance and bound)
        return Answer(member.resolution, _attribute_truth(probe.form, member))
    function = target
    if target.kind == CLASS:  # calling the class (its __init__) or an instance (__call__)
        dunder = "__call__" if bound else "__init__"
        function = member_of(tree, target, dunder, instance=True)
        bound = True
        if function.presence is not Presence.PRESENT:
            reason = f"{probe.ref.shown} has no {dunder} to read"
            return Answer(Resolution(Presence.UNKNOWN, reason), None)
    if function.kind != FUNCTION:
        reason = f"{probe.ref.shown} is a {function.kind or 'value'}, not a def"
        return Answer(Resolution(Presence.UNKNOWN, reason), None)
    if probe.kind is ProbeKind.PARAMETER:
        result = has_parameter(function, probe.name)
        truth = _presence_truth(result.presence)
        return Answer(result, None if truth is None else truth != (probe.form is Form.NOT_IN))
    assert probe.shape is not None
    result = accepts(function, probe.shape, bound=bound)
    return Answer(result, _presence_truth(result.presence))


def _object(tree: UpstreamTree, ref: Ref) -> tuple[Found, bool]:
    """What ``ref`` stands for in ``tree`` — the first of its paths that is not absent, as
    the shim's own try-then-fallback import picks it — and whether it is reached through
    an instance (an instance of a class; a method bound to one)."""
    found = find_object(tree, ref.paths[0])
    for path in ref.paths[1:]:
        if found.presence is not Presence.ABSENT:
            break
        found = find_object(tree, path)
    if found.presence is not Presence.PRESENT or not ref.instance:
        return found, False
    if found.kind != CLASS:
        reason = f"{ref.paths[0]} is a {found.kind}, not a class"
        return Found(Resolution(Presence.UNKNOWN, reason)), False
    if not ref.attrs:
        return found, True
    if len(ref.attrs) > 1:
        reason = f"{ref.shown}: attributes of attributes are not read"
        return Found(Resolution(Presence.UNKNOWN, reason)), False
    member = member_of(tree, found, ref.attrs[0], instance=True)
    return member, member.kind == FUNCTION


def _attribute(tree: UpstreamTree, target: Found, name: str, *, instance: bool) -> Found:
    if target.kind == MODULE:
        return find_object(tree, f"{target.module}.{name}")
    if target.kind == CLASS:
        return member_of(tree, target, name, instance=instance)
    reason = f"attributes of a {target.kind or 'value'} are not read"
    return Found(Resolution(Presence.UNKNOWN, reason))


def _attribute_truth(form: Form, member: Found) -> bool | None:
    presence = member.presence
    if presence is Presence.UNKNOWN:
        return None
    if form is Form.HASATTR:
        return presence is Presence.PRESENT
    if presence is Presence.ABSENT:
        return form is Form.IS_NONE
    if member.kind in _TRUTHY_KINDS:  # a def, a class or a module: never None, callable
        return form is not Form.IS_NONE
    return None  # a value: it may be None, falsy or not callable


def _presence_truth(presence: Presence) -> bool | None:
    return None if presence is Presence.UNKNOWN else presence is Presence.PRESENT


def _about(resolution: Resolution, ref: Ref) -> Resolution:
    """A missing probed object is no answer about its member: unknown, with why."""
    if resolution.presence is Presence.ABSENT:
        reason = f"{ref.shown} itself is absent: {resolution.reason}"
        return Resolution(Presence.UNKNOWN, reason)
    return resolution
