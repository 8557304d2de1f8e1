"""JUnit XML: one testcase per gate, so CI systems show gates as tests.

Every name, reason and message goes through :func:`mlgates.report._safe.safe_text`, which
escapes control characters and the code points XML 1.0 forbids: a column or group label holding
NUL or ESC cannot make the report unparsable, and a newline cannot split a test name.
ElementTree escapes ``&``, ``<``, ``>`` and quotes; no CDATA is written.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.report._rows import leaf_gates
from mlgates.report._safe import safe_text


def render_junit(verdict: Verdict) -> str:
    """FAIL is a ``<failure>``, ERROR an ``<error>``, SKIP ``<skipped>``; WARN passes with the
    warning in ``<system-out>``."""
    leaves = [r for r in leaf_gates(verdict) if not r.verdict.children]
    suite = ET.Element(
        "testsuite",
        name=safe_text(verdict.name),
        tests=str(len(leaves)),
        failures=str(sum(r.verdict.status is Status.FAIL for r in leaves)),
        errors=str(sum(r.verdict.status is Status.ERROR for r in leaves)),
        skipped=str(sum(r.verdict.status is Status.SKIP for r in leaves)),
        time=f"{verdict.duration_s:.6f}",
    )
    for row in leaves:
        v = row.verdict
        case = ET.SubElement(
            suite,
            "testcase",
            classname=safe_text(f"mlgates.{v.gate}"),
            name=safe_text(row.path),
            time=f"{v.duration_s:.6f}",
        )
        detail = v.to_text()  # already safe: one line per gate and finding
        message = safe_text(v.message)
        if v.status is Status.FAIL:
            ET.SubElement(case, "failure", message=message, type=safe_text(v.reason or "fail")).text = detail
        elif v.status is Status.ERROR:
            ET.SubElement(case, "error", message=message, type=safe_text(v.reason or "error")).text = detail
        elif v.status is Status.SKIP:
            ET.SubElement(case, "skipped", message=message)
        elif v.status is Status.WARN:
            ET.SubElement(case, "system-out").text = detail
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
