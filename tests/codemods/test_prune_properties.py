"""Property tests: generated shims (every site kind, tag placement, floor, track, comment and
newline style) pruned at generated floors keep prune's guarantees."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field

import pytest
from helpers import examples, make_config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compatlint.analysis.project import grammar_for, shim_model
from compatlint.codemods.prune import plan_prune
from compatlint.model import Fate
from compatlint.sitekinds import site_fate
from compatlint.versions import parse_floor_options

SHIM = "pkg/_compat.py"
HANDLER = "pkg/handler.py"
VERSIONS = ["0.5.8", "0.5.9", "0.5.10", "0.5.11", "0.5.12", "0.5.13"]
EXAMPLES = examples(200)


@dataclass
class Shim:
    """A generated shim: its lines, the lines that must survive verbatim, and a handler."""

    lines: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)
    handler: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.lines += text.split("\n")


def _previous(version: str) -> str:
    major, minor, patch = version.split(".")
    return f"{major}.{minor}.{int(patch) - 1}"


@st.composite
def tags(draw: st.DrawFn) -> list[str]:
    """A removal tag as comment lines (no indentation)."""
    removal = draw(st.sampled_from(VERSIONS[1:]))
    covers = _previous(removal)
    form = draw(st.sampled_from(["one-line", "two-line", "le", "xpu", "npu"]))
    if form == "one-line":
        return [f"# Fallback for sglang {covers}. Remove when min supported version is {removal}+"]
    if form == "two-line":
        return [
            f"# Fallback for sglang {covers}. Remove when min supported",
            f"# version is {removal}+",
        ]
    if form == "le":
        return [
            f"# Fallback for sglang <= {covers}. Remove when min supported version is {removal}+"
        ]
    if form == "xpu":
        return [
            f"# XPU compatibility for SGLang {covers}. Remove when the XPU SGLang pin is",
            f"# upgraded to {removal}+.",
        ]
    return [
        f"# Fallback for the separately pinned NPU SGLang {covers}.",
        f"# Remove when the NPU pin is upgraded to {removal}+.",
    ]


def _indent(lines: list[str], prefix: str) -> list[str]:
    return [prefix + line if line else line for line in lines]


@st.composite
def import_fallback(draw: st.DrawFn, i: int, shim: Shim) -> None:
    name = f"Name{i}"
    tag = draw(tags())
    placement = draw(st.sampled_from(["body", "except-line", "above-except", "above-try"]))
    if placement == "except-line" and len(tag) > 1:
        placement = "body"
    branch = draw(st.sampled_from(["import", "polyfill", "sentinel", "guard", "nested"]))
    extra = draw(st.sampled_from(["none", "else", "finally", "other-handler"]))
    in_function = branch != "sentinel" and draw(st.booleans())
    lines: list[str] = []
    if draw(st.booleans()):
        lines += [f"# note {i}: no versions here", ""]
        shim.kept.append(f"# note {i}: no versions here")
    if draw(st.booleans()):
        # A paragraph about versions: it may go with an unwrapped try, never elsewhere.
        lines += [f"# The layout changed in 0.5.{draw(st.integers(7, 14))}."]
    if placement == "above-try":
        lines += tag
    header = "try:" + (f"  # prefer new{i}" if draw(st.booleans()) else "")
    lines += [header, f"    from sglang.srt.new{i} import {name}"]
    if placement == "above-except":
        lines += tag
    handler = "except ModuleNotFoundError as exc:" if branch == "guard" else "except ImportError:"
    if placement == "except-line":
        handler += "  " + tag[0]
    lines.append(handler)
    body: list[str] = tag if placement == "body" else []
    if branch == "import":
        body = [*body, f"from sglang.srt.old{i} import {name}"]
    elif branch == "polyfill":
        body = [*body, f"class {name}:", "    pass"]
    elif branch == "sentinel":
        body = [*body, f"{name} = None"]
        shim.tail += [
            "",
            "",
            f"def use_{i}(x):",
            f"    if {name} is not None:",
            f"        return {name}(x)",
            "    return None",
            "",
            "",
            f"def check_{i}(x):",
            f"    return {name} is not None and bool(x)",
        ]
    elif branch == "guard":
        body = [
            *body,
            f'if exc.name != "sglang.srt.new{i}":',
            "    raise",
            f"from sglang.srt.old{i} import {name}",
        ]
    else:
        inner = ["# Fallback for sglang 0.5.7. Remove when min supported version is 0.5.8+"]
        body = [
            *body,
            "try:",
            f"    from sglang.srt.mid{i} import {name}",
            "except ImportError:",
            *_indent(inner, "    "),
            f"    from sglang.srt.old{i} import {name}",
        ]
    lines += _indent(body, "    ")
    if extra == "else":
        lines += ["else:", f"    {name}.ready = True"]
    elif extra == "finally":
        lines += ["finally:", f"    LOADED_{i} = True"]
    elif extra == "other-handler":
        lines += ["except AttributeError:", f"    {name} = object"]
    if in_function:
        lines = [f"def load_{i}():", *_indent(lines, "    "), f"    return {name}"]
    shim.add("\n".join(lines))


@st.composite
def temporary_try(draw: st.DrawFn, i: int, shim: Shim) -> None:
    removal = draw(st.sampled_from(VERSIONS[1:]))
    shim.add(
        "\n".join(
            [
                "try:",
                f"    # Prefer the guarded API on SGLang {_previous(removal)}, where it is opt-in.",
                f"    # Remove when the minimum supported version is {removal}+.",
                f"    from sglang.srt.guarded{i} import Pool{i}",
                "except ImportError:",
                f"    from sglang.srt.pool{i} import Pool{i}",
            ]
        )
    )


@st.composite
def probe_function(draw: st.DrawFn, i: int, shim: Shim) -> None:
    tag = draw(tags())
    shape = draw(st.sampled_from(["if-body", "fall-through", "elif", "else"]))
    lines = [f"def probe_{i}(engine):", f'    """Probe {i}."""']
    if shape == "if-body":
        lines += [
            f'    if callable(getattr(engine, "old_{i}", None)):',
            *_indent(tag, "        "),
            f"        return engine.old_{i}()",
            f"    return engine.new_{i}()",
        ]
    elif shape == "fall-through":
        lines += [
            f'    accessor = getattr(engine, "new_{i}", None)',
            "    if accessor is not None:",
            "        return accessor()",
            *_indent(tag, "    "),
            f"    return engine.old_{i}",
        ]
    elif shape == "elif":
        lines += [
            f'    if hasattr(engine, "new_{i}"):',
            f"        return engine.new_{i}()",
            f'    elif hasattr(engine, "old_{i}"):',
            *_indent(tag, "        "),
            f"        return engine.old_{i}()",
            "    return None",
        ]
    else:
        lines += [
            f'    if hasattr(engine, "old_{i}"):',
            *_indent(tag, "        "),
            f"        return engine.old_{i}()",
            "    else:",
            f"        return engine.new_{i}()",
        ]
    shim.add("\n".join(lines))


@st.composite
def probe_paths(draw: st.DrawFn, i: int, shim: Shim) -> None:
    tag = draw(tags())
    trailing = len(tag) == 1 and draw(st.booleans())
    lines = [f"PATHS_{i} = (", f'    "sglang.srt.current{i}.base",  # current {i}']
    shim.kept.append(f'    "sglang.srt.current{i}.base",  # current {i}')
    if trailing:
        lines.append(f'    "sglang.srt.legacy{i}.base",  {tag[0]}')
    else:
        lines += [*_indent(tag, "    "), f'    "sglang.srt.legacy{i}.base",']
    lines.append(")")
    shim.add("\n".join(lines))


@st.composite
def tagged_definition(draw: st.DrawFn, i: int, shim: Shim) -> None:
    removal = draw(st.sampled_from(VERSIONS[1:]))
    in_docstring = draw(st.booleans())
    lines: list[str] = []
    if not in_docstring:
        lines.append(
            f"# Wrapper for flag {i}. Remove this wrapper when min supported SGLang is {removal}+."
        )
    lines += [f"def ensure_{i}() -> None:"]
    if in_docstring:
        lines += [
            f'    """Patch thing {i}.',
            "",
            "    Remove this compatibility override when the minimum supported SGLang release",
            f"    is {removal}+.",
            '    """',
        ]
    # The patch runs only where the upstream lacks the API: on new versions it does nothing.
    lines += [f'    if not hasattr(functools, "patched_{i}"):']
    lines += [f"        helper_{i} = functools.partial(print, {i})", f"        helper_{i}()"]
    shim.add("\n".join(lines))
    shim.tail += ["", f"ensure_{i}()"]
    shim.handler += [
        f"from pkg._compat import ensure_{i}",
        "",
        f"def boot_{i}():",
        f"    ensure_{i}()",
    ]


