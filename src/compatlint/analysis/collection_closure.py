"""What pytest collection imports: the module-level import closure of the test files (pure).

Collection imports every test file and ``conftest.py`` under the test roots (each after
the ``__init__.py`` of the packages it lies in), and with them whatever those import at
module level, transitively. An upstream import in a project module outside that closure
cannot break collection, so CL202 and ``compatlint mocks`` ask the stub list to cover
only the upstream imports of files inside it.

Per file the facts depend on its text alone (:class:`ModuleImports`, cached by content
hash); resolving a module name to a project file happens in :func:`collection_closure`,
against the listing of the project's files and its import roots.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import PurePosixPath
from typing import Any

from compatlint.analysis.mocklist import under
from compatlint.analysis.shapes import is_type_checking_test
from compatlint.analysis.source import parse_python
from compatlint.names.modules import resolve_relative

DEFAULT_TEST_PATTERNS = ("test_*.py", "*_test.py")
_IMPORT_FUNCTIONS = frozenset({"import_module", "__import__"})


@dataclass(frozen=True)
class ImportRef:
    """One module-level import as written: ``from <level dots><module> import <names>``
    (``names`` empty for ``import module``)."""

    module: str
    level: int = 0
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class ModuleImports:
    """The imports that run when a file is imported: module level, in ``try``, ``if``,
    loops, ``with`` and class bodies; not in functions nor under ``if TYPE_CHECKING``."""

    path: str
    refs: tuple[ImportRef, ...] = ()


def module_imports(path: str, text: str) -> ModuleImports:
    """The module-level imports of ``text`` (a file with no ``import`` is not parsed)."""
    if "import" not in text:
        return ModuleImports(path)
    return ModuleImports(path, tuple(_refs(parse_python(text, path).body)))


_IMPORT_STATEMENT = re.compile(
    r"(?:^|[;:])[ \t]*(?:from[ \t]+(\.|[\w.]+)|import[ \t]+([^\n#;]*))", re.MULTILINE
)


def may_import_project(text: str, names: Collection[str]) -> bool:
    """The prefilter before :func:`module_imports`: can ``text`` import a project module at
    all? Only by an import whose first name is one of the project's top-level ``names``,
    a relative import or an ``import_module`` call; a backslash continuation is not read
    by the pattern, so it counts too. Most files reached from the tests import only the
    standard library and third parties, and are never parsed."""
    if "import" not in text:
        return False
    if "import_module(" in text or "__import__(" in text or "\\\n" in text:
        return True
    for match in _IMPORT_STATEMENT.finditer(text):
        source, imported = match.groups()
        if source is not None:
            heads = [source.split(".")[0] or "."]
        else:
            heads = [part.split()[0].split(".")[0] for part in imported.split(",") if part.split()]
        if any(head == "." or head in names for head in heads):
            return True
    return False


def _refs(statements: Iterable[ast.stmt]) -> Iterator[ImportRef]:
    for node in statements:
        if isinstance(node, ast.Import):
            yield from (ImportRef(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names = tuple(alias.name for alias in node.names if alias.name != "*")
            yield ImportRef(node.module or "", node.level, names)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue  # runs when called, not when imported
        elif isinstance(node, ast.If):
            if not is_type_checking_test(node.test):
                yield from _refs(node.body)
            yield from _refs(node.orelse)
        elif isinstance(node, ast.ClassDef):
            yield from _refs(node.body)
        elif isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            yield from _refs(node.body)
            for handler in node.handlers:  # type: ignore[attr-defined]
                yield from _refs(handler.body)
            yield from _refs(node.orelse)
            yield from _refs(node.finalbody)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            yield from _refs(node.body)
            yield from _refs(node.orelse)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            yield from _refs(node.body)
        elif isinstance(node, getattr(ast, "Match", ())):
            for case in node.cases:  # type: ignore[attr-defined]
                yield from _refs(case.body)
        elif isinstance(node, (ast.Expr, ast.Assign, ast.AnnAssign)) and node.value is not None:
            literal = _import_call(node.value)
            if literal is not None:
                yield ImportRef(literal)


def _import_call(value: ast.expr) -> str | None:
    """The module of ``importlib.import_module("literal")`` (or ``__import__``)."""
    if not isinstance(value, ast.Call) or not value.args:
        return None
    func = value.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    first = value.args[0]
    if name in _IMPORT_FUNCTIONS and isinstance(first, ast.Constant):
        return first.value if isinstance(first.value, str) and first.value else None
    return None


@dataclass(frozen=True)
class CollectionSettings:
    """Where collection starts and how it finds modules: pytest's ``testpaths``,
    ``python_files`` and ``pythonpath`` (read from ``[tool.pytest.ini_options]``)."""

    test_roots: tuple[str, ...] = (".",)
    patterns: tuple[str, ...] = DEFAULT_TEST_PATTERNS
    pythonpath: tuple[str, ...] = ()


def collection_settings(options: Mapping[str, Any]) -> CollectionSettings:
    """Where pytest collection starts (``testpaths``; the root when unset), which files it
    imports (``python_files``) and the extra import roots (``pythonpath``). Not ours to
    validate: a value of the wrong type falls back to pytest's default."""

    def words(key: str) -> tuple[str, ...]:
        value = options.get(key)
        if isinstance(value, str):
            return tuple(value.split())
        if isinstance(value, list):
            return tuple(v for v in value if isinstance(v, str))
        return ()

    return CollectionSettings(
        test_roots=tuple(PurePosixPath(p).as_posix() for p in words("testpaths")) or (".",),
        patterns=words("python_files") or DEFAULT_TEST_PATTERNS,
        pythonpath=tuple(PurePosixPath(p).as_posix() for p in words("pythonpath")),
    )


