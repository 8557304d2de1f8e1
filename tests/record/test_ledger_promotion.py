"""promote() refuses, with a verdict saying why, unless the record allows this exact model."""

from __future__ import annotations

import datetime as dt

import pytest
from record_helpers import FP_A, FP_B, GIT, failing, passing

from mlgates import Finding, Gate, ParameterError, Status


class _NoData(Gate):
    """A gate that judges no table: its verdict names no data fingerprint."""

    def _check(self, ctx):
        return self._verdict(Status.PASS, findings=[Finding("x", Status.PASS)])


def _reasons(verdict):
    return [f.reason for f in verdict.findings if f.status is not Status.PASS]


def test_promotes_with_a_fresh_passing_verdict(ledger):
    ledger.record(passing(), model=FP_A, model_name="churn", git=GIT)
    verdict = ledger.promote("churn", FP_A, to="live", require=["release"], reason="Q3 release")
    assert verdict.status is Status.PASS, verdict.to_text()
    assert ledger.state("churn", FP_A) == "live"
    decision = ledger.get(verdict.params["record"])
    assert decision.decision["action"] == "promote" and decision.decision["from"] == "candidate"
    assert decision.decision["message"] == "Q3 release"
    assert decision.body["user"]


def test_refuses_without_any_verdict(ledger):
    ledger.record(passing(name="smoke"), model=FP_A, model_name="churn", git=GIT)
    verdict = ledger.promote("churn", FP_A, require=["release"])
    assert verdict.status is Status.FAIL and verdict.reason == "missing_verdict"
    assert ledger.state("churn", FP_A) == "candidate"


def test_refuses_a_failed_verdict(ledger):
    ledger.record(passing(), model=FP_A, model_name="churn", git=GIT)
    ledger.record(failing(), model=FP_A, model_name="churn", git=GIT)  # the latest counts
    verdict = ledger.promote("churn", FP_A, require=["release"])
    assert verdict.reason == "verdict_failed" and "FAIL" in verdict.message


def test_refuses_a_stale_verdict(ledger):
    ledger.record(passing(), model=FP_A, model_name="churn", git=GIT)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=8)
    verdict = ledger.promote("churn", FP_A, require=["release"], max_age="7d", now=later)
    assert verdict.reason == "verdict_age_exceeded"
    assert ledger.promote("churn", FP_A, require=["release"], max_age="30d", now=later).passed


def test_refuses_a_verdict_for_another_fingerprint_of_the_same_name(ledger):
    rec = ledger.record(passing(), model=FP_A, model_name="churn", git=GIT)
    verdict = ledger.promote("churn", FP_B, require=["release"])
    assert verdict.reason == "fingerprint_mismatch"
    assert rec.id in verdict.message and FP_A in verdict.message and FP_B in verdict.message


def test_refuses_a_verdict_without_data_fingerprints(ledger):
    ledger.record(_NoData(name="release").check(), model=FP_A, model_name="churn", git=GIT)
    assert ledger.promote("churn", FP_A, require=["release"]).reason == "missing_data_fingerprint"


def test_refuses_a_dirty_or_unknown_commit_unless_allowed(ledger):
    ledger.record(passing(), model=FP_A, model_name="churn", git={**GIT, "dirty": True})
    assert ledger.promote("churn", FP_A, require=["release"]).reason == "commit_dirty"
    assert ledger.promote("churn", FP_A, require=["release"], allow_dirty=True).passed
    ledger.record(passing(), model=FP_B, model_name="churn", git=None)
    assert ledger.promote("churn", FP_B, require=["release"]).reason == "commit_unknown"


def test_every_required_suite_is_judged(ledger):
    ledger.record(passing("quality"), model=FP_A, model_name="churn", git=GIT)
    verdict = ledger.promote("churn", FP_A, require=["quality", "fairness"])
    assert [f.subject for f in verdict.findings] == ["quality", "fairness"]
    assert _reasons(verdict) == ["missing_verdict"]


