"""Prune at the shim's importers: scope-aware uses, re-export chains, names importers need."""

from __future__ import annotations

import pytest
from helpers import examples
from hypothesis import given, settings
from hypothesis import strategies as st
from prune_helpers import SHIM, dedent, prune

from compatlint.codemods import prune as prune_module
from compatlint.codemods.bindings_guard import safety_net
from compatlint.names.importers import ImporterIndex

OLD = "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+"

SHIM_TEXT = dedent(
    f"""
    {OLD}
    def ensure_patched():
        return None


    def other():
        return 1
    """
)


#: A package that binds the shim module under another name (``tools``).
RENAMING = "app/__init__.py"


def _reasons(plan) -> list[str]:
    return [f"{item.path}:{item.line} {item.reason}" for item in plan.follow_ups]


# -- bug 1: a parameter named like the shim module is not the shim --------------------------


def test_a_parameter_named_like_the_shim_module_is_not_the_shim() -> None:
    other = dedent(
        """
        from pkg import _compat


        def other(_compat):
            _compat.ensure_patched()


        def real():
            _compat.ensure_patched()
        """
    )
    plan = prune({SHIM: SHIM_TEXT, "pkg/__init__.py": "", "pkg/other.py": other})
    # The module import lost its last use (the parameter's call is not one): it goes too.
    assert plan.new_text("pkg/other.py", other) == dedent(
        """
        def other(_compat):
            _compat.ensure_patched()


        def real():
            pass
        """
    )
    assert "def ensure_patched" not in plan.new_text(SHIM, SHIM_TEXT)


# -- bug 2: importers through re-export chains -----------------------------------------------


def test_an_importer_through_the_package_init_is_edited() -> None:
    init = "from ._compat import ensure_patched\n"
    user = "import os\n\nfrom pkg import ensure_patched\n\nensure_patched()\nprint(os)\n"
    plan = prune({SHIM: SHIM_TEXT, "pkg/__init__.py": init, "user.py": user})
    assert plan.new_text("user.py", user) == "import os\n\nprint(os)\n"
    assert plan.new_text("pkg/__init__.py", init).strip() == ""
    assert "def ensure_patched" not in plan.new_text(SHIM, SHIM_TEXT)
    [removed] = plan.removed
    assert {(edit.path, edit.action) for edit in removed.call_sites} == {
        ("pkg/__init__.py", "import removed"),
        ("user.py", "import removed"),
        ("user.py", "bare call removed"),
    }


def test_a_value_use_through_the_package_init_keeps_the_definition() -> None:
    init = "from ._compat import ensure_patched\n"
    user = "from pkg import ensure_patched\n\nhook = ensure_patched\n"
    plan = prune({SHIM: SHIM_TEXT, "pkg/__init__.py": init, "user.py": user})
    assert plan.edits == {}
    assert any("user.py:3" in reason for reason in _reasons(plan)), _reasons(plan)


def test_import_package_and_attribute_call_through_the_init() -> None:
    init = "from ._compat import ensure_patched\n"
    user = "import pkg\n\npkg.ensure_patched()\nprint(pkg.__name__)\n"
    plan = prune({SHIM: SHIM_TEXT, "pkg/__init__.py": init, "user.py": user})
    assert plan.new_text("user.py", user) == "import pkg\n\nprint(pkg.__name__)\n"
    assert plan.new_text("pkg/__init__.py", init).strip() == ""


