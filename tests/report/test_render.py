"""The one door into the renderers: ``mlgates.report.render(verdict, fmt, **options)``."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from mlgates import Finding, MissingValuesGate, RowCountGate, Status, Verdict
from mlgates.report import FORMATS, render, safe_json, safe_text
from mlgates.report.html import render_fragment, render_gate, render_page
from mlgates.report.junit import render_junit
from mlgates.report.markdown import render_markdown
from mlgates.report.text import render_text


@pytest.fixture
def verdict() -> Verdict:
    suite = RowCountGate(min_rows=10, name="rows\u202e") & MissingValuesGate(max_share=0.1)
    return suite.check(current=pd.DataFrame({"a": [1.0, None, 3.0]}))


def test_each_format_is_the_renderer_with_its_defaults(verdict):
    assert render(verdict) == render(verdict, "text") == render_text(verdict, max_findings=20)
    assert render(verdict, "text", color=True, max_findings=1) == render_text(
        verdict, max_findings=1, color=True
    )
    assert render(verdict, "markdown") == render_markdown(verdict, max_findings=50)
    assert render(verdict, "junit") == render_junit(verdict)
    assert render(verdict, "html") == render_page(verdict, max_findings=200)
    assert render(verdict, "html", max_findings=3) == render_page(verdict, max_findings=3)
    assert render(verdict, "html", fragment=True) == render_fragment(verdict, max_findings=50)
    assert render(verdict, "html", fragment=True, max_findings=0) == render_fragment(verdict, max_findings=0)
    assert set(FORMATS) == {"text", "markdown", "junit", "html", "json"}


def test_verdict_methods_go_through_the_door(verdict, monkeypatch):
    calls = []
    import mlgates.report as report

    real = report.render

    depth = []

    def spy(obj, fmt="text", **options):
        if not depth:  # the JUnit renderer itself renders each gate as text: count the outer call
            calls.append((fmt, options))
        depth.append(fmt)
        try:
            return real(obj, fmt, **options)
        finally:
            depth.pop()

    monkeypatch.setattr(report, "render", spy)
    verdict.to_text()
    verdict.to_markdown()
    verdict.to_junit_xml()
    verdict.to_html()
    verdict._repr_html_()
    RowCountGate()._repr_html_()
    assert [c[0] for c in calls] == ["text", "markdown", "junit", "html", "html", "html"]
    assert calls[4][1] == {"fragment": True, "max_findings": 50}


def test_json_is_the_verdict_losslessly_with_unsafe_characters_escaped(verdict):
    text = render(verdict, "json")
    assert "\u202e" not in text and "\\u202e" in text
    assert Verdict.from_json(text) == verdict
    assert text == safe_json(verdict.to_json())
    assert json.loads(render(verdict, "json", indent=None)) == json.loads(text)


def test_a_gate_renders_as_html_only():
    gate = RowCountGate(min_rows=5) & MissingValuesGate()
    assert render(gate, "html") == render_gate(gate)
    with pytest.raises(TypeError, match="only as render\\(gate, 'html'\\)"):
        render(gate, "text")


def test_mistakes_name_the_format_and_the_options(verdict):
    with pytest.raises(ValueError, match="fmt='pdf'; use one of 'text', 'markdown'"):
        render(verdict, "pdf")
    with pytest.raises(
        TypeError, match=r"got unknown option\(s\) colour; it takes max_findings=20, color=False"
    ):
        render(verdict, "text", colour=True)
    with pytest.raises(TypeError, match="takes no options"):
        render(verdict, "junit", max_findings=3)


def test_plot_gives_a_figure():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    v = Verdict(Status.FAIL, name="g", findings=(Finding("x", Status.FAIL, statistic=0.3, threshold=0.1),))
    fig = render(v, "plot", max_panels=1)
    assert fig.axes and v.plot().axes
    plt.close("all")


def test_sanitizers_are_public():
    assert safe_text("a\nb") == "a\\nb"
    assert safe_json('"\u202e"') == '"\\u202e"'
