"""CL301 dead-fallback: the preferred path exists in every supported version given to verify."""

from __future__ import annotations

from collections.abc import Iterator

from compatlint.model import SiteKind
from compatlint.verify.judge import (
    Finding,
    VerifyCase,
    VerifyContext,
    VerifyRule,
    fallback_kind,
    versions_text,
)
from compatlint.verify.probe_judge import dead_probes

_NEW_PATH = {"sglang/srt/new.py": "class X: ...\n"}
_OLD_PATH = {"sglang/srt/old.py": "class X: ...\n"}
_SHIM = (
    "try:\n"
    "    from sglang.srt.new import X\n"
    "except ImportError:\n"
    "    # Fallback for sglang <= 0.5.9. Remove when min supported version is 0.5.10+\n"
    "    from sglang.srt.old import X\n"
)


_ARGS_OLD = {"sglang/srt/server_args.py": "class ServerArgs:\n    port = 1\n"}
_ARGS_NEW = {"sglang/srt/server_args.py": _ARGS_OLD["sglang/srt/server_args.py"] + "    ssl = 0\n"}
_PROBE = (
    "from typing import Any\n\n\n"
    "def serve(server_args: Any):\n"
    "    if hasattr(server_args, 'ssl'):\n"
    "        return server_args.ssl\n"
    "    return None\n"
)
_TYPES = {"verify": {"types": {"server_args": "sglang.srt.server_args.ServerArgs"}}}


class DeadFallback(VerifyRule):
    code = "CL301"
    name = "dead-fallback"
    summary = "The preferred path exists in every supported version given: the fallback never runs."
    what = """
Flags an import fallback (or a tagged probe-path entry) whose preferred path — the
imports of the `try` body, or the earlier entries of the probe tuple, and for a nested
fallback the enclosing try bodies too — is present in every version given to
`compatlint verify --upstream` at or above the floor. Only `verify` runs it: the
evidence is the upstream's own files. Tags on a separately pinned track are not judged
against the given versions.

Also flags an API probe of a shim whose answer is the same in every such version, with
nothing unknown: `hasattr(mod, "X")` / `getattr(mod, "X", None)` on an upstream module;
`hasattr(obj, "f")`, `getattr(obj, "f", None)`, `callable(getattr(...))` on an object
whose upstream class is known (an annotation, an import of the shim, or
`[tool.compatlint.verify.types]`); `"p" in inspect.signature(f).parameters`; and
`try: f(a, b) except TypeError: ...`. The message names the member and the versions.
`verify --write` folds such a probe where it is a test prune's fold can take.
"""
    why = """
Inside the support window the `except` branch is never taken, whatever its tag says:
it is dead code that no test exercises, and it hides the real minimum version. A tag
that promises a later removal is wrong, too (see CL303).
"""
    example = """
# floor = "0.5.10"; sglang.srt.new.X exists in 0.5.10 and 0.5.11
try:
    from sglang.srt.new import X
except ImportError:
    # Fallback for sglang <= 0.5.10. Remove when min supported version is 0.5.11+
    from sglang.srt.old import X
"""
    use_instead = """
from sglang.srt.new import X
"""
    fix = (
        "Remove the fallback (`compatlint prune` once its tag has expired), or lower the "
        "floor if an older version really is supported."
    )
    VERIFY_VALID = (
        VerifyCase(_SHIM, {"0.5.9": _OLD_PATH, "0.5.10": _OLD_PATH, "0.5.11": _NEW_PATH}),
        VerifyCase(_SHIM, {"0.5.9": _OLD_PATH, "0.5.10": _NEW_PATH}, config={"floor": "0.5.9"}),
        VerifyCase(_PROBE, {"0.5.10": _ARGS_OLD, "0.5.11": _ARGS_NEW}, config=_TYPES),
        VerifyCase(_PROBE, {"0.5.10": _ARGS_NEW, "0.5.11": _ARGS_NEW}),  # the class is not known
    )
    VERIFY_INVALID = (
        VerifyCase(
            _SHIM, {"0.5.9": _OLD_PATH, "0.5.10": _NEW_PATH, "0.5.11": _NEW_PATH}, lines=(3,)
        ),
        VerifyCase(
            "_PATHS = (\n    'sglang.srt.new',\n"
            "    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+\n"
            "    'sglang.srt.old',\n)\n",
            {"0.5.10": _NEW_PATH, "0.5.11": _NEW_PATH},
            lines=(4,),
        ),
        VerifyCase(_PROBE, {"0.5.10": _ARGS_NEW, "0.5.11": _ARGS_NEW}, config=_TYPES, lines=(5,)),
    )

    def findings(self, context: VerifyContext) -> Iterator[Finding]:
        yield from dead_probes(self, context)
        window = context.window()
        if not window:
            return
        floor = context.floor()
        in_window = versions_text([context.versions[c] for c in window])
        where = f"at or above the floor {floor}" if floor is not None else ""
        for fallback in context.evidence.fallbacks:
            site = fallback.site
            if site.kind not in (SiteKind.IMPORT_FALLBACK, SiteKind.PROBE_PATH):
                continue
            if not context.judged(site) or not fallback.preferred:
                continue
            preferred = context.preferred(fallback)
            if not all(preferred[column].present for column in window):
                continue
            kind = fallback_kind(site)
            whatever = ", whatever its tag says" if site.tag is not None else ""
            message = (
                f"dead {kind}: {context.preferred_text(fallback)} is present in every given "
                f"version {where} ({in_window}), so the {kind} is never taken; remove it{whatever}"
            )
            yield self.finding(
                site,
                " ".join(message.split()),
                (*fallback.preferred_rows, *fallback.own),
                tag=site.tag,
            )
