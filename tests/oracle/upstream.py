"""A fake ``sglang`` on disk: one class or function per name, at each supported version.

The generated shims make claims about the upstream's layout ("this new path exists from
0.5.10 on"); the fake upstream is built to make exactly those claims true, so that a
codemod trusting the tags can be judged by importing the project against it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

FLOOR = "0.5.10"
VERSIONS = ("0.5.10", "0.5.11")  # the supported window at floor 0.5.10, as far as it matters


@dataclass
class Upstream:
    """Which module defines which name at which versions."""

    names: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, module: str, name: str, versions: tuple[str, ...] = VERSIONS) -> None:
        self.names[module][name] = versions

    def layout(self, version: str) -> dict[str, list[str]]:
        """Module → names present at ``version`` (a module with none does not exist)."""
        found: dict[str, list[str]] = {}
        for module, names in sorted(self.names.items()):
            present = sorted(name for name, versions in names.items() if version in versions)
            if present:
                found[module] = present
        return found

    def write(self, root: Path, version: str) -> Path:
        """Write the package tree of ``version`` under ``root`` and return ``root``."""
        (root / "sglang").mkdir(parents=True, exist_ok=True)
        (root / "sglang" / "__init__.py").write_text(f"__version__ = {version!r}\n")
        for module, names in self.layout(version).items():
            parts = module.split(".")
            for depth in range(2, len(parts) + 1):
                init = root.joinpath(*parts[:depth], "__init__.py")
                if not init.exists():
                    init.parent.mkdir(parents=True, exist_ok=True)
                    init.write_text("")
            init = root.joinpath(*parts, "__init__.py")
            init.write_text(init.read_text() + "".join(_definition(module, n) for n in names))
        return root


def _definition(module: str, name: str) -> str:
    """A class (capitalised names) or a function that returns where it lives."""
    if name[0].isupper():
        return f"\n\nclass {name}:\n    pass\n"
    return f"\n\ndef {name}(*args, **kwargs):\n    return {f'{module}.{name}'!r}\n"
