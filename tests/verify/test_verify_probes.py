"""API probes of the shim (verify/probes.py) and their answers per release
(verify/members.py, verify/probe_evidence.py), against small fake upstream trees."""

from __future__ import annotations

import ast
import textwrap

import pytest
from verify_fakes import with_init_files

from compatlint.verify.probe_evidence import answer
from compatlint.verify.probes import CallShape, Form, Probe, ProbeKind, find_probes
from compatlint.verify.resolve import Presence
from compatlint.verify.sources import UpstreamTree

P, A, U = Presence.PRESENT, Presence.ABSENT, Presence.UNKNOWN

HEADER = """\
import inspect
from typing import Any

from sglang.srt.engine import Engine

import sglang as sgl
import sglang.srt.engine as engine_mod
from sglang.srt.server_args import ServerArgs
"""


def probes(body: str, hints: dict[str, str] | None = None) -> list[Probe]:
    text = HEADER + textwrap.dedent(body)
    return find_probes("pkg/_compat.py", ast.parse(text), "sglang", hints)


def one(body: str, hints: dict[str, str] | None = None) -> Probe:
    found = probes(body, hints)
    assert len(found) == 1, found
    return found[0]


# -- finding probes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "kind", "form", "subject"),
    [
        ("hasattr(sgl, 'Engine')\n", ProbeKind.ATTRIBUTE, Form.HASATTR, "sglang.Engine"),
        (
            "getattr(engine_mod, 'Engine', None)\n",
            ProbeKind.ATTRIBUTE,
            Form.GETATTR,
            "sglang.srt.engine.Engine",
        ),
        (
            "getattr(sgl, 'Engine', None) is not None\n",
            ProbeKind.ATTRIBUTE,
            Form.IS_NOT_NONE,
            "sglang.Engine",
        ),
        (
            "callable(getattr(ServerArgs, 'check', None))\n",
            ProbeKind.ATTRIBUTE,
            Form.CALLABLE,
            "sglang.srt.server_args.ServerArgs.check",
        ),
        (
            "def f(args: ServerArgs):\n    return hasattr(args, 'port')\n",
            ProbeKind.ATTRIBUTE,
            Form.HASATTR,
            "sglang.srt.server_args.ServerArgs.port",
        ),
        (
            "def f(args: 'Optional[ServerArgs]'):\n    return hasattr(args, 'port')\n",
            ProbeKind.ATTRIBUTE,
            Form.HASATTR,
            "sglang.srt.server_args.ServerArgs.port",
        ),
        (
            "'req' in inspect.signature(sgl.Engine.generate).parameters\n",
            ProbeKind.PARAMETER,
            Form.IN,
            "parameter 'req' of sglang.Engine.generate",
        ),
        (
            "'req' not in inspect.signature(engine_mod.encode).parameters\n",
            ProbeKind.PARAMETER,
            Form.NOT_IN,
            "parameter 'req' of sglang.srt.engine.encode",
        ),
        (
            "try:\n    engine_mod.encode(1, b=2)\nexcept TypeError:\n    engine_mod.encode(1)\n",
            ProbeKind.CALL,
            Form.ACCEPTS,
            "sglang.srt.engine.encode(_, b=_)",
        ),
    ],
)
def test_each_probe_shape_is_found(body: str, kind: ProbeKind, form: Form, subject: str) -> None:
    probe = one(body)
    assert (probe.kind, probe.form, probe.subject) == (kind, form, subject)


def test_config_hints_type_an_any_parameter_and_an_annotation_wins() -> None:
    hints = {"server_args": "sglang.srt.server_args.ServerArgs", "e": "sglang.srt.engine.X"}
    probe = one("def f(server_args: Any):\n    return hasattr(server_args, 'port')\n", hints)
    assert probe.ref.instance and probe.subject == "sglang.srt.server_args.ServerArgs.port"
    typed = one("def f(e: ServerArgs):\n    return hasattr(e, 'port')\n", hints)
    assert typed.ref.paths == ("sglang.srt.server_args.ServerArgs",)