@st.composite
def untagged_or_vague(draw: st.DrawFn, i: int, shim: Shim) -> None:
    vague = draw(st.booleans())
    lines = ["try:", f"    from sglang.srt.keep{i} import Kept{i}", "except ImportError:"]
    if vague:
        lines.append("    # Fallback for older sglang. Remove when the release contains that move.")
    lines.append(f"    from sglang.srt.kept_old{i} import Kept{i}")
    text = "\n".join(lines)
    shim.kept += lines
    shim.add(text)


SITE_KINDS = [
    import_fallback,
    temporary_try,
    probe_function,
    probe_paths,
    tagged_definition,
    untagged_or_vague,
]


@st.composite
def projects(draw: st.DrawFn) -> tuple[dict[str, str], list[str], list[str], dict[str, object]]:
    shim = Shim(lines=['"""A generated shim."""', "", "import functools", "import os", ""])
    count = draw(st.integers(min_value=1, max_value=6))
    for i in range(count):
        kind = draw(st.sampled_from(SITE_KINDS))
        draw(kind(i, shim))
        filler = f"KEEP_{i} = os.sep  # keep {i}"
        shim.kept.append(filler)
        shim.add("\n" + filler + "\n\n")
    shim.lines += shim.tail
    text = "\n".join(shim.lines).rstrip("\n") + "\n"
    handler = "\n".join(shim.handler) + "\n" if shim.handler else "X = 1\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    if draw(st.integers(0, 4)) == 0:
        text = "\ufeff" + text
    floors = [draw(st.sampled_from(VERSIONS))]
    overrides: dict[str, object] = {}
    if draw(st.booleans()):
        overrides["tracks"] = {"xpu": draw(st.sampled_from(VERSIONS))}
    else:
        overrides["tracks"] = {}
    return {SHIM: text, HANDLER: handler}, shim.kept, floors, overrides


