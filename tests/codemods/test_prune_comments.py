"""Where comments end up: the cases token-level tools get wrong (pyupgrade#970 and kin)."""

from __future__ import annotations

from prune_helpers import dedent, pruned

OLD = "# Fallback for sglang 0.5.9. Remove when min supported version is 0.5.10+"


def test_comment_above_an_unwrapped_try_naming_only_old_versions_goes() -> None:
    source = f"""
        # The 0.5.8 and 0.5.9 layouts differ here.
        try:
            from sglang.srt.new import Thing
        except ImportError:
            {OLD}
            from sglang.srt.old import Thing
        """
    assert pruned(source) == "from sglang.srt.new import Thing\n"


def test_comment_above_an_unwrapped_try_naming_a_newer_version_stays() -> None:
    source = f"""
        # Thing moves again in 0.5.12; see the release notes.
        try:
            from sglang.srt.new import Thing
        except ImportError:
            {OLD}
            from sglang.srt.old import Thing
        """
    assert pruned(source) == dedent(
        """
        # Thing moves again in 0.5.12; see the release notes.
        from sglang.srt.new import Thing
        """
    )


def test_comment_without_versions_above_an_unwrapped_try_stays() -> None:
    source = f"""
        import os

        # Kept on purpose: servo needs Thing early.
        try:
            from sglang.srt.new import Thing
        except ImportError:
            {OLD}
            from sglang.srt.old import Thing
        """
    assert pruned(source) == dedent(
        """
        import os

        # Kept on purpose: servo needs Thing early.
        from sglang.srt.new import Thing
        """
    )


def test_only_the_attached_paragraph_is_judged() -> None:
    source = f"""
        # Section: engine imports (0.5.9 notes in the wiki).

        # Old layout before 0.5.10.
        try:
            from sglang.srt.new import Thing
        except ImportError:
            {OLD}
            from sglang.srt.old import Thing
        """
    assert pruned(source) == dedent(
        """
        # Section: engine imports (0.5.9 notes in the wiki).

        from sglang.srt.new import Thing
        """
    )


def test_comments_inside_the_removed_handler_go_and_after_it_stay() -> None:
    source = f"""
        try:
            from sglang.srt.new import Thing
            # still part of the try body
        except ImportError:
            {OLD}
            from sglang.srt.old import Thing
            # a note inside the handler
        # about what follows
        x = Thing
        """
    assert pruned(source) == dedent(
        """
        from sglang.srt.new import Thing
        # still part of the try body
        # about what follows
        x = Thing
        """
    )


def test_comment_on_the_try_line_and_above_except_stay() -> None:
    source = f"""
        try:  # the preferred location
            from sglang.srt.new import Thing
        # see the migration guide
        except ImportError:
            {OLD}
            from sglang.srt.old import Thing
        x = 1
        """
    assert pruned(source) == dedent(
        """
        # the preferred location
        from sglang.srt.new import Thing
        # see the migration guide
        x = 1
        """
    )


def test_comment_above_except_moves_to_the_next_handler_when_the_try_stays() -> None:
    source = f"""
        try:
            from sglang.srt.new import Thing
        # see the migration guide
        except ImportError:
            {OLD}
            from sglang.srt.old import Thing
        except AttributeError:
            Thing = object
        """
    assert pruned(source) == dedent(
        """
        try:
            from sglang.srt.new import Thing
        # see the migration guide
        except AttributeError:
            Thing = object
        """
    )


def test_a_comment_block_holding_a_tag_goes_whole() -> None:
    source = f"""
        def config(engine):
            accessor = getattr(engine, "config", None)
            if accessor is None:
                # a note for readers
                {OLD}
                return engine.legacy_config
            return accessor()
        """
    assert pruned(source) == dedent(
        """
        def config(engine):
            accessor = getattr(engine, "config", None)
            return accessor()
        """
    )


def test_a_separate_comment_above_a_removed_statement_moves_to_the_next_one() -> None:
    source = f"""
        def other(engine):
            current = engine.current
            # Why we probe at all.

            {OLD}
            if not hasattr(engine, "current"):
                current = engine.legacy
            return current
        """
    assert pruned(source) == dedent(
        """
        def other(engine):
            current = engine.current
            # Why we probe at all.

            return current
        """
    )


def test_comment_after_a_removed_last_statement_stays_in_the_block() -> None:
    source = f"""
        def config(engine):
            if hasattr(engine, "config"):
                return engine.config
            {OLD}
            return engine.legacy_config
            # TODO: log this


        x = 1
        """
    assert pruned(source) == dedent(
        """
        def config(engine):
            if hasattr(engine, "config"):
                return engine.config
            # TODO: log this


        x = 1
        """
    )


def test_kept_comment_above_a_removed_last_statement_goes_to_the_block_footer() -> None:
    source = f"""
        def config(engine):
            if hasattr(engine, "config"):
                return engine.config
            # readers: see below

            {OLD}
            return engine.legacy_config
        """
    assert pruned(source) == dedent(
        """
        def config(engine):
            if hasattr(engine, "config"):
                return engine.config
            # readers: see below
        """
    )


def test_trailing_comment_of_the_previous_element_stays() -> None:
    source = f"""
        PATHS = (
            "sglang.srt.a",  # keep me
            {OLD}
            "sglang.srt.b",  # and this note goes
            # leads c
            "sglang.srt.c",
        )
        """
    assert pruned(source) == dedent(
        """
        PATHS = (
            "sglang.srt.a",  # keep me
            # leads c
            "sglang.srt.c",
        )
        """
    )


def test_blank_lines_between_definitions_are_not_multiplied() -> None:
    source = """
        import os


        # Wrapper for the old flag. Remove this wrapper when min supported SGLang is 0.5.10+.
        def old_flag():
            return os.sep


        # Wrapper for the other flag. Remove this wrapper when min supported SGLang is 0.5.10+.
        def other_flag():
            return os.sep


        def keep():
            return os.sep
        """
    assert pruned(source) == dedent(
        """
        import os


        def keep():
            return os.sep
        """
    )


def test_module_header_comment_above_a_removed_first_statement_stays() -> None:
    source = f"""
        # Copyright the servo authors.

        try:
            from sglang.srt.new import Thing
        except ImportError:
            {OLD}
            from sglang.srt.old import Thing
        """
    assert pruned(source) == dedent(
        """
        # Copyright the servo authors.

        from sglang.srt.new import Thing
        """
    )
