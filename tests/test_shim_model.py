"""The shim model: which sites are found and which tag governs each (DESIGN §4 placements)."""

from __future__ import annotations

from textwrap import dedent

from helpers import analyze
from packaging.version import Version

from compatlint.analysis.shim import ShimModel
from compatlint.model import Site, SiteKind

T9 = "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+"
T10 = "# Fallback for sglang 0.5.10. Remove when min supported version is 0.5.11+"


def shim(code: str) -> ShimModel:
    return analyze({"pkg/_compat.py": dedent(code)}).shims["pkg/_compat.py"]


def sites(code: str, kind: SiteKind | None = None) -> list[Site]:
    found = shim(code).sites
    return [s for s in found if kind is None or s.kind is kind]


def only(code: str, kind: SiteKind) -> Site:
    found = sites(code, kind)
    assert len(found) == 1, found
    return found[0]


def removal(site: Site) -> Version | None:
    return site.tag.removal if site.tag else None


def test_tag_leading_the_except_body() -> None:
    site = only(
        f"""
        try:
            from sglang.srt.a import X
        except ImportError:
            {T9}
            from sglang.srt.b import X
        """,
        SiteKind.IMPORT_FALLBACK,
    )
    assert (site.line, site.names, removal(site)) == (4, ("X",), Version("0.5.10"))
    assert site.tag is not None and site.tag.line == 5


def test_tag_trailing_the_except_line() -> None:
    site = only(
        f"""
        try:
            from sglang.srt.a import X
        except ImportError:  {T9}
            from sglang.srt.b import X
        """,
        SiteKind.IMPORT_FALLBACK,
    )
    assert removal(site) == Version("0.5.10")


def test_tag_above_the_except_line() -> None:
    site = only(
        f"""
        try:
            from sglang.srt.a import X
        {T9}
        except ImportError:
            from sglang.srt.b import X
        """,
        SiteKind.IMPORT_FALLBACK,
    )
    assert removal(site) == Version("0.5.10")


def test_tag_above_the_try() -> None:
    site = only(
        f"""
        {T9}

        try:
            from sglang.srt.a import X
        except ImportError:
            X = None
        """,
        SiteKind.IMPORT_FALLBACK,
    )
    assert removal(site) == Version("0.5.10")
    assert site.tag is not None and site.tag.line == 2


def test_handler_tag_wins_over_the_comment_above_the_try() -> None:
    found = sites(
        f"""
        # Optional fast path.
        try:
            from sglang.srt.a import X
        except ImportError:
            {T10}
            X = None
        """
    )
    assert [(s.kind, removal(s)) for s in found] == [
        (SiteKind.IMPORT_FALLBACK, Version("0.5.11")),
        (SiteKind.SENTINEL, Version("0.5.11")),
    ]


def test_tag_leading_the_try_body_marks_the_try_as_temporary() -> None:
    found = sites(
        """
        try:
            # Prefer the guarded API on 0.5.19. Remove when min supported version is 0.5.20+.
            from sglang.srt.guarded import Pool
        except ImportError:
            from sglang.srt.plain import Pool
        """
    )
    assert [(s.kind, s.line, s.names, removal(s)) for s in found] == [
        (SiteKind.TEMPORARY_TRY, 2, ("Pool",), Version("0.5.20"))
    ]


def test_enclosing_def_docstring_covers_a_fallback_inside() -> None:
    site = only(
        """
        def load():
            \"\"\"Load the processor.

            Remove the legacy branch when min supported version is 0.5.12+.
            \"\"\"
            try:
                from sglang.srt.a import X
            except ImportError:
                from sglang.srt.b import X
            return X
        """,
        SiteKind.IMPORT_FALLBACK,
    )
    assert removal(site) == Version("0.5.12")
    assert not sites("def load(): ...\n", SiteKind.TAGGED_DEFINITION)


def test_nested_tries_each_have_their_own_tag() -> None:
    found = sites(
        f"""
        try:
            from sglang.srt.new import X
        except ImportError:
            {T9}
            try:
                from sglang.srt.mid import X
            except ImportError:
                # Fallback for sglang 0.5.8. Remove when min supported version is 0.5.9+
                from sglang.srt.old import X
        """,
        SiteKind.IMPORT_FALLBACK,
    )
    assert [(s.line, removal(s)) for s in found] == [
        (4, Version("0.5.10")),
        (8, Version("0.5.9")),
    ]


