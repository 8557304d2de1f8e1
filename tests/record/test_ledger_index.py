"""The SQLite index is a cache: deleted, stale or rebuilt, it gives the same answers."""

from __future__ import annotations

import datetime as dt

import pytest
from record_helpers import FP_A, FP_B, GIT, failing, passing

from mlgates import Ledger
from mlgates.record import LedgerError


def _answers(ledger):
    return (
        len(ledger),
        ledger.status().rows,
        ledger.history("churn").rows,
        ledger.flaky().rows,
        [r.id for r in ledger.records()],
        ledger.live("churn"),
    )


@pytest.fixture
def busy(filled):
    filled.record(failing(), model=FP_A, model_name="churn", git=GIT)
    filled.record(passing(), model=FP_A, model_name="churn", git=GIT)
    filled.promote("churn", FP_A, require=["release"])
    filled.promote("churn", FP_B, require=["release"])
    filled.retire("churn", FP_B, reason="end of life")
    return filled


def test_reindex_after_deleting_the_index_gives_the_same_answers(busy):
    before = _answers(busy)
    (busy.path / "index.sqlite").unlink()
    fresh = Ledger(busy.path)
    assert _answers(fresh) == before  # catches up by itself
    assert fresh.reindex() == before[0]
    assert _answers(fresh) == before
    assert _answers(busy) == before  # the first object reopens its connection


def test_an_index_behind_the_head_catches_up(busy):
    before = _answers(busy)
    other = Ledger(busy.path, fsync=False)
    rec = other.record(passing(), model=FP_B, model_name="churn", git=GIT)
    after = _answers(busy)
    assert after[0] == before[0] + 1
    assert after[4][-1] == rec.id


def test_get_by_id_prefix_and_seq(busy):
    first = busy.records()[0]
    assert busy.get(first.id).id == first.id
    assert busy.get(1).id == first.id
    assert busy.get(first.id[:8]).id == first.id
    assert busy.get(first.id).verdict.status.value == "pass"
    with pytest.raises(LedgerError, match="no record"):
        busy.get("99999999")


def test_record_round_trips_the_verdict(ledger):
    verdict = failing()
    rec = ledger.record(verdict, model=FP_A, model_name="churn", git=GIT, stage="ci", note="n")
    again = ledger.get(rec.id)
    assert again.verdict == verdict
    assert again.body["stage"] == "ci" and again.intact
    assert again.time <= dt.datetime.now(dt.UTC)
    assert again.model_fingerprint == FP_A and again.model_name == "churn"


def test_flaky_lists_gates_whose_status_changed_on_the_same_inputs(ledger):
    ledger.record(passing(), model=FP_A, model_name="churn", git=GIT)
    ledger.record(passing(), model=FP_A, model_name="churn", git=GIT)
    assert len(ledger.flaky()) == 0
    # same gate name and data, another outcome: only a parameter would differ, so use the suite's
    # own name for the comparison of statuses
    from record_helpers import FRAME

    from mlgates import RowCountGate

    v = RowCountGate(min_rows=1, name="release").check(current=FRAME)
    flipped = v.replace(status="fail")
    ledger.record(flipped, model=FP_A, model_name="churn", git=GIT)
    flaky = ledger.flaky()
    assert len(flaky) == 1
    assert flaky[0]["statuses"] == "fail, pass" and flaky[0]["n_runs"] == 3


def test_reading_a_missing_ledger_is_a_clear_error(tmp_path):
    with pytest.raises(LedgerError, match="no ledger here"):
        Ledger(tmp_path / "nothing").status()
    assert len(Ledger(tmp_path / "nothing")) == 0


def test_default_path_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("MLGATES_LEDGER", str(tmp_path / "elsewhere"))
    assert Ledger().path == tmp_path / "elsewhere"
    monkeypatch.delenv("MLGATES_LEDGER")
    assert Ledger().path.as_posix() == ".mlgates/ledger"


def test_record_refuses_what_it_cannot_record(ledger):
    from mlgates import ParameterError

    with pytest.raises(ParameterError, match="model_name is required"):
        ledger.record(passing(), model=FP_A, git=GIT)
    with pytest.raises(ParameterError, match="records a Verdict"):
        ledger.record("pass", git=GIT)
    with pytest.raises(ParameterError, match="Path"):
        ledger.record(passing(), model="model.skops", model_name="churn", git=GIT)
    assert not ledger.path.exists() or len(ledger) == 0


def test_fingerprints_never_data(ledger):
    import pandas as pd

    secret = pd.DataFrame(
        {"ssn": ["123-45-6789", "987-65-4321"], "t": pd.to_datetime(["2024-01-01", "2024-02-01"])}
    )
    rec = ledger.record(passing(), data={"train": secret}, time_column="t", git=GIT)
    text = rec.path.read_text()
    assert "123-45-6789" not in text and "987-65-4321" not in text
    train = rec.body["data"]["train"]
    assert train["n_rows"] == 2 and list(train["columns"]) == ["ssn", "t"]
    assert train["time_range"][0].startswith("2024-01-01") and train["fingerprint"].startswith("mlg1-")


def test_arrow_and_polars_tables_record_names_not_values(ledger):
    import pandas as pd
    import polars as pl
    import pyarrow as pa

    from mlgates import fingerprint

    frame = pd.DataFrame(
        {"secret": ["s3cr3t-a", "s3cr3t-b"], "t": pd.to_datetime(["2024-05-01", "2024-06-01"])}
    )
    table, polars = pa.Table.from_pandas(frame, preserve_index=False), pl.from_pandas(frame)
    rec = ledger.record(passing(), data={"arrow": table, "polars": polars}, time_column="t", git=GIT)
    assert "s3cr3t" not in rec.path.read_text()
    for role, obj in (("arrow", table), ("polars", polars)):
        entry = rec.body["data"][role]
        assert list(entry["columns"]) == ["secret", "t"] and entry["n_rows"] == 2
        assert entry["fingerprint"] == fingerprint(obj)
        assert str(entry["time_range"][1]).startswith("2024-06-01")


def test_verdict_record_method(tmp_path):
    rec = passing().record(Ledger(tmp_path / "l"), model=FP_A, model_name="churn", git=GIT)
    assert Ledger(tmp_path / "l").get(rec.id).verdict.name == "release"
    with pytest.raises(TypeError, match=r"verdict.record\(\) needs a ledger"):
        passing().record(tmp_path / "l")


def test_estimator_models_are_fingerprinted_by_content(ledger):
    from sklearn.linear_model import LogisticRegression

    from mlgates import fingerprint

    X, y = [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]
    clf = LogisticRegression().fit(X, y)
    rec = ledger.record(passing(), model=clf, model_name="churn", git=GIT)
    assert rec.model_fingerprint == fingerprint(clf)
    assert rec.body["model"]["params"]["C"] == 1.0
    assert rec.body["model"]["type"].endswith("LogisticRegression")
