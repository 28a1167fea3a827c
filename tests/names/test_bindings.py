"""The one reader of module-level bindings and ``__all__`` (every binding and export form)."""

from __future__ import annotations

import ast
import sys
import textwrap

import pytest
from helpers import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from compatlint.names.bindings import (
    AllEntry,
    ImportedName,
    ModuleBindings,
    StarImport,
    import_bound_names,
    read_bindings,
)
from compatlint.names.modules import module_name, package_of, resolve_relative

needs_except_star = pytest.mark.skipif(
    sys.version_info < (3, 11), reason="except* is Python 3.11+ syntax"
)


def read(code: str, module: str | None = None, *, is_package: bool = False) -> ModuleBindings:
    return read_bindings(ast.parse(textwrap.dedent(code)), module, is_package=is_package)


def names(code: str) -> set[str]:
    return set(read(code).names)


# -- binding forms ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("def f(): pass", {"f"}),
        ("async def f(): pass", {"f"}),
        ("class C: x = 1", {"C"}),
        ("@decorator\ndef f(): pass", {"f"}),
        ("a = b = 1", {"a", "b"}),
        ("a, (b, [c]) = 1, (2, [3])", {"a", "b", "c"}),
        ("a, *rest = [1, 2, 3]", {"a", "rest"}),
        ("obj.attr = 1\nitems[0] = 2", set()),
        ("x: int = 1", {"x"}),
        ("x: int", set()),
        ("x = 0\nx += 1", {"x"}),
        ("import os", {"os"}),
        ("import os.path", {"os"}),
        ("import os.path as osp", {"osp"}),
        ("from os import path, sep as separator", {"path", "separator"}),
        ("from os import *", set()),
        ("for i, (j, k) in []: pass", {"i", "j", "k"}),
        ("for i in []: pass\nelse: done = 1", {"i", "done"}),
        ("while False: inner = 1\nelse: after = 2", {"inner", "after"}),
        ("with open(p) as f, lock as (a, b): body = 1", {"f", "a", "b", "body"}),
        ("if (n := 10) > 5: pass", {"n"}),
        ("value = (n := 10)", {"value", "n"}),
        ("print([y := i for i in range(3)])", {"y"}),
        ("total = sum(x for x in range(3))", {"total"}),
        ("f = lambda: (hidden := 1)", {"f"}),
        ("def f(a=(default := 1)): pass", {"f", "default"}),
        ("@register(deco := 1)\ndef f(): pass", {"f", "deco"}),
        ("class C((base := object)): pass", {"C", "base"}),
        ("assert (checked := True)", {"checked"}),
        ("del gone", set()),
    ],
)
def test_binding_forms(code: str, expected: set[str]) -> None:
    assert names(code) == expected


def test_first_line_that_binds_wins() -> None:
    found = read(
        """\
        if flag:
            X = 1
        else:
            X = 2
        def Y(): pass
        Y = 3
        """
    )
    assert found.names == {"X": 2, "Y": 5}


def test_try_bodies_handlers_else_and_finally() -> None:
    code = """\
        try:
            from fast import impl
        except ImportError:
            from slow import impl
            fallback = True
        else:
            fast_path = True
        finally:
            cleaned = True
        """
    assert names(code) == {"impl", "fallback", "fast_path", "cleaned"}
    assert read(code).reexport_of("impl") == (
        ImportedName("fast", "impl", 2),
        ImportedName("slow", "impl", 4),
    )


def test_except_as_name_is_unbound_when_the_handler_ends() -> None:
    # Python deletes the `as` target at the end of the handler: it is no module binding.
    assert names("try:\n    pass\nexcept ValueError as error:\n    kept = error\n") == {"kept"}


@needs_except_star
def test_except_star_bodies() -> None:
    code = """\
        try:
            from fast import impl
        except* ImportError as group:
            from slow import impl
            other = 1
        """
    assert names(code) == {"impl", "other"}


