"""Static resolution of modules and names in an upstream tree (three-valued, with reasons)."""

from __future__ import annotations

import pytest
from verify_fakes import V0_5_9, V0_5_10, V0_5_11

from compatlint.verify.resolve import (
    Presence,
    Resolution,
    all_of,
    any_of,
    dotted_exists,
    module_exists,
    module_info,
    name_exists,
)
from compatlint.verify.sources import UpstreamTree

P, A, U = Presence.PRESENT, Presence.ABSENT, Presence.UNKNOWN


def tree(files: dict[str, str | bytes], version: str = "1.0") -> UpstreamTree:
    base: dict[str, str | bytes] = {"sglang/__init__.py": ""}
    return UpstreamTree.from_files(version, "sglang", {**base, **files})


FAKES = {"0.5.9": V0_5_9, "0.5.10": V0_5_10, "0.5.11": V0_5_11}


@pytest.mark.parametrize(
    ("version", "module", "name", "expected"),
    [
        ("0.5.9", "sglang.srt.old_place", "Mover", P),
        ("0.5.10", "sglang.srt.old_place", "Mover", A),  # the moved module
        ("0.5.10", "sglang.srt.new_place", "Mover", P),
        ("0.5.9", "sglang.srt.utils", "helper", P),  # star import, no __all__
        ("0.5.9", "sglang.srt.utils", "_private", A),  # ... skips private names
        ("0.5.10", "sglang.srt.utils", "helper", P),  # absolute star import, in __all__
        ("0.5.10", "sglang.srt.utils", "hidden", A),  # ... left out of __all__
        ("0.5.11", "sglang.srt.utils", "network", P),  # a submodule
        ("0.5.11", "sglang.srt.utils", "get_ip", A),
        ("0.5.9", "sglang.srt.lazy", "anything", U),  # module __getattr__
        ("0.5.9", "sglang.srt._native", "fast", U),  # compiled extension
        ("0.5.10", "sglang.srt.io_struct", "AbortRequest", P),  # an assignment
    ],
)
def test_fake_versions(version: str, module: str, name: str, expected: Presence) -> None:
    assert name_exists(tree(FAKES[version], version), module, name).presence is expected


def test_reasons_say_why() -> None:
    fake = tree(V0_5_10)
    assert name_exists(fake, "sglang.srt.new_place", "Mover").reason == (
        "defined in sglang/srt/new_place.py:1"
    )
    helper = name_exists(fake, "sglang.srt.utils", "helper")
    assert helper.reason.startswith("via `from sglang.srt.utils.common import *`")
    hidden = name_exists(fake, "sglang.srt.utils", "hidden")
    assert hidden.reason == (
        "hidden is not defined in sglang/srt/utils/__init__.py "
        "(sglang.srt.utils.common leaves it out of __all__)"
    )
    assert "defines __getattr__" in name_exists(fake, "sglang.srt.lazy", "x").reason
    assert "compiled extension" in name_exists(fake, "sglang.srt._native", "x").reason
    assert (
        module_exists(fake, "sglang.srt.gone").reason == "no sglang/srt/gone.py or sglang/srt/gone/"
    )


def test_module_existence() -> None:
    fake = tree(
        {
            "sglang/srt/x.py": "",
            "sglang/srt/native.cpython-311-x86_64-linux-gnu.so": b"",
            "sglang/ns/inner/y.py": "",
        }
    )
    assert module_exists(fake, "sglang.srt.x").presence is P
    assert module_exists(fake, "sglang.srt").presence is P  # namespace package
    assert module_exists(fake, "sglang.srt.native").presence is P  # compiled: present
    assert module_exists(fake, "sglang.srt.native.sub").presence is U  # inside compiled
    assert module_exists(fake, "sglang.srt.y").presence is A
    assert module_exists(fake, "numpy.linalg").presence is U  # another package
    assert name_exists(fake, "sglang.ns", "inner").presence is P
    assert name_exists(fake, "sglang.ns", "nothing").presence is A


