"""The layering rule (docs/architecture.md), checked by parsing the imports of every module.

Layers, lowest first: stats -> core -> profiles -> gates -> record -> report -> surfaces. A module
imports from its own layer or a lower one, never from a higher one, with one exception: the core
reaches the renderers through ``from mlgates.report import render`` (the one door). Every import
counts: module level, inside functions (lazy), under ``TYPE_CHECKING``, and
``importlib.import_module("...")`` with a literal name. Gate families do not import each other.
A private name or module (``_x``) is used only inside its own package, except the shared
internals listed below; the command line and the pytest plugin use public API only.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

import mlgates

ROOT = Path(mlgates.__file__).parent

LAYERS = ("stats", "core", "profiles", "gates", "record", "report", "surfaces")

#: Module name prefix -> layer (the longest matching prefix wins; ``mlgates`` itself, the public
#: facade that re-exports everything lazily, is a surface).
LAYER_OF = {
    "mlgates.stats": "stats",
    "mlgates.core": "core",
    "mlgates.fingerprints": "core",
    "mlgates._version": "core",
    "mlgates._exports": "core",
    "mlgates.datasets": "core",
    "mlgates.data": "core",
    "mlgates.contracts": "core",  # ODCS <-> gate configs (by registry name, as core.config)
    "mlgates.profiles": "profiles",
    "mlgates.gates": "gates",
    "mlgates.record": "record",
    "mlgates.ledger": "record",
    "mlgates.report": "report",
    "mlgates": "surfaces",
}

#: The one door from the core (and anything below the report layer) into the renderers.
DOOR = ("mlgates.report", frozenset({"render"}))

#: Private modules any layer may import (their public names): what DESIGN.md lists as core's
#: shared internals.
SHARED_INTERNALS = frozenset(
    {
        "mlgates._version",
        "mlgates._exports",
        "mlgates.core._io",  # file formats and atomic writes
        "mlgates.core._jsonable",  # plain data for JSON
        "mlgates.core._suggest",  # did-you-mean
        "mlgates.core._values",  # value checks shared by the families' input readers
        "mlgates.core._text",  # pluralize: one wording rule for counts
    }
)

#: The command line and the pytest plugin: public API only (plus the file-format module).
PUBLIC_ONLY = (
    "mlgates.cli",
    "mlgates.cli_audit",
    "mlgates.cli_check",
    "mlgates.cli_init",
    "mlgates.cli_inputs",
    "mlgates.cli_ledger",
    "mlgates.cli_output",
    "mlgates.cli_repro",
    "mlgates.pytest_plugin",
)
PUBLIC_ONLY_INTERNALS = frozenset({"mlgates.core._io"})
#: Private attributes a public-only module still sets, with the reason (keep this short).
KNOWN_PRIVATE_ATTRIBUTES = {
    # ReproducibilityGate words its messages for `mlgates verify` when this flag is set; it goes
    # away when the gate's messages are written from facts by a describe function per surface.
    ("mlgates.cli_repro", "_cli_terms"),
}


@dataclasses.dataclass(frozen=True)
class Edge:
    source: str
    target: str
    names: tuple[str, ...]
    line: int
    how: str  # "import", "from", "import_module"

    def __str__(self) -> str:
        what = f" ({', '.join(self.names)})" if self.names else ""
        return f"{self.source}:{self.line} -> {self.target}{what}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _resolve_from(source: str, node: ast.ImportFrom, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = source.split(".")
    if not is_package:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _edges(source: str, path: Path) -> list[Edge]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[Edge] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                out.append(Edge(source, alias.name, (), node.lineno, "import"))
        elif isinstance(node, ast.ImportFrom):
            module = _resolve_from(source, node, path.name == "__init__.py")
            plain: list[str] = []
            for alias in node.names:
                sub = f"{module}.{alias.name}"
                if sub in MODULES:  # `from mlgates import report`: the submodule itself
                    out.append(Edge(source, sub, (), node.lineno, "from"))
                else:
                    plain.append(alias.name)
            if plain:
                out.append(Edge(source, module, tuple(plain), node.lineno, "from"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            out.append(Edge(source, node.args[0].value, (), node.lineno, "import_module"))
    return [e for e in out if e.target == "mlgates" or e.target.startswith("mlgates.")]


EDGES = [e for name, path in MODULES.items() for e in _edges(name, path)]


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def layer_of(name: str) -> str | None:
    matches = [p for p in LAYER_OF if _within(name, p)]
    return LAYER_OF[max(matches, key=len)] if matches else None


def _package(name: str) -> str:
    """``mlgates.core`` for ``mlgates.core.gate``; ``mlgates.cli_check`` for itself."""
    return ".".join(name.split(".")[:2])


def _private(part: str) -> bool:
    return part.startswith("_") and not part.startswith("__")


def _private_module(name: str) -> bool:
    return any(_private(p) for p in name.split("."))


def _family(name: str) -> str | None:
    parts = name.split(".")
    if len(parts) >= 3 and parts[1] == "gates" and not _private(parts[2]):
        return parts[2]
    return None


# -- the rules ------------------------------------------------------------------------------------
def test_every_module_has_a_layer():
    unplaced = [name for name in MODULES if layer_of(name) is None]
    assert not unplaced, f"add these modules to LAYER_OF and to docs/architecture.md: {unplaced}"
    assert len(EDGES) > 300  # the parser sees the imports (a broken parser would pass vacuously)


def test_no_import_points_up_a_layer():
    upward = []
    for e in EDGES:
        src, dst = layer_of(e.source), layer_of(e.target)
        assert src is not None and dst is not None, str(e)
        if LAYERS.index(dst) <= LAYERS.index(src):
            continue
        if e.target == DOOR[0] and e.names and set(e.names) <= DOOR[1]:
            continue
        upward.append(str(e))
    assert not upward, "imports from a lower layer to a higher one:\n" + "\n".join(upward)


def test_the_core_reaches_the_renderers_through_one_door():
    into_report = [e for e in EDGES if layer_of(e.source) == "core" and layer_of(e.target) == "report"]
    assert into_report, "Verdict.to_text() and friends should go through mlgates.report.render"
    assert {(e.target, e.names) for e in into_report} == {("mlgates.report", ("render",))}


def test_gate_families_do_not_import_each_other():
    crossing = [
        str(e)
        for e in EDGES
        if _family(e.source) and _family(e.target) and _family(e.source) != _family(e.target)
    ]
    assert not crossing, "gate families import each other:\n" + "\n".join(crossing)


def test_private_names_and_modules_stay_in_their_package():
    leaks = []
    for e in EDGES:
        if _package(e.source) == _package(e.target):
            continue
        if _private_module(e.target) and e.target not in SHARED_INTERNALS:
            leaks.append(f"{e}: private module of another package")
        private_names = [n for n in e.names if _private(n)]
        if private_names:
            leaks.append(f"{e}: private name(s) {private_names} of another package")
    assert not leaks, "\n".join(leaks)


@pytest.mark.parametrize("module", PUBLIC_ONLY)
def test_command_line_and_pytest_plugin_use_public_api(module):
    problems = [
        f"{e}: private module"
        for e in EDGES
        if e.source == module and _private_module(e.target) and e.target not in PUBLIC_ONLY_INTERNALS
    ]
    problems += [f"{e}: private name" for e in EDGES if e.source == module and any(map(_private, e.names))]
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and _private(node.attr)):
            continue
        if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
            continue
        if (module, node.attr) in KNOWN_PRIVATE_ATTRIBUTES:
            continue
        problems.append(f"{module}:{node.lineno}: uses the private attribute .{node.attr}")
    assert not problems, "\n".join(problems)


# -- the checker itself ---------------------------------------------------------------------------
def test_checker_sees_lazy_type_checking_and_relative_imports(tmp_path):
    source = (
        "from typing import TYPE_CHECKING\n"
        "import importlib\n"
        "if TYPE_CHECKING:\n"
        "    from mlgates.gates.drift import DriftGate\n"
        "def f():\n"
        "    from mlgates.report.html import render_page\n"
        "    from ..report import render\n"
        "    return importlib.import_module('mlgates.cli_check')\n"
    )
    probe = tmp_path / "probe.py"
    probe.write_text(source)
    tree_edges = _edges("mlgates.core._layers_probe", probe)  # as if it were a core module
    found = {(e.target, e.names) for e in tree_edges}
    assert ("mlgates.gates.drift", ("DriftGate",)) in found
    assert ("mlgates.report.html", ("render_page",)) in found
    assert ("mlgates.report", ("render",)) in found
    assert ("mlgates.cli_check", ()) in found
    ups = [e for e in tree_edges if LAYERS.index(layer_of(e.target)) > LAYERS.index("core")]
    door = [e for e in ups if e.target == DOOR[0] and set(e.names) <= DOOR[1]]
    assert len(ups) == 4 and len(door) == 1