def test_without_require_every_recorded_suite_must_pass(ledger):
    ledger.record(passing("quality"), model=FP_A, model_name="churn", git=GIT)
    ledger.record(failing("release"), model=FP_A, model_name="churn", git=GIT)
    assert ledger.promote("churn", FP_A).reason == "verdict_failed"


def test_refused_promotions_are_recorded_and_change_nothing(ledger):
    ledger.record(failing(), model=FP_A, model_name="churn", git=GIT)
    verdict = ledger.promote("churn", FP_A, require=["release"])
    decision = ledger.get(verdict.params["record"])
    assert decision.decision["allowed"] is False and decision.decision["reason"] == "verdict_failed"
    assert ledger.state("churn", FP_A) == "candidate"
    assert [r["what"] for r in ledger.history("churn")][-1] == "promote: candidate -> live"


def test_a_new_live_model_retires_the_old_one_on_record(ledger):
    ledger.record(passing(), model=FP_A, model_name="churn", git=GIT)
    ledger.record(passing(), model=FP_B, model_name="churn", git=GIT)
    ledger.promote("churn", FP_A, require=["release"])
    second = ledger.promote("churn", FP_B, require=["release"])
    assert list(second.params["replaced"]) == [FP_A]
    assert ledger.live("churn") == [FP_B]
    assert ledger.state("churn", FP_A) == "retired"
    retire = ledger.records(fingerprint=FP_A, kind="decision")[-1]
    assert retire.decision["caused_by"] == second.params["record"]
    assert retire.decision["from"] == "live" and retire.decision["to"] == "retired"
    states = {r["model"] + r["fingerprint"]: r["state"] for r in ledger.status()}
    assert states == {"churn" + FP_A: "retired", "churn" + FP_B: "live"}


def test_previous_can_be_demoted_to_staging(ledger):
    for fp in (FP_A, FP_B):
        ledger.record(passing(), model=fp, model_name="churn", git=GIT)
    ledger.promote("churn", FP_A, require=["release"])
    ledger.promote("churn", FP_B, require=["release"], previous="staging")
    assert ledger.state("churn", FP_A) == "staging"


def test_staging_then_live_then_retired(ledger):
    ledger.record(passing(), model=FP_A, model_name="churn", git=GIT)
    assert ledger.promote("churn", FP_A, to="staging", require="release").passed
    assert ledger.state("churn", FP_A) == "staging"
    assert ledger.promote("churn", FP_A, to="live", require="release").passed
    ledger.retire("churn", FP_A, reason="superseded")
    assert ledger.state("churn", FP_A) == "retired"
    with pytest.raises(ParameterError, match="already retired"):
        ledger.retire("churn", FP_A)


def test_a_rejected_model_is_not_promoted(ledger):
    ledger.record(passing(), model=FP_A, model_name="churn", git=GIT)
    ledger.reject("churn", FP_A, reason="leaks the label")
    assert ledger.promote("churn", FP_A, require=["release"]).reason == "model_rejected"


def test_tampered_evidence_is_an_error(ledger):
    rec = ledger.record(passing(), model=FP_A, model_name="churn", git=GIT)
    data = rec.path.read_bytes().replace(b'"status":"pass"', b'"status": "pass"', 1)
    assert data != rec.path.read_bytes()
    rec.path.write_bytes(data)
    verdict = ledger.promote("churn", FP_A, require=["release"])
    assert verdict.status is Status.ERROR and verdict.reason == "record_tampered"


def test_which_model_must_be_said_when_several_share_a_name(ledger):
    for fp in (FP_A, FP_B):
        ledger.record(passing(), model=fp, model_name="churn", git=GIT)
    with pytest.raises(ParameterError, match="2 models are recorded"):
        ledger.promote("churn", require=["release"])
    with pytest.raises(ParameterError, match="'to' parameter"):
        ledger.promote("churn", FP_A, to="production")
    with pytest.raises(ParameterError, match="max_age"):
        ledger.promote("churn", FP_A, max_age="soon")
