"""CL110 misplaced-tag: a tag that governs no guarded choice, or contradicts its guard."""

from __future__ import annotations

from collections.abc import Iterator

from compatlint.analysis.project import ProjectFacts
from compatlint.model import Diagnostic
from compatlint.rules.base import Case, Located, Rule

T9 = "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+"


class MisplacedTag(Rule):
    code = "CL110"
    name = "misplaced-tag"
    summary = "A tag sits where no guarded choice can be read from it, or contradicts its guard."
    what = """
A tag is a *claim* about which upstream versions need which arm of a guarded choice:
"Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+" says the arm
it belongs to runs only on 0.5.9 and below. It belongs to the guard it is written in (the
first comment of an arm, or trailing the arm's header) or directly above (the comment
block leading the `if` or `try`, at its indentation); above an `if`, it claims the arm
where the probed API is absent (for an `if` with no `else`, the code after an early
return). Flags a tag that leads a statement that is no guarded choice (an assignment, a
plain call, a conditional expression), a tag on a test about no upstream API or version
(`if flag == 2`), a tag that leads nothing (a blank line or a dedent parts it from the
code below), and a tag whose claim contradicts its guard: it marks the arm the guard runs
when the API is present, the new side (a probe whose name says it is old — `old`,
`legacy`, `deprecated` — reads the other way).
"""
    why = """
Prune removes the arm a tag's claim marks as needed only below the floor. A tag read as
the tag of the next statement, or of an arm the guard takes on new versions, would make
prune delete live code. compatlint does not guess: the tag is reported here and nobody —
neither `prune` nor `check --fix` — acts on it.
"""
    example = f"""
def info(engine):
    if hasattr(engine, "get_internal_state"):
        {T9}
        return engine.get_internal_state()
    return engine.get_server_info()
"""
    use_instead = f"""
def info(engine):
    if hasattr(engine, "get_internal_state"):
        return engine.get_internal_state()
    {T9}
    return engine.get_server_info()
"""
    VALID = (
        Case(f'def f(e):\n    if not hasattr(e, "new"):\n        {T9}\n        return e.old()\n'),
        Case(
            f'def f(e):\n    if hasattr(e, "new"):\n        return e.new()\n'
            f"    {T9}\n    return 1\n"
        ),
        Case(f'{T9}\nif not hasattr(m, "new"):\n    X = 1\n'),
        Case(f"try:\n    from sglang.a import X\nexcept ImportError:\n    {T9}\n    X = None\n"),
        Case("# Remove when the minimum supported release contains that move.\nX = 1\n"),
    )
    INVALID = (
        Case(f"{T9}\nX = compute()\n", lines=(1,)),
        Case(
            f'def f(e):\n    if hasattr(e, "new"):\n        {T9}\n        return e.new()\n',
            lines=(3,),
        ),
        Case(f"def f(flag):\n    if flag == 2:\n        {T9}\n        return 2\n", lines=(3,)),
        Case(f"X = 1\n{T9}\n\nY = 2\n", lines=(2,)),
        Case(f'{T9}\nHAS_NEW = hasattr(m, "new")\n', lines=(1,)),
    )

    def check(self, project: ProjectFacts) -> Iterator[Diagnostic]:
        for path, shim in project.shims.items():
            for misplaced in shim.misplaced:
                if misplaced.tag.is_vague:
                    continue  # CL103 reports it already
                yield self.report(
                    path,
                    Located(misplaced.line, misplaced.column, misplaced.end_line),
                    f"misplaced tag: {misplaced.reason}",
                    tag=misplaced.tag,
                )
