"""docs/glossary.md is the one parameter vocabulary, checked against every built-in gate's signature."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import warnings
from pathlib import Path

import pytest

from mlgates import Gate, Suite
from mlgates._exports import GATE_WRAPPERS, LAZY_EXPORTS
from mlgates.core.params import ON_INSUFFICIENT, Interval, Options
from mlgates.core.renames import renamed_parameters, renamed_values

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "docs" / "glossary.md"
TEXT = GLOSSARY.read_text(encoding="utf-8")
EVERY = "every gate"


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", TEXT, flags=re.S | re.M)
    assert match, f"docs/glossary.md has no section '## {title}'"
    return match.group(1)


def _rows(title: str) -> list[list[str]]:
    rows = []
    for line in _section(title).splitlines():
        if line.startswith("| `"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def _code(cell: str) -> str:
    match = re.fullmatch(r"`([^`]+)`", cell)
    assert match, f"expected one `code` span, got {cell!r}"
    return match.group(1)


def _gate_classes() -> dict[str, type[Gate]]:
    out: dict[str, type[Gate]] = {"Suite": Suite}
    for name, module in LAZY_EXPORTS.items():
        if not (name.endswith("Gate") or name in GATE_WRAPPERS) or module.startswith("mlgates.integrations"):
            continue
        obj = getattr(importlib.import_module(module), name)
        if isinstance(obj, type) and issubclass(obj, Gate):
            out[name] = obj
    return out


GATES = _gate_classes()


def _signatures() -> dict[str, list[str]]:
    return {name: cls._param_names() for name, cls in GATES.items()}


def _evidently_parameters() -> list[str]:
    """EvidentlyGate's parameters read from its source (the extra may not be installed)."""
    tree = ast.parse((ROOT / "mlgates" / "integrations" / "evidently.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "EvidentlyGate":
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    args = item.args
                    return [
                        a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs] if a.arg != "self"
                    ]
    raise AssertionError("EvidentlyGate.__init__ not found")


def _pattern_regex(pattern: str) -> re.Pattern[str]:
    """``max_<stat>`` -> ``^max_[a-z0-9_]+$``."""
    parts = re.split(r"<[^>]+>", pattern)
    return re.compile("^" + "[a-z0-9_]+".join(re.escape(p) for p in parts) + "$")


def _table() -> dict[str, set[str] | str]:
    out: dict[str, set[str] | str] = {}
    for row in _rows("Every parameter"):
        name = _code(row[0])
        assert name not in out, f"{name} is listed twice in docs/glossary.md"
        gates = row[2]
        out[name] = EVERY if gates == EVERY else {g.strip() for g in gates.split(",")}
    return out


def test_every_parameter_is_in_the_glossary_or_follows_a_pattern():
    table = _table()
    patterns = [_pattern_regex(_code(row[0])) for row in _rows("Patterns")]
    assert len(patterns) >= 5
    unknown = sorted(
        f"{gate}({name}=)"
        for gate, names in _signatures().items()
        for name in names
        if name not in table and not any(p.match(name) for p in patterns)
    )
    assert not unknown, f"parameters missing from docs/glossary.md ('## Every parameter'): {unknown}"


def test_the_glossary_names_exactly_the_gates_that_have_each_parameter():
    table = _table()
    users: dict[str, set[str]] = {}
    for gate, names in _signatures().items():
        for name in names:
            users.setdefault(name, set()).add(gate)
    problems = []
    for name, listed in table.items():
        actual = users.get(name, set())
        if listed == EVERY:
            if actual != set(GATES):
                problems.append(f"{name}: listed for every gate, missing from {sorted(set(GATES) - actual)}")
            continue
        if listed != actual:
            problems.append(
                f"{name}: listed for {sorted(listed)}, used by {sorted(actual)}"
                + ("" if actual else " (a stale row: no gate has it)")
            )
    assert not problems, "docs/glossary.md '## Every parameter' is out of date:\n" + "\n".join(problems)


def test_evidently_gate_parameters_are_documented():
    names = _evidently_parameters()
    assert names[-2:] == ["name", "blocking"]
    for name in names[:-2]:
        assert f"{name}" in _section("Every parameter"), name


def test_retired_spellings_are_gone_from_signatures_and_shimmed():
    rows = _rows("Retired spellings")
    assert len(rows) >= 13
    documented_names: set[tuple[str, str, str]] = set()
    documented_values: set[tuple[str, str, str, str]] = set()
    for gate_cell, old_cell, new_cell in rows:
        gate, old, new = _code(gate_cell), _code(old_cell), _code(new_cell)
        cls = GATES[gate]
        if "=" in old:  # a retired option value
            param, old_value = old.split("=")
            new_param, new_value = new.split("=")
            assert param == new_param
            old_value, new_value = ast.literal_eval(old_value), ast.literal_eval(new_value)
            assert renamed_values(cls)[param][old_value] == new_value, (gate, old)
            documented_values.add((gate, param, old_value, new_value))
            continue
        assert old not in cls._param_names(), f"{gate} still has the retired parameter {old!r}"
        assert new in cls._param_names(), f"{gate} has no parameter {new!r}"
        assert renamed_parameters(cls).get(old) == new, f"{gate}: {old!r} is not shimmed to {new!r}"
        documented_names.add((gate, old, new))
    shimmed_names = {(g, o, n) for g, cls in GATES.items() for o, n in renamed_parameters(cls).items()}
    shimmed_values = {
        (g, p, o, n) for g, cls in GATES.items() for p, m in renamed_values(cls).items() for o, n in m.items()
    }
    assert shimmed_names == documented_names, "document every rename in '## Retired spellings'"
    assert shimmed_values == documented_values, "document every renamed value in '## Retired spellings'"


def test_a_retired_spelling_names_nothing_else():
    """A retired name is used by no gate, unless the glossary lists it with its own meaning
    (``threshold`` stays DriftGate's bound on its statistic, ``max_rows`` RowCountGate's bound)."""
    table = _table()
    retired = {_code(row[1]) for row in _rows("Retired spellings") if "=" not in row[1]}
    for gate, names in _signatures().items():
        reused = (retired & set(names)) - set(table)
        assert not reused, f"{gate} uses the retired name(s) {sorted(reused)}"


def test_no_parameter_is_named_like_an_input():
    allowed = {_code(row[0]) for row in _rows("Parameters named like an input")}
    assert allowed == {"sensitive_features"}
    for gate, cls in GATES.items():
        instance_inputs = set(cls.extra_inputs) | set(Gate().accepted_inputs())
        shadowing = (set(cls._param_names()) & instance_inputs) - allowed
        assert not shadowing, f"{gate} has parameters named like inputs: {sorted(shadowing)}"


def test_one_on_insufficient_option_set_everywhere():
    for gate, cls in GATES.items():
        constraints = {}
        for klass in reversed(cls.__mro__):
            constraints.update(getattr(klass, "_parameter_constraints", {}) or {})
        if "on_insufficient" in constraints:
            assert constraints["on_insufficient"] == [ON_INSUFFICIENT], gate
            assert inspect.signature(cls.__init__).parameters["on_insufficient"].default == "warn", gate
        for name, allowed in constraints.items():
            if name.startswith("on_"):
                assert any(isinstance(c, Options) for c in allowed), f"{gate}.{name} has no option set"


def test_alpha_is_only_a_significance_level():
    for gate, cls in GATES.items():
        allowed = getattr(cls, "_parameter_constraints", {}).get("alpha")
        if allowed is None:
            continue
        (interval,) = [c for c in allowed if isinstance(c, Interval)]
        assert interval.left == 0 and interval.closed in ("right", "neither"), gate
        assert interval.right is not None and interval.right <= 1, gate


def test_the_glossary_is_linked_from_the_index():
    assert "(glossary.md)" in (ROOT / "docs" / "index.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("gate", sorted(GATES))
def test_constructing_with_the_documented_names_does_not_warn(gate):
    cls = GATES[gate]
    required = {
        "DeterminismGate": {"train_fn": len},
        "RuleGate": {"rules": ["end >= start"]},
        "StatisticGate": {"statistic": "mean"},
        "Windowed": {"gate": Suite()},
    }.get(gate, {})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        instance = cls(**required)
        instance.set_params(**instance.get_params())
