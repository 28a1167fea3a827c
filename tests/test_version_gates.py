"""Version gates decided over the supported windows: a table of real-world phrasings, and
properties that hold the decision against running the expression on the window's
versions."""

from __future__ import annotations

import ast
import types

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from compatlint.analysis.gate_windows import Window
from compatlint.analysis.version_gates import GateEnv, evaluate_gate, windows_from
from compatlint.analysis.version_subjects import exported_subjects, module_context
from compatlint.predicates import Predicate
from compatlint.versions import Floors

PREAMBLE = """\
import sys
import sys as _sys
from sys import version_info
from sys import version_info as PY
import platform
import numpy as np
import torch
import dask
import scipy
import scipy.sparse
import importlib.metadata
import importlib.metadata as im
from importlib import metadata
from importlib.metadata import version as dist_version
from packaging.version import Version, parse as vparse
from packaging import version as pv
from pkg_resources import parse_version
import pkg_resources
from distutils.version import LooseVersion
from vllm_ascend.utils import vllm_version_is
from vllm_ascend import utils as ascend_utils
from accelerate.utils import is_torch_version
from astropy.utils import minversion
from xarray.namedarray.utils import module_available
np_version = parse_version(np.__version__)
NP_STR = np.__version__
TORCH_VERSION = Version(torch.__version__)
_MIN_NP = parse_version("1.22")
PY_MIN = (3, 9)
"""

WINDOWS = {
    "python": Window("python", Version("3.10")),
    "numpy": Window("numpy", Version("1.24"), Version("2.0"), top_inclusive=False),
    "torch": Window("torch", Version("2.1")),
    "dask": Window("dask", Version("2024.12")),
    "scipy": Window("scipy", Version("1.11"), Version("1.11"), top_inclusive=True),
    "vllm": Window("vllm", Version("0.23")),
}
PREDICATES = {
    "vllm_ascend.utils.vllm_version_is": Predicate(
        "vllm_ascend.utils.vllm_version_is", upstream="vllm", op="=="
    ),
    "accelerate.utils.is_torch_version": Predicate(
        "accelerate.utils.is_torch_version", upstream="torch", op_arg=0, version_arg=1
    ),
    "astropy.utils.minversion": Predicate(
        "astropy.utils.minversion", upstream_arg=0, op=">=", version_arg=1
    ),
    "xarray.namedarray.utils.module_available": Predicate(
        "xarray.namedarray.utils.module_available",
        upstream_arg=0,
        op=">=",
        version_arg=(1, "minversion"),
        optional=True,
    ),
}
ENV = GateEnv(WINDOWS, PREDICATES)
CONTEXT = module_context(ast.parse(PREAMBLE), "pkg.compat")

T, F, U = True, False, None

