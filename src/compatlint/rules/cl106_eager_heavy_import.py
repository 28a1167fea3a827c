"""CL106 eager-heavy-import: a CUDA-only module imported at module level in the shim."""

from __future__ import annotations

from collections.abc import Iterator

from compatlint.analysis.project import ProjectFacts
from compatlint.model import Diagnostic
from compatlint.rules.base import Case, Rule


def _matches(module: str, prefixes: tuple[str, ...]) -> str | None:
    for prefix in prefixes:
        if module == prefix or module.startswith(prefix + "."):
            return prefix
    return None


class EagerHeavyImport(Rule):
    code = "CL106"
    name = "eager-heavy-import"
    summary = "The shim imports a configured heavy (CUDA-only) module at module level."
    what = """
Flags imports in a shim, outside any function, of modules matching `heavy-imports`
prefixes (e.g. `sgl_kernel`) — including imports inside a module-level `try`.
"""
    why = """
Policy: defer CUDA-only imports. The shim is loaded on test and CI nodes without a
GPU; anything that pulls a CUDA kernel package at import time breaks collection there.
Import it inside the function body that needs it.
"""
    example = """
from sgl_kernel import flash_ops


def mm_encode(encoder, items):
    return flash_ops.encode(encoder, items)
"""
    use_instead = """
def mm_encode(encoder, items):
    from sgl_kernel import flash_ops

    return flash_ops.encode(encoder, items)
"""
    VALID = (
        Case(
            "def mm_encode(encoder):\n    from sgl_kernel import ops\n    return ops\n",
            config={"heavy-imports": ["sgl_kernel"]},
        ),
        Case("import sgl_kernel_helpers\n", config={"heavy-imports": ["sgl_kernel"]}),
    )
    INVALID = (
        Case("import sgl_kernel\n", config={"heavy-imports": ["sgl_kernel"]}, lines=(1,)),
        Case(
            "try:\n    from sgl_kernel.ops import fused\nexcept ImportError:\n    fused = None\n",
            config={"heavy-imports": ["sgl_kernel"]},
            lines=(2,),
        ),
        Case(
            "from sglang.srt.layers import quantization\n",
            config={"heavy-imports": ["sglang.srt.layers.quantization"]},
            lines=(1,),
        ),
    )

    def check(self, project: ProjectFacts) -> Iterator[Diagnostic]:
        prefixes = project.config.heavy_imports
        if not prefixes:
            return
        for path in project.shims:
            facts = project.files.get(path)
            if facts is None:
                continue
            for fact in facts.imports:
                if fact.in_function:
                    continue
                candidates = [fact.module, *(f"{fact.module}.{name}" for name in fact.names)]
                hit = next((p for c in candidates if (p := _matches(c, prefixes))), None)
                if hit is not None:
                    yield self.report(
                        path,
                        fact,
                        f"module-level import of {fact.module} ({hit} is a heavy import): "
                        "move it into the function that needs it",
                    )
