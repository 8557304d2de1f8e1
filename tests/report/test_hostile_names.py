"""Hostile names through real gates and every renderer: no forged lines, no control characters,
JUnit that parses, HTML and Markdown with no injected markup, JSON that keeps every name."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options
from hostile import (
    FORGED,
    HOSTILE,
    LONG,
    OWN_COLORS,
    forbidden,
    forged_status_lines,
    hostile_verdict,
)

from mlgates import Finding, Status, Verdict
from mlgates.report._rows import leaf_gates, sorted_findings
from mlgates.report._safe import safe_json, safe_text, shorten


@pytest.fixture(scope="module")
def verdict() -> Verdict:
    v = hostile_verdict()
    # the hostile names reached the verdict as subjects, group labels and gate names
    subjects = {f.subject for c in v.walk() for f in c.findings}
    assert FORGED in subjects and LONG in subjects
    assert any("group\x00\u202e=\x1b[31mred\x1b[0m" in s for s in subjects)  # a fairness group
    assert {c.status for c in v.children} == {Status.FAIL}
    return v


def _leaves(v: Verdict) -> list[Verdict]:
    return [r.verdict for r in leaf_gates(v) if not r.verdict.children]


def _not_passed(v: Verdict) -> list[Finding]:
    return [f for f in sorted_findings(v.findings) if f.status is not Status.PASS]


# -- the sanitizer ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", HOSTILE)
def test_safe_text_is_one_clean_line(name):
    out = safe_text(name)
    assert not forbidden(out) and "\n" not in out
    assert len(out.splitlines()) == 1
    assert safe_text(out) == out  # already-safe text is left alone


def test_safe_text_shows_what_it_escaped():
    assert safe_text(FORGED) == "x\\nstatus: PASS (exit code 0)"
    assert safe_text("\x1b[31m\x00\x9b\u2028\u202e\ud800") == "\\x1b[31m\\x00\\x9b\\u2028\\u202e\\ud800"
    assert safe_text("café <b> | `x` C:\\dir") == "café <b> | `x` C:\\dir"  # the rest is untouched


def test_every_line_breaking_or_bidi_code_point_is_escaped():
    import unicodedata

    for code in range(0x110000):
        char = chr(code)
        out = safe_text(f"a{char}b")
        assert len(out.splitlines()) == 1, hex(code)
        if unicodedata.category(char) in ("Cc", "Zl", "Zp", "Cs") or unicodedata.bidirectional(char) in (
            "LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI", "LRM", "RLM", "ALM"
        ):  # fmt: skip
            assert char not in out, hex(code)


def test_shorten_keeps_both_ends():
    assert shorten(LONG, 80).startswith("longLLL") and shorten(LONG, 80).endswith("LLLend")
    assert len(shorten(LONG, 80)) == 80


# -- text -------------------------------------------------------------------------------------
_GATE_LINE = re.compile(r"^\s*(PASS|WARN|FAIL|ERROR|SKIP)\s")
_TABLE_LINE = re.compile(r"^\s+(status|pass|warn|fail|error|skip)\s")


def test_text_every_finding_is_one_line(verdict):
    text = verdict.to_text(max_findings=1000)
    assert not forbidden(text)
    assert not forged_status_lines(text)
    lines = text.split("\n")
    assert all(_GATE_LINE.match(line) or _TABLE_LINE.match(line) for line in lines), lines
    expected = len(list(verdict.walk()))
    for v in _leaves(verdict):
        if v.status is not Status.PASS and v.findings:
            expected += 1 + len(_not_passed(v) or v.findings)
    assert len(lines) == expected
    # each hostile column is one table row, shown escaped
    rows = [line for line in lines if _TABLE_LINE.match(line)]
    assert sum("x\\nstatus: PASS (exit code 0)" in r for r in rows) == 1  # a drifted column
    assert not any(len(r) > 400 for r in rows)  # the 5,000-character name is cut in the middle
    assert any("longLLL" in r and "LLLend" in r and "…" in r for r in rows)


def test_text_with_color_has_only_its_own_escapes(verdict):
    text = verdict.to_text(color=True)
    assert OWN_COLORS.search(text)
    assert not forbidden(OWN_COLORS.sub("", text))
    assert not forged_status_lines(text)


def test_text_was_forgeable_before():
    """The defect: a column name holding a newline and a status line forged a log line."""
    v = Verdict(Status.FAIL, name="g", findings=(Finding(FORGED, Status.FAIL, message=f"{FORGED}: bad"),))
    assert not forged_status_lines(v.to_text())
    assert not forged_status_lines(str(v))
    with pytest.raises(AssertionError) as info:
        v.raise_for_status()
    assert not forged_status_lines(str(info.value)) and not forbidden(str(info.value))


# -- JUnit ------------------------------------------------------------------------------------
def test_junit_parses_and_keeps_names_on_one_line(verdict):
    xml = verdict.to_junit_xml()
    root = ET.fromstring(xml.encode("utf-8"))
    cases = root.findall("testsuite/testcase")
    leaves = [r for r in leaf_gates(verdict) if not r.verdict.children]
    assert [c.get("name") for c in cases] == [safe_text(r.path) for r in leaves]
    for case, row in zip(cases, leaves):
        failure = case.find("failure")
        assert failure is not None
        assert failure.get("message") == safe_text(row.verdict.message)
        assert not forbidden(failure.text or "") and not forged_status_lines(failure.text or "")
    assert root.find("testsuite").get("name") == safe_text(verdict.name)
    assert "<![CDATA[" not in xml


@pytest.mark.parametrize("name", ["nul\x00", "esc\x1b[2J", "\ufffe\uffff", "\ud800", "vt\x0bff\x0c"])
def test_junit_with_xml_illegal_characters_parses(name):
    v = Verdict(
        Status.ERROR,
        name=name,
        gate=name,
        reason=name,
        message=name,
        children=(Verdict(Status.SKIP, name=name, message=name), Verdict(Status.ERROR, name=name)),
    )
    root = ET.fromstring(v.to_junit_xml().encode("utf-8"))
    assert len(root.findall(".//testcase")) == 2


# -- Markdown ---------------------------------------------------------------------------------
class _Tree(HTMLParser):
    """Tags, table rows (cell texts) and comments of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.comments: list[str] = []
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.subjects: list[str] = []
        self.data: list[str] = []
        self._subject = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []
            self._subject = ("class", "mlg-subject") in attrs

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            text = "".join(self.cell)
            self.rows[-1].append(text)
            if self._subject:
                self.subjects.append(text)
            self.cell = None

    def handle_data(self, data):
        self.data.append(data)
        if self.cell is not None:
            self.cell.append(data)

    def handle_comment(self, data):
        self.comments.append(data)