@pytest.mark.parametrize(
    "user",
    [
        "from pkg import _compat\n\nalias = _compat\n",
        "import pkg._compat as c\n\n\ndef main(m=c):\n    m.ensure_patched()\n",
        "import pkg._compat\n\nREG = {'c': pkg._compat}\n",
        "from pkg import _compat\n\ngetattr(_compat, 'ensure' + '_patched')()\n",
        # a package re-exporting the name, as a value: the name is one of its attributes
        "import pkg\n\npkg.ensure_patched()\nprint(pkg)\n",
    ],
)
def test_a_module_holding_the_name_used_as_a_value_keeps_the_definition(user: str) -> None:
    """Any of a module's names may be read from it where it is a value (aliased, passed,
    stored, given to ``getattr``): its text need not even spell the name."""
    init = "from ._compat import ensure_patched\n"
    plan = prune({SHIM: SHIM_TEXT, "pkg/__init__.py": init, "user.py": user})
    assert plan.edits == {}
    assert any(
        reason.startswith("pkg/_compat.py:2 not pruned: its value is used at user.py")
        for reason in _reasons(plan)
    ), _reasons(plan)


def test_a_two_level_chain_of_package_inits() -> None:
    files = {
        SHIM: SHIM_TEXT,
        "pkg/__init__.py": "",
        "pkg/sub/__init__.py": "from .._compat import ensure_patched as patch\n",
        "app/__init__.py": "from pkg.sub import patch\n",
        "app/main.py": "from app import patch\n\n\ndef main():\n    patch()\n    return 1\n",
    }
    plan = prune(files)
    assert plan.new_text("app/main.py", files["app/main.py"]) == "def main():\n    return 1\n"
    assert plan.new_text("app/__init__.py", files["app/__init__.py"]).strip() == ""
    assert plan.new_text("pkg/sub/__init__.py", files["pkg/sub/__init__.py"]).strip() == ""
    assert "def ensure_patched" not in plan.new_text(SHIM, SHIM_TEXT)


def test_a_value_use_at_the_end_of_a_chain_keeps_everything() -> None:
    files = {
        SHIM: SHIM_TEXT,
        "pkg/__init__.py": "",
        "pkg/sub/__init__.py": "from .._compat import ensure_patched as patch\n",
        "app/main.py": "from pkg.sub import patch\n\nHOOKS = [patch]\n",
    }
    plan = prune(files)
    assert plan.edits == {}
    assert any("app/main.py:3" in reason for reason in _reasons(plan)), _reasons(plan)


def _renaming_project(path: str, user: str) -> dict[str, str]:
    """The shim, a package binding it as ``tools`` and ``user`` at ``path``."""
    return {
        SHIM: SHIM_TEXT,
        "pkg/__init__.py": "",
        RENAMING: "from pkg import _compat as tools\n",
        path: user,
    }


def test_an_importer_through_a_package_renaming_the_shim_module_is_edited() -> None:
    """``app`` binds the shim module as ``tools``: a file calling ``tools.ensure_patched()``
    spells neither the shim's package nor its module, and is an importer all the same."""
    main = "from app import tools\n\n\ndef main():\n    tools.ensure_patched()\n    return 1\n"
    plan = prune(_renaming_project("app/main.py", main))
    assert "def ensure_patched" not in plan.new_text(SHIM, SHIM_TEXT)
    # The import lost its last use with the call: it goes too.
    assert plan.new_text("app/main.py", main) == "def main():\n    return 1\n"


def test_a_value_use_through_a_package_renaming_the_shim_module_keeps_it() -> None:
    user = "import app\n\nHOOK = app.tools.ensure_patched\n"
    plan = prune(_renaming_project("user.py", user))
    assert plan.edits == {}
    assert any("user.py:3" in reason for reason in _reasons(plan)), _reasons(plan)