TABLE = [
    # -- the interpreter: tuples of any length, slices, components, chains --------------
    ("sys.version_info >= (3, 10)", T),
    ("sys.version_info >= (3, 9)", T),
    ("sys.version_info < (3, 10)", F),
    ("sys.version_info < (3, 9)", F),
    ("sys.version_info >= (3, 11)", U),
    ("sys.version_info < (3, 11)", U),
    ("sys.version_info > (3, 10)", T),  # (3, 10, 0, 'final', 0) > (3, 10)
    ("sys.version_info <= (3, 10)", F),
    ("sys.version_info >= (3, 10, 0)", T),
    ("sys.version_info > (3, 10, 0)", T),
    ("sys.version_info >= (3, 10, 1)", U),
    ("sys.version_info < (3, 10, 1)", U),
    ("sys.version_info >= (3,)", T),
    ("sys.version_info >= (4,)", U),
    ("sys.version_info == (3, 10)", F),
    ("sys.version_info != (3, 9)", T),
    ("sys.version_info[:2] >= (3, 10)", T),
    ("sys.version_info[:2] > (3, 10)", U),
    ("sys.version_info[:2] == (3, 9)", F),
    ("sys.version_info[0:2] < (3, 10)", F),
    ("sys.version_info[:2] >= (3, 11)", U),
    ("sys.version_info[:1] == (3,)", U),
    ("sys.version_info.major >= 3", T),
    ("sys.version_info.major == 2", F),
    ("sys.version_info[0] == 2", F),
    ("sys.version_info[0] > 2", T),
    ("sys.version_info.minor >= 10", U),  # 4.0 has minor 0
    ("sys.version_info.micro >= 0", T),
    ("(3, 10) <= sys.version_info < (3, 10, 1)", U),
    ("(3, 6) <= sys.version_info < (3, 9)", F),
    ("(3, 9) <= sys.version_info", T),
    ("(3, 9) > sys.version_info", F),
    ("_sys.version_info >= (3, 10)", T),
    ("version_info >= (3, 8)", T),
    ("PY < (3, 10)", F),
    ("sys.version_info >= (3, 10, 0, 'final')", T),
    ("sys.version_info >= (3, 10, 0, 'final', 0)", T),
    ("sys.version_info >= (3, 10, 0, 0)", U),  # 'final' against 0 raises
    ("sys.version_info >= PY_MIN", T),
    ("platform.python_version() >= '3.9'", U),  # '3.10.0' < '3.9': '1' sorts below '9'
    ("platform.python_version() < '3'", U),  # '10.0' < '3'
    ("platform.python_version() < '1'", F),
    ("platform.python_version() < '3.10'", U),  # '10.0' sorts below '3.10'
    ("sys.version >= '2'", U),  # '10.0 (main, ...)' < '2'
    ("sys.version >= '1'", T),
    ("Version(platform.python_version()) >= Version('3.10')", T),
    ("not sys.version_info >= (3, 10)", F),
    # -- library versions ----------------------------------------------------------------
    ("np_version < parse_version('1.22')", F),
    ("np_version >= parse_version('1.22')", T),
    ("np_version < _MIN_NP", F),
    ("np_version >= parse_version('1.25')", U),
    ("np_version < parse_version('2.0')", T),  # the top is exclusive
    ("np_version < parse_version('2.0.0.dev0')", U),  # 2.0 pre-releases are below 2.0
    ("Version(np.__version__) >= Version('1.24')", T),
    ("Version(np.__version__) > Version('1.24')", U),
    ("Version(np.__version__) >= Version('1.24.0.dev0')", T),
    ("Version(np.__version__) >= Version('1.24.0rc1')", T),
    ("Version(np.__version__) < Version('1.24.0rc1')", F),
    ("Version(np.__version__) >= Version('1.24.post1')", U),
    ("Version(np.__version__) == Version('1.23')", F),
    ("Version(np.__version__) == Version('1.24')", U),
    ("Version(np.__version__) != Version('1.23.5')", T),
    ("Version(np.__version__) == Version('2.1')", F),  # above the top
    ("vparse(np.__version__) < vparse('1.20')", F),
    ("pv.parse(np.__version__) >= pv.Version('1.20')", T),
    ("np.lib.NumpyVersion(np.__version__) >= '1.22.0'", T),
    ("np.lib.NumpyVersion(np.__version__) < '1.22.0'", F),
    ("LooseVersion(np.__version__) < LooseVersion('1.20')", F),
    ("LooseVersion(np.__version__) >= '1.20'", T),
    ("LooseVersion(np.__version__) >= LooseVersion('1.25')", U),
    ("TORCH_VERSION >= Version('2.0')", T),
    ("TORCH_VERSION < Version('2.1')", F),
    ("TORCH_VERSION.release >= (2, 1)", T),
    ("TORCH_VERSION.major >= 2", T),
    ("TORCH_VERSION.minor >= 1", U),
    ("Version(torch.__version__).base_version >= '2'", U),  # '10.0' < '2'
    ("tuple(map(int, np.__version__.split('.')[:2])) >= (1, 2)", T),
    ("tuple(map(int, np.__version__.split('.')[:2])) < (1, 22)", F),
    ("tuple(map(int, np.__version__.split('.')[:2])) >= (1, 25)", U),
    ("tuple(map(int, torch.__version__.split('.')[:2])) > (2, 0)", T),
    ("int(torch.__version__.split('.')[0]) >= 2", T),
    ("int(torch.__version__.split('.')[0]) < 2", F),
    ("np.__version__ >= '1.17'", U),  # '1.100' < '1.17'
    ("np.__version__ >= '1.2'", U),  # '1.100' < '1.2'
    ("np.__version__ >= '1.1'", T),  # every '1.x' with 24 <= x sorts above '1.1'
    ("np.__version__ < '1'", F),
    ("NP_STR >= '1.1'", T),
    ("torch.__version__ >= '2.1'", U),  # '10.0' < '2.1'
    ("torch.__version__ >= '1.9'", T),
    ("torch.__version__.startswith('2')", U),
    ("dist_version('numpy') >= '1.1'", T),
    ("metadata.version('numpy') < '1'", F),
    ("im.version('numpy') >= '1'", T),
    ("importlib.metadata.version('torch') >= '1'", T),
    ("pkg_resources.get_distribution('numpy').version >= '1.1'", T),
    ("scipy.sparse.__version__ >= '1.2'", F),  # '1.11' < '1.2' as strings
    # CalVer
    ("Version(dask.__version__) > Version('2.30.0')", T),
    ("Version(dask.__version__) >= Version('2024.11.0')", T),
    ("Version(dask.__version__) >= Version('2025.1.0')", U),
    ("Version(dask.__version__) < Version('2024.12.0')", F),
    # pinned: scipy is exactly 1.11 (and its post and local builds)
    ("Version(scipy.__version__) == Version('1.11')", U),
    ("Version(scipy.__version__) < Version('1.12')", T),
    ("Version(scipy.__version__) >= Version('1.11')", T),
    ("scipy.sparse.__version__ < '1.2'", T),
    ("scipy.__version__ == '1.11'", U),  # '1.11.0' or '1.11'
    ("scipy.__version__ == '1.10'", F),
    # -- project predicates ----------------------------------------------------------------
    ("vllm_version_is('0.22.1')", F),
    ("not vllm_version_is('0.22.1')", T),
    ("vllm_version_is('0.23.0')", U),
    ("vllm_version_is('0.24')", U),
    ("ascend_utils.vllm_version_is('0.22.1')", F),
    ("is_torch_version('>=', '2.0')", T),
    ("is_torch_version('<', '2.0')", F),
    ("is_torch_version('<', '2.5')", U),
    ("is_torch_version(op, '2.0')", U),
    ("minversion(np, '1.24')", T),
    ("minversion('numpy', '1.20')", T),
    ("not minversion(np, '1.25')", U),
    ("minversion(np, Version('1.30'))", U),
    ("module_available('dask', '2030.1')", U),
    ("module_available('dask', minversion='2000.1')", U),  # presence: tested below
    # -- not, and, or ------------------------------------------------------------------
    ("sys.version_info < (3, 9) and use_fallback", F),
    ("use_fallback and sys.version_info < (3, 9)", F),
    ("sys.version_info >= (3, 10) or use_fallback", T),
    ("sys.version_info >= (3, 10) and use_fallback", U),
    ("sys.version_info >= (3, 11) and np_version >= parse_version('1.0')", U),
    ("sys.version_info >= (3, 10) and np_version >= parse_version('1.0')", T),
    ("sys.version_info < (3, 10) or np_version < parse_version('1.0')", F),
    ("not (sys.version_info < (3, 9) or np_version < parse_version('1.22'))", T),
    # -- not version tests ---------------------------------------------------------------
    ("use_fallback", U),
    ("hasattr(np, 'trapezoid')", U),
    ("x.__version__ >= '1.2'", U),  # x is not bound by an import
    ("sys.version_info >= sys.version_info", U),
]