def test_a_hinted_name_keeps_its_hint_when_rebound() -> None:
    hints = {"server_args": "sglang.srt.server_args.ServerArgs"}
    body = "def f(engine):\n    server_args = engine.args\n    return hasattr(server_args, 'x')\n"
    assert one(body, hints).subject == "sglang.srt.server_args.ServerArgs.x"


def test_a_method_of_a_typed_object_is_probed_through_the_instance() -> None:
    body = "def f(e: 'sgl.Engine'):\n    return 'req' in inspect.signature(e.generate).parameters\n"
    probe = one(body)
    assert probe.ref.instance and probe.ref.attrs == ("generate",)


@pytest.mark.parametrize(
    "body",
    [
        "import os\nhasattr(os, 'sep')\n",  # not the upstream
        "def f(sgl):\n    return hasattr(sgl, 'Engine')\n",  # a parameter shadows the module
        "def f():\n    sgl = object()\n    return hasattr(sgl, 'Engine')\n",  # rebound
        "hasattr(sgl, name)\n",  # not a literal
        "getattr(sgl, 'Engine', 0)\n",  # a default that is not None
        "callable(getattr(sgl, 'Engine', len))\n",
        "def f(e: Engine):\n    e = make()\n    return hasattr(e, 'x')\n",  # typed, rebound
        "try:\n    engine_mod.encode(1)\nexcept ValueError:\n    engine_mod.encode()\n",
    ],
)
def test_what_is_not_a_probe(body: str) -> None:
    assert probes(body) == []


def test_a_probe_that_is_the_whole_test_of_an_if_knows_it() -> None:
    found = probes(
        "if not hasattr(sgl, 'Engine'):\n    pass\n"
        "if hasattr(sgl, 'A') and x:\n    pass\n"
        "y = 1 if hasattr(sgl, 'B') else 2\n"
    )
    assert [(p.name, p.test_of is not None, p.negated, p.root_line) for p in found] == [
        ("Engine", True, True, 9),
        ("A", False, False, 11),
        ("B", False, False, 13),
    ]


# -- evidence -----------------------------------------------------------------------------


def tree(files: dict[str, str], version: str = "0.5.10") -> UpstreamTree:
    return UpstreamTree.from_files(version, "sglang", with_init_files(files))


ENGINE = """\
from sglang.srt.base import Base


class Engine(Base):
    mode = "x"
    port: int

    def __init__(self, a, *, b=1):
        self.ready = True

    def generate(self, prompt, sampling=None):
        ...

    @property
    def size(self):
        return 1

    @staticmethod
    def helper(a):
        ...

    def flexible(self, *args, **kwargs):
        ...


def encode(a, b=None):
    ...
"""
BASE = "class Base:\n    inherited = 1\n\n    def stop(self):\n        ...\n"
RELEASE = {"sglang/srt/engine.py": ENGINE, "sglang/srt/base.py": BASE}


def ask(body: str, files: dict[str, str], hints: dict[str, str] | None = None):
    header = "import sglang as sgl\nimport sglang.srt.engine as engine_mod\n"
    header += "from sglang.srt.engine import Engine\n"
    found = find_probes("s.py", ast.parse(header + textwrap.dedent(body)), "sglang", hints)
    assert len(found) == 1, found
    return answer(tree(files), found[0])


