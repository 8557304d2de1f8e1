"""HTML, Markdown and JUnit reports: escaping, summary first, truncation, inline SVG charts,
and a real render in headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from mlgates import Finding, Gate, MissingValuesGate, RowCountGate, SchemaGate, Status, Suite
from mlgates.report.svg import histogram_details, histogram_svg

EVIL = "<script>alert(1)</script>"


class _HistGate(Gate):
    """A test gate whose findings carry histograms (the drift convention)."""

    def required_inputs(self):
        return ("reference", "current")

    def _check(self, ctx):
        ref, cur = ctx.frame("reference"), ctx.frame("current")
        findings = []
        for col in ref.columns:
            if ref[col].dtype.kind in "if":
                edges = np.histogram_bin_edges(ref[col], bins=10)
                r, _ = np.histogram(ref[col], edges)
                c, _ = np.histogram(cur[col], edges)
                hist = histogram_details(r, c, edges=edges)
            else:
                cats = sorted(set(ref[col]) | set(cur[col]))
                hist = histogram_details(
                    [int((ref[col] == k).sum()) for k in cats],
                    [int((cur[col] == k).sum()) for k in cats],
                    categories=cats,
                )
            findings.append(
                Finding(
                    col,
                    Status.FAIL,
                    statistic=0.3,
                    threshold=0.1,
                    method="tvd",
                    reason="drift_detected",
                    message=f"{col}: drifted",
                    details={"histogram": hist},
                )
            )
        return self._verdict(findings=findings)


class _ManyGate(Gate):
    def _check(self, ctx):
        return self._verdict(
            findings=[Finding(f"c{i}", Status.FAIL if i % 2 else Status.PASS, reason="x") for i in range(300)]
        )


@pytest.fixture
def evil_verdict():
    rng = np.random.default_rng(0)
    ref = pd.DataFrame({EVIL: rng.normal(size=200), "city": rng.choice(["a", "<b>"], 200)})
    cur = ref.copy()
    cur[EVIL] = cur[EVIL] + 1.0
    cur.loc[:50, EVIL] = np.nan
    suite = Suite(
        [
            SchemaGate(columns={EVIL: "float", "missing<i>": "string"}, name=f"schema {EVIL}"),
            MissingValuesGate(max_share=0.05),
            RowCountGate(min_rows=10),
            _HistGate(name="drift"),
        ],
        name=f"suite {EVIL}",
    )
    return suite.check(reference=ref, current=cur)


def test_html_escapes_every_user_string(evil_verdict):
    for text in (evil_verdict.to_html(), evil_verdict._repr_html_()):
        assert "<script" not in text.lower()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert "<b>" not in text and "<i>" not in text


def test_markdown_escapes(evil_verdict):
    md = evil_verdict.to_markdown()
    assert "<script" not in md.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md


def test_junit_escapes_and_parses(evil_verdict):
    xml = evil_verdict.to_junit_xml()
    assert "<script" not in xml.lower()
    root = ET.fromstring(xml.split("?>", 1)[1])
    names = [c.get("name") for c in root.iter("testcase")]
    assert any(EVIL in n for n in names)  # the parsed value is the original string


def test_page_is_self_contained(evil_verdict):
    page = evil_verdict.to_html()
    assert "<script" not in page and "<link" not in page and " src=" not in page
    assert "http://" not in page and "https://" not in page
    assert "Content-Security-Policy" in page


def test_summary_first(evil_verdict):
    page = evil_verdict.to_html()
    head = page.index("<div class='mlg-head'>")
    attention = page.index("Needs attention")
    first_table = page.index("<table class='mlg-findings'>")
    assert head < attention < first_table
    assert "mlg-badge mlg-fail mlg-big" in page


def test_histograms_become_inline_svg(evil_verdict):
    page = evil_verdict.to_html()
    drift = evil_verdict["drift"]
    assert page.count("<svg") == len(drift.findings) == 2
    assert "reference" in page and "current" in page


def test_findings_truncated_with_count():
    v = _ManyGate().check()
    page = v.to_html(max_findings=50)
    assert "250 more findings not shown (50 of 300" in page
    assert page.count('<tr><td><span class="mlg-badge') == 50
    frag = v._repr_html_()
    assert "250 more findings" in frag


def test_invalid_histogram_is_ignored():
    bad = Finding("x", Status.FAIL, reason="r", details={"histogram": {"edges": [0, 1], "reference": [1, 2]}})

    class G(Gate):
        def _check(self, ctx):
            return self._verdict(findings=[bad])

    page = G().check().to_html()
    assert "<svg" not in page and "x" in page


def test_histogram_details_validation():
    with pytest.raises(ValueError, match="same, non-zero number of bins"):
        histogram_details([1, 2], [1], edges=[0, 1, 2])
    with pytest.raises(ValueError, match="edges need 3 values"):
        histogram_details([1, 2], [1, 2], edges=[0, 1])
    with pytest.raises(ValueError, match="increasing"):
        histogram_details([1, 2], [1, 2], edges=[0, 2, 1])
    with pytest.raises(ValueError, match="exactly one"):
        histogram_details([1], [1])
    with pytest.raises(ValueError, match="non-negative"):
        histogram_details([-1], [1], categories=["a"])


def test_svg_escapes_labels_and_normalizes():
    svg = histogram_svg({"categories": [EVIL, "b"], "reference": [10, 30], "current": [1, 3]}, label=EVIL)
    assert "<script" not in svg and "&lt;script&gt;" in svg
    # the same shares on both sides: both bars at 25% / 75%
    assert "reference 25%, current 25%" in svg and "reference 75%, current 75%" in svg
    assert histogram_svg({"categories": ["a"], "reference": [0], "current": [0]}).startswith("<svg")


# -- headless Chromium --------------------------------------------------------------------
def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
]


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _required() -> bool:
    return os.environ.get("MLGATES_REQUIRE_CHROMIUM") == "1"


def test_renders_in_headless_chromium(evil_verdict, tmp_path):
    # Decided when the test runs (not when the module is imported), and never a skip where CI
    # requires the test (MLGATES_REQUIRE_CHROMIUM=1): a missing browser or Pillow fails there.
    if _chromium() is None:
        if _required():
            pytest.fail("MLGATES_REQUIRE_CHROMIUM=1 but no chromium on PATH (apt-get install -y chromium)")
        pytest.skip(
            "chromium is not installed (apt-get install -y chromium); .ci/run installs it and requires it"
        )
    page = tmp_path / "report.html"
    page.write_text(evil_verdict.to_html(), encoding="utf-8")
    profile = tmp_path / "profile"
    base = [_chromium(), *_FLAGS, f"--user-data-dir={profile}"]
    dom = subprocess.run(
        [*base, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    parser = _Tags()
    parser.feed(dom)
    tags = [t for t, _ in parser.tags]
    assert "script" not in tags  # the column name stayed text
    text = "".join(parser.text)
    assert EVIL in text
    assert tags.count("svg") == 2 and tags.count("table") == 4
    badges = [a.get("class", "") for t, a in parser.tags if t == "span" and "mlg-badge" in a.get("class", "")]
    assert "mlg-badge mlg-fail mlg-big" in badges
    # a screenshot: the page is drawn (white background with the red FAIL badge near the top)
    shot = tmp_path / "shot.png"
    subprocess.run(
        [*base, "--window-size=1200,800", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    if _required():
        import PIL.Image as pil
    else:
        pil = pytest.importorskip("PIL.Image", reason="Pillow comes with matplotlib (plot extra)")
    img = pil.open(shot).convert("RGB")
    assert img.size == (1200, 800)
    top = img.crop((0, 0, 300, 80))
    colors = {c for _, c in top.getcolors(maxcolors=300 * 80)}
    assert any(r > 180 and g < 80 and b < 80 for r, g, b in colors), "no red FAIL badge drawn"


def test_gate_and_suite_repr_html():
    suite = Suite(
        [MissingValuesGate(max_share=0.1, name=EVIL), RowCountGate(blocking=False)], name="q", fail_fast=True
    )
    text = suite._repr_html_()
    assert "<script" not in text and "&lt;script&gt;" in text
    assert "max_share=0.1" in text and "MissingValuesGate" in text
    assert "2 gates, all must pass; fail_fast" in text and "non-blocking" in text
    assert "min_rows" not in text  # defaults are omitted
