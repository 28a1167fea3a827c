"""What every planner does to its files: texts in, whole-file ``Edit``s out.

A planner edits texts without a byte-order mark and gets each file's mark back in its
edit. Line endings need nothing here: libcst and the text edits keep each file's own, and
:meth:`compatlint.workspace.Workspace.apply` writes the text as given. Before an edit
leaves a planner, the Python it holds must compile: a guard against a bug in a rewrite.
A file read only in part (:mod:`compatlint.names.skim`) may fail it for its own sake;
then the error is the file's, named with its line, and nothing is written.

An edit that keeps a text's statements after a clean cut as they are (``inline``'s edit
of an importer's head, see :mod:`compatlint.codemods.inline.heads`) is guarded by the text
it was made from, which a process pool may compile while the run goes on, and by the
edited head alone: see :meth:`EditPlan.keeps_tail`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from compatlint.deepstack import TOO_DEEP
from compatlint.errors import SourceError
from compatlint.model import Edit

BOM = "\ufeff"

#: A text's content hash.
Digest = Callable[[str], str]

#: Compiles many texts at once: ``(path, text)`` items in, each one's
#: :func:`compile_error` out, in order.
BatchCompiler = Callable[[list[tuple[str, str]]], Iterable["str | None"]]


@runtime_checkable
class CompilesAhead(Protocol):
    """A :data:`BatchCompiler` that can start on texts before they are asked about."""

    def ahead(self, items: Sequence[tuple[str, str]]) -> None: ...


@runtime_checkable
class CompilesGuesses(Protocol):
    """A :data:`BatchCompiler` that can start on texts it may be asked about, on cores the
    run leaves idle (see :meth:`compatlint.pool.Batch.guess`)."""

    def guess(self, items: Sequence[tuple[str, str]]) -> None: ...


class CompiledTexts(Protocol):
    """Where texts known to compile are kept (:class:`compatlint.cache.FactCache`)."""

    def get(self, key: str, digest: str) -> Any | None: ...

    def put(self, key: str, digest: str, value: Any) -> None: ...


class EditPlan:
    """The texts of one planner run: as read (``sources``) and as edited (``texts``;
    None deletes a file), both without a byte-order mark."""

    def __init__(self, sources: Mapping[str, str]) -> None:
        self.sources = {path: text.removeprefix(BOM) for path, text in sources.items()}
        self.boms = {path for path, text in sources.items() if text.startswith(BOM)}
        self.texts: dict[str, str | None] = dict(self.sources)
        self.tails: dict[str, tuple[str, int]] = {}

    def keeps_tail(self, path: str, text: str, cut: int) -> None:
        """The edit of ``path`` from ``text`` keeps ``text[cut:]`` as it is: the statements
        after a clean cut, a line end where a module-level statement ends and the next
        has not begun. Then its edited text compiles when ``text`` does and the edited
        head does alone — unless the head's ``__future__`` imports change or a module-level
        ``global`` could name a binding of the head, which :meth:`edits` checks."""
        self.tails[path] = (text, cut)

    def live(self) -> dict[str, str]:
        """The current texts of the files that still exist."""
        return {path: text for path, text in self.texts.items() if text is not None}

    def changed(self) -> Iterator[tuple[str, str, str | None]]:
        """``(path, old, new)`` of every file that was read and changed, in path order."""
        for path, text in sorted(self.texts.items()):
            old = self.sources.get(path)
            if old is not None and text != old:
                yield path, old, text

    def edits(
        self,
        verb: str,
        compiled: CompiledTexts | None = None,
        digest: Digest | None = None,
        compiler: BatchCompiler | None = None,
    ) -> dict[str, Edit]:
        """The whole-file edits, each with its file's mark back; every Python text must
        compile (``verb`` names the codemod in the error). ``compiled``: where the texts
        known to compile are kept between runs, by ``digest`` of the text — a text that
        compiled once compiles again, and is not compiled twice. ``compiler`` compiles
        many texts at once (a process pool, at the edge)."""
        edits: dict[str, Edit] = {}
        unknown: list[tuple[str, str]] = []
        heads: dict[str, str] = {}
        for path, old, new in self.changed():
            if new is not None and path.endswith(".py"):
                key = f"compiles:{path}"
                if compiled is None or digest is None or compiled.get(key, digest(new)) is None:
                    split = self._head_and_base(path, new)
                    if split is not None:
                        heads[path] = split[0]
                    unknown.append((path, new) if split is None else (path, split[1]))
            bom = BOM if path in self.boms else ""
            edits[path] = Edit(path, None if new is None else bom + new, bom + old)
        if compiler is not None:
            errors = list(compiler(unknown))
        else:
            errors = [compile_error(item) for item in unknown]
        for (path, _), error in zip(unknown, errors, strict=True):
            new = self.texts[path]
            assert new is not None
            if error is None and path in heads and compile_error((path, heads[path])):
                error = compile_error((path, new))  # the head alone fails: ask the whole
            if error is not None:
                _refuse(verb, path, error, self.sources[path])
        if compiled is not None and digest is not None:
            for path, _ in unknown:
                new = self.texts[path]
                assert new is not None
                compiled.put(f"compiles:{path}", digest(new), True)
        return edits

    def _head_and_base(self, path: str, new: str) -> tuple[str, str] | None:
        """(the edited head, the text it was made from) when ``new`` keeps the tail noted
        by :meth:`keeps_tail` and the head's edit cannot change how the tail compiles."""
        if path not in self.tails:
            return None
        base, cut = self.tails[path]
        tail = base[cut:]
        if not tail or not new.endswith(tail):
            return None
        head = new[: len(new) - len(tail)]
        if not head.endswith("\n") or "global" in new:
            return None
        if _future_lines(head) != _future_lines(base[:cut]):
            return None
        return head, base


