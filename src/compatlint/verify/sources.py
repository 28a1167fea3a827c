"""The upstream as files: a wheel, an sdist, an unpacked wheel or a source checkout.

This is the I/O edge of ``verify``. :func:`load_upstream` finds the upstream package
inside a PATH and indexes its modules by dotted name — only ``.py`` / ``.so`` / ``.pyd``
files of that package, nothing else — without reading their contents. A module's source
is read when :mod:`compatlint.verify.resolve` first asks for it and kept after that. A
wheel is read in place as a zip (never installed, never imported); a ``.tar.gz`` sdist
is read into memory once. :meth:`UpstreamTree.from_files` builds the same index from a
dict, which is how the pure core is tested.
"""

from __future__ import annotations

import os
import re
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from packaging.version import InvalidVersion, Version

from compatlint.errors import CompatlintError
from compatlint.versions import VersionError, parse_version, release_of

__all__ = [
    "ModuleFile",
    "UpstreamError",
    "UpstreamTree",
    "load_upstream",
    "parse_upstream_option",
]

_BOM = b"\xef\xbb\xbf"
_ARCHIVE_SUFFIXES = (".whl", ".zip", ".tar.gz", ".tgz", ".tar")
_SKIPPED_DIRS = frozenset({"__pycache__", ".git", ".hg", "node_modules"})
# Where a package may sit inside PATH (or inside one directory of PATH).
_LAYOUTS = ("", "src/", "python/")
# What a damaged archive raises while a member is read: a bad CRC or header (BadZipFile),
# a broken deflate or gzip stream (zlib.error, EOFError), a compression method or an
# encryption this Python cannot read (NotImplementedError, RuntimeError).
_DAMAGED = (
    zipfile.BadZipFile,
    tarfile.TarError,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
)
_DIST_NAME = re.compile(r"^(?P<name>[A-Za-z0-9_.]+?)-(?P<version>\d[^-]*?)(?:-|\.tar|\.zip|$)")


class UpstreamError(CompatlintError):
    """An ``--upstream`` PATH that cannot be read or does not hold the package."""


@dataclass(frozen=True)
class ModuleFile:
    """One module of the upstream package.

    ``file`` is its path inside the upstream (``sglang/srt/utils/__init__.py``); a
    *namespace* package is a directory without ``__init__.py`` (no file of its own); a
    *compiled* module is an extension (``x.cpython-311-x86_64-linux-gnu.so``) whose
    contents cannot be read.
    """

    name: str
    file: str
    is_package: bool = False
    compiled: bool = False
    namespace: bool = False


@dataclass(eq=False)
class UpstreamTree:
    """The modules of one upstream version, indexed by dotted name, read on demand."""

    version: Version
    package: str
    origin: str
    modules: Mapping[str, ModuleFile]
    reader: Callable[[str], bytes] = field(repr=False)
    detected_version: Version | None = None
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)
    closer: Callable[[], None] | None = field(default=None, repr=False)

    @classmethod
    def from_files(
        cls,
        version: Version | str,
        package: str,
        files: Mapping[str, str | bytes],
        origin: str = "<memory>",
    ) -> UpstreamTree:
        """A tree from ``{path inside the upstream: text or bytes}`` (for tests and tools)."""
        if isinstance(version, str):
            version = parse_version(version)
        data = {
            _normalise(path): text.encode() if isinstance(text, str) else text
            for path, text in files.items()
        }
        modules = index_modules(package, (p for p in data if p.startswith(package + "/")))
        return cls(version, package, origin, modules, reader=data.__getitem__)

    def module(self, name: str) -> ModuleFile | None:
        return self.modules.get(name)

    def source(self, name: str) -> str | None:
        """The text of module ``name`` (None for a namespace or compiled module)."""
        entry = self.modules.get(name)
        if entry is None or entry.compiled or entry.namespace:
            return None
        key = ("source", name)
        if key not in self.cache:
            data = self.reader(entry.file)
            if data.startswith(_BOM):
                data = data[len(_BOM) :]
            self.cache[key] = data.decode("utf-8", errors="replace")
        return self.cache[key]

    def describe(self) -> str:
        return f"{self.package} {self.version} ({self.origin})"

    def close(self) -> None:
        """Release the open archive, if any (safe to call twice)."""
        if self.closer is not None:
            self.closer()
            self.closer = None


