"""Prune skips what libcst would only confirm: a pass whose expired sites are all tagged
definitions kept last pass for uses that read the same now, and the clean-up's scopes of
the new text when no import can have lost a use. Skipping must plan exactly what asking
libcst plans: on generated shims, the example and the shapes that must not be skipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import examples, make_config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_prune_properties import VERSIONS, projects

from compatlint.codemods import imports_cleanup, prune
from compatlint.codemods.prune import _Planner, plan_prune
from compatlint.commands.common import project_sources
from compatlint.config import Config
from compatlint.config_file import load_config
from compatlint.versions import parse_floor_options
from compatlint.workspace import Workspace

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sglang-backend"
SHIM = "pkg/_compat.py"

HEAD = '''\
import functools

try:
    from sglang.srt.entrypoints.engine import Engine
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    from sglang.srt.server import Engine


def ensure_patch() -> None:
    """Patch the tokenizer.

    Remove this compatibility override when the minimum supported SGLang release is 0.5.10+.
    """
    if not hasattr(functools, "cache"):
        functools.reduce(max, [1])
'''

#: The definition does work on new versions too and the shim calls it: it stays, in
#: every pass, for the same reason.
STAYS = HEAD + '    print("patched")\n\n\nensure_patch()\n'

#: Its one value use goes with a fallback in the first pass: the second may remove it.
FREED = (
    HEAD
    + """

if not hasattr(functools, "cache"):
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    HOOK = ensure_patch
"""
)


def _never_same(before: str, after: str, names: object) -> bool:
    return False


def _both(config: Config, sources: dict[str, str]) -> tuple[object, object]:
    """The plan as prune makes it, and the plan with libcst asked at every step."""
    skipping = plan_prune(config, sources, config.floors)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(prune, "same_scopes_for", _never_same)
        patch.setattr(imports_cleanup, "same_scopes_for", _never_same)
        asking = plan_prune(config, sources, config.floors)
    return skipping, asking


def _planned_passes(sources: dict[str, str]) -> int:
    calls: list[str] = []
    real = _Planner._plan_pass

    def counting(self: _Planner, *args: object) -> object:
        calls.append(str(args[0]))
        return real(self, *args)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_Planner, "_plan_pass", counting)
        plan_prune(make_config(), sources)
    return len(calls)


def test_a_pass_that_would_keep_its_definitions_again_is_not_planned() -> None:
    sources = {SHIM: STAYS, "pkg/__init__.py": ""}
    assert _planned_passes(sources) == 1
    skipping, asking = _both(make_config(), sources)
    assert skipping == asking
    reasons = [item.reason for item in skipping.follow_ups]  # type: ignore[attr-defined]
    assert reasons == [
        "not pruned: it does work on new versions too (its body does not fold to nothing): "
        "its calls stay"
    ]


def test_a_definition_whose_uses_changed_is_judged_again() -> None:
    sources = {SHIM: FREED, "pkg/__init__.py": ""}
    assert _planned_passes(sources) == 2
    skipping, asking = _both(make_config(), sources)
    assert skipping == asking
    kinds = [site.kind for site in skipping.removed]  # type: ignore[attr-defined]
    assert "tagged-definition" in kinds


#: Tagged definitions prune keeps (and one a removed fallback frees): ``{i}`` numbers
#: them, ``{removal}`` is their tag's version.
KEPT = (
    # does work on new versions too, and the shim calls it
    'def kept_{i}() -> None:\n    """Patch {i}.\n\n    Remove this compatibility override when'
    ' the minimum supported SGLang release is {removal}+.\n    """\n    print({i})\n\n\n'
    "kept_{i}()\n",
    # its value is used in the shim
    'def kept_{i}() -> None:\n    """Patch {i}.\n\n    Remove this compatibility override when'
    ' the minimum supported SGLang release is {removal}+.\n    """\n    if not hasattr(os, "x"):'
    "\n        os.getcwd()\n\n\nHOOK_{i} = kept_{i}\n",
    # its value is used in a fallback that an expired tag removes
    'def kept_{i}() -> None:\n    """Patch {i}.\n\n    Remove this compatibility override when'
    ' the minimum supported SGLang release is {removal}+.\n    """\n    if not hasattr(os, "x"):'
    '\n        os.getcwd()\n\n\nif not hasattr(os, "y"):\n    # Fallback for sglang 0.5.9. Remove'
    " when min supported version is 0.5.10+\n    HOOK_{i} = kept_{i}\n",
)


@st.composite
def with_kept_definitions(
    draw: st.DrawFn,
) -> tuple[dict[str, str], list[str], list[str], dict[str, object]]:
    """Generated projects whose shim ends with tagged definitions prune may keep."""
    sources, kept, floors, overrides = draw(projects())
    text = sources[SHIM].lstrip("\ufeff").replace("\r\n", "\n")
    for i in range(draw(st.integers(1, 2))):
        shape = draw(st.sampled_from(KEPT))
        text += "\n\n" + shape.format(i=i, removal=draw(st.sampled_from(VERSIONS[1:])))
    return {**sources, SHIM: text}, kept, floors, overrides


@settings(
    max_examples=examples(100),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(with_kept_definitions())
def test_skipping_plans_what_asking_libcst_plans_with_kept_definitions(project) -> None:  # type: ignore[no-untyped-def]
    sources, _, floors, overrides = project
    config = make_config(overrides)
    config = config.with_floors(parse_floor_options(floors, config.upstreams, config.primary))
    skipping, asking = _both(config, sources)
    assert skipping == asking


@settings(
    max_examples=examples(100),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(projects())
def test_skipping_plans_what_asking_libcst_plans(project) -> None:  # type: ignore[no-untyped-def]
    sources, _, floors, overrides = project
    config = make_config(overrides)
    config = config.with_floors(parse_floor_options(floors, config.upstreams, config.primary))
    skipping, asking = _both(config, sources)
    assert skipping == asking


@pytest.mark.parametrize("floor", ["0.5.10", "0.5.11", "0.5.12"])
def test_skipping_plans_what_asking_libcst_plans_on_the_example(floor: str) -> None:
    config = load_config(EXAMPLE / "pyproject.toml")
    config = config.with_floors(parse_floor_options([floor], config.upstreams, config.primary))
    sources, _ = project_sources(Workspace(config))
    skipping, asking = _both(config, sources)
    assert skipping == asking


def test_a_shim_with_a_byte_order_mark_is_planned_as_before() -> None:
    sources = {SHIM: "\ufeff" + STAYS, "pkg/__init__.py": ""}
    skipping, asking = _both(make_config(), sources)
    assert skipping == asking


def test_a_name_defined_twice_is_judged_again() -> None:
    """Two definitions of the name: which one a pass judged is not known from the view."""
    text = STAYS.replace(
        "\n\nensure_patch()\n",
        "\n\nclass Holder:\n    def ensure_patch(self):\n        pass\n\n\nensure_patch()\n",
    )
    sources = {SHIM: text, "pkg/__init__.py": ""}
    assert _planned_passes(sources) == 2
    skipping, asking = _both(make_config(), sources)
    assert skipping == asking
