"""``inline`` resolves importer uses by scope: a shadowed name is never rewritten."""

from __future__ import annotations

from test_inline_shapes import BASIC_SHIM, SHIM, dedent, inline


def test_a_parameter_named_like_the_module_alias_is_not_the_shim() -> None:
    _, after = inline(
        {
            SHIM: BASIC_SHIM,
            "pkg/handler.py": """
                import pkg._compat as compat


                def f(compat):
                    return compat.A


                def g():
                    return compat.A
            """,
        }
    )
    assert after["pkg/handler.py"] == dedent(
        """
        from sglang.srt.a import A


        def f(compat):
            return compat.A


        def g():
            return A
        """
    )


def test_a_parameter_named_like_the_head_of_a_dotted_import_is_not_the_shim() -> None:
    _, after = inline(
        {
            SHIM: BASIC_SHIM,
            "pkg/handler.py": """
                import pkg._compat


                def f(pkg):
                    return pkg._compat.A


                def g():
                    return pkg._compat.A
            """,
        }
    )
    assert after["pkg/handler.py"] == dedent(
        """
        from sglang.srt.a import A


        def f(pkg):
            return pkg._compat.A


        def g():
            return A
        """
    )


def test_a_re_export_through_the_package_init_keeps_working() -> None:
    _, after = inline(
        {
            SHIM: BASIC_SHIM,
            "pkg/__init__.py": "from ._compat import A\n",
            "app.py": "from pkg import A\n\nprint(A)\n",
        }
    )
    assert after["pkg/__init__.py"] == "from sglang.srt.a import A\n"
    assert after["app.py"] == "from pkg import A\n\nprint(A)\n"
    assert "from sglang.srt.a import A" not in (after[SHIM] or "")