def _parse(html_text: str) -> _Tree:
    tree = _Tree()
    tree.feed(html_text)
    tree.close()
    return tree


def test_markdown_tables_keep_their_shape_in_github_markdown(verdict):
    md = verdict.to_markdown(max_findings=1000)
    assert not forbidden(md) and not forged_status_lines(md)
    html_text = cmarkgfm.github_flavored_markdown_to_html(md, options=Options.CMARK_OPT_UNSAFE)
    tree = _parse(html_text)
    # nothing from a name became markup: no code span, link, emphasis, extra heading or script
    assert set(tree.tags) <= {"h2", "p", "table", "thead", "tbody", "tr", "th", "td", "details", "summary"}
    assert tree.tags.count("h2") == 1 and not tree.comments
    gate_rows = [r for r in tree.rows if len(r) == 4]
    finding_rows = [r for r in tree.rows if len(r) == 7]
    assert len(gate_rows) + len(finding_rows) == len(tree.rows)  # every row has its table's width
    leaves = [r for r in leaf_gates(verdict) if not r.verdict.children]
    assert [r[1] for r in gate_rows[1:]] == [safe_text(r.path) for r in leaves]
    assert [r[3] for r in gate_rows[1:]] == [safe_text(r.verdict.message) for r in leaves]
    expected = [f for r in leaves for f in _not_passed(r.verdict)]
    finding_rows = [r for r in finding_rows if r[0] != "status"]  # drop the header rows
    assert [r[1] for r in finding_rows] == [safe_text(f.subject) for f in expected]
    assert [r[6] for r in finding_rows] == [safe_text(f.message) for f in expected]


