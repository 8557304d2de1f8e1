"""``mlgates demo``: the bundled suite on bundled real data (UCI Adult).

Each gate family contributes a section: a function ``section(data) -> Gate`` in its own
module of this package, listed in :data:`SECTIONS`.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import TextIO

from mlgates.core.suite import Suite
from mlgates.core.verdict import Verdict

#: Modules of this package whose ``section(data)`` builds one part of the demo suite.
SECTIONS = (
    "mlgates.demo.quality",
    "mlgates.demo.drift",
    "mlgates.demo.performance",
    "mlgates.demo.fairness",
    "mlgates.demo.reproducibility",
    "mlgates.demo.security",
)


def build_demo_suite(data: object) -> Suite:
    """The demo suite: one child suite per section."""
    parts = [importlib.import_module(m).section(data) for m in SECTIONS]
    return Suite(parts, name="mlgates demo")


def run_demo(out_dir: str | Path = ".", *, stream: TextIO | None = None, color: bool = False) -> Verdict:
    """Run the demo suite, print the verdict, write ``mlgates-report.html`` and ``.json``."""
    from mlgates.demo.data import build_demo_data

    stream = stream or sys.stdout
    out = Path(out_dir)
    print(
        "mlgates demo: UCI Adult (CC BY 4.0), reference = random 60%, current = the rest, "
        "resampled towards older people.",
        file=stream,
    )
    data = build_demo_data()
    print(f"reference: {len(data.reference):,} rows; current: {len(data.current):,} rows\n", file=stream)
    suite = build_demo_suite(data)
    verdict = suite.check(**data.inputs())
    print(verdict.to_text(color=color), file=stream)
    out.mkdir(parents=True, exist_ok=True)
    html = out / "mlgates-report.html"
    js = out / "mlgates-report.json"
    html.write_text(verdict.to_html(), encoding="utf-8")
    js.write_text(verdict.to_json(), encoding="utf-8")
    print(f"\nwrote {html} and {js}", file=stream)
    print(f"status: {verdict.status.value.upper()} (exit code {verdict.exit_code})", file=stream)
    return verdict