@pytest.mark.parametrize(("expression", "expected"), TABLE)
def test_gate_table(expression: str, expected: bool | None) -> None:
    result = evaluate_gate(ast.parse(expression, mode="eval").body, CONTEXT, ENV)
    assert result.value is expected, result.reason
    if expected is not None:
        assert result.is_gate and result.upstreams and "always" in result.reason


def _gate(expression: str, env: GateEnv = ENV, source: str = PREAMBLE, module="pkg.compat"):
    context = module_context(ast.parse(source), module)
    return evaluate_gate(ast.parse(expression, mode="eval").body, context, env)


def test_reason_names_the_floor() -> None:
    result = _gate("sys.version_info >= (3, 10)")
    assert result.reason == "`sys.version_info >= (3, 10)` is always true: python floor is 3.10"
    assert result.upstreams == ("python",)
    undecided = _gate("(3, 10) <= sys.version_info < (3, 10, 1)")
    assert undecided.is_gate and undecided.value is None
    assert "sys.version_info < (3, 10, 1)" in undecided.reason and "not decided" in undecided.reason


def test_the_upstream_is_the_import_root() -> None:
    assert _gate(
        "Version(x.__version__) >= Version('1.0')",
        source="import numpy as x\nfrom packaging.version import Version",
    ).upstreams == ("numpy",)
    assert _gate("scipy.sparse.__version__ < '1.2'").upstreams == ("scipy",)