def parse_upstream_option(value: str) -> tuple[Version, Path]:
    """Read one ``--upstream VERSION=PATH`` value."""
    version_text, sep, path_text = value.partition("=")
    if not sep or not version_text.strip() or not path_text.strip():
        raise UpstreamError(f"--upstream {value!r}: expected VERSION=PATH, e.g. 0.5.10=wheels/")
    try:
        version = parse_version(version_text)
    except VersionError as exc:
        raise UpstreamError(f"--upstream {value!r}: {exc}") from None
    return version, Path(path_text.strip())


def load_upstream(version: Version, path: Path, package: str) -> UpstreamTree:
    """Index the upstream ``package`` found in ``path`` as ``version``.

    ``path`` is a ``.whl`` / ``.zip`` (read in place), a ``.tar.gz`` / ``.tgz`` / ``.tar``
    sdist, or a directory: an unpacked wheel or sdist, a source checkout, or the package
    directory itself. The package is looked for at ``<name>/``, ``src/<name>/`` and
    ``python/<name>/``, directly in ``path`` or one directory down.
    """
    root = package.split(".")[0]
    shown = f"--upstream {version}={path}"
    if not path.exists():
        raise UpstreamError(f"{shown}: no such file or directory")
    detected = _version_in_name(path.name, root)
    if path.is_dir():
        tree = _load_directory(version, path, root, shown)
    elif path.name.endswith((".whl", ".zip")):
        tree = _load_zip(version, path, root, shown)
    elif path.name.endswith((".tar.gz", ".tgz", ".tar")):
        tree = _load_tar(version, path, root, shown)
    else:
        raise UpstreamError(
            f"{shown}: not a directory or an archive ({', '.join(_ARCHIVE_SUFFIXES)})"
        )
    tree.detected_version = detected
    return tree


# -- indexing -----------------------------------------------------------------------------


def index_modules(package: str, paths: Iterable[str]) -> dict[str, ModuleFile]:
    """Modules of ``package`` from file paths relative to the package's parent directory.

    ``a/b.py`` → ``a.b``; ``a/b/__init__.py`` → package ``a.b``; ``a/c.cpython-311-….so``
    → compiled ``a.c``; a directory that holds modules but no ``__init__.py`` is a
    namespace package. Paths whose parts are not identifiers are not importable, so
    they are skipped.
    """
    modules: dict[str, ModuleFile] = {}
    directories: set[tuple[str, ...]] = set()
    for path in paths:
        parts = PurePosixPath(path).parts
        if not parts or parts[0] != package or any(p in _SKIPPED_DIRS for p in parts):
            continue
        *dirs, filename = parts
        if not all(d.isidentifier() for d in dirs):
            continue
        if filename.endswith(".py"):
            stem, compiled = filename[:-3], False
        elif filename.endswith((".so", ".pyd")):
            stem, compiled = filename.split(".")[0], True
        else:
            continue
        if not stem.isidentifier():
            continue
        for depth in range(1, len(dirs) + 1):
            directories.add(tuple(dirs[:depth]))
        if stem == "__init__" and not compiled:
            modules[".".join(dirs)] = ModuleFile(".".join(dirs), path, is_package=True)
            continue
        name = ".".join([*dirs, stem])
        # A source module wins over a compiled one of the same name (and .py over .pyd).
        if name not in modules or modules[name].compiled:
            modules[name] = ModuleFile(name, path, compiled=compiled)
    for dirs in directories:
        name = ".".join(dirs)
        if name not in modules or not modules[name].is_package:
            modules[name] = ModuleFile(name, "/".join(dirs) + "/", True, namespace=True)
    return modules


def _normalise(path: str) -> str:
    path = path.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path.lstrip("/")


def _package_prefix(names: set[str], package: str) -> str | None:
    """The directory prefix under which ``package/`` sits in an archive's member list."""
    tops = sorted({name.split("/")[0] + "/" for name in names if "/" in name})
    data_dirs = [
        f"{top}{kind}/" for top in tops if top.endswith(".data/") for kind in ("purelib", "platlib")
    ]
    candidates = [*_LAYOUTS, *data_dirs, *(top + layout for top in tops for layout in _LAYOUTS)]
    for marker in ("__init__.py", None):
        for prefix in candidates:
            base = f"{prefix}{package}/"
            if marker is not None and base + marker in names:
                return prefix
            if marker is None and any(n.startswith(base) and n.endswith(".py") for n in names):
                return prefix
    return None


