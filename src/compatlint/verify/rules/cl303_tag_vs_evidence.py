"""CL303 tag-vs-evidence: a fallback's tag contradicts what the upstream's files show."""

from __future__ import annotations

from collections.abc import Iterator

from compatlint.model import SiteKind
from compatlint.verify.judge import (
    Finding,
    VerifyCase,
    VerifyContext,
    VerifyRule,
    fallback_kind,
    tag_needs_fallback,
    versions_text,
)
from compatlint.verify.probe_judge import probe_tag_contradictions

_NEW = {"sglang/srt/managers/io_struct.py": "class AbortReq: ...\nclass AbortRequest: ...\n"}
_OLD = {"sglang/srt/managers/io_struct.py": "class AbortRequest: ...\n"}
_SHIM = (
    "try:\n"
    "    from sglang.srt.managers.io_struct import AbortReq\n"
    "except ImportError:\n"
    "    # Fallback for sglang 0.5.9. Remove when min supported version is {removal}+\n"
    "    from sglang.srt.managers.io_struct import AbortRequest as AbortReq\n"
)


_ARGS_OLD = {"sglang/srt/server_args.py": "class ServerArgs:\n    port = 1\n"}
_ARGS_NEW = {"sglang/srt/server_args.py": "class ServerArgs:\n    port = 1\n    ssl = 0\n"}
_PROBE = (
    "from sglang.srt.server_args import ServerArgs\n\n\n"
    "def ssl(args: ServerArgs):\n"
    "    if not hasattr(args, 'ssl'):\n"
    "        # Fallback for sglang 0.5.9. Remove when min supported version is {removal}+\n"
    "        return None\n"
    "    return args.ssl\n"
)


class TagVsEvidence(VerifyRule):
    code = "CL303"
    name = "tag-vs-evidence"
    summary = "A fallback's tag says a version needs it (or not) and the upstream's files disagree."
    what = """
Reads a fallback's tag as a claim about versions — a removal version R says every
version below R needs the fallback and R and later do not; without R, a covered version
C says C and older need it — and checks the claim against the given versions only: the
preferred path must be absent in a version that needs the fallback and present in one
that does not. The message gives the tag the evidence supports, when it is clear-cut.
Vague tags and tags on a separately pinned track are not judged. A tagged API probe
branch (`if hasattr(server_args, "x"):` with a tag claiming one arm) is judged the same
way, from the probe's answer in each version (see CL301 for the probes read).
"""
    why = """
Tags are written by hand and drift: the same move ends up with three different removal
targets, and a fallback is kept a release longer (or dropped a release early) because
nobody looked at the upstream. The floor bump then prunes too little or breaks N-1.
"""
    example = """
# sglang 0.5.10 already has io_struct.AbortReq
try:
    from sglang.srt.managers.io_struct import AbortReq
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.11+
    from sglang.srt.managers.io_struct import AbortRequest as AbortReq
"""
    use_instead = """
try:
    from sglang.srt.managers.io_struct import AbortReq
except ImportError:
    # Fallback for sglang <= 0.5.9. Remove when min supported version is 0.5.10+
    from sglang.srt.managers.io_struct import AbortRequest as AbortReq
"""
    fix = "Rewrite the tag as the message suggests (`verify --suggest-tags` prints it)."
    VERIFY_VALID = (
        VerifyCase(_SHIM.format(removal="0.5.10"), {"0.5.9": _OLD, "0.5.10": _NEW, "0.5.11": _NEW}),
        VerifyCase(
            "try:\n"
            "    from sglang.srt.managers.io_struct import AbortReq\n"
            "except ImportError:\n"
            "    # Fallback for the separately pinned XPU SGLang 0.5.10.\n"
            "    # Remove when the XPU pin is upgraded to 0.5.12+.\n"
            "    from sglang.srt.managers.io_struct import AbortRequest as AbortReq\n",
            {"0.5.10": _NEW, "0.5.11": _NEW},
        ),
        VerifyCase(
            _PROBE.format(removal="0.5.10"),
            {"0.5.9": _ARGS_OLD, "0.5.10": _ARGS_NEW},
            config={"floor": "0.5.9"},
        ),
    )
    VERIFY_INVALID = (
        VerifyCase(
            _SHIM.format(removal="0.5.11"),
            {"0.5.9": _OLD, "0.5.10": _NEW, "0.5.11": _NEW},
            lines=(3,),
        ),
        VerifyCase(
            _SHIM.format(removal="0.5.10"),
            {"0.5.9": _OLD, "0.5.10": _OLD, "0.5.11": _NEW},
            lines=(3,),
        ),
        VerifyCase(
            _PROBE.format(removal="0.5.11"),
            {"0.5.9": _ARGS_OLD, "0.5.10": _ARGS_NEW, "0.5.11": _ARGS_NEW},
            config={"floor": "0.5.9"},
            lines=(5,),
        ),
    )

    def findings(self, context: VerifyContext) -> Iterator[Finding]:
        yield from probe_tag_contradictions(self, context)
        versions = context.versions
        for fallback in context.evidence.fallbacks:
            site, tag = fallback.site, fallback.site.tag
            if site.kind not in (SiteKind.IMPORT_FALLBACK, SiteKind.PROBE_PATH):
                continue
            if tag is None or tag.is_vague or not context.judged(site) or not fallback.preferred:
                continue
            preferred = context.preferred(fallback)
            keeps, drops = [], []
            for column, version in enumerate(versions):
                needed = tag_needs_fallback(tag, version)
                if needed is True and preferred[column].present:
                    keeps.append(version)
                elif needed is False and preferred[column].absent:
                    drops.append(version)
            if not keeps and not drops:
                continue
            path = context.preferred_text(fallback)
            kind = fallback_kind(site)
            parts = []
            if keeps:
                parts.append(
                    f"it keeps the {kind} for {versions_text(keeps)}, but {path} is present there"
                )
            if drops:
                parts.append(
                    f"it drops the {kind} for {versions_text(drops)}, but {path} is absent there"
                )
            message = "tag contradicts the upstream: " + "; ".join(parts)
            suggested, _ = context.supported_tag(fallback)
            if suggested is not None:
                message += f'; the evidence supports "{suggested.text}"'
            yield self.finding(site, message, (*fallback.preferred_rows, *fallback.own), tag=tag)
