"""Project predicates: the project's own functions that test an upstream's version.

``[tool.compatlint.predicates]`` names each by its qualified name and says where its
upstream, operator and version come from (fixed, or an argument); the version-gate
evaluator (:mod:`compatlint.analysis.version_gates`) decides calls to them at the floors.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from compatlint.spelling import did_you_mean, is_dotted_name
from compatlint.versions import VersionError, parse_version

#: Reports a bad entry: ``fail(key, message)`` raises, naming the key's line.
Fail = Callable[[str, str], NoReturn]

#: The comparison operators a version predicate may apply.
PREDICATE_OPS = ("<", "<=", ">", ">=", "==", "!=")
PREDICATE_KEYS = ("upstream", "upstream-arg", "op", "op-arg", "version-arg", "optional")


@dataclass(frozen=True)
class Predicate:
    """A project function that tests an upstream's version, configured by qualified name:
    ``vllm_version_is("0.22.1")`` is ``version(vllm) == 0.22.1``.

    Each of upstream, operator and version is fixed here or read from an argument (a
    position or a keyword name). ``optional``: the upstream may be absent and the call is
    then false, so a version test that is always true leaves a presence test, never True.
    """

    name: str
    upstream: str | None = None
    upstream_arg: int | str | None = None
    op: str | None = None
    op_arg: int | str | None = None
    #: a position, a keyword name, or both (``(1, "minversion")``)
    version_arg: int | str | tuple[int, str] = 0
    optional: bool = False


def read_predicates(raw: Any, fail: Fail) -> dict[str, Predicate]:
    """``[tool.compatlint.predicates]``; ``fail(key, message)`` reports a bad entry."""
    if not isinstance(raw, dict):
        fail("predicates", "'predicates' must be a table of qualified name = { ... }")
    return {name: _read_predicate(name, entry, fail) for name, entry in raw.items()}


def _read_predicate(name: str, entry: Any, report: Fail) -> Predicate:
    """One ``"pkg.mod.func" = { upstream = "x", op = ">=", version-arg = 1 }`` entry."""

    def fail(message: str) -> NoReturn:
        report(name, f"predicate {name!r}: {message}")

    if not is_dotted_name(name) or "." not in name:
        fail("the key must be the function's qualified name, like 'pkg.utils.is_x_version'")
    if not isinstance(entry, dict):
        fail('must be a table like { upstream = "x", op = ">=" }')
    for key in entry:
        if key not in PREDICATE_KEYS:
            fail(f"unknown key {key!r}{did_you_mean(key, PREDICATE_KEYS)}")
    if ("upstream" in entry) == ("upstream-arg" in entry):
        fail("give exactly one of 'upstream' and 'upstream-arg'")
    if ("op" in entry) == ("op-arg" in entry):
        fail("give exactly one of 'op' and 'op-arg'")
    upstream = entry.get("upstream")
    if upstream is not None and (not isinstance(upstream, str) or not is_dotted_name(upstream)):
        fail(f"'upstream' must be a package name, got {upstream!r}")
    op = entry.get("op")
    if op is not None and op not in PREDICATE_OPS:
        fail(f"'op' must be one of {', '.join(PREDICATE_OPS)}, got {op!r}")
    optional = entry.get("optional", False)
    if not isinstance(optional, bool):
        fail(f"'optional' must be true or false, got {optional!r}")
    arguments: dict[str, Any] = {}
    for key in ("upstream-arg", "op-arg", "version-arg"):
        if key in entry:
            value = entry[key]
            if key == "version-arg" and _is_position_and_keyword(value):
                arguments[key] = (value[0], value[1])
            elif _is_argument(value):
                arguments[key] = value
            else:
                both = ", or both as [1, 'name']" if key == "version-arg" else ""
                fail(
                    f"{key!r} must be a position (0, 1, ...) or a keyword name{both}, got {value!r}"
                )
    if "version-arg" not in arguments:  # the first position no other argument takes
        taken = {value for value in arguments.values() if type(value) is int}
        arguments["version-arg"] = min(set(range(len(taken) + 1)) - taken)
    places = [
        place
        for value in arguments.values()
        for place in (value if isinstance(value, tuple) else (value,))
    ]
    if len(set(places)) < len(places):
        fail("two of upstream-arg, op-arg and version-arg name the same argument")
    return Predicate(
        name=name,
        upstream=upstream,
        upstream_arg=arguments.get("upstream-arg"),
        op=op,
        op_arg=arguments.get("op-arg"),
        version_arg=arguments["version-arg"],
        optional=optional,
    )


def _is_argument(value: Any) -> bool:
    """A position (``0``, ``1``, ...) or a keyword name."""
    if type(value) is int:
        return value >= 0
    return isinstance(value, str) and value.isidentifier()


def _is_position_and_keyword(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and type(value[0]) is int
        and value[0] >= 0
        and isinstance(value[1], str)
        and value[1].isidentifier()
    )


def lower_bound(specifier: str) -> Version | None:
    """The lowest release a version specifier admits (``>=3.10,<4`` → 3.10): the highest of
    its ``>=``, ``>``, ``~=``, ``==`` and ``===`` bounds. ``>3.9`` gives 3.9 — a floor a
    little low only widens the window. None when it has no lower bound or does not parse."""
    try:
        specifiers = SpecifierSet(specifier)
    except InvalidSpecifier:
        return None
    bounds = []
    for spec in specifiers:
        if spec.operator in (">=", ">", "~=", "==", "==="):
            try:
                bounds.append(parse_version(spec.version.removesuffix(".*")))
            except VersionError:
                return None
    return max(bounds) if bounds else None
