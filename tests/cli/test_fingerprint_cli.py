"""``mlgates fingerprint`` prints what the library computes for the same files (tables by content
with per-column fingerprints, unparsable tables and other files by their bytes, folders)."""

from __future__ import annotations

import json

import pandas as pd

from mlgates import fingerprint, fingerprint_table
from mlgates.cli import main


def test_fingerprint_json_matches_the_library(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    frame = pd.DataFrame({"x": [3, 1, 2], "s": ["c", "a", "b"]})
    frame.to_csv("data.csv", index=False)
    frame.to_parquet("data.parquet")
    (tmp_path / "empty.csv").write_text("")  # not parsable as a table: hashed by its bytes
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "train.py").write_text("print(1)\n")
    capsys.readouterr()
    paths = ["data.csv", "data.parquet", "empty.csv", "src"]
    assert main(["fingerprint", "--json", "--row-order", "insensitive", *paths]) == 0
    rows = {r["path"]: r for r in json.loads(capsys.readouterr().out)}
    read = pd.read_csv("data.csv", low_memory=False)
    for name, table in (("data.csv", read), ("data.parquet", frame)):
        want = fingerprint_table(table, row_order="insensitive")
        assert rows[name] == {
            "path": name,
            "fingerprint": want.fingerprint,
            "n_rows": 3,
            "columns": want.columns,
        }
    assert rows["empty.csv"] == {"path": "empty.csv", "fingerprint": fingerprint(tmp_path / "empty.csv")}
    assert rows["src"] == {"path": "src", "fingerprint": fingerprint(tmp_path / "src")}
    shuffled = frame.iloc[[2, 0, 1]]
    shuffled.to_parquet("data.parquet")
    assert main(["fingerprint", "--json", "--row-order", "insensitive", "data.parquet"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["fingerprint"] == rows["data.parquet"]["fingerprint"]
