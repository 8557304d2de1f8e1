"""``mlgates check`` and ``mlgates init``: exit codes, formats, errors, model loading, progress."""

from __future__ import annotations

import json
import pickle
import re
import sys
import tomllib
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from mlgates import Status, Verdict, load_suite
from mlgates.cli import main
from mlgates.core.config import save_suite
from mlgates.gates.quality import MissingValuesGate, RowCountGate, SchemaGate


@pytest.fixture
def frames():
    rng = np.random.default_rng(0)
    ref = pd.DataFrame(
        {
            "age": rng.integers(18, 90, 300),
            "income": rng.normal(50, 10, 300),
            "city": rng.choice(["a", "b", "c"], 300),
            "y": rng.integers(0, 2, 300),
        }
    )
    return ref, ref.sample(frac=0.5, random_state=1).reset_index(drop=True)


@pytest.fixture
def files(tmp_path, frames):
    ref, cur = frames
    ref.to_csv(tmp_path / "ref.csv", index=False)
    cur.to_parquet(tmp_path / "cur.parquet")
    suite = (
        SchemaGate(name="schema")
        & MissingValuesGate(max_share=0.1, warn_share=0.05)
        & RowCountGate(min_rows=10)
    )
    save_suite(suite, tmp_path / "suite.toml")
    return tmp_path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def base(files, *extra):
    return [
        "check",
        files / "suite.toml",
        "--reference",
        files / "ref.csv",
        "--current",
        files / "cur.parquet",
        *extra,
    ]


def test_pass_exits_0_and_prints_table(files, capsys):
    code, out, err = run(capsys, *base(files, "--target", "y"))
    assert code == 0
    assert "PASS" in out and "schema" in out
    assert "Traceback" not in err


