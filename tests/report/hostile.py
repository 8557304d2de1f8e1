"""The hostile-name set and checks shared by the report and CLI tests (not a test module).

The forbidden characters are written out here, independently of ``mlgates.report._safe``, so
the tests check the contract and not the implementation.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from mlgates import DriftGate, FairnessGate, MissingValuesGate, PerformanceGate, Suite, Verdict

FORGED = "x\nstatus: PASS (exit code 0)"
LONG = "long" + "L" * 5000 + "end"

#: Names a column, group label, gate or target may carry: markup, table and CDATA breakers,
#: line breaks, terminal escapes (7-bit and 8-bit CSI), NUL, separators, bidi overrides, a very
#: long name, Markdown that would change what a reader sees, and a ``$`` formula for matplotlib.
HOSTILE = (
    "<script>alert(1)</script>",
    "x]]>y",
    "a|b",
    "`tick`",
    FORGED,
    "cr\r\nstatus: PASS",
    "c-->d <!-- e",
    "\x1b[31mred\x1b[0m",
    "csi\x9b2J",
    "nul\x00z",
    "ls\u2028x\u2029y",
    "bidi\u202eevil\u2066",
    "__dunder__",
    "*star* [link](javascript:alert(1)) ~~s~~ $x$",
    "# head",
    "1. item",
    "&amp; &#10;",
    "$x^$",
    "tab\tdel\x7f",
    LONG,
)

#: Characters no text output may hold (the line feed between lines is the only control allowed).
FORBIDDEN = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
#: What mlgates itself writes for colors (text renderer with ``color=True``).
OWN_COLORS = re.compile(r"\x1b\[(?:3[1-5]|90|0)m")


def forbidden(text: str) -> list[str]:
    """The forbidden characters in ``text`` (empty when clean)."""
    return FORBIDDEN.findall(text)


def forged_status_lines(text: str) -> list[str]:
    """Lines that read like the CLI's final status line but are not the real one."""
    return [line for line in text.splitlines() if line.lstrip().startswith("status: PASS")]


def frames() -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Reference and current with hostile column names, hostile group labels in a sensitive
    column with a hostile name, hostile category values, and a hostile target name."""
    rng = np.random.default_rng(0)
    n = 400
    ref = pd.DataFrame({h: rng.normal(size=n) for h in HOSTILE})
    cur = ref + 1.0
    cur.iloc[:100, 0] = np.nan
    target = "target\n\x1b[2J"
    groups = rng.choice(HOSTILE[:8], n)
    y = rng.integers(0, 2, n)
    pred = np.where(rng.random(n) < 0.3, 1 - y, y)
    cats = rng.choice(HOSTILE[8:14], n)
    ref = ref.assign(**{target: y, "pred": y, "group\x00\u202e": groups, "cat|`": cats})
    cur = cur.assign(**{target: y, "pred": pred, "group\x00\u202e": groups, "cat|`": cats[::-1]})
    return ref, cur, target


def hostile_suite() -> Suite:
    """Real gates with hostile names, over hostile columns and groups."""
    return Suite(
        [
            MissingValuesGate(max_share=0.05, name=FORGED),
            DriftGate(name="\x1b[31mred\x1b[0m"),
            FairnessGate(
                max_value=0.01, sensitive_features="group\x00\u202e", min_group_size=5, name="bidi\u202eevil"
            ),
            PerformanceGate(metric="accuracy", min_value=0.99, name="x]]>y <script>"),
        ],
        name="<script>alert(1)</script>\nstatus: PASS",
    )


def hostile_verdict() -> Verdict:
    ref, cur, target = frames()
    return hostile_suite().check(reference=ref, current=cur, target=target, prediction="pred")
