"""What every planner does to its files: texts in, whole-file ``Edit``s out.

A planner edits texts without a byte-order mark and gets each file's mark back in its
edit. Line endings need nothing here: libcst and the text edits keep each file's own, and
:meth:`compatlint.workspace.Workspace.apply` writes the text as given. Before an edit
leaves a planner, the Python it holds must compile: a guard against a bug in a rewrite.
A file read only in part (:mod:`compatlint.names.skim`) may fail it for its own sake;
then the error is the file's, named with its line, and nothing is written.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, Protocol

from compatlint.deepstack import TOO_DEEP
from compatlint.errors import SourceError
from compatlint.model import Edit

BOM = "\ufeff"

#: A text's content hash.
Digest = Callable[[str], str]

#: Compiles many texts at once: ``(path, text)`` items in, each one's
#: :func:`compile_error` out, in order.
BatchCompiler = Callable[[list[tuple[str, str]]], Iterable["str | None"]]


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
        for path, old, new in self.changed():
            if new is not None and path.endswith(".py"):
                key = f"compiles:{path}"
                if compiled is None or digest is None or compiled.get(key, digest(new)) is None:
                    unknown.append((path, new))
            bom = BOM if path in self.boms else ""
            edits[path] = Edit(path, None if new is None else bom + new, bom + old)
        if compiler is not None:
            errors = list(compiler(unknown))
        else:
            errors = [compile_error(item) for item in unknown]
        for (path, _), error in zip(unknown, errors, strict=True):
            if error is not None:
                _refuse(verb, path, error, self.sources[path])
        if compiled is not None and digest is not None:
            for path, text in unknown:
                compiled.put(f"compiles:{path}", digest(text), True)
        return edits


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