def test_fail_exits_1(files, frames, capsys):
    _, cur = frames
    cur = cur.astype({"income": "float64"})
    cur.loc[: len(cur) // 2, "income"] = np.nan
    cur.to_csv(files / "bad.csv", index=False)
    code, out, _ = run(
        capsys,
        "check",
        files / "suite.toml",
        "--reference",
        files / "ref.csv",
        "--current",
        files / "bad.csv",
    )
    assert code == 1
    assert "FAIL" in out and "income" in out


def test_error_verdict_exits_2(files, capsys):
    # the schema gate needs reference; without it the gate cannot judge: exit 2, said before any
    # gate runs (the precheck of the required options)
    code, out, err = run(capsys, "check", files / "suite.toml", "--current", files / "cur.parquet")
    assert code == 2
    assert out == "" and "missing option: --reference PATH (needed by schema)" in err
    # a gate that cannot judge what it was given is an ERROR verdict: exit 2
    (files / "empty.csv").write_text("age,income,city,y\n")
    code, out, _ = run(
        capsys,
        "check",
        files / "suite.toml",
        "--reference",
        files / "ref.csv",
        "--current",
        files / "empty.csv",
    )
    assert code == 2 and "ERROR" in out


def test_fail_on_warn(files, frames, capsys):
    _, cur = frames
    cur = cur.astype({"income": "float64"})
    n_missing = int(len(cur) * 0.07)  # between warn_share 5% and max_share 10%
    cur.loc[: n_missing - 1, "income"] = np.nan
    cur.to_csv(files / "warn.csv", index=False)
    args = ["check", files / "suite.toml", "--reference", files / "ref.csv", "--current", files / "warn.csv"]
    code, out, _ = run(capsys, *args)
    assert code == 0 and "WARN" in out
    code, _, _ = run(capsys, *args, "--fail-on", "warn")
    assert code == 1


@pytest.mark.parametrize(
    ("argv_extra", "needle"),
    [
        (["--target", "yy"], "--target 'yy' is not a column of"),
        (["--sensitive", "sex"], "--sensitive 'sex' is not a column"),
        (["--proba", "p1"], "--proba 'p1'"),
    ],
)
def test_unknown_column_names_option_and_fix(files, capsys, argv_extra, needle):
    code, out, err = run(capsys, *base(files, *argv_extra))
    assert code == 2
    assert needle in err and "Columns:" in err
    assert "Traceback" not in err and out == ""


def test_did_you_mean(files, capsys):
    _, _, err = run(capsys, *base(files, "--target", "incme"))
    assert "Did you mean 'income'?" in err


def test_bad_suite_key_names_file_and_key(files, capsys):
    (files / "bad.toml").write_text('type = "Suite"\n[[gates]]\ntype = "RowCountGate"\nmin_row = 3\n')
    code, _, err = run(capsys, "check", files / "bad.toml", "--current", files / "cur.parquet")
    assert code == 2
    assert "bad.toml" in err and "'min_row'" in err and "Did you mean 'min_rows'?" in err
    assert "Traceback" not in err


def test_bad_parameter_value_is_exit_2(files, capsys):
    (files / "bad.toml").write_text(
        'type = "Suite"\n[[gates]]\ntype = "MissingValuesGate"\nmax_share = 3.0\n'
    )
    code, _, err = run(capsys, "check", files / "bad.toml", "--current", files / "cur.parquet")
    assert code == 2 and "max_share" in err and "Traceback" not in err


def test_missing_files(files, capsys):
    code, _, err = run(capsys, "check", files / "nope.toml", "--current", files / "cur.parquet")
    assert code == 2 and "nope.toml" in err and "mlgates init" in err
    code, _, err = run(capsys, "check", files / "suite.toml", "--current", files / "nope.csv")
    assert code == 2 and "--current" in err and "nope.csv" in err and "no such file" in err


def test_unknown_data_suffix_and_unreadable(files, capsys):
    (files / "data.xlsx").write_bytes(b"x")
    code, _, err = run(capsys, "check", files / "suite.toml", "--current", files / "data.xlsx")
    assert code == 2 and ".xlsx" in err and ".parquet" in err
    (files / "broken.parquet").write_bytes(b"not parquet at all")
    code, _, err = run(
        capsys,
        "check",
        files / "suite.toml",
        "--reference",
        files / "ref.csv",
        "--current",
        files / "broken.parquet",
    )  # (a missing --reference would be named first, before any file is read)
    assert code == 2 and "broken.parquet" in err and "Traceback" not in err


def test_debug_shows_traceback(files, capsys):
    code, _, err = run(capsys, "check", files / "suite.toml", "--current", files / "nope.csv", "--debug")
    assert code == 2 and "Traceback" in err


def test_no_data_is_an_error(files, capsys):
    code, _, err = run(capsys, "check", files / "suite.toml")
    assert code == 2 and "--current" in err


@pytest.mark.parametrize("fmt", ["json", "markdown", "junit", "html", "text"])
def test_formats_to_stdout(files, capsys, fmt):
    code, out, _ = run(capsys, *base(files, "--format", fmt))
    assert code == 0
    if fmt == "json":
        v = Verdict.from_json(out)
        assert v.status is Status.PASS and len(v.children) == 3
    elif fmt == "junit":
        root = ET.fromstring(out.split("?>", 1)[1])
        assert len(root.findall(".//testcase")) == 3
    elif fmt == "html":
        assert out.startswith("<!DOCTYPE html>")
    elif fmt == "markdown":
        assert out.startswith("## ")
    else:
        assert "PASS" in out


def test_output_suffix_chooses_format(files, capsys):
    (files / "r").mkdir()
    code, out, _ = run(capsys, *base(files, "--output", files / "r" / "report.json"))
    assert code == 0
    v = Verdict.from_json((files / "r" / "report.json").read_text())
    assert v.gate == "Suite"
    assert "wrote json report" in out
    run(capsys, *base(files, "-o", files / "report.xml"))
    assert (files / "report.xml").read_text().startswith("<?xml")


def test_quiet(files, capsys):
    code, out, err = run(capsys, *base(files, "--quiet"))
    assert code == 0 and out == "" and err == ""


def test_github_step_summary_appended(files, capsys, monkeypatch):
    summary = files / "summary.md"
    summary.write_text("previous step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    run(capsys, *base(files))
    text = summary.read_text()
    assert text.startswith("previous step\n") and "| status | gate |" in text


def test_progress_only_on_a_tty(files, capsys, monkeypatch):
    _, _, err = run(capsys, *base(files))
    assert "[1/3]" not in err  # captured stderr is not a TTY
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    _, _, err = run(capsys, *base(files))
    assert "[1/3] schema" in err and "[3/3]" in err
    _, _, err = run(capsys, *base(files, "--quiet"))
    assert "[1/3]" not in err


class _Model:
    def predict(self, x):
        return np.zeros(len(x), dtype=int)


def test_pickle_model_refused_without_trust(files, capsys):
    path = files / "model.pkl"
    path.write_bytes(pickle.dumps(_Model()))
    code, _, err = run(capsys, *base(files, "--model", path))
    assert code == 2 and "executes code" in err and "--trust-model" in err
    code, _, err = run(capsys, *base(files, "--model", path, "--trust-model"))
    assert code == 0, err


def test_help_warns_about_model_files(capsys):
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    out = capsys.readouterr().out
    assert "EXECUTES CODE" in re.sub(r"\s+", " ", out)


def test_skops_model(files, capsys):
    sio = pytest.importorskip("skops.io", reason="skops is in the dev extra")
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression().fit(np.arange(10).reshape(-1, 1), [0] * 5 + [1] * 5)
    sio.dump(model, files / "model.skops")
    code, _, err = run(capsys, *base(files, "--model", files / "model.skops"))
    assert code == 0, err


def test_init_writes_reviewable_suite_that_loads(files, capsys, frames):
    ref, _ = frames
    out = files / "starter.toml"
    code, printed, _ = run(capsys, "init", "--reference", files / "ref.csv", "--target", "y", "--output", out)
    assert code == 0 and "mlgates check" in printed
    text = out.read_text()
    assert text.startswith("# mlgates suite written by `mlgates init`")
    suite = load_suite(out)
    types = [g.to_config()["type"] for g in suite.gates]
    # quality_suite_from_reference: schema, row count and missing values first, then the rest
    assert types[:3] == ["SchemaGate", "RowCountGate", "MissingValuesGate"]
    assert "ConflictingLabelsGate" in types  # --target adds the label checks
    # the starter suite passes on its own reference data
    assert suite.check(reference=ref, current=ref, target="y").status is Status.PASS
    # refuses to overwrite
    code, _, err = run(capsys, "init", "--reference", files / "ref.csv", "--output", out)
    assert code == 2 and "--force" in err
    assert run(capsys, "init", "--reference", files / "ref.csv", "--output", out, "--force")[0] == 0


def test_init_drift_is_active_and_non_blocking(files, capsys, frames):
    ref, _ = frames
    out = files / "starter.toml"
    assert run(capsys, "init", "--reference", files / "ref.csv", "--output", out)[0] == 0
    text = out.read_text()
    suite = load_suite(out)
    drift = [g for g in suite.gates if g.to_config()["type"] == "DriftGate"]
    assert len(drift) == 1 and drift[0].blocking is False
    assert re.search(r"(?m)^# .*blocking = false: .*\n(# .*\n)*\[\[gates\]\]\ntype = \"DriftGate\"", text)
    # a shifted current table: drift is reported but, non-blocking, does not fail the run
    shifted = ref.nsmallest(150, "income")  # inside the reference's ranges, but shifted
    shifted.to_csv(files / "shifted.csv", index=False)
    code, printed, _ = run(
        capsys, "check", out, "--reference", files / "ref.csv", "--current", files / "shifted.csv"
    )
    assert code == 0 and "drift" in printed and "WARN" in printed


def test_init_commented_blocks_stay_valid_toml(files, capsys):
    out = files / "starter.toml"
    run(capsys, "init", "--reference", files / "ref.csv", "--output", out)
    text = out.read_text()
    uncommented = re.sub(
        r"(?m)^# (\[\[gates\]\]|type = |name = |blocking = |metric = |min_value = )", r"\1", text
    )
    data = tomllib.loads(uncommented)
    types = [g["type"] for g in data["gates"]]
    assert types[-4:] == ["DriftGate", "PerformanceGate", "FairnessGate", "DisparateImpactGate"]
    assert data["gates"][-3]["min_value"] == 0.8
    (files / "all.toml").write_text(uncommented)
    suite = load_suite(files / "all.toml")  # uncommented as is, it loads and validates
    suite.validate()
    performance = next(g for g in suite.gates if g.to_config()["type"] == "PerformanceGate")
    assert performance.min_value == 0.8


def test_init_checks_inputs_before_the_output(files, capsys):
    out = files / "exists.toml"
    out.write_text("")
    code, _, err = run(capsys, "init", "--reference", files / "nope.csv", "--output", out)
    assert code == 2 and "nope.csv" in err and "exists" not in err
    code, _, err = run(capsys, "init", "--reference", files / "ref.csv", "--target", "nope", "--output", out)
    assert code == 2 and "--target 'nope'" in err and "exists" not in err


def test_empty_suite_is_an_error(files, capsys):
    (files / "empty.toml").write_text('schema = "mlgates.suite/1"\ntype = "Suite"\ngates = []\n')
    code, out, err = run(capsys, "check", files / "empty.toml", "--current", files / "cur.parquet")
    assert code == 2
    assert f"{files / 'empty.toml'}: the suite has no gates" in err
    assert "SKIP" not in out


def test_missing_input_hint_names_the_cli_option(files, capsys):
    pytest.importorskip("fairlearn")
    from mlgates import FairnessGate

    save_suite(FairnessGate(name="fair"), files / "fair.toml")
    cur = pd.read_parquet(files / "cur.parquet").assign(pred=lambda d: d["y"])
    cur.to_csv(files / "pred.csv", index=False)
    code, out, err = run(
        capsys, "check", files / "fair.toml", "--current", files / "pred.csv", "--target", "y",
        "--prediction", "pred",
    )  # fmt: skip
    assert code == 2
    assert "--sensitive COL [COL ...] (needed by fair)" in err  # said before any gate runs
    assert "check(sensitive_features" not in err  # the Python advice is translated
    assert out == ""


def test_unknown_output_suffix_is_refused(files, capsys):
    code, _, err = run(capsys, *base(files, "--output", files / "r.xyz"))
    assert code == 2 and "'.xyz'" in err and ".html" in err and ".json" in err
    assert not (files / "r.xyz").exists()
    # with --format the format is explicit, so any name is fine for a single output
    code, _, _ = run(capsys, *base(files, "--format", "json", "--output", files / "r.log"))
    assert code == 0 and Verdict.from_json((files / "r.log").read_text()).status is Status.PASS


def test_output_folder_must_exist(files, capsys):
    code, _, err = run(capsys, *base(files, "--output", files / "nonexistent" / "dir" / "r.html"))
    assert code == 2 and "does not exist" in err and "nonexistent" in err
    assert not (files / "nonexistent").exists()


def test_init_errors(files, capsys):
    code, _, err = run(
        capsys, "init", "--reference", files / "ref.csv", "--target", "label", "--output", files / "s.toml"
    )
    assert code == 2 and "--target 'label'" in err
    code, _, err = run(capsys, "init", "--reference", files / "ref.csv", "--output", files / "s.yaml")
    assert code == 2 and ".toml" in err


def test_main_without_command_prints_help(capsys):
    assert main([]) == 2
    assert "check" in capsys.readouterr().out


def test_json_report_is_strict_json(files, capsys):
    _, out, _ = run(capsys, *base(files, "--format", "json"))

    def refuse(constant):
        raise AssertionError(f"non-standard JSON constant {constant} in the report")

    json.loads(out, parse_constant=refuse)  # strict JSON: no bare NaN / Infinity


def test_several_outputs(files, capsys):
    code, out, _ = run(
        capsys, *base(files, "-o", files / "a.html", "-o", files / "a.xml", "-o", files / "a.md")
    )
    assert code == 0
    assert (files / "a.html").read_text().startswith("<!DOCTYPE html>")
    assert (files / "a.xml").read_text().startswith("<?xml")
    assert (files / "a.md").read_text().startswith("## ")
    assert out.count("wrote ") == 3
    code, _, err = run(capsys, *base(files, "-o", files / "a.html", "-o", files / "a.bin"))
    assert code == 2 and "a.bin" in err and "several outputs" in err


def test_format_overrides_suffix_for_one_output(files, capsys):
    run(capsys, *base(files, "--format", "json", "-o", files / "report.txt"))
    assert Verdict.from_json((files / "report.txt").read_text()).status is Status.PASS


def test_init_uses_quality_suite_from_reference(files, capsys, monkeypatch):
    import mlgates

    seen = {}

    def fake(reference, target=None, name="data quality"):
        seen["shape"], seen["target"] = reference.shape, target
        return mlgates.Suite([RowCountGate(min_rows=7, name="inferred rows")], name=name)

    monkeypatch.setattr(mlgates, "quality_suite_from_reference", fake, raising=False)
    out = files / "inferred.toml"
    code, _, _ = run(capsys, "init", "--reference", files / "ref.csv", "--target", "y", "--output", out)
    assert code == 0 and seen == {"shape": (300, 4), "target": "y"}
    suite = load_suite(out)
    # the inferred gates, the security gates, then drift
    assert [g.name for g in suite.gates] == ["inferred rows", "personal data", "credentials", "drift"]
    assert suite.name == "mlgates checks"
    assert "quality_suite_from_reference" in out.read_text()


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_single_gate_suite_files(files, capsys, suffix):
    pytest.importorskip("yaml", reason="PyYAML is in the dev extra")
    path = files / f"one{suffix}"
    save_suite(RowCountGate(min_rows=10_000, name="big enough"), path)
    code, out, _ = run(capsys, "check", path, "--current", files / "cur.parquet")
    assert code == 1 and "FAIL  big enough" in out


def test_console_entry_point_exit_codes(files):
    import os
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    cmd = [sys.executable, "-m", "mlgates.cli", "check", str(files / "suite.toml"), "--current"]
    ok = subprocess.run(
        [*cmd, str(files / "cur.parquet"), "--reference", str(files / "ref.csv")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run([*cmd, str(files / "missing.csv")], capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "missing.csv" in bad.stderr


def test_check_reads_tables_like_fingerprint_does(tmp_path):
    from mlgates import fingerprint
    from mlgates.cli_check import read_table

    frame = pd.DataFrame({"x": [0.1, 1 / 3, 2.5e-8], "s": ["a", "b", None]})
    for name in ("t.csv", "t.tsv.gz", "t.feather", "t.parquet"):
        path = tmp_path / name
        if name.endswith(".feather"):
            frame.to_feather(path)
        elif name.endswith(".parquet"):
            frame.to_parquet(path)
        else:
            frame.to_csv(path, sep="\t" if ".tsv" in name else ",", index=False, float_format="%.17g")
        assert fingerprint(read_table(path)) == fingerprint(path), name
