from __future__ import annotations

import xml.etree.ElementTree as ET

import pandas as pd

from mlgates import Finding, MissingValuesGate, RowCountGate, Status, Suite, Verdict

EVIL = "<script>alert(1)</script>"


def _evil_verdict() -> Verdict:
    df = pd.DataFrame({EVIL: [1.0, None, None], "ok": [1, 2, 3]})
    return Suite(
        [MissingValuesGate(max_share=0.1, name=EVIL), RowCountGate(min_rows=10)], name="release & <b>"
    ).check(current=df)


def test_html_escapes_every_user_string():
    for html in (_evil_verdict().to_html(), _evil_verdict()._repr_html_()):
        assert EVIL not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<b>" not in html and "release &amp; &lt;b&gt;" in html
        assert "<script" not in html.lower()


def test_html_page_is_standalone_and_summary_first():
    html = _evil_verdict().to_html()
    assert html.startswith("<!DOCTYPE html>")
    assert "http://" not in html and "https://" not in html
    assert html.index("FAIL") < html.index("missing")


def test_markdown_escapes_and_lists_failures():
    md = _evil_verdict().to_markdown()
    assert EVIL not in md and "&lt;script&gt;" in md
    assert md.startswith("## ❌")
    assert "66.7% missing" in md


def test_markdown_escapes_table_pipes():
    v = Verdict(Status.FAIL, name="a|b", findings=(Finding("x|y", Status.FAIL, message="m|n"),))
    md = v.to_markdown()
    assert "a\\|b" in md and "x\\|y" in md and "m\\|n" in md


def test_junit_one_testcase_per_gate():
    xml = _evil_verdict().to_junit_xml()
    root = ET.fromstring(xml.split("\n", 1)[1])
    suite = root.find("testsuite")
    assert suite is not None and suite.get("tests") == "2" and suite.get("failures") == "2"
    names = [c.get("name") for c in suite.findall("testcase")]
    assert names[0].endswith(EVIL)  # escaped by XML serialization, intact after parsing
    assert all(c.find("failure") is not None for c in suite.findall("testcase"))


def test_junit_error_and_skip():
    v = Verdict(
        Status.ERROR,
        name="s",
        children=(Verdict(Status.ERROR, name="e", reason="x"), Verdict(Status.SKIP, name="k")),
    )
    xml = v.to_junit_xml()
    assert "<error" in xml and "<skipped" in xml


def test_text_shows_failures_and_truncates():
    findings = tuple(Finding(f"c{i}", Status.FAIL, statistic=i) for i in range(30))
    text = Verdict(Status.FAIL, name="g", findings=findings, message="bad").to_text(max_findings=5)
    assert "c0" in text and "c4" in text and "c5" not in text
    assert "25 more findings" in text


def test_mimebundle_for_notebooks():
    bundle = _evil_verdict()._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
