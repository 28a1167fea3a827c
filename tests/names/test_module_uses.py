"""The module side of the name model: which bindings reach a module, and what each access
through them does; and the per-name bindings the codemods check for conflicts."""

from __future__ import annotations

import textwrap

import libcst as cst
from libcst.metadata import MetadataWrapper

from compatlint.names.importers import ImporterIndex
from compatlint.names.module_uses import find_module_uses
from compatlint.names.uses import ResolvedFile, bindings_of, unbound_uses

SHIM = "pkg/_compat.py"


def _resolved(text: str, package: str | None = "pkg") -> ResolvedFile:
    return ResolvedFile(MetadataWrapper(cst.parse_module(textwrap.dedent(text))), package)


def _index(files: dict[str, str]) -> ImporterIndex:
    base = {SHIM: "from sglang.a import A, B\n", "pkg/__init__.py": ""}
    return ImporterIndex({**base, **files}, ["."])


def test_reads_stores_and_values_through_every_binding_form() -> None:
    text = """
        import pkg
        import pkg._compat
        import pkg._compat as compat
        from pkg import _compat


        def f(compat):
            return compat.A  # a parameter: not the shim


        print(compat.A, _compat.B, pkg._compat.A, pkg.version)
        _compat.A = 1
        run(compat)
    """
    project = _index({"pkg/user.py": text})
    found = find_module_uses(_resolved(text), "pkg._compat", project)
    summary = [
        (b.local, b.names_target, sorted(b.reads), sorted(b.stores), b.values, b.root_uses)
        for b in found
    ]
    assert summary == [
        ("pkg", False, [], [], [], []),  # `pkg.version` does not reach the shim
        ("pkg._compat", True, ["A"], [], [], []),
        ("compat", True, ["A"], [], [14], []),
        ("_compat", True, ["B"], ["A"], [], []),
    ]


def test_a_package_rebinding_of_the_module_is_followed() -> None:
    project = _index(
        {
            "pkg/__init__.py": "from . import _compat as compat\n",
            "app.py": "import pkg\n\nprint(pkg.compat.A)\n",
        }
    )
    assert sorted(project.module_importers("pkg._compat")) == ["app.py", "pkg/__init__.py"]
    found = find_module_uses(
        _resolved("import pkg\n\nprint(pkg.compat.A)\n"), "pkg._compat", project
    )
    assert [(b.local, b.names_target, sorted(b.reads)) for b in found] == [("pkg", False, ["A"])]


def test_bindings_and_builtins_of_a_name() -> None:
    file = _resolved(
        """
        from x import A


        def f(A):
            return A, open
    """
    )
    assert [(type(b.node).__name__, b.line, b.references) for b in bindings_of(file, "A")] == [
        ("ImportFrom", 2, ()),
        ("Param", 5, (6,)),
    ]
    assert unbound_uses(file, "open") == [6]
    assert unbound_uses(file, "A") == []
