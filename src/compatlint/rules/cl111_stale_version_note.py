"""CL111 stale-version-note: prose says an arm serves only unsupported releases, or names a
range that ends below the pin."""

from __future__ import annotations

from collections.abc import Iterator

from packaging.version import Version

from compatlint.analysis.project import ProjectFacts
from compatlint.analysis.prose_facts import ProseFact
from compatlint.floor_sources import pin_of
from compatlint.model import Diagnostic
from compatlint.rules.base import Case, Located, Rule

_NETWORK = (
    "# 0.5.10+: sglang.srt.utils.network (canonical)\n"
    "# 0.5.9: sglang.srt.utils\n"
    "try:\n    from sglang.srt.utils.network import NetworkAddress\n"
    "except ImportError:\n    from sglang.srt.utils import NetworkAddress\n"
)
_ENCODE = (
    "def mm_encode(encoder, items):\n    try:\n        return encoder._encode(items, True)\n"
    "    except TypeError:\n"
    "        # sglang 0.5.9: _encode(mm_items) -> (grid_dim, embedding)\n"
    "        return encoder._encode(items)\n"
)
_PROFILE = (
    "async def start_profile(tm, **kwargs):\n"
    '    """SGLang 0.5.14 accepts profiling fields as keyword arguments. SGLang 0.5.15\n'
    '    accepts one ``ProfileReq`` object instead."""\n'
    '    if hasattr(tm, "profile_req"):\n'
    "        return await tm.start_profile(ProfileReq(**kwargs))\n"
    "    return await tm.start_profile(**kwargs)\n"
)
_RANGE = (
    "def patch_lock(tm):\n"
    '    """SGLang 0.5.13 through 0.5.15 assume the tokenizer manager has a lock."""\n'
    "    tm.lock = None\n"
)


