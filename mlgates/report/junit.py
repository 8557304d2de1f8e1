"""JUnit XML: one testcase per gate, so CI systems show gates as tests."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from mlgates.core.status import Status
from mlgates.core.verdict import Verdict
from mlgates.report._rows import leaf_gates


def render_junit(verdict: Verdict) -> str:
    """FAIL is a ``<failure>``, ERROR an ``<error>``, SKIP ``<skipped>``; WARN passes with the
    warning in ``<system-out>``."""
    leaves = [r for r in leaf_gates(verdict) if not r.verdict.children]
    suite = ET.Element(
        "testsuite",
        name=verdict.name,
        tests=str(len(leaves)),
        failures=str(sum(r.verdict.status is Status.FAIL for r in leaves)),
        errors=str(sum(r.verdict.status is Status.ERROR for r in leaves)),
        skipped=str(sum(r.verdict.status is Status.SKIP for r in leaves)),
        time=f"{verdict.duration_s:.6f}",
    )
    for row in leaves:
        v = row.verdict
        case = ET.SubElement(
            suite, "testcase", classname=f"mlgates.{v.gate}", name=row.path, time=f"{v.duration_s:.6f}"
        )
        detail = v.to_text()
        if v.status is Status.FAIL:
            ET.SubElement(case, "failure", message=v.message, type=v.reason or "fail").text = detail
        elif v.status is Status.ERROR:
            ET.SubElement(case, "error", message=v.message, type=v.reason or "error").text = detail
        elif v.status is Status.SKIP:
            ET.SubElement(case, "skipped", message=v.message)
        elif v.status is Status.WARN:
            ET.SubElement(case, "system-out").text = detail
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