@pytest.mark.parametrize(
    ("call", "removed"),
    [
        ("ensure_patched(setup())", False),
        ("ensure_patched(flag=print('hi'))", False),
        ("ensure_patched(*[print('hi')])", False),
        ("ensure_patched(**{'a': print('hi')})", False),
        ("ensure_patched(obj.attr)", False),
        ("ensure_patched(f'{obj}')", False),
        ("ensure_patched(1, -2, 'x' 'y', None, name, (1, [2]), {'k': 3})", True),
    ],
)
def test_a_call_whose_arguments_run_code_keeps_the_definition(call: str, removed: bool) -> None:
    """Removing ``f(setup())`` would remove ``setup()`` too: only calls whose arguments are
    literals and names go."""
    user = (
        "from pkg._compat import ensure_patched\n\n\ndef setup():\n    return 1\n\n\n"
        f"obj = name = 1\n{call}\n"
    )
    plan = prune({SHIM: SHIM_TEXT, "pkg/__init__.py": "", "user.py": user})
    assert ("def ensure_patched" not in plan.new_text(SHIM, SHIM_TEXT)) is removed
    if removed:
        assert call not in plan.new_text("user.py", user)
    else:
        assert plan.edits == {}
        assert any("arguments that run code at user.py:9" in r for r in _reasons(plan))


# -- uses that are shadowed are not uses -----------------------------------------------------

SHADOWED = {
    "parameter": "def f(ensure_patched):\n    ensure_patched()\n",
    "local assignment": "def f():\n    ensure_patched = print\n    ensure_patched()\n",
    "comprehension variable": (
        "def f(xs):\n    return [ensure_patched() for ensure_patched in xs]\n"
    ),
    "class attribute": "class K:\n    ensure_patched = print\n    ensure_patched()\n",
    "except as": (
        "def f():\n    try:\n        pass\n    except Exception as ensure_patched:\n"
        "        ensure_patched()\n"
    ),
    "for target": "def f(xs):\n    for ensure_patched in xs:\n        ensure_patched()\n",
}


@pytest.mark.parametrize("shape", sorted(SHADOWED))
def test_a_shadowed_name_is_never_edited(shape: str) -> None:
    body = SHADOWED[shape]
    user = f"from pkg._compat import ensure_patched\n\n\n{body}\n\ndef g():\n    ensure_patched()\n"
    plan = prune({SHIM: SHIM_TEXT, "pkg/__init__.py": "", "pkg/user.py": user})
    assert plan.new_text("pkg/user.py", user) == f"{body}\n\ndef g():\n    pass\n", shape


@pytest.mark.parametrize("shape", sorted(SHADOWED))
def test_a_shadowed_module_name_is_never_edited(shape: str) -> None:
    body = (
        SHADOWED[shape]
        .replace("ensure_patched", "_compat")
        .replace("_compat()", "_compat.ensure_patched()")
    )
    user = f"from pkg import _compat\n\n\n{body}\n\ndef g():\n    _compat.ensure_patched()\n"
    plan = prune({SHIM: SHIM_TEXT, "pkg/__init__.py": "", "pkg/user.py": user})
    # the import lost its last use (the shadowed name is not one) and goes as well
    assert plan.new_text("pkg/user.py", user) == f"{body}\n\ndef g():\n    pass\n", shape


def test_a_module_level_rebinding_makes_the_use_ambiguous() -> None:
    user = dedent(
        """
        from pkg._compat import ensure_patched

        for ensure_patched in [print]:
            ensure_patched()
        """
    )
    plan = prune({SHIM: SHIM_TEXT, "pkg/__init__.py": "", "pkg/user.py": user})
    assert plan.edits == {}
    assert any("pkg/user.py:4" in reason for reason in _reasons(plan)), _reasons(plan)


def test_an_aliased_import_is_edited() -> None:
    user = "from pkg._compat import ensure_patched as ep, other\n\nep()\nother()\n"
    plan = prune({SHIM: SHIM_TEXT, "pkg/__init__.py": "", "pkg/user.py": user})
    assert plan.new_text("pkg/user.py", user) == "from pkg._compat import other\n\nother()\n"


def test_a_dotted_module_import_is_edited() -> None:
    user = "import pkg._compat\n\npkg._compat.ensure_patched()\npkg._compat.other()\n"
    plan = prune({SHIM: SHIM_TEXT, "pkg/__init__.py": "", "pkg/user.py": user})
    assert plan.new_text("pkg/user.py", user) == "import pkg._compat\n\npkg._compat.other()\n"


