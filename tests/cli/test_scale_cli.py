"""``mlgates check`` on directories and globs, ``mlgates profile`` and ``--reference-profile``."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from mlgates.cli import main
from mlgates.core.config import save_suite
from mlgates.gates.drift import DriftGate
from mlgates.gates.quality import CategoryGate, MissingValuesGate, RowCountGate


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def project(tmp_path):
    rng = np.random.default_rng(3)
    ref = pd.DataFrame({"x": rng.normal(size=800), "c": rng.choice(["a", "b"], 800)})
    cur = pd.DataFrame({"x": rng.normal(size=800), "c": rng.choice(["a", "b"], 800)})
    ref.to_parquet(tmp_path / "ref.parquet", index=False)
    (tmp_path / "cur").mkdir()
    for i in range(4):
        cur.iloc[i * 200 : (i + 1) * 200].to_parquet(tmp_path / "cur" / f"part-{i}.parquet", index=False)
    suite = RowCountGate(min_rows=10) & MissingValuesGate() & CategoryGate() & DriftGate()
    save_suite(suite, tmp_path / "suite.toml")
    return tmp_path


def test_check_reads_a_directory_and_a_glob_in_chunks(capsys, project):
    for current in (project / "cur", f"{project}/cur/part-*.parquet"):
        code, out, err = run(
            capsys,
            "check",
            project / "suite.toml",
            "--reference",
            project / "ref.parquet",
            "--current",
            current,
            "--format",
            "json",
        )
        verdict = json.loads(out)
        assert code == 0, err
        info = verdict["children"][0]["provenance"]["profile"]["current"]
        assert info["files"] == 4 and info["rows"] == 800 and info["engine"] == "pyarrow.dataset"


def test_profile_then_check_without_the_reference_data(capsys, project):
    code, out, err = run(
        capsys,
        "profile",
        project / "suite.toml",
        "--reference",
        project / "ref.parquet",
        "-o",
        project / "ref.mgprofile",
    )
    assert code == 0, err
    assert "wrote" in out and "--reference-profile" in out
    (project / "ref.parquet").unlink()
    code, out, err = run(
        capsys,
        "check",
        project / "suite.toml",
        "--reference-profile",
        project / "ref.mgprofile",
        "--current",
        project / "cur",
        "--chunk-rows",
        "150",
    )
    assert code == 0, out + err
    code, out, err = run(
        capsys,
        "profile",
        project / "suite.toml",
        "--reference",
        project / "cur",
        "-o",
        project / "ref.mgprofile",
    )
    assert code == 2 and "--force" in err


def test_command_line_mistakes_are_one_line(capsys, project):
    code, _, err = run(
        capsys,
        "check",
        project / "suite.toml",
        "--reference",
        project / "ref.parquet",
        "--current",
        f"{project}/nothing-*.parquet",
    )
    assert code == 2 and "matches no table file" in err
    code, _, err = run(
        capsys,
        "check",
        project / "suite.toml",
        "--reference",
        project / "ref.parquet",
        "--reference-profile",
        project,
        "--current",
        project / "cur",
    )
    assert code == 2 and "not both" in err
    code, _, err = run(
        capsys,
        "check",
        project / "suite.toml",
        "--reference-profile",
        project / "absent",
        "--current",
        project / "cur",
    )
    assert code == 2 and "--reference-profile" in err and "not a readable mlgates profile" in err
    pd.DataFrame({"x": ["text"]}).to_parquet(project / "cur" / "part-9.parquet", index=False)
    code, out, err = run(
        capsys,
        "check",
        project / "suite.toml",
        "--reference",
        project / "ref.parquet",
        "--current",
        project / "cur",
    )
    assert code == 2 and "part-9.parquet" in err, out + err


def test_record_a_check_on_chunked_data(capsys, project):
    code, _, err = run(
        capsys,
        "check",
        project / "suite.toml",
        "--reference",
        project / "ref.parquet",
        "--current",
        project / "cur",
        "--record",
        project / "ledger",
        "-q",
    )
    assert code == 0 and "recorded" in err, err