def test_match_capture_patterns_and_case_bodies() -> None:
    code = """\
        match command:
            case [first, *others]:
                seq = 1
            case {"key": value, **extra}:
                mapping = 1
            case Point(x=px, y=0) as point:
                cls = 1
            case 1 | 2:
                literal = 1
            case _ if (guarded := True):
                wildcard = 1
        """
    assert names(code) == {
        "first",
        "others",
        "seq",
        "value",
        "extra",
        "mapping",
        "px",
        "point",
        "cls",
        "literal",
        "guarded",
        "wildcard",
    }


def test_nested_scopes_do_not_bind_at_module_level() -> None:
    code = """\
        def f():
            inner = 1
        class C:
            attr = 1
            def method(self): pass
        g = lambda: 1
        """
    assert names(code) == {"f", "C", "g"}


def test_global_in_a_function_is_a_global_name_not_a_binding() -> None:
    found = read(
        """\
        def configure():
            global STATE, EXISTING
            STATE = 1
        EXISTING = 0
        """
    )
    assert set(found.names) == {"configure", "EXISTING"}
    assert found.global_names == {"STATE"}
    assert found.defined_names == {"configure", "EXISTING", "STATE"}


@pytest.mark.parametrize(
    ("code", "writes"),
    [
        ("globals()['X'] = 1", True),
        ("vars().update(X=1)", True),
        ("if flag:\n    globals().update(X=1)", True),
        ("def f():\n    globals()['X'] = 1", False),
        ("settings.globals()", False),
        ("X = 1", False),
    ],
)
def test_module_level_globals_writes(code: str, writes: bool) -> None:
    assert read(code).writes_globals is writes


def test_import_bound_names() -> None:
    statement = ast.parse("import a.b, c as d\nfrom e import f, g as h\nfrom i import *").body
    assert import_bound_names(statement[0]) == ["a", "d"]  # type: ignore[arg-type]
    assert import_bound_names(statement[1]) == ["f", "h"]  # type: ignore[arg-type]
    assert import_bound_names(statement[2]) == []  # type: ignore[arg-type]


def test_module_imports() -> None:
    found = read("import a.b\nimport a.c\nimport x.y as z\n")
    assert found.module_imports == {"a": ("a.b", "a.c"), "z": ("x.y",)}


# -- __all__ ----------------------------------------------------------------------------


def entries(code: str) -> list[tuple[str, int, int]] | None:
    found = read(code).all_entries
    return None if found is None else [(e.name, e.line, e.column) for e in found]


def test_no_all() -> None:
    found = read("X = 1\n_private = 2\n")
    assert found.all_entries is None and not found.has_all and found.all_names is None
    assert found.exports() == {"X"}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("__all__ = ['a', \"b\"]", [("a", 1, 12), ("b", 1, 17)]),
        ("__all__ = ('a',)", [("a", 1, 12)]),
        ("__all__: list[str] = ['a']", [("a", 1, 23)]),
        ("__all__ = ['a'] + ['b']", [("a", 1, 12), ("b", 1, 20)]),
        ("__all__ = ['a']\n__all__ += ['b']", [("a", 1, 12), ("b", 2, 13)]),
        ("__all__ = ['a']\n__all__.extend(['b', 'c'])", [("a", 1, 12), ("b", 2, 17), ("c", 2, 22)]),
        ("__all__ = ['a']\n__all__.append('b')", [("a", 1, 12), ("b", 2, 16)]),
        ("__all__ = ['a']\n__all__ = ['b']", [("b", 2, 12)]),
        ("__all__ = [\n    'a',\n    'b',\n]", [("a", 2, 5), ("b", 3, 5)]),
        ("__all__: list[str]", None),
    ],
)
def test_all_forms_with_positions(code: str, expected: list[tuple[str, int, int]] | None) -> None:
    assert entries(code) == expected