def test_an_upstream_without_a_floor_is_not_decided() -> None:
    result = _gate(
        "Version(pandas.__version__) >= Version('0.1')", source=PREAMBLE + "import pandas\n"
    )
    assert result.value is None and result.is_gate
    assert "pandas, which has no floor" in result.reason


def test_optional_predicate_decided_true_is_a_presence_test() -> None:
    result = _gate("module_available('dask', '2024.11.0')")
    assert result.value is None and result.is_gate
    assert [(p.predicate, p.drop) for p in result.presence] == [
        ("xarray.namedarray.utils.module_available", 1)
    ]
    assert "presence test" in result.reason
    by_keyword = _gate("module_available('dask', minversion='2000.1')")
    assert [p.drop for p in by_keyword.presence] == ["minversion"]
    assert not _gate("module_available('dask')").is_gate  # no version: only presence
    # Decided false: absent or too old, it is false either way.
    assert _gate("module_available('dask', '2030.1')").value is None
    too_new = GateEnv(
        {**WINDOWS, "dask": Window("dask", Version("2023.1"), Version("2023.6"))}, PREDICATES
    )
    assert _gate("module_available('dask', '2024.1')", too_new).value is False
    # The presence rewrite survives `not` and an undecided `and`; a decided `or` drops it.
    assert _gate("not module_available('dask', '2024.11.0')").presence
    assert _gate("x and module_available('dask', '2024.11.0')").presence
    assert not _gate("sys.version_info >= (3,) or module_available('dask', '2024.1')").presence


def test_keyword_only_version_arg_does_not_guess_a_position() -> None:
    keyword_only = {
        "xarray.namedarray.utils.module_available": Predicate(
            "xarray.namedarray.utils.module_available",
            upstream_arg=0,
            op=">=",
            version_arg="minversion",
            optional=True,
        )
    }
    env = GateEnv(WINDOWS, keyword_only)
    positional = _gate("module_available('dask', '2024.11.0')", env)
    assert positional.value is None and positional.is_gate and not positional.presence
    assert "by position" in positional.reason
    assert _gate("module_available('dask', minversion='2024.11.0')", env).presence


def test_rebound_or_conditional_names_are_not_constants() -> None:
    source = PREAMBLE + "np_version = None\n"
    assert _gate("np_version < parse_version('1.22')", source=source).value is None
    branch = (
        "import numpy as np\nfrom packaging.version import Version\n"
        "if x:\n    V = Version(np.__version__)\n"
    )
    assert _gate("V < Version('1.0')", source=branch).value is None
    shadowed = PREAMBLE + "def f():\n    global NP_STR\n    NP_STR = '0'\n"
    assert _gate("NP_STR >= '1.1'", source=shadowed).value is None
    two_imports = (
        "try:\n    import numpy as np\nexcept ImportError:\n    import numpy_compat as np\n"
    )
    assert not _gate("np.__version__ < '1'", source=two_imports).is_gate
    tuple_shadowed = PREAMBLE + "tuple = list\n"
    expression = "tuple(map(int, np.__version__.split('.')[:2])) >= (1, 2)"
    assert _gate(expression, source=tuple_shadowed).value is None


