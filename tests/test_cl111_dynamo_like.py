"""CL111 on a Dynamo-like SGLang shim, before and after a bump: every finding, and why.

The shim holds the shapes engineers remove on a bump without a tag to go by (a section
header, a comment in a signature probe's arm, a wrapper's docstring, a workaround's
range) next to what must stay quiet (a tagged fallback, history, the policy docstring).
"""

from __future__ import annotations

from compatlint.rules.cl111_stale_version_note import StaleVersionNote
from tests.helpers import diagnostics

SHIM = '''\
"""SGLang compatibility shim.

Dynamo supports SGLang N and N-1. SGLang 0.5.9 accepts nothing here any more: every
fallback carries a "remove when" comment.
"""

from typing import Any

# 0.5.10+: sglang.srt.utils.network (canonical)
# 0.5.9: sglang.srt.utils
try:
    from sglang.srt.utils.network import NetworkAddress
except ImportError:
    from sglang.srt.utils import NetworkAddress

try:
    from sglang.srt.observability.trace import TraceCtx
except ImportError:
    # Fallback for sglang 0.5.10. Remove when min supported version is 0.5.11+
    # sglang 0.5.10: sglang.srt.tracing.trace
    from sglang.srt.tracing.trace import TraceCtx


def mm_encode(encoder: Any, items: list) -> Any:
    try:
        return encoder._encode(items, return_result=True)
    except TypeError:
        # sglang 0.5.9: _encode(mm_items) -> (grid_dim, embedding)
        _, embedding = encoder._encode(items)
        return embedding


async def start_profile(tm: Any, **kwargs: Any) -> Any:
    """Start a profile on the tokenizer manager.

    SGLang 0.5.10 accepts profiling fields as keyword arguments. SGLang 0.5.11
    accepts one ``ProfileReq`` object instead.
    """
    if hasattr(tm, "profile_req_type"):
        return await tm.start_profile(tm.profile_req_type(**kwargs))
    return await tm.start_profile(**kwargs)


def enable_disjoint_streaming_output(server_args: Any) -> None:
    # sglang 0.5.10 renamed stream_output to incremental_streaming_output
    if hasattr(server_args, "incremental_streaming_output"):
        server_args.incremental_streaming_output = True
    else:
        server_args.stream_output = True


def patch_tokenizer_lock(tm: Any) -> None:
    """SGLang 0.5.10 through 0.5.11 assume the tokenizer manager owns a lock."""
    tm.lock = None
'''


def _found(floor: str, pin: str) -> list[tuple[int, str]]:
    found = diagnostics(
        {"pkg/_compat.py": SHIM}, {"floor": floor, "pin": pin}, rules=(StaleVersionNote,)
    )
    return [(d.line, d.message) for d in found]


def test_at_the_floor_the_section_header_and_the_probe_arm_comment_are_stale() -> None:
    # Floor 0.5.10 (N-1), pin 0.5.11 (N). The header says the except arm imports the 0.5.9
    # path and the TypeError arm's comment says it serves 0.5.9: both arms serve only a
    # release below the floor — dead code a person should remove. start_profile's older
    # behaviour is 0.5.10, the floor itself: live. The range ends at the pin: current.
    # The tagged TraceCtx fallback is CL102's; "renamed" is history; the module docstring
    # is policy.
    assert _found("0.5.10", "0.5.11") == [
        (
            13,
            "the note on line 9 says this arm (except ImportError) serves sglang 0.5.9; "
            "the floor is 0.5.10",
        ),
        (
            27,
            "the note on line 28 says this arm (except TypeError) serves sglang 0.5.9; "
            "the floor is 0.5.10",
        ),
    ]


def test_after_the_bump_the_wrapper_and_the_workaround_range_are_pointed_at() -> None:
    # Bump: floor 0.5.11, pin 0.5.12. The docstring's older behaviour (0.5.10 takes
    # keyword arguments) is the arm after the early return: below the floor now. The
    # workaround's range stopped at 0.5.11, the old pin: re-check it against 0.5.12. The
    # TraceCtx fallback expires too, but its tag governs it (CL102): no second finding.
    found = _found("0.5.11", "0.5.12")
    assert [line for line, _ in found] == [13, 27, 41, 53]
    assert found[2][1] == (
        "the note on line 34 says this arm (code after the if) serves sglang 0.5.10; "
        "the floor is 0.5.11"
    )
    assert found[3][1] == (
        "the note says sglang 0.5.10 through 0.5.11 need this; the pin is 0.5.12 (config): "
        "check the workaround against 0.5.12 and update the range"
    )
