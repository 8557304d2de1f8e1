"""Model cards come from the ledger only, and every number links to the record it came from."""

from __future__ import annotations

import re

import pytest
from record_helpers import FP_A, FP_B, FRAME, GIT, passing

from mlgates import Finding, ParameterError, Status, Verdict, model_card


def _release_verdict(name: str = "release") -> Verdict:
    perf = Verdict(
        Status.PASS,
        name="auc",
        gate="PerformanceGate",
        metrics={"roc_auc": 0.91, "roc_auc_ci_low": 0.89, "roc_auc_ci_high": 0.93, "baseline_roc_auc": 0.88},
        findings=(Finding("roc_auc", Status.PASS, statistic=0.91, threshold=0.85),),
    )
    fair = Verdict(
        Status.WARN,
        name="parity <script>",
        gate="FairnessGate",
        findings=(
            Finding("sex=Female", Status.PASS, statistic=0.08, details={"ci_low": 0.07, "ci_high": 0.09}),
            Finding("sex=Male", Status.WARN, statistic=0.25, threshold=0.2, reason="x_exceeded"),
        ),
    )
    drift = Verdict(
        Status.PASS, name="drift", gate="DriftGate", findings=(Finding("age", Status.PASS, 0.01, 0.5),)
    )
    base = passing(name)
    return base.replace(children=(*base.children, perf, fair, drift))


@pytest.fixture
def carded(ledger):
    import pandas as pd

    dated = FRAME.assign(t=pd.to_datetime(["2024-01-01", "2024-01-02", "2024-03-01"]))
    ledger.record(
        _release_verdict(), model=FP_A, model_name="churn", git=GIT, data={"test": dated}, time_column="t"
    )
    ledger.record(passing(), model=FP_B, model_name="churn", git=GIT)
    ledger.promote("churn", FP_A, require="release", reason="first")
    return ledger


def test_every_number_links_to_a_cited_record(carded):
    card = model_card("churn", ledger=carded)
    evidence = set(re.findall(r'<a id="r-([0-9a-f-]+)"></a>', card))
    linked = set(re.findall(r"\]\(#r-([0-9a-f-]+)\)", card))
    assert linked and linked <= evidence
    ids = {r.id for r in carded.records()}
    assert evidence <= ids
    # table cells that are numbers are links, never bare text
    body = card.split("## Evidence")[0]
    for line in body.splitlines():
        if not line.startswith("| ") or line.startswith("| field") or set(line) <= {"|", "-"}:
            continue
        for cell in (c.strip() for c in line.strip("|").split(" | ")):
            assert not re.fullmatch(r"-?\d+(\.\d+)?(e[-+]?\d+)?", cell), f"unlinked number {cell!r} in {line}"


def test_card_sections(carded):
    card = model_card("churn", ledger=carded)
    assert "| lifecycle state | [live]" in card  # the live model by default
    assert "[0.91]" in card and "[[0.89, 0.93]]" in card and "[0.88]" in card and "[0.85]" in card
    assert "sex=Female" in card and "[[0.07, 0.09]]" in card
    assert "2024-01-01" in card and "2024-03-01" in card  # the time range that was asked for
    assert "| promote | candidate | live | yes |" in card.replace("  ", " ")
    assert "first" in card


def test_html_card_escapes_and_links(carded):
    html = model_card("churn", ledger=carded, format="html")
    assert "<script>" not in html and "parity &lt;script&gt;" in html
    anchors = set(re.findall(r"<tr id='r-([0-9a-f-]+)'>", html))
    assert anchors and set(re.findall(r'href="#r-([0-9a-f-]+)"', html)) <= anchors


def test_choosing_the_model(carded):
    assert FP_B in model_card("churn", FP_B, ledger=carded)
    carded.retire("churn", FP_A)
    with pytest.raises(ParameterError, match="2 models are recorded"):
        model_card("churn", ledger=carded)
    with pytest.raises(ParameterError, match="format"):
        model_card("churn", FP_A, ledger=carded, format="pdf")
    with pytest.raises(ParameterError, match="no model named"):
        model_card("nobody", ledger=carded)


def test_record_file_links_are_relative_to_the_card(carded, tmp_path):
    out = tmp_path / "cards"
    out.mkdir()
    card = model_card("churn", ledger=carded, output_dir=out)
    target = re.search(r"\]\((\.\./[^)]+\.json)\)", card).group(1)
    assert (out / target).resolve().is_file()


def test_hostile_names_cannot_break_tables_or_cards(ledger):
    name = "churn\nstatus: live\x1b[31m\u202e"
    ledger.record(passing(), model=FP_A, model_name=name, git=GIT)
    text = ledger.status().to_text()
    assert "\x1b" not in text and "\u202e" not in text
    assert len(text.splitlines()) == 4  # title, header, rule, one row
    card = model_card(name, ledger=ledger)
    assert "\x1b" not in card and "\u202e" not in card
    assert "\nstatus: live" not in card
    html = model_card(name, ledger=ledger, format="html")
    assert "\x1b" not in html and "\u202e" not in html
