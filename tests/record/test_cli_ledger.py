"""`mlgates ledger ...`, `mlgates card` and `mlgates check --record`: exit codes 0 / 1 / 2."""

from __future__ import annotations

import json

from record_helpers import FP_A, FP_B, FRAME, GIT, failing, passing

from mlgates import Ledger, save_suite
from mlgates.cli import main


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_status_history_show(filled, capsys):
    code, out, _ = run(capsys, "ledger", "status", "--ledger", filled.path)
    assert code == 0 and "churn" in out and "candidate" in out
    assert run(capsys, "ledger", "--ledger", filled.path, "status")[1] == out
    code, out, _ = run(capsys, "ledger", "history", "churn", "--ledger", filled.path, "--format", "json")
    assert code == 0 and len(json.loads(out)) == 6
    first = filled.records()[0].id
    code, out, _ = run(capsys, "ledger", "show", first[:8], "--ledger", filled.path)
    assert code == 0 and json.loads(out)["id"] == first
    code, out, _ = run(capsys, "ledger", "show", "1", "--verdict", "--ledger", filled.path)
    assert code == 0 and "release" in out


def test_errors_exit_2(tmp_path, filled, capsys):
    code, _, err = run(capsys, "ledger", "status", "--ledger", tmp_path / "none")
    assert code == 2 and "no ledger here" in err
    code, out, _ = run(capsys, "ledger", "verify", "--ledger", tmp_path / "none")
    assert code == 2 and "no ledger at" in out
    code, _, err = run(capsys, "ledger", "show", "42424242", "--ledger", filled.path)
    assert code == 2 and "no record" in err
    code, _, err = run(capsys, "ledger", "promote", "churn", "--ledger", filled.path)
    assert code == 2 and "2 models are recorded" in err
    assert run(capsys, "ledger")[0] == 2


def test_verify_exit_codes(filled, capsys):
    code, out, _ = run(capsys, "ledger", "verify", "--ledger", filled.path)
    assert code == 0 and "PASS" in out
    head = filled.head()["id"]
    assert run(capsys, "ledger", "verify", "--ledger", filled.path, "--expect-head", head)[0] == 0
    assert run(capsys, "ledger", "verify", "--ledger", filled.path, "--expect-head", "00000099")[0] == 1
    filled.records()[2].path.unlink()
    code, out, _ = run(capsys, "ledger", "verify", "--ledger", filled.path, "--format", "json")
    assert code == 1 and json.loads(out)["reason"] == "ledger_tampered"


def test_promote_retire_reindex(ledger, capsys):
    ledger.record(passing(), model=FP_A, model_name="churn", git=GIT)
    ledger.record(failing(), model=FP_B, model_name="churn", git=GIT)
    d = ledger.path
    code, _, err = run(
        capsys, "ledger", "promote", "churn", "--fingerprint", FP_B, "--require", "release", "--ledger", d
    )
    assert code == 1 and "refused" in err
    code, _, err = run(
        capsys,
        "ledger",
        "promote",
        "churn",
        "--fingerprint",
        FP_A,
        "--require",
        "release",
        "--reason",
        "ok",
        "--ledger",
        d,
    )
    assert code == 0 and "promoted" in err
    assert Ledger(d).live("churn") == [FP_A]
    assert run(capsys, "ledger", "retire", "churn", "--fingerprint", FP_A, "--ledger", d)[0] == 0
    assert Ledger(d).state("churn", FP_A) == "retired"
    (d / "index.sqlite").unlink()
    code, out, _ = run(capsys, "ledger", "reindex", "--ledger", d)
    assert code == 0 and "reindexed 5 records" in out  # 2 verdicts, 3 decisions


def test_default_ledger_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MLGATES_LEDGER", raising=False)
    passing().record(Ledger(), model=FP_A, model_name="churn", git=GIT)
    assert (tmp_path / ".mlgates" / "ledger" / "HEAD.json").is_file()
    code, out, _ = run(capsys, "ledger", "status")
    assert code == 0 and FP_A in out
    monkeypatch.setenv("MLGATES_LEDGER", str(tmp_path / "other"))
    assert run(capsys, "ledger", "status")[0] == 2


def test_card(filled, tmp_path, capsys):
    filled.promote("churn", FP_A, require="release")
    code, _, _ = run(capsys, "card", "churn", "--ledger", filled.path, "-o", tmp_path / "card.md")
    text = (tmp_path / "card.md").read_text()
    assert code == 0 and text.startswith("# Model card: churn") and "| lifecycle state | [live]" in text
    code, _, _ = run(capsys, "card", "churn", "--ledger", filled.path, "-o", tmp_path / "card.html")
    assert code == 0 and "<table" in (tmp_path / "card.html").read_text()
    code, out, _ = run(capsys, "card", "churn", "--fingerprint", FP_B, "--ledger", filled.path)
    assert code == 0 and FP_B in out


def test_check_record(tmp_path, capsys):
    from mlgates import RowCountGate, Suite, fingerprint

    suite = tmp_path / "suite.toml"
    save_suite(Suite([RowCountGate(min_rows=1)], name="release"), suite)
    FRAME.to_csv(tmp_path / "data.csv", index=False)
    model = tmp_path / "churn.skops"
    model.write_bytes(b"not really a model")
    code, _, err = run(
        capsys,
        "check",
        suite,
        "--current",
        tmp_path / "data.csv",
        "--record",
        tmp_path / "ledger",
        "--model-name",
        "churn",
    )
    assert code == 0 and "recorded 00000001-" in err
    rec = Ledger(tmp_path / "ledger").records()[0]
    assert rec.body["suite"]["name"] == "release" and rec.body["suite"]["config"]["type"] == "Suite"
    assert rec.body["data"]["current"]["n_rows"] == 3 and rec.body["stage"] == "ci"
    assert rec.model_name == "churn" and rec.model_fingerprint is None
    # without --record nothing is written
    assert run(capsys, "check", suite, "--current", tmp_path / "data.csv")[0] == 0
    assert len(Ledger(tmp_path / "ledger")) == 1
    assert fingerprint(model).startswith("mlg1-")
    # an unnamed suite is recorded under its file's name (`--require nightly`)
    save_suite(Suite([RowCountGate(min_rows=1)]), tmp_path / "nightly.toml")
    run(
        capsys,
        "check",
        tmp_path / "nightly.toml",
        "--current",
        tmp_path / "data.csv",
        "--record",
        tmp_path / "ledger",
    )
    assert Ledger(tmp_path / "ledger").records()[-1].body["suite"]["name"] == "nightly"