def test_untagged_inner_try_inherits_the_enclosing_fallback_tag() -> None:
    found = sites(
        f"""
        try:
            from sglang.srt.new import X
        except ImportError:
            {T9}
            try:
                from sglang.srt.mid import X
            except ImportError:
                from sglang.srt.old import X
        """,
        SiteKind.IMPORT_FALLBACK,
    )
    assert [removal(s) for s in found] == [Version("0.5.10"), Version("0.5.10")]


def test_module_not_found_guard_is_a_fallback() -> None:
    site = only(
        f"""
        try:
            from sglang.srt.a import X
        except ModuleNotFoundError as exc:
            {T10}
            if exc.name != "sglang.srt.a":
                raise
            from sglang.srt.b import X
        """,
        SiteKind.IMPORT_FALLBACK,
    )
    assert site.names == ("X",)


def test_handlers_that_bind_nothing_are_not_fallbacks() -> None:
    code = """
    for name in ("a", "b"):
        try:
            import sglang.srt.x
        except ImportError:
            continue
    try:
        import sglang
    except ImportError:
        pass
    try:
        import sglang
    except ImportError:
        raise RuntimeError("needs sglang")
    """
    assert sites(code, SiteKind.IMPORT_FALLBACK) == []


def test_attribute_error_around_an_import_is_a_fallback() -> None:
    site = only(
        f"""
        try:
            from sglang.srt import a
            X = a.X
        except AttributeError:
            {T10}
            X = None
        """,
        SiteKind.IMPORT_FALLBACK,
    )
    assert removal(site) == Version("0.5.11")


def test_tagged_type_error_probe_is_a_fallback_untagged_is_not() -> None:
    tagged = f"""
    def start(engine):
        try:
            return engine.start(stream=True)
        except TypeError:
            {T9}
            return engine.start()
    """
    assert removal(only(tagged, SiteKind.IMPORT_FALLBACK)) == Version("0.5.10")
    untagged = tagged.replace(T9, "# old engines")
    assert sites(untagged, SiteKind.IMPORT_FALLBACK) == []


def test_polyfill_and_sentinel_belong_to_their_branch() -> None:
    found = sites(
        f"""
        try:
            from sglang.srt.net import NetworkAddress, FastPath
        except ImportError:
            {T10}
            class NetworkAddress:
                def __init__(self, host):
                    self.host = host
            FastPath = None
            Other = None
        """
    )
    kinds = [(s.kind, s.names, s.parent_line) for s in found]
    assert kinds == [
        (SiteKind.IMPORT_FALLBACK, ("NetworkAddress", "FastPath", "Other"), None),
        (SiteKind.POLYFILL, ("NetworkAddress",), 4),
        (SiteKind.SENTINEL, ("FastPath",), 4),
    ]
    assert all(removal(s) == Version("0.5.11") for s in found)


def test_probe_branch_led_by_a_tag_in_the_if_body() -> None:
    site = only(
        f"""
        def info(engine):
            if not callable(getattr(engine, "info", None)):
                {T9}
                return engine.get_server_info()
            return engine.info
        """,
        SiteKind.PROBE_BRANCH,
    )
    assert (site.line, removal(site), site.outcome) == (3, Version("0.5.10"), False)


def test_a_tag_in_the_arm_a_probe_takes_when_present_is_a_contradiction() -> None:
    model = shim(
        f"""
        def info(engine):
            if callable(getattr(engine, "get_server_info", None)):
                {T9}
                return engine.get_server_info()
            return engine.info
        """
    )
    assert [s for s in model.sites if s.tag is not None] == []
    assert [(m.line, "contradiction" in m.reason) for m in model.misplaced] == [(4, True)]


def test_fall_through_statement_led_by_a_tag() -> None:
    site = only(
        f"""
        def info(engine):
            accessor = getattr(engine, "info", None)
            if accessor is not None:
                return accessor()
            {T10}
            return engine.legacy_info
        """,
        SiteKind.PROBE_BRANCH,
    )
    assert (site.line, removal(site)) == (7, Version("0.5.11"))


def test_untagged_hasattr_probe_is_an_untagged_site() -> None:
    site = only(
        """
        def info(engine):
            if hasattr(engine, "info"):
                return engine.info
            return None
        """,
        SiteKind.PROBE_BRANCH,
    )
    assert site.tag is None