def _missing_package(shown: str, package: str) -> UpstreamError:
    looked = ", ".join(f"{layout}{package}/" for layout in _LAYOUTS)
    return UpstreamError(
        f"{shown}: no package {package!r} found (looked for {looked}, there and one directory down)"
    )


def _load_zip(version: Version, path: Path, package: str, shown: str) -> UpstreamTree:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise UpstreamError(f"{shown}: not a readable wheel or zip ({_said(exc)})") from None
    names = {_normalise(info.filename): info.filename for info in archive.infolist()}
    prefix = _package_prefix(set(names), package)
    if prefix is None:
        archive.close()
        raise _missing_package(shown, package)
    inside = {
        name[len(prefix) :]: original
        for name, original in names.items()
        if name.startswith(f"{prefix}{package}/")
    }

    def read(member: str) -> bytes:
        try:
            return archive.read(inside[member])
        except _DAMAGED as exc:
            raise UpstreamError(
                f"{shown}: damaged archive: cannot read {member} ({_said(exc)})"
            ) from None

    return UpstreamTree(
        version,
        package,
        str(path),
        index_modules(package, inside),
        reader=read,
        closer=archive.close,
    )


def _load_tar(version: Version, path: Path, package: str, shown: str) -> UpstreamTree:
    try:
        # The suffix says the compression: reading it as that alone gives one reason, not
        # one per method tarfile would otherwise try.
        mode = "r:" if path.name.endswith(".tar") else "r:gz"
        with tarfile.open(path, mode) as archive:
            members = [m for m in archive.getmembers() if m.isfile()]
            names = {_normalise(m.name) for m in members}
            prefix = _package_prefix(names, package)
            if prefix is None:
                raise _missing_package(shown, package)
            data: dict[str, bytes] = {}
            for member in members:
                name = _normalise(member.name)
                if name.startswith(f"{prefix}{package}/") and name.endswith((".py", ".so", ".pyd")):
                    handle = archive.extractfile(member)
                    data[name[len(prefix) :]] = handle.read() if handle is not None else b""
    except _DAMAGED as exc:
        raise UpstreamError(f"{shown}: not a readable sdist archive ({_said(exc)})") from None
    return UpstreamTree(
        version, package, str(path), index_modules(package, data), reader=data.__getitem__
    )


def _said(exc: BaseException) -> str:
    """What ``exc`` says, on one line (tarfile and zlib may say it on several)."""
    return " ".join(str(exc).split()) or type(exc).__name__


def _package_directory(path: Path, package: str) -> Path | None:
    if path.name == package and (path / "__init__.py").is_file():
        return path
    try:
        children = sorted(
            child
            for child in path.iterdir()
            if child.is_dir() and not child.name.startswith(".") and child.name not in _SKIPPED_DIRS
        )
    except OSError:
        children = []
    bases = [path, *children]
    candidates = [base / layout / package for base in bases for layout in _LAYOUTS]
    for candidate in candidates:
        if (candidate / "__init__.py").is_file():
            return candidate
    for candidate in candidates:
        if candidate.is_dir() and any(candidate.glob("*.py")):
            return candidate
    return None


def _load_directory(version: Version, path: Path, package: str, shown: str) -> UpstreamTree:
    found = _package_directory(path, package)
    if found is None:
        raise _missing_package(shown, package)
    parent = found.parent
    files: list[str] = []
    for directory, subdirs, filenames in os.walk(found):
        subdirs[:] = sorted(d for d in subdirs if d not in _SKIPPED_DIRS and d.isidentifier())
        rel_dir = Path(directory).relative_to(parent).as_posix()
        files += [
            f"{rel_dir}/{name}" for name in filenames if name.endswith((".py", ".so", ".pyd"))
        ]

    def read(member: str) -> bytes:
        try:
            return (parent / member).read_bytes()
        except OSError as exc:
            raise UpstreamError(f"{shown}: cannot read {member} ({exc.strerror})") from None

    return UpstreamTree(version, package, str(path), index_modules(package, files), reader=read)


def _version_in_name(filename: str, package: str) -> Version | None:
    """The version a wheel or sdist file name states (``sglang-0.5.10-py3-none-any.whl``)."""
    match = _DIST_NAME.match(filename)
    if match is None:
        return None
    if match["name"].replace("-", "_").lower() != package.replace("-", "_").lower():
        return None
    try:
        return release_of(Version(match["version"]))
    except InvalidVersion:
        return None