@pytest.mark.parametrize(
    ("body", "presence", "truth"),
    [
        ("hasattr(engine_mod, 'encode')", P, True),
        ("hasattr(engine_mod, 'decode')", A, False),
        ("getattr(engine_mod, 'Engine', None) is None", P, False),
        ("callable(getattr(Engine, 'generate', None))", P, True),
        ("callable(getattr(Engine, 'mode', None))", P, None),  # a value: callable or not
        ("hasattr(Engine, 'mode')", P, True),  # class attribute
        ("hasattr(Engine, 'size')", P, True),  # property
        ("hasattr(Engine, 'stop')", P, True),  # inherited from a base in another module
        ("hasattr(Engine, 'inherited')", P, True),
        ("hasattr(Engine, 'gone')", A, False),
        ("hasattr(Engine, 'ready')", U, None),  # set on instances only
        ("def f(e: Engine):\n    return hasattr(e, 'ready')", P, True),  # self.x in a method
        ("def f(e: Engine):\n    return hasattr(e, 'port')", U, None),  # bare, plain class
        ("'sampling' in inspect.signature(Engine.generate).parameters", P, True),
        ("'seed' in inspect.signature(Engine.generate).parameters", A, False),
        ("'seed' not in inspect.signature(Engine.generate).parameters", A, True),
        ("'seed' in inspect.signature(Engine.flexible).parameters", U, None),  # **kwargs
        ("'b' in inspect.signature(Engine).parameters", P, True),  # the class: __init__
    ],
)
def test_answers_in_one_release(body: str, presence: Presence, truth: bool | None) -> None:
    if "inspect" in body:
        body = "import inspect\n" + body
    result = ask(body + "\n", RELEASE)
    assert (result.presence, result.truth) == (presence, truth), result.resolution.reason


@pytest.mark.parametrize(
    ("call", "presence"),
    [
        ("engine_mod.encode(1, 2)", P),
        ("engine_mod.encode(1, b=2)", P),
        ("engine_mod.encode(1, 2, 3)", A),  # too many positional
        ("engine_mod.encode()", A),  # `a` is required
        ("engine_mod.encode(1, c=2)", A),  # no such keyword
        ("Engine.helper(1)", P),  # a staticmethod takes no self
        ("e.generate('p', None)", P),  # bound: self is taken
        ("e.generate('p', None, 3)", A),
        ("e.flexible(1, 2, 3, x=4)", U),  # *args and **kwargs
        ("Engine(1, b=2)", P),  # the class: __init__, bound
        ("Engine(1, 2)", A),  # b is keyword-only
    ],
)
def test_call_probes_bind_like_python(call: str, presence: Presence) -> None:
    body = f"def f(e: Engine):\n    try:\n        {call}\n    except TypeError:\n        {call}\n"
    result = ask(body, RELEASE)
    assert result.presence is presence, result.resolution.reason


@pytest.mark.parametrize(
    ("engine", "probe", "presence"),
    [
        ("import dataclasses\n\n@dataclasses.dataclass\nclass Engine:\n    port: int\n", "e", P),
        ("class Engine(Model):\n    port: int\n", "e", U),  # Model does not resolve
        ("from pydantic import BaseModel\n\nclass Engine(BaseModel):\n    port: int\n", "e", P),
        ("class Engine:\n    port: int\n", "e", U),  # a plain class sets it nowhere
        (
            "class Engine:\n    port: int\n\n    def __init__(self):\n        self.port = 1\n",
            "e",
            P,
        ),
        (
            "import dataclasses\n\n@dataclasses.dataclass\nclass Engine:\n    port: int\n",
            "Engine",
            U,
        ),
    ],
)
def test_a_bare_annotation_is_a_member_only_where_it_makes_one(
    engine: str, probe: str, presence: Presence
) -> None:
    body = f"def f(e: Engine):\n    return hasattr({probe}, 'port')\n"
    result = ask(body, {"sglang/srt/engine.py": engine})
    assert result.presence is presence, result.resolution.reason


def test_cyclic_bases_do_not_loop() -> None:
    engine = "class A(B):\n    x: int\n\n\nclass B(A):\n    pass\n\n\nEngine = A\n"
    result = ask(
        "def f(e: Engine):\n    return hasattr(e, 'y')\n", {"sglang/srt/engine.py": engine}
    )
    assert result.presence is U


