"""Reason codes are a public contract: one registry (mlgates.reasons), the docs table generated
from it, every emitted code registered, and no decision that branches on a reason string.

Emitted codes are checked twice:

- at run time, by the autouse fixture in the root ``conftest.py``: every verdict a built-in gate
  returns during the test session (codes from tuples, dicts and variables included) must carry
  registered codes only;
- statically, here: every string the package passes as ``reason=``, returns or assigns next
  to a ``Status``, or stores in a reason/code variable, tuple or mapping must be registered
  (this covers code paths the tests do not run).
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mlgates.core.reasons import FAMILIES, RENAMED, Reason, canonical, is_registered, markdown, unregistered
from mlgates.core.status import Status

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "mlgates"
SNAKE = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*\Z")
REASONY = re.compile(r"(^|_)(reason|code|reasons|codes|error)$", re.IGNORECASE)
#: Where decisions are made: no comparison with a reason code here (surfaces may read codes).
DECIDING = ("core", "gates", "stats", "fingerprints", "integrations", "record")


def _consts(node: ast.AST):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _consts(node.body)
        yield from _consts(node.orelse)
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _consts(value)


def _is_status(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Status"


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _codes_in(tree: ast.AST):
    """(code, line) of every string in a reason position (see the module docstring)."""
    for node in ast.walk(tree):
        found: list[str] = []
        if isinstance(node, ast.keyword) and node.arg == "reason":
            found += _consts(node.value)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            args = [*node.args.posonlyargs, *node.args.args]
            defaults = [None] * (len(args) - len(node.args.defaults)) + list(node.args.defaults)
            pairs = [*zip(args, defaults), *zip(node.args.kwonlyargs, node.args.kw_defaults)]
            found += [c for a, d in pairs if a.arg == "reason" and d is not None for c in _consts(d)]
            if re.search("reason|cause", node.name):  # (code, text) returned by a helper
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Return) and isinstance(ret.value, ast.Tuple) and ret.value.elts:
                        found += _consts(ret.value.elts[0])
        elif isinstance(node, ast.For) and isinstance(node.target, ast.Tuple):
            # for subject, value, reason, ... in (("ece", ece, "calibration_error_exceeded"), ...)
            slots = [i for i, t in enumerate(node.target.elts) if (n := _name(t)) and REASONY.search(n)]
            rows = node.iter.elts if isinstance(node.iter, (ast.Tuple, ast.List)) else []
            for row in rows:
                if isinstance(row, ast.Tuple):
                    found += [c for i in slots if i < len(row.elts) for c in _consts(row.elts[i])]
        elif isinstance(node, ast.Tuple) and any(_is_status(e) for e in node.elts):
            found += [c for e in node.elts for c in _consts(e)]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                name = _name(target)
                if name and (REASONY.search(name) or "REASON" in name.upper()):
                    value = node.value
                    if isinstance(value, ast.Tuple) and value.elts:
                        found += _consts(value.elts[0])
                    if isinstance(value, ast.Dict):
                        found += [c for v in value.values if v is not None for c in _consts(v)]
                    found += _consts(value)
                if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    for t, v in zip(target.elts, node.value.elts):
                        if (n := _name(t)) and REASONY.search(n):
                            found += _consts(v)
        for code in found:
            yield code, getattr(node, "lineno", 0)


def _positional_codes(tree: ast.AST):
    """(code, line) of strings passed by position to a function of the same module whose
    parameter ``reason`` takes them: ``fail("verdict_failed", ...)``, ``problems.add(s, "x", ...)``."""
    slots: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names = [a.arg for a in [*node.args.posonlyargs, *node.args.args]]
            if "reason" in names:
                offset = 1 if names and names[0] in ("self", "cls") else 0
                slots[node.name] = names.index("reason") - offset
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and (name := _name(node.func)) in slots:
            k = slots[name]
            if k < len(node.args):
                for code in _consts(node.args[k]):
                    yield code, node.lineno


def _emitted() -> dict[str, list[str]]:
    codes: dict[str, list[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        if path.name == "reasons.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for code, line in [*_codes_in(tree), *_positional_codes(tree)]:
            if len(code) > 1:  # one-letter doctest dummies
                codes.setdefault(code, []).append(f"{path.relative_to(ROOT)}:{line}")
    return codes


# -- the registry -------------------------------------------------------------------------------
def test_registry_entries_are_well_formed():
    assert len(Reason) == len({r.value for r in Reason})
    for r in Reason:
        assert SNAKE.match(r.value), r
        assert r.name == r.value.upper(), r
        assert isinstance(r.status, Status)
        assert r.families and set(r.families) <= set(FAMILIES), r
        text = r.description
        assert text[0].isupper() and text.endswith(".") and "\n" not in text, r
        assert len(text) < 140, r


def test_renamed_codes_point_to_registered_codes_and_are_not_registered_themselves():
    for old, new in RENAMED.items():
        assert not is_registered(old), old
        assert is_registered(new.value)
        assert canonical(old) == new.value


def test_bounds_and_word_order_follow_the_naming_rules():
    codes = [r.value for r in Reason]
    assert not [c for c in codes if c.endswith("_missing") and c != "all_missing"]
    assert not [c for c in codes if c.endswith(("_invalid", "_undefined")) or c.startswith("undefined_rate")]
    assert [c for c in codes if "undefined" in c] == ["undefined_statistic"]
    assert not [c for c in codes if re.search(r"(below_min|above_max|too_few|too_many)", c)]


def test_docs_table_is_generated_from_the_registry():
    page = (ROOT / "docs" / "reasons.md").read_text(encoding="utf-8")
    assert page == markdown(), "regenerate it: python -m mlgates.reasons > docs/reasons.md"
    for r in Reason:
        assert f"| `{r.value}` | {r.status.value} |" in page


def test_module_entry_point_prints_the_docs_page():
    out = subprocess.run(
        [sys.executable, "-m", "mlgates.reasons"], check=True, capture_output=True, text=True
    )
    assert out.stdout == markdown() and not out.stderr


def test_public_module_is_the_registry():
    import mlgates.reasons

    assert mlgates.reasons.Reason is Reason
    assert mlgates.reasons.Reason("drift_detected") is Reason.DRIFT_DETECTED


# -- emitted codes --------------------------------------------------------------------------------
def test_static_scan_finds_codes_in_every_reason_position():
    tree = ast.parse(
        "def f(reason='a_default'):\n"
        "    status, reason = Status.FAIL, 'in_a_tuple'\n"
        "    code = 'in_a_variable'\n"
        "    _REASONS = {Status.WARN: 'in_a_mapping'}\n"
        "    out.error = ('first_of_error', 'message')\n"
        "    Finding(reason='a_keyword' if x else None)\n"
        "    return Status.WARN, 'returned_with_status'\n"
        "    for subject, reason in (('a', 'in_a_loop_row'),):\n"
        "        pass\n"
        "def _undefined_cause():\n"
        "    return 'returned_by_cause', 'text'\n"
        "def fail(reason, message):\n"
        "    return Finding('x', Status.FAIL, reason=reason, message=message)\n"
        "fail('passed_by_position', 'text')\n"
        "class P:\n"
        "    def add(self, subject, reason): ...\n"
        "problems.add('subject', 'passed_to_a_method')\n"
    )
    found = {code for code, _ in [*_codes_in(tree), *_positional_codes(tree)]}
    assert found >= {
        "a_default",
        "in_a_tuple",
        "in_a_variable",
        "in_a_mapping",
        "first_of_error",
        "a_keyword",
        "returned_with_status",
        "returned_by_cause",
        "in_a_loop_row",
        "passed_by_position",
        "passed_to_a_method",
    }


#: Endings that only reason codes have: any such string in the package must be registered.
CODE_ENDINGS = re.compile(r"_(exceeded|inconclusive|detected|mismatch|failed|required|changed|regression)\Z")
#: ... except these, which are not reason codes.
NOT_CODES = {
    "artifacts_changed",  # ReproducibilityGate metric
    "n_columns_failed",  # StringGate metric
    "segments_failed",  # PerformanceGate metric
    "fairness_non_regression",  # FairnessGate finding method
    "pattern_mismatch",  # StringGate rule counted in details
    # ArtifactSafetyGate: why an artifact is `unverifiable` (details["why"], not reason codes)
    "decompressed_bytes_exceeded",
    "load_failed",
    "parse_error",
    "truncated",
}


def test_every_code_in_the_source_is_registered():
    emitted = _emitted()
    assert len(emitted) > 60  # the scan found the codes (guards against a broken scan)
    unknown = {
        c: w for c, w in emitted.items() if SNAKE.match(c) and not is_registered(c) and c not in NOT_CODES
    }
    unknown.pop("error", None)  # Status.ERROR's own value, next to Status members in status.py
    assert not unknown, f"register these reason codes in mlgates/core/reasons.py: {unknown}"


def test_every_string_shaped_like_a_code_is_registered():
    """A safety net for positions the scan above does not know: a snake_case string ending like
    a reason code (``_exceeded``, ``_mismatch``, ...) anywhere in the package is registered."""
    hits = sorted(
        {
            node.value
            for path in PACKAGE.rglob("*.py")
            if path.name != "reasons.py"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and SNAKE.match(node.value)
            and CODE_ENDINGS.search(node.value)
            and not is_registered(node.value)
            and node.value not in NOT_CODES
        }
    )
    assert not hits, f"register these reason codes in mlgates/core/reasons.py: {hits}"


def test_no_renamed_code_is_emitted_any_more():
    old = set(RENAMED)
    hits = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.value}"
        for path in PACKAGE.rglob("*.py")
        if path.name != "reasons.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and node.value in old
    ]
    assert not hits


def _is_code_literal(node: ast.AST) -> bool:
    """A string, a container of strings, or a ``Reason.<MEMBER>``."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_is_code_literal(e) for e in node.elts)
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "Reason"