def is_collected(path: str, patterns: Iterable[str]) -> bool:
    """Whether pytest imports ``path`` while collecting: a test file or a conftest."""
    name = path.rpartition("/")[2]
    return name == "conftest.py" or any(fnmatchcase(name, p) for p in patterns)


def _parent(path: str) -> str:
    """The directory of ``path`` ("" at the top); paths are relative POSIX paths."""
    return path.rpartition("/")[0]


def _join(directory: str, name: str) -> str:
    return f"{directory}/{name}" if directory else name


def package_inits(path: str, files: Collection[str]) -> list[str]:
    """The ``__init__.py`` of every package ``path`` lies in, innermost first (pytest's
    prepend import mode imports the outermost package first; the set is what matters)."""
    found = []
    directory = _parent(path)
    while True:
        init = _join(directory, "__init__.py")
        if init not in files or init == path:
            break
        found.append(init)
        if not directory:
            break
        directory = _parent(directory)
    return found


def _basedir(path: str, files: Collection[str]) -> str:
    """The directory pytest puts on ``sys.path`` for ``path``: the first one up from it
    that is not a package."""
    directory = _parent(path)
    while directory and _join(directory, "__init__.py") in files:
        directory = _parent(directory)
    return directory or "."


def start_files(files: Collection[str], settings: CollectionSettings) -> list[str]:
    """The test files and conftests under the test roots, and their packages' inits."""
    starts: dict[str, None] = {}
    for path in sorted(files):
        if under(path, settings.test_roots) and is_collected(path, settings.patterns):
            starts[path] = None
            starts.update(dict.fromkeys(package_inits(path, files)))
    return list(starts)


class ModuleIndex:
    """Module name → project file, searched under the import roots in order."""

    def __init__(self, files: Collection[str], roots: Iterable[str]) -> None:
        self.files = frozenset(files)
        self.roots = [("" if r in ("", ".") else r.rstrip("/")) for r in dict.fromkeys(roots)]

    def top_names(self) -> frozenset[str]:
        """The first part of every module name a project file has under some root."""
        names = set()
        for path in self.files:
            for root in self.roots:
                if not root or path.startswith(root + "/"):
                    head = path[len(root) + 1 if root else 0 :].split("/")[0]
                    names.add(head.removesuffix(".py"))
        return frozenset(name for name in names if name.isidentifier())

    def files_of(self, module: str) -> list[str]:
        """The files importing ``module`` runs: each package's ``__init__.py``, then the
        module's own file (none when it is not the project's)."""
        parts = module.split(".")
        for root in self.roots:
            base = "/".join([root, *parts]) if root else "/".join(parts)
            own = next((f for f in (f"{base}.py", f"{base}/__init__.py") if f in self.files), None)
            if own is None:
                continue
            inits = [
                _join("/".join(filter(None, [root, *parts[:i]])), "__init__.py")
                for i in range(1, len(parts))
            ]
            return [*(f for f in inits if f in self.files), own]
        return []


def _package_of(path: str, index: ModuleIndex) -> str | None:
    """The package relative imports in ``path`` resolve against."""
    for root in index.roots:
        if root and not path.startswith(root + "/"):
            continue
        relative = path[len(root) + 1 :] if root else path
        parts = relative.split("/")[:-1]  # a module's package; an __init__'s own
        if all(part.isidentifier() for part in parts):
            return ".".join(parts)
    return None


@dataclass(frozen=True)
class Closure:
    """The files collection imports."""

    files: frozenset[str]


def collection_closure(
    files: Collection[str],
    settings: CollectionSettings,
    src_roots: Iterable[str],
    imports_of: Callable[[str, frozenset[str]], ModuleImports],
) -> Closure:
    """Every project file that collection imports, following module-level imports from
    :func:`start_files`. ``imports_of(path, names)`` reads one file (once per file
    reached); ``names`` are the project's top-level module names, for
    :func:`may_import_project`."""
    files = frozenset(files)
    starts = start_files(files, settings)
    basedirs = [_basedir(path, files) for path in starts]
    index = ModuleIndex(files, [*src_roots, *settings.pythonpath, *basedirs, "."])
    names = index.top_names()
    reached: dict[str, None] = dict.fromkeys(starts)
    queue = list(starts)
    while queue:
        path = queue.pop()
        package = _package_of(path, index)
        for ref in imports_of(path, names).refs:
            module = resolve_relative(ref.module or None, ref.level, package)
            if module is None:
                continue
            for target in (module, *(f"{module}.{name}" for name in ref.names)):
                for file in index.files_of(target):
                    if file not in reached:
                        reached[file] = None
                        queue.append(file)
    return Closure(frozenset(reached))