def test_constants_exported_by_another_module() -> None:
    compat = module_context(ast.parse(PREAMBLE), "pkg.compat")
    known = exported_subjects(compat)
    assert {"pkg.compat.np_version", "pkg.compat.TORCH_VERSION", "pkg.compat.NP_STR"} <= set(known)
    user = (
        "from pkg.compat import np_version\nfrom pkg import compat\n"
        "from packaging.version import Version\n"
    )
    context = module_context(ast.parse(user), "pkg.user", known=known)
    for expression in ("np_version < Version('1.22')", "compat.np_version < Version('1.22')"):
        result = evaluate_gate(ast.parse(expression, mode="eval").body, context, ENV)
        assert result.value is False and result.upstreams == ("numpy",)


def test_python_window_from_requires_python() -> None:
    windows = windows_from(
        Floors(primary="numpy", upstreams={"numpy": Version("1.24")}), Version("3.10")
    )
    assert windows["python"].floor == Version("3.10")
    assert windows["numpy"].top is None
    explicit = Floors(primary="numpy", upstreams={"python": Version("3.12")})
    assert windows_from(explicit, Version("3.10"))["python"].floor == Version("3.12")
    capped = windows_from(explicit, None, {"python": (Version("3.13"), False)})["python"]
    env = GateEnv(capped and {"python": capped})
    assert _gate("sys.version_info < (3, 13)", env).value is True
    assert _gate("platform.python_version() < '3.10'", env).value is False


# -- properties: the decision agrees with running the expression ------------------------


class _VersionInfo(tuple):
    """A stand-in for ``sys.version_info``: a 5-tuple with named components."""

    major = property(lambda self: self[0])
    minor = property(lambda self: self[1])
    micro = property(lambda self: self[2])


def _namespace(release: tuple[int, ...], suffix: str) -> dict[str, object]:
    text = ".".join(map(str, release)) + suffix
    full = (*release, 0, 0, 0)[:3]
    sys_module = types.SimpleNamespace(
        version_info=_VersionInfo((*full, "final", 0)), version=".".join(map(str, full)) + " (main)"
    )
    return {
        "sys": sys_module,
        "np": types.SimpleNamespace(__version__=text),
        "Version": Version,
        "platform": types.SimpleNamespace(python_version=lambda: ".".join(map(str, full))),
    }


FORMS = {
    # form: (python?, template, literal kind)
    "version_info": (True, "sys.version_info {op} {tuple}"),
    "version_info_slice": (True, "sys.version_info[:2] {op} {tuple}"),
    "minor": (True, "sys.version_info.minor {op} {int}"),
    "python_version": (True, "platform.python_version() {op} {string}"),
    "packaging": (False, "Version(np.__version__) {op} Version({string})"),
    "string": (False, "np.__version__ {op} {string}"),
    "split": (False, "tuple(map(int, np.__version__.split('.')[:2])) {op} {tuple}"),
}
PROPERTY_PREAMBLE = (
    "import sys\nimport platform\nimport numpy as np\nfrom packaging.version import Version\n"
)
components = st.integers(min_value=0, max_value=12) | st.sampled_from([19, 99, 100, 123, 2024])
releases = st.lists(components, min_size=1, max_size=3).map(tuple)
operators = st.sampled_from(["<", "<=", ">", ">=", "==", "!="])


def _in_window(release: tuple[int, ...], suffix: str, window: Window) -> bool:
    version = Version(".".join(map(str, release)) + suffix)
    if version < window.floor:
        return False
    if window.top is None:
        return True
    if window.top_inclusive:
        return Version(".".join(map(str, release))) <= window.top
    return version < window.top