def test_a_module_alias_is_edited() -> None:
    user = "import pkg._compat as c\n\nc.ensure_patched()\nc.other()\n"
    plan = prune({SHIM: SHIM_TEXT, "pkg/__init__.py": "", "pkg/user.py": user})
    assert plan.new_text("pkg/user.py", user) == "import pkg._compat as c\n\nc.other()\n"


# -- bug 3: names the project imports from the shim ------------------------------------------

SHIM_WITHOUT_ALL = dedent(
    f"""
    from sglang.srt.utils import helper

    try:
        from sglang.srt.new import Thing
    except ImportError:
        {OLD}
        def Thing():
            return helper()
    """
)

PRUNED_WITHOUT_ALL = dedent(
    """
    from sglang.srt.utils import helper

    from sglang.srt.new import Thing
    """
)


@pytest.mark.parametrize(
    "importer",
    [
        {"pkg/user.py": "from pkg._compat import helper, Thing\n"},
        {"pkg/user.py": "import pkg._compat as c\n\nprint(c.helper)\n"},
        {"pkg/user.py": "from pkg._compat import *\n\nprint(helper)\n"},
        {
            "pkg/sub/__init__.py": "from .._compat import helper\n",
            "pkg/user.py": "from pkg.sub import helper\n",
        },
    ],
    ids=["from-import", "module-attribute", "star-import", "chain"],
)
def test_clean_up_keeps_a_name_the_project_imports(importer: dict[str, str]) -> None:
    files = {SHIM: SHIM_WITHOUT_ALL, "pkg/__init__.py": "", **importer}
    plan = prune(files)
    assert plan.new_text(SHIM, SHIM_WITHOUT_ALL) == PRUNED_WITHOUT_ALL
    for path, text in importer.items():
        assert plan.new_text(path, text) == text


def test_clean_up_still_drops_an_import_nobody_imports() -> None:
    files = {SHIM: SHIM_WITHOUT_ALL, "pkg/__init__.py": "", "pkg/user.py": "import os\n"}
    plan = prune(files)
    assert "helper" not in plan.new_text(SHIM, SHIM_WITHOUT_ALL)


SHIM_ARM_BINDS_HELPER = dedent(
    f"""
    try:
        from sglang.srt.new import Thing
    except ImportError:
        {OLD}
        from sglang.srt.old import helper

        def Thing():
            return helper()
    """
)


def test_a_site_whose_removal_drops_an_imported_name_is_kept() -> None:
    user = "from pkg._compat import helper, Thing\n"
    files = {SHIM: SHIM_ARM_BINDS_HELPER, "pkg/__init__.py": "", "pkg/user.py": user}
    plan = prune(files)
    assert plan.edits == {}
    reasons = _reasons(plan)
    assert any("kept: pkg/user.py:1 imports helper" in reason for reason in reasons), reasons


def test_the_same_site_goes_when_nobody_imports_the_name() -> None:
    user = "from pkg._compat import Thing\n"
    files = {SHIM: SHIM_ARM_BINDS_HELPER, "pkg/__init__.py": "", "pkg/user.py": user}
    plan = prune(files)
    assert plan.new_text(SHIM, SHIM_ARM_BINDS_HELPER) == "from sglang.srt.new import Thing\n"


# -- the final safety net ----------------------------------------------------------------------


def test_the_safety_net_names_an_importer_of_a_lost_name() -> None:
    index = ImporterIndex(
        {
            SHIM: SHIM_WITHOUT_ALL,
            "pkg/__init__.py": "",
            "pkg/user.py": "from pkg._compat import helper\n",
        },
        ["."],
    )
    imported = index.imported_names("pkg._compat", exclude=SHIM)
    [item] = safety_net(
        SHIM, SHIM_WITHOUT_ALL, PRUNED_WITHOUT_ALL.replace("helper", "x"), imported, ()
    )
    assert (item.path, item.line, item.kind) == ("pkg/user.py", 1, "import")
    assert item.reason == "imports helper from pkg/_compat.py, which prune removed: fix this import"
    assert safety_net(SHIM, SHIM_WITHOUT_ALL, PRUNED_WITHOUT_ALL, imported, ()) == []
    assert safety_net(SHIM, SHIM_WITHOUT_ALL, "x = 1\n", imported, {"helper", "Thing"}) == []


