"""One guarded choice in a shim, written out: a guard, its two arms and a tag somewhere.

A :class:`Guard` names a feature of the fake upstream (``index``) that appeared at
``since``, the guard that detects it, the shape of the choice, where the tag sits and
what it claims. :func:`render` turns it into shim code, the upstream definitions the
guard looks at, and the public names callers use. Tags are *true* claims (the arm they
sit in is needed only below the version they name) unless ``claim`` says otherwise:
``wrong-arm`` puts the tag in the new arm, ``wrong-version`` names an earlier version
than the condition tests (only for version guards, where the code says which is right).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from oracle.upstream import ALL_VERSIONS, Upstream, before, since

# Guard kinds. Module-level try statements bind names; the others choose inside a function.
IMPORT_KINDS = ("import", "import-mnf", "import-name", "import-attr", "temporary-try")
TRY_KINDS = (*IMPORT_KINDS, "attribute", "sentinel", "typeerror")
PROBES = ("hasattr", "getattr", "callable", "signature", "version")
IF_KINDS = (*PROBES, "flag")
WRAPPERS = ("wrapper-work", "wrapper-noop")
GUARD_KINDS = TRY_KINDS + IF_KINDS + WRAPPERS
IF_SHAPES = ("if-else", "early-return", "ternary", "module-if", "elif")
POSITIONS = ("above", "inside", "trailing", "after", "none")
CLAIMS = ("true", "wrong-arm", "wrong-version")


@dataclass(frozen=True)
class Guard:
    index: int
    kind: str
    since: str = "0.5.10"
    shape: str = "if-else"
    position: str = "inside"
    claim: str = "true"
    negated: bool = False
    on_flag: bool = False  # a flag guard's tag above the flag's assignment instead

    @property
    def removal(self) -> str:
        """The version the tag says its arm can go at."""
        return "0.5.10" if self.claim == "wrong-version" else self.since


@dataclass
class Rendered:
    """What one guard adds to the shim, and what callers may use of it."""

    imports: set[str] = field(default_factory=set)
    prelude: list[str] = field(default_factory=list)  # module-level statements before
    block: str = ""
    calls: list[str] = field(default_factory=list)  # functions: RESULT holds f(1), f(2)
    values: list[str] = field(default_factory=list)  # names RESULT holds as they are
    boxes: list[str] = field(default_factory=list)  # functions called bare on a list


def tag(removal: str) -> str:
    previous = ALL_VERSIONS[ALL_VERSIONS.index(removal) - 1]
    return f"# Fallback for sglang {previous}. Remove when min supported version is {removal}+"


def add_feature(upstream: Upstream, index: int, version: str) -> None:
    """Feature ``index`` appears at ``version``: a module moves from ``sglang.legacy`` to
    ``sglang.srt``, ``sglang.api`` gains a function, a class attribute and a parameter."""
    new, old = since(version), before(version)
    for module, versions in ((f"sglang.srt.feat{index}", new), (f"sglang.legacy.feat{index}", old)):
        upstream.define(
            module, f"Thing{index}", {v: f"class Thing{index}:\n    pass" for v in versions}
        )
        upstream.define(
            module,
            f"make{index}",
            {v: f"def make{index}(x):\n    return ({module!r}, {v!r}, x)" for v in versions},
        )
    upstream.define(
        "sglang.api",
        f"fn{index}",
        {v: f"def fn{index}(x):\n    return ('fn{index}', {v!r}, x)" for v in new},
    )
    upstream.define(
        "sglang.api",
        f"Engine{index}",
        {
            v: f"class Engine{index}:\n    attr{index} = {v!r}"
            if v in new
            else f"class Engine{index}:\n    pass"
            for v in ALL_VERSIONS
        },
    )
    upstream.define(
        "sglang.api",
        f"sig{index}",
        {
            v: f"def sig{index}(a, b=None):\n    return ('sig{index}', {v!r}, a, b)"
            if v in new
            else f"def sig{index}(a):\n    return ('sig{index}', {v!r}, a)"
            for v in ALL_VERSIONS
        },
    )
    for package in ("sglang.srt", "sglang.legacy"):  # both packages exist at every version
        upstream.define(f"{package}.base", "BASE", {v: "BASE = 1" for v in ALL_VERSIONS})


# -- conditions -----------------------------------------------------------------------------


def _probe(guard: Guard) -> tuple[str, str, str, str, set[str]]:
    """(test true on new versions, its negation, new expression, old expression, imports)."""
    i = guard.index
    api = {"import sglang.api"}
    if guard.kind == "hasattr":
        test = f'hasattr(sglang.api.Engine{i}, "attr{i}")'
        return test, f"not {test}", f"(sglang.api.Engine{i}.attr{i}, x)", f'("old{i}", x)', api
    if guard.kind == "getattr":
        test = f'getattr(sglang.api, "fn{i}", None)'
        return (
            f"{test} is not None",
            f"{test} is None",
            f"sglang.api.fn{i}(x)",
            f'("old{i}", x)',
            api,
        )
    if guard.kind == "callable":
        test = f'callable(getattr(sglang.api, "fn{i}", None))'
        return test, f"not {test}", f"sglang.api.fn{i}(x)", f'("old{i}", x)', api
    new, old = f"sglang.api.sig{i}(x, b=1)", f"sglang.api.sig{i}(x)"
    if guard.kind == "signature":
        parameters = f"inspect.signature(sglang.api.sig{i}).parameters"
        return (
            f'"b" in {parameters}',
            f'"b" not in {parameters}',
            new,
            old,
            {*api, "import inspect"},
        )
    version = f'Version(sglang.__version__) {{}} Version("{guard.since}")'
    imports = {*api, "from packaging.version import Version"}
    return version.format(">="), version.format("<"), new, old, imports


def _condition(guard: Guard, rendered: Rendered) -> tuple[str, str, str]:
    """(the test as written, the first arm's expression, the second arm's)."""
    probe_kind = guard.kind
    if guard.kind == "flag":
        probe_kind = PROBES[guard.index % len(PROBES)]
    probe = Guard(guard.index, probe_kind, guard.since)
    positive, negative, new, old, imports = _probe(probe)
    rendered.imports |= imports
    if guard.kind == "flag":
        flag = f"HAS_FEATURE{guard.index}"
        lead = tag(guard.removal) + "\n" if guard.on_flag else ""
        rendered.prelude.append(f"{lead}{flag} = {positive}")
        positive, negative = flag, f"not {flag}"
    if guard.negated:
        return negative, old, new
    return positive, new, old


def _tagged_arm(guard: Guard) -> str | None:
    """Which arm (``first`` / ``second``) the tag sits in; None: above, none or on a flag."""
    if guard.position in ("above", "none") or guard.on_flag:
        return None
    old_first = guard.negated
    in_old = guard.claim != "wrong-arm"
    return "first" if old_first == in_old else "second"


# -- shapes ---------------------------------------------------------------------------------


class _Lines:
    """Code lines with the tag dropped in at the chosen place."""

    def __init__(self, guard: Guard) -> None:
        self.guard, self.arm = guard, _tagged_arm(guard)
        self.text = tag(guard.removal)
        self.lines: list[str] = []

    def above(self, indent: str) -> None:
        if self.guard.position == "above" and not self.guard.on_flag:
            self.lines.append(indent + self.text)

    def header(self, line: str, arm: str) -> None:
        trailing = self.arm == arm and self.guard.position == "trailing"
        self.lines.append(line + ("  " + self.text if trailing else ""))

    def arm_body(self, arm: str, indent: str, body: list[str]) -> None:
        if self.arm == arm and self.guard.position == "inside":
            self.lines.append(indent + self.text)
        self.lines += [indent + line for line in body]
        if self.arm == arm and self.guard.position == "after":
            self.lines.append(indent + self.text)


def _if_function(guard: Guard, name: str, rendered: Rendered) -> str:
    test, first, second = _condition(guard, rendered)
    out = _Lines(guard)
    shape = guard.shape
    if shape == "module-if":
        out.above("")
        out.header(f"if {test}:", "first")
        out.arm_body("first", "    ", [f"def {name}(x):", f"    return {first}"])
        out.header("else:", "second")
        out.arm_body("second", "    ", [f"def {name}(x):", f"    return {second}"])
        return "\n".join(out.lines)
    out.lines.append(f"def {name}(x):")
    if shape == "ternary":
        out.above("    ")
        trailing = "  " + out.text if guard.position in ("inside", "trailing") else ""
        out.lines.append(f"    return {first} if {test} else {second}{trailing}")
        if guard.position == "after":
            out.lines.append("    " + out.text)
        return "\n".join(out.lines)
    if shape == "elif":
        out.lines += ["    if x == 0:", '        return "zero"']
        out.above("    ")
        out.header(f"    elif {test}:", "first")
    else:
        out.above("    ")
        out.header(f"    if {test}:", "first")
    out.arm_body("first", "        ", [f"return {first}"])
    if shape == "early-return":
        out.arm_body("second", "    ", [f"return {second}"])
    else:
        out.header("    else:", "second")
        out.arm_body("second", "        ", [f"return {second}"])
    return "\n".join(out.lines)


def _wrapper(guard: Guard, rendered: Rendered) -> str:
    """A def tagged as a whole: it does work in both arms, or only on old versions."""
    i = guard.index
    name = f"apply{i}" if guard.kind == "wrapper-work" else f"ensure_patched{i}"
    probe = Guard(i, PROBES[i % len(PROBES)], guard.since, negated=guard.kind == "wrapper-noop")
    test, first, second = _condition(probe, rendered)
    lines = [tag(guard.removal), f'def {name}(target, x="w"):']
    lines += [f"    if {test}:", f"        target.append({first})"]
    if guard.kind == "wrapper-work":
        lines += ["    else:", f"        target.append({second})"]
    rendered.boxes.append(name)
    return "\n".join(lines)


def _import_try(guard: Guard, rendered: Rendered) -> str:
    i = guard.index
    new, old = f"sglang.srt.feat{i}", f"sglang.legacy.feat{i}"
    first, second = (old, new) if guard.kind == "temporary-try" else (new, old)
    names = f"make{i}, Thing{i}"
    caught = {
        "import-mnf": "ModuleNotFoundError",
        "import-attr": "(ImportError, AttributeError)",
    }.get(guard.kind, "ImportError")
    out = _Lines(guard)
    arm = "first" if guard.kind == "temporary-try" else "second"
    out.arm = None if guard.position in ("above", "none") else arm
    out.above("")
    out.header("try:", "first")
    out.arm_body("first", "    ", [f"from {first} import {names}"])
    if guard.kind == "import-name":
        out.header(f"except {caught} as exc:", "second")
        body = [f"if exc.name != {new!r}:", "    raise", f"from {second} import {names}"]
    else:
        out.header(f"except {caught}:", "second")
        body = [f"from {second} import {names}"]
    out.arm_body("second", "    ", body)
    rendered.calls.append(f"make{i}")
    rendered.values.append(f"Thing{i}")
    return "\n".join(out.lines)


def _other_try(guard: Guard, rendered: Rendered) -> str:
    """An AttributeError polyfill, a None sentinel and its test, a TypeError retry."""
    i = guard.index
    out = _Lines(guard)
    out.arm = None if guard.position in ("above", "none") else "second"
    if guard.kind == "typeerror":
        rendered.imports.add("import sglang.api")
        out.lines.append(f"def call{i}(x):")
        out.above("    ")
        out.header("    try:", "first")
        out.arm_body("first", "        ", [f"return sglang.api.sig{i}(x, b=1)"])
        out.header("    except TypeError:", "second")
        out.arm_body("second", "        ", [f"return sglang.api.sig{i}(x)"])
        rendered.calls.append(f"call{i}")
        return "\n".join(out.lines)
    if guard.kind == "attribute":
        rendered.imports.add("import sglang.api")
        first = [f"make{i} = sglang.api.fn{i}"]
        second = [f"def make{i}(x):", f'    return ("polyfill{i}", x)']
        caught = "AttributeError"
    else:
        first = [f"from sglang.srt.feat{i} import make{i}"]
        second = [f"make{i} = None"]
        caught = "ImportError"
    out.above("")
    out.header("try:", "first")
    out.arm_body("first", "    ", first)
    out.header(f"except {caught}:", "second")
    out.arm_body("second", "    ", second)
    if guard.kind == "sentinel":
        test = f"make{i} is None" if guard.negated else f"make{i} is not None"
        arms = [f'return ("old{i}", x)', f"return make{i}(x)"]
        first_arm, second_arm = arms if guard.negated else arms[::-1]
        out.lines += ["", "", f"def call{i}(x):", f"    if {test}:", f"        {first_arm}"]
        out.lines.append(f"    {second_arm}")
        rendered.calls.append(f"call{i}")
    else:
        rendered.calls.append(f"make{i}")
    return "\n".join(out.lines)


def render(guard: Guard) -> Rendered:
    rendered = Rendered()
    if guard.kind in WRAPPERS:
        rendered.block = _wrapper(guard, rendered)
    elif guard.kind in IF_KINDS:
        rendered.block = _if_function(guard, f"call{guard.index}", rendered)
        rendered.calls.append(f"call{guard.index}")
    elif guard.kind in IMPORT_KINDS:
        rendered.block = _import_try(guard, rendered)
    else:
        rendered.block = _other_try(guard, rendered)
    return rendered
