"""Reason codes are a public contract: every code the package emits is snake_case and documented."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODE = re.compile(r"""reason\s*=\s*["']([A-Za-z0-9_]+)["']""")


def _emitted() -> set[str]:
    codes: set[str] = set()
    for path in (ROOT / "mlgates").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        codes.update(c for c in CODE.findall(text) if len(c) > 1)  # skip one-letter doctest dummies
    return codes


def test_reason_codes_are_snake_case():
    bad = sorted(c for c in _emitted() if not re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", c))
    assert not bad, bad


def test_every_reason_code_is_documented():
    docs = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md"))
    missing = sorted(c for c in _emitted() if not re.search(rf"\b{c}\b", docs))
    assert not missing, f"document these reason codes in docs/: {missing}"
    assert len(_emitted()) > 40  # the scan found the codes (guards against a broken pattern)