def test_probe_paths_tagged_above_and_trailing() -> None:
    found = sites(
        f"""
        _PATHS = (
            "sglang.srt.new.base",
            {T9}
            "sglang.srt.old.base",
            "sglang.srt.older.base",  {T10}
            "sglang.srt.plain",
        )
        """,
        SiteKind.PROBE_PATH,
    )
    assert [(s.line, s.names, removal(s)) for s in found] == [
        (5, ("sglang.srt.old.base",), Version("0.5.10")),
        (6, ("sglang.srt.older.base",), Version("0.5.11")),
    ]


def test_tuple_of_other_strings_is_not_a_probe_path() -> None:
    code = f"""
    NAMES = (
        {T9}
        "alpha",
    )
    """
    assert sites(code, SiteKind.PROBE_PATH) == []


def test_tagged_definition_by_docstring_and_by_leading_comment() -> None:
    found = sites(
        """
        def ensure_patch() -> None:
            \"\"\"Patch the tokenizer.

            Remove this compatibility override when the minimum supported SGLang
            release is 0.5.20+.
            \"\"\"


        # Wrapper for the renamed flag. Remove when min supported SGLang is 0.5.12+.
        @decorated
        def stream_kwargs() -> dict:
            if hasattr(object, "x"):
                return {}
            return {"stream": True}
        """,
        SiteKind.TAGGED_DEFINITION,
    )
    assert [(s.line, s.names, removal(s)) for s in found] == [
        (2, ("ensure_patch",), Version("0.5.20")),
        (11, ("stream_kwargs",), Version("0.5.12")),
    ]


def test_untagged_probe_inside_tagged_definition_is_covered() -> None:
    code = """
    # Wrapper for the renamed flag. Remove this wrapper when min supported SGLang is 0.5.12+.
    def stream_kwargs(engine):
        if hasattr(engine, "x"):
            return {}
        try:
            from sglang.srt.a import X
        except ImportError:
            X = None
        return X
    """
    assert [s.kind for s in sites(code)] == [SiteKind.TAGGED_DEFINITION]


def test_re_exports_are_module_level_unconditional_upstream_imports() -> None:
    found = sites(
        """
        import logging
        from sglang.srt.server_args import ServerArgs
        from sglang.srt.io import A as B, C
        from other import D

        def f():
            from sglang.srt.x import E
        """,
        SiteKind.RE_EXPORT,
    )
    assert [(s.line, s.names, s.detail) for s in found] == [
        (3, ("ServerArgs",), "sglang.srt.server_args"),
        (4, ("B", "C"), "sglang.srt.io"),
    ]


def test_every_tag_is_collected_once_module_docstring_excluded() -> None:
    model = shim(
        f'''
        """Compat shim. Remove fallbacks when their min supported version passes."""
        try:
            from sglang.srt.a import X
        except ImportError:
            {T9}
            from sglang.srt.b import X

        # Remove when the minimum supported release contains that move.
        Y = 1
        '''
    )
    assert [(t.line, t.is_vague) for t in model.tags] == [(6, False), (9, True)]


def test_all_and_bindings_and_triviality() -> None:
    model = shim(
        """
        import logging
        from sglang.srt.a import X

        logger = logging.getLogger(__name__)
        __all__ = ["X", "Y"]
        """
    )
    assert [e.name for e in model.all_entries or ()] == ["X", "Y"]
    assert {"X", "logger", "logging"} <= model.defined
    assert model.trivial
    assert not shim("def f():\n    pass\n").trivial


def test_non_tag_comment_on_the_except_line_does_not_hide_the_body_tag() -> None:
    site = only(
        f"""
        try:
            from sglang.srt.a import X
        except ImportError:  # noqa: BLE001
            {T9}
            from sglang.srt.b import X
        """,
        SiteKind.IMPORT_FALLBACK,
    )
    assert removal(site) == Version("0.5.10")


def test_tag_above_the_first_statement_of_a_def_without_docstring() -> None:
    site = only(
        f"""
        def load():
            {T9}
            try:
                from sglang.srt.a import X
            except ImportError:
                X = None
            return X
        """,
        SiteKind.IMPORT_FALLBACK,
    )
    assert removal(site) == Version("0.5.10")