def test_decisions_never_branch_on_reason_strings():
    """No ``x.reason == ...``, ``reason in (...)`` or ``code != ...`` where gates decide."""
    hits = []
    for folder in DECIDING:
        for path in (PACKAGE / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Compare):
                    continue
                sides = [node.left, *node.comparators]
                reasonish = any(
                    (isinstance(s, ast.Name) and re.search(r"(^|_)(reason|code)$", s.id))
                    or (isinstance(s, ast.Attribute) and s.attr == "reason")
                    for s in sides
                )
                if reasonish and any(_is_code_literal(s) for s in sides):
                    hits.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not hits, f"decide from a flag or a status, not from a reason string: {hits}"


def test_runtime_check_catches_codes_from_tuples_and_variables():
    """The session-wide check (root conftest.py) looks at what built-in gates return, however
    the code was built; a user-defined gate's own codes are its business."""
    from mlgates import Finding, Verdict

    built_in = Verdict(
        Status.FAIL,
        name="rows",
        gate="RowCountGate",
        reason="row_count_exceeded",
        findings=(Finding("rows", Status.FAIL, reason="_".join(("too", "few", "rows"))),),
    )
    assert unregistered(built_in) == [("rows: rows", "too_few_rows")]
    user = Verdict(Status.FAIL, name="mine", gate="MyGate", reason="my_own_code")
    suite = Verdict(Status.FAIL, name="suite", gate="Suite", reason="my_own_code", children=(user,))
    assert unregistered(suite) == []


@pytest.mark.parametrize(("old", "new"), sorted((k, v.value) for k, v in RENAMED.items()))
def test_old_verdicts_load_with_the_new_codes(old, new):
    from mlgates import Finding, Verdict

    saved = Verdict(
        Status.FAIL, name="g", gate="G", reason=old, findings=(Finding("x", Status.FAIL, reason=old),)
    ).to_json()
    loaded = Verdict.from_json(saved)
    assert loaded.reason == new and loaded.findings[0].reason == new
    mine = Verdict(Status.FAIL, name="g", gate="G", reason="my_own_code").to_json()
    assert Verdict.from_json(mine).reason == "my_own_code"  # user codes are kept as they are
