"""A hypothesis strategy for projects whose shim chooses by guards, and callers that
record what the shim's functions do.

Each shim holds one to four :class:`~oracle.guards.Guard` sites over distinct upstream
features (every guard kind, shape, tag position, polarity and claim), unrelated ``if``
statements on local values, and maybe ``__all__``. Each caller imports some of the shim's
names, calls its functions, calls its tagged wrappers bare on a list, and stores all of
it in ``RESULT``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hypothesis import strategies as st

from oracle.guards import (
    GUARD_KINDS,
    IF_KINDS,
    IF_SHAPES,
    POSITIONS,
    WRAPPERS,
    Guard,
    Rendered,
    add_feature,
    render,
)
from oracle.projects import SHIM, Project

CLASSIFY = '''def classify{k}(flag):
    if flag == 2:
        return "two"
    return "other"'''

MODE = """MODE{k} = 2
if MODE{k} == 2:
    LABEL{k} = "two"
else:
    LABEL{k} = "other\""""


@dataclass
class GuardedProject(Project):
    """A project and the guards its shim was written from (shown with a failure)."""

    guards: tuple[Guard, ...] = field(default_factory=tuple)

    def __repr__(self) -> str:
        listed = "\n".join(f"#   {guard}" for guard in self.guards)
        return super().__repr__().replace("Project(\n", f"Project(\n# guards:\n{listed}\n", 1)


@st.composite
def guards(draw: st.DrawFn, index: int) -> Guard:
    """One guarded site over feature ``index``; its claim is true unless drawn otherwise
    where the code itself says which arm is new (an ``if`` on a probe or a version)."""
    kind = draw(st.sampled_from(GUARD_KINDS))
    shape = draw(st.sampled_from(IF_SHAPES)) if kind in IF_KINDS else "if-else"
    # A tag above a try claims the handler (the arm that runs when the import fails), so a
    # temporary try, whose try arm is the old one, is tagged in its try arm: first in it,
    # trailing ``try:``, or after its last line (indented as the arm, before ``except``).
    positions = ("inside", "trailing", "after", "none") if kind == "temporary-try" else POSITIONS
    position = draw(st.sampled_from(positions))
    since = draw(st.sampled_from(("0.5.10", "0.5.11")))
    claims = ["true"]
    if kind in IF_KINDS and shape != "ternary" and position in ("inside", "trailing", "after"):
        claims.append("wrong-arm")
    if kind == "version":
        claims.append("wrong-version")
    claim = draw(st.sampled_from(claims))
    if claim == "wrong-version":
        since = "0.5.11"  # the condition tests 0.5.11; the tag says 0.5.10 is enough
    negated = kind in (*IF_KINDS, "sentinel") and draw(st.booleans())
    on_flag = kind == "flag" and draw(st.booleans())
    return Guard(index, kind, since, shape, position, claim, negated, on_flag)


def _caller(draw: st.DrawFn, public: Rendered) -> str:
    """Imports some public names of the shim and records what they do."""
    pool = (
        [("call", n) for n in public.calls]
        + [("value", n) for n in public.values]
        + [("box", n) for n in public.boxes]
    )
    chosen = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=4, unique=True))
    if draw(st.booleans()):
        head, ref = "from pkg import _compat", "_compat.{}".format
    else:
        names = ", ".join(sorted(name for _, name in chosen))
        head, ref = f"from pkg._compat import {names}", "{}".format
    statements, result = [], []
    for how, name in chosen:
        if how == "call":
            result.append(f'"{name}": [{ref(name)}(1), {ref(name)}(2)]')
        elif how == "value":
            result.append(f'"{name}": {ref(name)}')
        else:
            statements += [f"box_{name} = []", f"{ref(name)}(box_{name})"]
            result.append(f'"box_{name}": box_{name}')
    lines = [head, "", *statements, "RESULT = {" + ", ".join(result) + "}"]
    return "\n".join(lines) + "\n"


@st.composite
def guarded_projects(draw: st.DrawFn) -> GuardedProject:
    project = GuardedProject({})
    sites = [draw(guards(index)) for index in range(draw(st.integers(1, 4)))]
    project.guards = tuple(sites)
    public = Rendered()
    blocks: list[str] = []
    for guard in sites:
        add_feature(project.upstream, guard.index, guard.since)
        rendered = render(guard)
        public.imports |= rendered.imports
        public.prelude += rendered.prelude
        public.calls += rendered.calls
        public.values += rendered.values
        public.boxes += rendered.boxes
        blocks.append(rendered.block)
    for k in range(draw(st.integers(0, 2))):
        if draw(st.booleans()):
            blocks.append(CLASSIFY.format(k=k))
            public.calls.append(f"classify{k}")
        else:
            blocks.append(MODE.format(k=k))
            public.values.append(f"LABEL{k}")
    blocks = draw(st.permutations(blocks))
    text = '"""Compat shim for sglang."""\n'
    if public.imports:
        text += "\n" + "\n".join(sorted(public.imports)) + "\n"
    if public.prelude:
        text += "\n" + "\n".join(public.prelude) + "\n"
    text += "".join(f"\n\n{block}\n" for block in blocks)
    if draw(st.booleans()):
        listed = sorted({*public.calls, *public.values, *public.boxes})
        text += "\n__all__ = [" + ", ".join(f'"{name}"' for name in listed) + "]\n"
    project.files = {"pkg/__init__.py": "", SHIM: text}
    for index in range(draw(st.integers(1, 2))):
        project.files[f"pkg/caller{index}.py"] = _caller(draw, public)
    return project


__all__ = ["WRAPPERS", "GuardedProject", "guarded_projects", "guards"]