def test_a_lazy_import_at_module_level_binds_the_name_and_stands_for_its_target() -> None:
    files = {
        "sglang/__init__.py": (
            "from sglang.utils import LazyImport\n"
            'Engine = LazyImport("sglang.srt.engine", "Engine")\n'
        ),
        "sglang/utils.py": "def LazyImport(module, name): ...\n",
        **RELEASE,
    }
    assert ask("hasattr(sgl, 'Engine')\n", files).truth is True
    assert ask("hasattr(sgl, 'Other')\n", files).presence is A
    member = ask("hasattr(sgl.Engine, 'generate')\n", files)
    assert member.truth is True, member.resolution.reason


def test_the_last_module_level_binding_is_what_a_name_stands_for() -> None:
    files = {
        "sglang/__init__.py": (
            "from sglang.lang import Engine\n"
            "from sglang.utils import LazyImport\n"
            'Engine = LazyImport("sglang.srt.engine", "Engine")\n'
        ),
        "sglang/lang.py": "class Engine:\n    pass\n",
        "sglang/utils.py": "def LazyImport(module, name): ...\n",
        **RELEASE,
    }
    assert ask("hasattr(sgl.Engine, 'generate')\n", files).truth is True


def test_a_name_whose_last_binding_is_conditional_is_unknown() -> None:
    files = {
        "sglang/__init__.py": (
            "try:\n    from sglang.srt.engine import Engine\n"
            "except ImportError:\n    Engine = None\n"
        ),
        **RELEASE,
    }
    result = ask("hasattr(sgl.Engine, 'generate')\n", files)
    assert result.presence is U and "conditionally" in result.resolution.reason


def test_a_module_getattr_makes_a_missing_attribute_unknown_never_absent() -> None:
    files = {"sglang/__init__.py": "def __getattr__(name):\n    raise AttributeError(name)\n"}
    result = ask("hasattr(sgl, 'Engine')\n", files)
    assert result.presence is U and "__getattr__" in result.resolution.reason


@pytest.mark.parametrize(
    ("engine", "why"),
    [
        ("from torch import nn\n\nclass Engine(nn.Module):\n    pass\n", "does not resolve"),
        ("class Engine:\n    def __getattr__(self, name):\n        ...\n", "__getattr__"),
        ("import attr\n\n@attr.s\nclass Engine:\n    pass\n", "decorated"),
        ("class Engine(metaclass=Meta):\n    pass\n", "metaclass"),
    ],
)
def test_a_class_that_may_have_more_members_answers_unknown(engine: str, why: str) -> None:
    result = ask("hasattr(Engine, 'gone')\n", {"sglang/srt/engine.py": engine})
    assert result.presence is U and why in result.resolution.reason


def test_a_decorated_function_has_an_unknown_signature() -> None:
    engine = "import functools\n\n@some_wrapper\ndef encode(a):\n    ...\n"
    result = ask(
        "'b' in inspect.signature(engine_mod.encode).parameters\n",
        {"sglang/srt/engine.py": engine} | {"sglang/srt/other.py": ""},
    )
    assert result.presence is U and "decorated" in result.resolution.reason


def test_a_probed_object_that_is_absent_is_no_answer_about_its_member() -> None:
    result = ask("hasattr(Engine, 'generate')\n", {"sglang/srt/engine.py": "x = 1\n"})
    assert result.presence is U and "itself is absent" in result.resolution.reason


def test_the_try_path_is_used_first_and_the_fallback_where_it_is_absent() -> None:
    text = (
        "try:\n    from sglang.new import Args\nexcept ImportError:\n"
        "    from sglang.old import Args\nhasattr(Args, 'port')\n"
    )
    probe = find_probes("s.py", ast.parse(text), "sglang")[0]
    old = tree({"sglang/old.py": "class Args:\n    port = 1\n"})
    new = tree({"sglang/new.py": "class Args:\n    pass\n"})
    assert answer(old, probe).truth is True
    assert answer(new, probe).truth is False


def test_call_shape_text() -> None:
    assert str(CallShape(2, ("b",))) == "(_, _, b=_)"