def test_module_level_bindings_in_every_branch() -> None:
    source = """
import os.path
import numpy as np
from .x import (a as b, c)
try:
    from fast import impl
except ImportError:
    impl = None
    def fallback(): ...
if os.name == "nt":
    class Win: ...
else:
    WIN: int = 0
for loop_var in range(3):
    pass
with open(__file__) as handle:
    pass
(first, *rest) = 1, 2, 3
if (walrus := 1):
    pass
annotated_only: int
"""
    fake = tree({"sglang/m.py": source, "sglang/x.py": ""})
    for name in ("os", "np", "b", "c", "impl", "fallback", "Win", "WIN", "loop_var", "handle"):
        assert name_exists(fake, "sglang.m", name).presence is P, name
    for name in ("first", "rest", "walrus"):
        assert name_exists(fake, "sglang.m", name).presence is P, name
    assert name_exists(fake, "sglang.m", "annotated_only").presence is A
    assert name_exists(fake, "sglang.m", "a").presence is A


def test_star_imports_follow_all_and_stop_at_cycles() -> None:
    fake = tree(
        {
            "sglang/a.py": "from sglang.b import *\nfrom .c import *\n",
            "sglang/b.py": (
                "from sglang.a import *\n__all__ = ['x']\n__all__ += ['y']\nx = y = z = 1\n"
            ),
            "sglang/c.py": (
                "__all__ = ('w',)\n__all__.extend(['v'])\n__all__.append('u')\nw = v = u = 1\n"
            ),
            "sglang/d.py": "from numpy import *\n",
            "sglang/e.py": "from .f import *\n",
            "sglang/f.py": "__all__ = names()\nq = 1\n",
        }
    )
    assert name_exists(fake, "sglang.a", "x").presence is P
    assert name_exists(fake, "sglang.a", "y").presence is P
    assert name_exists(fake, "sglang.a", "z").presence is A
    for name in ("w", "v", "u"):
        assert name_exists(fake, "sglang.a", name).presence is P
    assert name_exists(fake, "sglang.a", "nothing").presence is A  # the a <-> b cycle ends
    outside = name_exists(fake, "sglang.d", "array")
    assert outside.presence is U and "star import from numpy" in outside.reason
    assert name_exists(fake, "sglang.e", "q").presence is U  # __all__ is computed
    assert module_info(fake, "sglang.f").all_is_literal is False


def test_other_unknowns() -> None:
    fake = tree(
        {
            "sglang/g.py": "def setup():\n    global LATE\n    LATE = 1\n",
            "sglang/h.py": "globals()['DYNAMIC'] = 1\n",
            "sglang/broken.py": "def f(:\n",
            "sglang/bad_star.py": "from ....far import *\n",
        }
    )
    assert "global" in name_exists(fake, "sglang.g", "LATE").reason
    assert name_exists(fake, "sglang.g", "LATE").presence is U
    assert name_exists(fake, "sglang.h", "DYNAMIC").presence is U
    broken = name_exists(fake, "sglang.broken", "f")
    assert broken.presence is U and broken.reason.startswith("cannot parse sglang/broken.py")
    assert name_exists(fake, "sglang.bad_star", "x").presence is U


def test_dotted_probe_strings() -> None:
    fake = tree({"sglang/m.py": "class C: ...\n"})
    assert dotted_exists(fake, "sglang.m").presence is P
    assert dotted_exists(fake, "sglang.m.C").presence is P
    assert dotted_exists(fake, "sglang.m.D").presence is A
    assert dotted_exists(fake, "sglang.n.C").presence is A


def test_results_are_cached_per_tree() -> None:
    fake = tree({"sglang/m.py": "X = 1\n"})
    first = name_exists(fake, "sglang.m", "X")
    assert name_exists(fake, "sglang.m", "X") is first
    assert module_info(fake, "sglang.m") is module_info(fake, "sglang.m")


def test_combinators() -> None:
    present, absent, unknown = Resolution(P, "p"), Resolution(A, "a"), Resolution(U, "u")
    assert all_of([present, unknown]) is unknown
    assert all_of([present, unknown, absent]) is absent
    assert all_of([present]) is present
    assert any_of([absent, unknown]) is unknown
    assert any_of([absent, present]) is present
    assert any_of([absent, absent]).presence is A
    assert all_of([]).presence is U and any_of([]).presence is U