def test_all_in_branches_lists_every_branch() -> None:
    code = """\
        __all__ = ['base']
        if flag:
            __all__ = ['base', 'fast']
        else:
            __all__ += ['slow']
        """
    found = read(code)
    assert found.all_names == {"base", "fast", "slow"}


def test_all_positions_count_utf8_bytes_like_ast() -> None:
    assert entries("__all__ = ['é', 'b']") == [("é", 1, 12), ("b", 1, 18)]


@pytest.mark.parametrize(
    "code",
    [
        "__all__ = [name for name in dir() if not name.startswith('_')]",
        "__all__ = ['a'] + other.__all__",
        "__all__ = ['a']\n__all__ += submodule.__all__",
        "__all__ = ['a']\n__all__.extend(submodule.__all__)",
        "__all__ = ['a', NAME]",
    ],
)
def test_non_literal_all(code: str) -> None:
    found = read(code)
    assert found.has_all and not found.all_is_literal
    assert found.all_names is None and found.exports() is None


def test_exports_are_all_when_present() -> None:
    found = read("X = 1\nY = 2\n__all__ = ['X']\n")
    assert found.exports() == {"X"}
    assert found.binds("Y") and not found.binds("Z")


# -- relative imports -------------------------------------------------------------------


def test_relative_reexports_resolve_against_the_module() -> None:
    code = (
        "from .sibling import A\nfrom ..up import B as C\nfrom . import mod\nfrom .star import *\n"
    )
    found = read(code, "pkg.sub.mod")
    assert found.reexport_of("A") == (ImportedName("pkg.sub.sibling", "A", 1),)
    assert found.reexport_of("C") == (ImportedName("pkg.up", "B", 2),)
    assert found.reexport_of("mod") == (ImportedName("pkg.sub", "mod", 3),)
    assert found.star_imports == (StarImport("pkg.sub.star", 4),)


def test_relative_reexports_resolve_against_the_package() -> None:
    found = read("from .sibling import A\nfrom .. import B\n", "pkg.sub", is_package=True)
    assert found.reexport_of("A") == (ImportedName("pkg.sub.sibling", "A", 1),)
    assert found.reexport_of("B") == (ImportedName("pkg", "B", 2),)


def test_unresolvable_relative_imports() -> None:
    found = read("from ...too_far import A\nfrom .x import *\n", "pkg.mod")
    assert found.reexport_of("A") == (ImportedName(None, "A", 1),)
    assert read("from .x import *\n").star_imports == (StarImport(None, 1),)


def test_module_helpers() -> None:
    assert module_name("src/pkg/sub/__init__.py", ["src"]) == ("pkg.sub", True)
    assert module_name("pkg/mod.py", ["."]) == ("pkg.mod", False)
    assert module_name("other/mod.py", ["src"]) == (None, False)
    assert package_of("pkg.mod", False) == "pkg" and package_of("pkg", True) == "pkg"
    assert package_of(None, False) is None
    assert resolve_relative("x", 0, None) == "x"
    assert resolve_relative(None, 1, "pkg") == "pkg"
    assert resolve_relative("x", 2, "pkg") is None and resolve_relative("x", 1, None) is None


def test_module_name_is_remembered_per_path_and_roots() -> None:
    """The same path under other roots (any iterable of them) is another answer."""
    assert module_name("src/pkg/mod.py", ["src"]) == ("pkg.mod", False)
    assert module_name("src/pkg/mod.py", iter(["."])) == ("src.pkg.mod", False)
    assert module_name("src/pkg/mod.py", ("lib", "src")) == ("pkg.mod", False)
    assert module_name("src/pkg/mod.py", []) == (None, False)


def test_all_entry_is_the_shared_record() -> None:
    assert read("__all__ = ['a']").all_entries == (AllEntry("a", 1, 12),)


# -- the oracle: what exec actually binds ----------------------------------------------