def _future_lines(text: str) -> list[str]:
    """The lines of ``text`` that may be ``__future__`` imports (they change how the rest
    of a module compiles)."""
    return (
        [line for line in text.split("\n") if "__future__" in line] if "__future__" in text else []
    )


def check_parses(path: str, text: str, verb: str) -> None:
    """A guard, not a feature: a codemod must never write code that does not compile."""
    error = compile_error((path, text))
    if error is not None:  # pragma: no cover - a bug in a rewrite, never user input
        raise SourceError(f"{verb} produced invalid code ({error}); nothing written", path)


def compile_error(item: tuple[str, str]) -> str | None:
    """Why the ``(path, text)`` does not compile (None: it does; :data:`TOO_DEEP`: the
    compiler gave up on its depth)."""
    path, text = item
    try:
        compile(text, path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        return exc.msg
    except (RecursionError, MemoryError):
        return TOO_DEEP
    return None


def _refuse(verb: str, path: str, error: str, old: str) -> None:
    """Raise the error of an edited text of ``path`` that does not compile: the file's own
    when its text as read (``old``) fails too, else the rewrite's."""
    if error == TOO_DEEP:
        raise SourceError(TOO_DEEP, path)
    try:
        compile(old, path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        raise SourceError(f"cannot parse: {exc.msg}", path, exc.lineno) from None
    except (RecursionError, MemoryError):
        raise SourceError(TOO_DEEP, path) from None
    raise SourceError(f"{verb} produced invalid code ({error}); nothing written", path)


def diff_edits(
    edits: Mapping[str, Edit], kept: CompiledTexts | None = None, digest: Digest | None = None
) -> str:
    """A ``git apply``-able diff of ``edits`` (path → edit; ``new_text=None`` deletes).
    ``kept``: where each file's diff is kept between runs, by ``digest`` of its texts."""
    chunks: list[str] = []
    for path, edit in sorted(edits.items()):
        if kept is None or digest is None:
            chunks.append(_file_diff(path, edit))
            continue
        key = f"diff:{path}"
        new = "-" if edit.new_text is None else digest(edit.new_text)
        known = f"{digest(edit.old_text)}:{new}"
        chunk = kept.get(key, known)
        if not isinstance(chunk, str):
            chunk = _file_diff(path, edit)
            kept.put(key, known, chunk)
        chunks.append(chunk)
    return "".join(chunks)


def _file_diff(path: str, edit: Edit) -> str:
    old = edit.old_text.removeprefix("\ufeff").splitlines(keepends=True)
    new = (edit.new_text or "").removeprefix("\ufeff").splitlines(keepends=True)
    target = f"b/{path}" if edit.new_text is not None else "/dev/null"
    chunks: list[str] = []
    for line in difflib.unified_diff(old, new, f"a/{path}", target):
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        chunks.append(line)
    return "".join(chunks)
