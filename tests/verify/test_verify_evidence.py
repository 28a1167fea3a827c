"""What verify collects from a project: import paths, their roles and sites, the fallbacks."""

from __future__ import annotations

from helpers import make_config
from verify_fakes import SERVER, SHIM

from compatlint.analysis.project import analyze_project
from compatlint.model import SiteKind
from compatlint.verify.evidence import Evidence, Role, collect_evidence


def evidence_of(files: dict[str, str], **config: object) -> Evidence:
    project = analyze_project(make_config(config), files)
    return collect_evidence(project, files)


def summary(evidence: Evidence) -> list[tuple[str, int, str, str]]:
    return [(r.path, r.line, r.role.value, r.target) for r in evidence.rows]


def test_rows_of_the_fake_project() -> None:
    evidence = evidence_of({"pkg/_compat.py": SHIM, "pkg/server.py": SERVER, "pkg/other.py": ""})
    assert evidence.package == "sglang"
    assert summary(evidence) == [
        ("pkg/_compat.py", 5, "import", "sglang.srt.utils:get_ip"),
        ("pkg/_compat.py", 6, "import", "sglang.srt.utils:helper"),
        ("pkg/_compat.py", 9, "try", "sglang.srt.new_place:Mover"),
        ("pkg/_compat.py", 12, "except", "sglang.srt.old_place:Mover"),
        ("pkg/_compat.py", 15, "try", "sglang.srt.io_struct:AbortReq"),
        ("pkg/_compat.py", 18, "except", "sglang.srt.io_struct:AbortRequest"),
        ("pkg/_compat.py", 21, "try", "sglang.srt.utils.network:get_ip"),
        ("pkg/_compat.py", 23, "except", "sglang.srt.utils:get_ip"),
        ("pkg/_compat.py", 26, "try", "sglang.srt.utils:helper"),
        ("pkg/_compat.py", 32, "try", "sglang.srt.utils:hidden"),
        ("pkg/_compat.py", 37, "try", "sglang.srt.lazy:anything"),
        ("pkg/_compat.py", 38, "try", "sglang.srt._native:fast"),
        ("pkg/_compat.py", 43, "probe", "sglang.srt.new_place"),
        ("pkg/_compat.py", 45, "probe", "sglang.srt.old_place"),
        ("pkg/_compat.py", 50, "dynamic", "sglang.srt.nowhere"),
        ("pkg/server.py", 1, "import", "sglang.srt.utils:get_ip"),
    ]
    by_line = {(r.path, r.line): r for r in evidence.rows}
    assert by_line["pkg/_compat.py", 12].site.kind is SiteKind.IMPORT_FALLBACK
    assert by_line["pkg/_compat.py", 9].site.line == 10  # the try body goes with its handler
    assert by_line["pkg/_compat.py", 5].site.kind is SiteKind.RE_EXPORT
    assert by_line["pkg/_compat.py", 45].site.kind is SiteKind.PROBE_PATH
    assert by_line["pkg/_compat.py", 43].site is None
    assert by_line["pkg/server.py", 1].site is None


def test_fallbacks_and_their_preferred_paths() -> None:
    evidence = evidence_of({"pkg/_compat.py": SHIM})
    rows = evidence.rows
    fallbacks = {f.site.line: f for f in evidence.fallbacks}
    assert sorted(fallbacks) == [10, 16, 22, 27, 33, 39, 45]
    mover = fallbacks[10]
    assert [[rows[i].line for i in group] for group in mover.preferred] == [[9]]
    assert [rows[i].line for i in mover.own] == [12]
    assert (mover.header_line, mover.body_line) == (10, 12)
    both = fallbacks[39]  # a try body with two imports: one group needing both
    assert [[rows[i].line for i in group] for group in both.preferred] == [[37, 38]]
    assert both.own == ()
    probe = fallbacks[45]
    assert [[rows[i].line for i in group] for group in probe.preferred] == [[43]]
    assert probe.header_line == probe.body_line == 0


def test_nested_fallbacks_chain_their_preferred_paths() -> None:
    shim = """\
try:
    from sglang.srt.newest import X
except ImportError:
    # Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+
    try:
        from sglang.srt.newer import X
    except ImportError:
        # Fallback for sglang 0.5.8. Remove when min supported version is 0.5.9+
        from sglang.srt.old import X
"""
    evidence = evidence_of({"pkg/_compat.py": shim})
    rows = evidence.rows
    inner = next(f for f in evidence.fallbacks if f.site.line == 7)
    assert [[rows[i].line for i in group] for group in inner.preferred] == [[2], [6]]
    assert [rows[i].line for i in inner.own] == [9]
    outer = next(f for f in evidence.fallbacks if f.site.line == 3)
    assert [[rows[i].line for i in group] for group in outer.preferred] == [[2]]
    assert outer.own == ()  # the nested try's imports belong to the inner fallback


def test_what_is_not_evidence() -> None:
    shim = """\
import importlib
import json
from . import sibling
from sglang.srt.top import T

if TYPE_CHECKING:
    from sglang.srt.types import Hint

try:
    import orjson
except ImportError:
    orjson = None

try:
    from sglang.srt.a import A
finally:
    pass

try:
    value = compute()
except ValueError:
    from sglang.srt.b import B

MODULE = importlib.import_module("sglang.srt.eager")
RELATIVE = importlib.import_module(".x", "sglang.srt")
NAMES = ("not.dotted.upstream", "json.decoder")


def lazy():
    from sglang.srt.lazy import L
    return importlib.import_module("sglang.srt.dynamic")
"""
    evidence = evidence_of({"pkg/_compat.py": shim})
    assert [(r.line, r.role.value, r.target) for r in evidence.rows] == [
        (4, "import", "sglang.srt.top:T"),
        (15, "import", "sglang.srt.a:A"),  # try/finally does not guard the import
        (22, "except", "sglang.srt.b:B"),  # a handler only runs sometimes
        (24, "import", "sglang.srt.eager"),  # module level: unconditional
        (31, "dynamic", "sglang.srt.dynamic"),
    ]
    assert evidence.fallbacks == ()


def test_import_forms_of_other_files() -> None:
    files = {
        "pkg/_compat.py": "",
        "pkg/a.py": "import sglang, os\nimport sglang.srt.x as x\nfrom sglang.srt import y, z\n",
        "pkg/b.py": "from sglang.srt.q import *\n",
    }
    evidence = evidence_of(files)
    assert [(r.path, r.line, r.target, r.role) for r in evidence.rows] == [
        ("pkg/a.py", 1, "sglang", Role.UNGUARDED),
        ("pkg/a.py", 2, "sglang.srt.x", Role.UNGUARDED),
        ("pkg/a.py", 3, "sglang.srt:y", Role.UNGUARDED),
        ("pkg/a.py", 3, "sglang.srt:z", Role.UNGUARDED),
        ("pkg/b.py", 1, "sglang.srt.q", Role.UNGUARDED),
    ]