_NAMES = ("a", "b", "c", "d", "e", "f")
_SIMPLE = (
    "{n} = 1",
    "{n}, {m} = 1, 2",
    "{n}, *{m} = [1, 2, 3]",
    "{n}: int = 1",
    "{n}: int",
    "{n} = 0\n{n} += 1",
    "def {n}(): pass",
    "class {n}: pass",
    "def {n}():\n    global {m}\n    {m} = 1",
    "import os",
    "import os.path",
    "import os.path as {n}",
    "from os import sep as {n}",
    "from math import pi, tau",
    "{n} = ({m} := 1)",
    "{n} = [({m} := i) for i in range(2)]",
    "__all__ += ['{n}']",
    "__all__.extend(['{n}', '{m}'])",
    "__all__.append('{m}')",
)


def _indent(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines]


@st.composite
def _statements(
    draw: st.DrawFn, depth: int, with_all: bool, branching: bool
) -> tuple[list[str], bool]:
    """Lines of a few statements, and whether they hold a branch that may not run."""
    simple = _SIMPLE if with_all else [form for form in _SIMPLE if "__all__" not in form]
    lines: list[str] = []
    branches = False
    for _ in range(draw(st.integers(1, 3))):
        name, other = draw(st.sampled_from(_NAMES)), draw(st.sampled_from(_NAMES))
        kinds = ["simple"] if depth == 0 else ["simple", "with"]
        if depth and branching:
            kinds += ["if", "for", "try", "match"]
            if sys.version_info >= (3, 11):
                kinds.append("try_star")
        kind = draw(st.sampled_from(kinds))
        if kind == "simple":
            lines += draw(st.sampled_from(simple)).format(n=name, m=other).splitlines()
            continue
        body, body_branches = draw(_statements(depth - 1, with_all, branching))
        other_body, _ = draw(_statements(depth - 1, with_all, branching))
        flag = draw(st.booleans())
        if kind == "with":
            lines += ["import contextlib", f"with contextlib.nullcontext() as {name}:"]
            lines += _indent(body)
            branches = branches or body_branches
            continue
        branches = True
        if kind == "if":
            test = draw(st.sampled_from([f"{flag}", f"({name} := {flag})"]))
            lines += [f"if {test}:", *_indent(body), "else:", *_indent(other_body)]
        elif kind == "for":
            lines += [f"for {name} in range({int(flag)}):", *_indent(body)]
            lines += ["else:", *_indent(other_body)]
        elif kind in {"try", "try_star"}:
            raises = ["raise ValueError"] if flag else []
            star = "*" if kind == "try_star" else ""
            lines += ["try:", *_indent(body + raises), f"except{star} ValueError as {other}:"]
            lines += _indent(other_body)
        else:
            lines += [f"match {int(flag)}:", "    case 0:", *_indent(_indent(body))]
            lines += [f"    case {name}:", *_indent(_indent(other_body))]
    return lines, branches


@st.composite
def _programs(draw: st.DrawFn) -> tuple[str, bool]:
    """A module of generated statements (``__all__`` first when any statement extends it)."""
    with_all = draw(st.booleans())
    lines, branches = draw(_statements(2, with_all, draw(st.booleans())))
    return "\n".join(["__all__ = ['a']"] * with_all + lines) + "\n", branches


@settings(max_examples=examples(100), deadline=None)
@given(program=_programs())
def test_names_match_what_exec_binds(program: tuple[str, bool]) -> None:
    """The reader's names are every name some run binds; exactly those without branches."""
    source, branches = program
    namespace: dict[str, object] = {}
    exec(compile(source, "<generated>", "exec"), namespace)  # generated from stdlib-only forms
    bound = set(namespace) - {"__builtins__", "__annotations__"}
    found = read_bindings(ast.parse(source))
    listed = set(namespace.get("__all__", ()))  # type: ignore[call-overload]
    assert found.all_is_literal
    if branches:
        assert bound <= set(found.names), source
        assert listed <= (found.all_names or set()), source
    else:
        assert bound == set(found.names), source
        assert listed == (found.all_names or set()), source