class StaleVersionNote(Rule):
    code = "CL111"
    name = "stale-version-note"
    summary = (
        "Prose says an arm serves only releases below the floor, or names a range that "
        "ends below the pin."
    )
    what = """
Reads version notes that are not tags — a section header above a group of sites
(`# 0.5.9: sglang.srt.utils`), a comment in an arm (`# sglang 0.5.9: _encode(mm_items)
-> ...`), the docstring of a wrapper ("SGLang 0.5.14 accepts keyword arguments. SGLang
0.5.15 accepts one `ProfileReq`") — and flags, in shims:

* an arm every note of which names only releases below the floor (the floor of the track
  a note names, else of its upstream, as for a tag): "the note says this arm serves
  sglang 0.5.9; the floor is 0.5.10"; and a two-ended range wholly below the floor;
* a two-ended range ("0.5.13 through 0.5.15") that reaches into the supported window
  but ends below the pin — the newest supported release, from `pin`, `--pin`, or an
  exact pin (`sglang[all]==0.5.16`) in the project's dependencies.

Only statements about what a release needs count: a label (`<version>: ...`), a
present-tense sentence with the release as its subject, a `for` / `on <release>` phrase.
History ("removed in numpy 2.4", "sglang 0.5.10 moved it"), removal talk, the module
docstring and notes on a site that carries a tag (CL102 judges it) are never read.
"""
    why = """
On every bump engineers remove more than the tagged fallbacks: probes and wrappers whose
only tag is prose. A note that says an arm exists for a release below the floor marks
dead code nobody is pointed at. A range that stops at the previous pin is a workaround
nobody re-checked against the new release: it may no longer be needed, or the note may
now be wrong.
"""
    example = f"""
# floor = "0.5.10"
{_NETWORK}"""
    use_instead = """
from sglang.srt.utils.network import NetworkAddress
"""
    fix = (
        "No automatic fix: prune never acts on prose. Remove the arm by hand (or tag it, so "
        "that `prune` can), or re-check the workaround against the pin and update the range."
    )
    VALID = (
        Case(_NETWORK, config={"floor": "0.5.9"}),
        Case(_ENCODE, config={"floor": "0.5.9"}),
        Case(_PROFILE, config={"floor": "0.5.14"}),
        Case(_RANGE, config={"floor": "0.5.13", "pin": "0.5.15"}),
        Case(_RANGE, config={"floor": "0.5.13"}),
        Case("# removed in sglang 0.5.9\ntry:\n    import a\nexcept ImportError:\n    a = None\n"),
        Case(
            "try:\n    from sglang.srt.a import X\nexcept ImportError:\n"
            "    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+\n"
            "    # sglang 0.5.9: X lives in b\n"
            "    from sglang.srt.b import X\n"
        ),
        Case(
            _ENCODE.replace("# sglang 0.5.9", "# xpu sglang 0.5.9"),
            config={"tracks": {"xpu": "0.5.9"}},
        ),
    )
    INVALID = (
        Case(_NETWORK, lines=(5,)),
        Case(_ENCODE, lines=(4,)),
        Case(_PROFILE, config={"floor": "0.5.15"}, lines=(6,)),
        Case(_RANGE, config={"floor": "0.5.13", "pin": "0.5.16"}, lines=(2,)),
        Case(
            _RANGE.replace("0.5.13 through", "0.5.9 through"),
            config={"floor": "0.5.16"},
            lines=(2,),
        ),
    )

    def check(self, project: ProjectFacts) -> Iterator[Diagnostic]:
        for path, shim in project.shims.items():
            by_arm: dict[int, list[ProseFact]] = {}
            for fact in shim.prose:
                if fact.arm_line is not None:
                    by_arm.setdefault(fact.arm_line, []).append(fact)
            for facts in by_arm.values():
                found = self.stale_arm(project, path, facts)
                if found is not None:
                    yield found
            for fact in shim.prose:
                found = self.unchecked_range(project, path, fact)
                if found is not None:
                    yield found

    def floor_of(self, project: ProjectFacts, fact: ProseFact) -> tuple[Version, str] | None:
        """The floor that judges ``fact``, as a tag's (``Floors.governing``): the named
        track's, else its upstream's (the primary's when it names none)."""
        floors = project.config.floors
        if fact.track is not None:
            floor = floors.tracks.get(fact.track)
            return None if floor is None else (floor, f"the {fact.track} track floor")
        floor = floors.upstreams.get(fact.upstream or project.config.primary)
        return None if floor is None else (floor, "the floor")

    def stale_arm(
        self, project: ProjectFacts, path: str, facts: list[ProseFact]
    ) -> Diagnostic | None:
        judged = [(fact, self.floor_of(project, fact)) for fact in facts]
        if not all(floor is not None and fact.span.all_below(floor[0]) for fact, floor in judged):
            return None
        fact, floor = judged[0]
        assert floor is not None
        upstream = fact.upstream or project.config.primary
        served = ", ".join(dict.fromkeys(f.span.text() for f in facts))
        where = Located(fact.arm_line or fact.line, fact.arm_column, fact.arm_end_line)
        return self.report(
            path,
            where,
            f"the note on line {fact.line} says this arm ({fact.arm}) serves {upstream} "
            f"{served}; {floor[1]} is {floor[0]}",
        )

    def unchecked_range(
        self, project: ProjectFacts, path: str, fact: ProseFact
    ) -> Diagnostic | None:
        span = fact.span
        if not span.two_ended or span.high is None:
            return None
        upstream = fact.upstream or project.config.primary
        pin = pin_of(project.config.pin_sources, upstream, fact.track)
        floor = self.floor_of(project, fact)
        if floor is not None and span.all_below(floor[0]):
            if fact.arm_line is not None:
                return None  # the stale arm is reported
            return self.report(
                path,
                Located(fact.line, 1, fact.end_line),
                f"the note says {upstream} {span.text()} need this; {floor[1]} is {floor[0]}",
            )
        if pin is None or span.high >= pin.version:
            return None
        return self.report(
            path,
            Located(fact.line, 1, fact.end_line),
            f"the note says {upstream} {span.text()} need this; the pin is {pin.version} "
            f"({pin.source}): check the workaround against {pin.version} and update the range",
        )