def test_the_planner_falls_back_on_the_safety_net(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(prune_module, "sites_dropping", lambda *args: [])
    user = "from pkg._compat import helper, Thing\n"
    files = {SHIM: SHIM_ARM_BINDS_HELPER, "pkg/__init__.py": "", "pkg/user.py": user}
    plan = prune(files)
    assert plan.new_text(SHIM, SHIM_ARM_BINDS_HELPER) == "from sglang.srt.new import Thing\n"
    assert "pkg/user.py:1 imports helper from pkg/_compat.py, which prune removed" in "\n".join(
        _reasons(plan)
    )


# -- a property over importer shapes -----------------------------------------------------------

CHAIN = "pkg/sub/__init__.py"
FORMS = {
    "direct": ("from pkg._compat import ensure_patched", "ensure_patched"),
    "alias": ("from pkg._compat import ensure_patched as ep", "ep"),
    "module": ("from pkg import _compat", "_compat.ensure_patched"),
    "module alias": ("import pkg._compat as c", "c.ensure_patched"),
    "dotted": ("import pkg._compat", "pkg._compat.ensure_patched"),
    "chain": ("from pkg.sub import ensure_patched", "ensure_patched"),
    "chain module": ("import pkg.sub", "pkg.sub.ensure_patched"),
    "renamed module": ("from app import tools", "tools.ensure_patched"),
    "renamed module alias": ("from app import tools as t", "t.ensure_patched"),
    "renamed package": ("import app", "app.tools.ensure_patched"),
}

USES = ("bare", "await", "value", "shadowed")


def _use(kind: str, ref: str, number: int) -> str:
    head = ref.split(".")[0]
    return {
        "bare": f"def f{number}():\n    {ref}()\n",
        "await": f"async def f{number}():\n    await {ref}()\n",
        "value": f"def f{number}():\n    return {ref}\n",
        "shadowed": f"def f{number}({head}):\n    {ref}()\n",
    }[kind]


@settings(max_examples=examples(30), deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(sorted(FORMS)), st.lists(st.sampled_from(USES), max_size=3)),
        min_size=1,
        max_size=3,
    )
)
def test_prune_never_breaks_an_importer(users: list[tuple[str, list[str]]]) -> None:
    files = {
        SHIM: SHIM_TEXT,
        "pkg/__init__.py": "",
        CHAIN: "from .._compat import ensure_patched\n",
        RENAMING: "from pkg import _compat as tools\n",
    }
    for number, (form, uses) in enumerate(users):
        statement, ref = FORMS[form]
        body = "\n\n".join(_use(kind, ref, i) for i, kind in enumerate(uses))
        files[f"pkg/user{number}.py"] = f"{statement}\n\n\n{body}\nOK = 1\n"
    plan = prune(files)
    new = {path: plan.new_text(path, text) for path, text in files.items()}
    for path, text in new.items():
        compile(text, path, "exec")
    value_used = any("value" in uses for _, uses in users)
    if value_used:
        assert plan.edits == {}
        return
    assert "ensure_patched" not in new[SHIM]
    index = ImporterIndex(new, ["."])
    assert all(
        item.name is None
        for items in index.importers("pkg._compat", "ensure_patched").values()
        for item in items
    )
    for number, (form, uses) in enumerate(users):
        text = new[f"pkg/user{number}.py"]
        _, ref = FORMS[form]
        assert text.count(f"{ref}()") == uses.count("shadowed"), text