def _fates(config, text: str):
    model = shim_model(config, SHIM, text, grammar_for(config))
    return [(site, site_fate(site, config.floors, config.primary)) for site in model.sites]


def _signature(site) -> tuple[object, ...]:
    # Names are left out: a live handler whose expired inner try collapsed binds its
    # name directly afterwards. Its kind and tag are what identify it.
    return (site.kind, site.tag.raw if site.tag else None)


RUFF = shutil.which("ruff") or str(__import__("pathlib").Path(sys.executable).with_name("ruff"))


def _undefined(text: str) -> set[str]:
    result = subprocess.run(
        [
            RUFF,
            "check",
            "--isolated",
            "--select",
            "F821",
            "--output-format",
            "concise",
            "--stdin-filename",
            "x.py",
            "-",
        ],
        input=text.encode(),
        capture_output=True,
        check=False,
    )
    return set(re.findall(r"Undefined name `([^`]+)`", result.stdout.decode()))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(projects())
def test_prune_guarantees(project) -> None:
    sources, kept, floors, overrides = project
    config = make_config(overrides)
    config = config.with_floors(parse_floor_options(floors, config.upstreams, config.primary))
    plan = plan_prune(config, sources, config.floors)
    before = sources[SHIM]
    after = plan.new_text(SHIM, before)

    # A byte-order mark stays; the output parses and compiles; newline style is kept.
    assert after.startswith("\ufeff") == before.startswith("\ufeff")
    before, after = before.removeprefix("\ufeff"), after.removeprefix("\ufeff")
    compile(after, SHIM, "exec", dont_inherit=True)
    ast.parse(plan.new_text(HANDLER, sources[HANDLER]))
    if "\r\n" in before:
        assert "\n" not in after.replace("\r\n", "")

    # No expired site remains, nothing was left unhandled.
    assert not [item for item in plan.follow_ups if item.reason.startswith("not pruned")]
    assert not [site for site, fate in _fates(config, after) if fate is Fate.EXPIRED]

    # No live site is touched: every live site of the input is still there, same tag.
    live = Counter(_signature(s) for s, fate in _fates(config, before) if fate is not Fate.EXPIRED)
    remaining = Counter(_signature(s) for s, _ in _fates(config, after))
    assert live - remaining == Counter()

    # Untouched code is byte-identical, in order.
    position = 0
    normalized = after.replace("\r\n", "\n")
    for line in kept:
        found = normalized.find(line, position)
        assert found >= 0, line
        position = found + len(line)

    # Idempotent: pruning the result changes nothing.
    again = plan_prune(config, {**sources, **{p: e.new_text for p, e in plan.edits.items()}})
    assert again.edits == {}

    # No new undefined names, in the shim or at the call sites.
    assert _undefined(after) <= _undefined(before)
    handler_after = plan.new_text(HANDLER, sources[HANDLER])
    assert _undefined(handler_after) <= _undefined(sources[HANDLER])


@pytest.mark.parametrize("floor", VERSIONS)
def test_floor_that_expires_nothing_is_byte_identical(floor: str) -> None:
    text = (
        "try:\n    from sglang.srt.new import A\nexcept ImportError:\n"
        "    # Fallback for sglang 0.5.20. Remove when min supported version is 0.5.21+\n"
        "    from sglang.srt.old import A\r\n"
    )
    config = make_config()
    config = config.with_floors(parse_floor_options([floor], config.upstreams, config.primary))
    assert plan_prune(config, {SHIM: text}).edits == {}
