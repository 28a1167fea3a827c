"""A fake ``sglang`` on disk: one class or function per name, at each version.

The generated shims make claims about the upstream's layout ("this new path exists from
0.5.10 on"); the fake upstream is built to make exactly those claims true, so that a
codemod trusting the tags can be judged by importing the project against it. A name is
either a plain class or function (its place says all) or has its own source per version
(a signature that gained a parameter, a class that gained an attribute).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import packaging
from packaging.version import Version

FLOOR = "0.5.10"
#: Every version the fake upstream can be written at; the floor cuts the supported window.
ALL_VERSIONS = ("0.5.9", "0.5.10", "0.5.11", "0.5.12")
#: Every supported version at the floor.
SUPPORTED = tuple(v for v in ALL_VERSIONS if Version(v) >= Version(FLOOR))
VERSIONS = ("0.5.10", "0.5.11")  # the window the importer oracle runs, as far as it matters


def since(version: str) -> tuple[str, ...]:
    """The versions from ``version`` on."""
    return tuple(v for v in ALL_VERSIONS if Version(v) >= Version(version))


def before(version: str) -> tuple[str, ...]:
    """The versions below ``version``."""
    return tuple(v for v in ALL_VERSIONS if Version(v) < Version(version))


@dataclass
class Upstream:
    """Which module defines which name at which versions (and with which source)."""

    names: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=lambda: defaultdict(dict))
    sources: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    def add(self, module: str, name: str, versions: tuple[str, ...] = VERSIONS) -> None:
        self.names[module][name] = versions

    def define(self, module: str, name: str, by_version: Mapping[str, str]) -> None:
        """``name`` exists at the versions ``by_version`` lists, with that source there."""
        self.names[module][name] = tuple(by_version)
        self.sources[module, name] = dict(by_version)

    def layout(self, version: str) -> dict[str, list[str]]:
        """Module → names present at ``version`` (a module with none does not exist)."""
        found: dict[str, list[str]] = {}
        for module, names in sorted(self.names.items()):
            present = sorted(name for name, versions in names.items() if version in versions)
            if present:
                found[module] = present
        return found

    def write(self, root: Path, version: str) -> Path:
        """Write the package tree of ``version`` under ``root`` and return ``root``.

        ``packaging`` is linked beside it, as in any environment sglang is installed in,
        so that a shim may compare ``Version(sglang.__version__)``.
        """
        (root / "sglang").mkdir(parents=True, exist_ok=True)
        (root / "sglang" / "__init__.py").write_text(f"__version__ = {version!r}\n")
        link = root / "packaging"
        if not link.exists():
            link.symlink_to(Path(packaging.__file__).parent, target_is_directory=True)
        for module, names in self.layout(version).items():
            parts = module.split(".")
            for depth in range(2, len(parts) + 1):
                init = root.joinpath(*parts[:depth], "__init__.py")
                if not init.exists():
                    init.parent.mkdir(parents=True, exist_ok=True)
                    init.write_text("")
            init = root.joinpath(*parts, "__init__.py")
            text = "".join(self._definition(module, name, version) for name in names)
            init.write_text(init.read_text() + text)
        return root

    def _definition(self, module: str, name: str, version: str) -> str:
        source = self.sources.get((module, name))
        if source is not None:
            return "\n\n" + source[version].strip("\n") + "\n"
        return _definition(module, name)


def _definition(module: str, name: str) -> str:
    """A class (capitalised names) or a function that returns where it lives."""
    if name[0].isupper():
        return f"\n\nclass {name}:\n    pass\n"
    return f"\n\ndef {name}(*args, **kwargs):\n    return {f'{module}.{name}'!r}\n"