@settings(deadline=None, max_examples=300)
@given(
    form=st.sampled_from(sorted(FORMS)),
    floor=releases,
    top=st.none() | st.tuples(releases, st.booleans()),
    literal=releases,
    op=operators,
    samples=st.lists(
        st.tuples(releases, st.sampled_from(["", ".post1", "+cu118", "rc1"])), max_size=40
    ),
)
def test_decision_agrees_with_running_the_expression(form, floor, top, literal, op, samples):
    is_python, template = FORMS[form]
    upstream = "python" if is_python else "numpy"
    top_version = None if top is None else Version(".".join(map(str, top[0])))
    window = Window(
        upstream, Version(".".join(map(str, floor))), top_version, top is None or top[1]
    )
    if window.is_empty:
        return
    expression = template.format(
        op=op,
        tuple=repr(literal if len(literal) > 1 else (literal[0],)),
        int=literal[0],
        string=repr(".".join(map(str, literal))),
    )
    decided = _gate(expression, GateEnv({upstream: window}), PROPERTY_PREAMBLE).value
    if decided is None:
        return
    candidates = [(tuple(floor), ""), *samples]
    if top_version is not None:
        candidates.append((top[0], ""))
    for release, suffix in candidates:
        if is_python:
            suffix = ""  # an interpreter in the window is a final release
        if not _in_window(release, suffix, window):
            continue
        if form == "split" and suffix and len(release) <= 2:
            continue  # int('0rc1') raises: outside what the form reads
        value = eval(expression, _namespace(release, suffix))  # our own text
        assert bool(value) is decided, (expression, release, suffix, window)


@settings(deadline=None, max_examples=300)
@given(
    floor=releases,
    literal=releases,
    op=operators,
    pre=st.sampled_from(["", ".dev0", "rc1", ".post1"]),
)
def test_packaging_decision_agrees_with_specifiers(floor, literal, op, pre):
    """Against ``packaging.specifiers``: a version gate decided True holds for every
    version the specifier ``>=floor`` admits among many, and one decided False for none."""
    bound = ".".join(map(str, literal)) + pre
    window = Window("numpy", Version(".".join(map(str, floor))))
    decided = _gate(
        f"Version(np.__version__) {op} Version({bound!r})",
        GateEnv({"numpy": window}),
        PROPERTY_PREAMBLE,
    ).value
    admitted = SpecifierSet(f">={window.floor}")
    probes = [
        Version(".".join(map(str, r)) + s)
        for r in _near(floor, literal)
        for s in ("", ".post1", "+x")
    ]
    values = {_apply(op, v, Version(bound)) for v in probes if v in admitted}
    if decided is not None:
        assert values <= {decided}
        return
    # Not decided: two versions of the (unbounded) window really do differ.
    witnesses = [window.floor, Version(bound), Version(f"{bound}+zzz"), Version("999")]
    found = {_apply(op, v, Version(bound)) for v in witnesses if v in admitted}
    assert found == {True, False}


def _near(floor: tuple[int, ...], literal: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Releases around the floor and the literal."""
    found = {floor, literal, (floor[0] + 1,), (literal[0] + 1,)}
    for base in (floor, literal):
        for index in range(len(base)):
            for delta in (-1, 1):
                changed = list(base)
                changed[index] = max(0, changed[index] + delta)
                found.add(tuple(changed))
    return sorted(found)


def _apply(op: str, left: Version, right: Version) -> bool:
    return {
        "<": left < right,
        "<=": left <= right,
        ">": left > right,
        ">=": left >= right,
        "==": left == right,
        "!=": left != right,
    }[op]


def test_a_prerelease_suffix_can_sort_a_string_above_the_literal() -> None:
    """'1.2rc1' is in a window [1.1, 1.2] and sorts above '1.24' ('r' > '4'), though '1.2'
    and every '1.1.x' sort below it."""
    window = Window("numpy", Version("1.1"), Version("1.2"), top_inclusive=True)
    env = GateEnv({"numpy": window})
    assert _gate("np.__version__ < '1.24'", env, PROPERTY_PREAMBLE).value is None
    assert ("1.2rc1" < "1.24") is False  # the fact the test rests on
    assert _gate("np.__version__ < '1.3'", env, PROPERTY_PREAMBLE).value is True
