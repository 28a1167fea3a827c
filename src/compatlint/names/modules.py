"""Module names from paths, and relative imports resolved against a package (pure)."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import PurePosixPath


def module_name(path: str, src_roots: Iterable[str]) -> tuple[str | None, bool]:
    """The dotted module of ``path`` under the first matching import root, and is-package.

    Remembered per path and roots: a command asks for every file's module several times
    (its importer indexes, its gate folds), and the path arithmetic is not free."""
    return _module_name(path, tuple(src_roots))


@functools.lru_cache(maxsize=65536)
def _module_name(path: str, src_roots: tuple[str, ...]) -> tuple[str | None, bool]:
    if not _is_plain(path):
        return _module_name_of_path(path, src_roots)
    for root in _plain_roots(src_roots):
        if root == path:
            return _module_name_of_path(path, src_roots)
        if root and not path.startswith(root + "/"):
            continue
        parts = (path[len(root) + 1 :] if root else path).split("/")
        last = parts[-1]
        dot = last.rfind(".")
        parts[-1] = last[:dot] if 0 < dot < len(last) - 1 else last  # as ``with_suffix("")``
        found = _dotted(parts)
        if found is not None:
            return found
    return None, False


def _dotted(parts: list[str]) -> tuple[str, bool] | None:
    """The module a path's parts (suffix dropped) name, and is-package; None when a part
    is not an identifier or nothing is left."""
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    if parts and all(part.isidentifier() for part in parts):
        return ".".join(parts), is_package
    return None


def _is_plain(path: str) -> bool:
    """``path`` is spelled as ``PurePosixPath`` would spell it: its parts are its split."""
    return (
        bool(path)
        and not (
            "//" in path
            or path.startswith(("./", "/"))
            or "/./" in path
            or path.endswith(("/", "/."))
        )
        and path != "."
    )


@functools.lru_cache(maxsize=64)
def _plain_roots(src_roots: tuple[str, ...]) -> tuple[str, ...]:
    """The roots as ``PurePosixPath`` spells them, ``""`` for the project root."""
    return tuple("" if root in ("", ".") else PurePosixPath(root).as_posix() for root in src_roots)


def _module_name_of_path(path: str, src_roots: tuple[str, ...]) -> tuple[str | None, bool]:
    """:func:`module_name` by ``PurePosixPath`` (any spelling of ``path``)."""
    pure = PurePosixPath(path)
    for root in src_roots:
        root_path = PurePosixPath(root)
        try:
            relative = pure.relative_to(root_path) if root not in ("", ".") else pure
        except ValueError:
            continue
        found = _dotted(list(relative.with_suffix("").parts))
        if found is not None:
            return found
    return None, False


def package_of(module: str | None, is_package: bool) -> str | None:
    """The package relative imports of ``module`` resolve against."""
    if module is None:
        return None
    return module if is_package else module.rpartition(".")[0]


def resolve_relative(module: str | None, level: int, package: str | None) -> str | None:
    """The absolute module of ``from <level dots><module> import``, given the file's package."""
    if not level:
        return module
    if package is None:
        return None
    parts = package.split(".") if package else []
    if level - 1 >= len(parts):  # beyond the top-level package
        return None
    base = parts[: len(parts) - (level - 1)]
    if module:
        base.append(module)
    return ".".join(base) or None