@pytest.mark.parametrize("name", HOSTILE)
def test_markdown_shows_each_name_as_written(name):
    """Rendered by GitHub's own Markdown, a name reads as its escaped text: in the heading, the
    summary paragraph (start of a line), a table cell and the ``<summary>`` of a gate."""
    v = Verdict(
        Status.FAIL,
        name=name,
        message=name,
        children=(Verdict(Status.FAIL, name=name, message=name, findings=(Finding(name, Status.FAIL),)),),
    )
    md = v.to_markdown()
    assert not forbidden(md)
    tree = _parse(cmarkgfm.github_flavored_markdown_to_html(md, options=Options.CMARK_OPT_UNSAFE))
    assert set(tree.tags) <= {"h2", "p", "table", "thead", "tbody", "tr", "th", "td", "details", "summary"}
    shown = safe_text(name)
    assert tree.rows[1][1] == f"{shown} / {shown}" and tree.rows[1][3] == shown
    assert tree.rows[3][1] == shown
    paragraph = md.split("\n")[2]
    rendered = cmarkgfm.github_flavored_markdown_to_html(paragraph)
    assert rendered.startswith("<p>"), rendered  # not a heading, list or code block
    assert "".join(_parse(rendered).data).strip() == f"{shown} (1 fail)"
    heading = _parse(cmarkgfm.github_flavored_markdown_to_html(md.split("\n")[0]))
    assert "".join(heading.data).strip() == f"❌ {shown}: FAIL"
    details = next(line for line in md.split("\n") if line.startswith("<details>"))
    summary = _parse(cmarkgfm.github_flavored_markdown_to_html(details, options=Options.CMARK_OPT_UNSAFE))
    assert summary.tags == ["details", "summary"]
    assert "".join(summary.data).strip() == f"{shown} / {shown}: 1 finding"


# -- HTML -------------------------------------------------------------------------------------
_HTML_TAGS = {
    "html", "head", "meta", "title", "style", "body", "p", "div", "span", "strong", "table",
    "thead", "tbody", "tr", "th", "td", "details", "summary", "ul", "li", "a", "i",
    "svg", "rect", "polyline", "line", "text",
}  # fmt: skip


def test_html_has_no_injected_element_and_shows_names_escaped(verdict):
    for page in (verdict.to_html(), verdict._repr_html_()):
        tree = _parse(page)
        assert set(tree.tags) <= _HTML_TAGS, set(tree.tags) - _HTML_TAGS
        assert "script" not in tree.tags and not tree.comments
        assert not forbidden(page.replace("\n", ""))
        expected = [safe_text(f.subject) for v in _leaves(verdict) for f in sorted_findings(v.findings)]
        assert tree.subjects == expected


# -- JSON -------------------------------------------------------------------------------------
def test_json_keeps_every_name_exactly(verdict):
    for text in (verdict.to_json(), safe_json(verdict.to_json())):
        back = Verdict.from_json(text)
        assert back == verdict
        assert [f.subject for c in back.walk() for f in c.findings] == [
            f.subject for c in verdict.walk() for f in c.findings
        ]
    printed = safe_json(verdict.to_json())
    assert not forbidden(printed.replace("\n", ""))
    printed.encode("utf-8")


def test_json_with_lone_surrogate_is_printable_and_lossless():
    v = Verdict(Status.FAIL, name="file-\udcff", findings=(Finding("\udcff\u2028", Status.FAIL),))
    text = safe_json(v.to_json())
    text.encode("utf-8")  # the raw surrogate cannot be encoded
    assert Verdict.from_json(text) == v
    assert json.loads(text)["name"] == "file-\udcff"


# -- plot -------------------------------------------------------------------------------------
def test_plot_draws_hostile_names(verdict):
    import io

    matplotlib = pytest.importorskip("matplotlib", reason="the plot extra is in the dev extra")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    v = Verdict(
        Status.FAIL,
        name="$x^$",
        children=(
            verdict,
            Verdict(Status.FAIL, name="$\\frac{$", findings=(Finding("$x^$", Status.FAIL, statistic=1.0),)),
        ),
    )
    try:
        fig = v.plot()
        fig.savefig(io.BytesIO(), format="png")  # "$x^$" was parsed as a broken formula
        texts = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]
        assert "\\$x^\\$" in texts
        assert not any(forbidden(t) for t in texts) and max(len(t) for t in texts) <= 50  # 40, and a \\ per $
    finally:
        plt.close("all")
