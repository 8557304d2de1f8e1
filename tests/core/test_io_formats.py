"""File formats in one place (mlgates.core._io): table recognition and the CSV policy shared by
``mlgates check`` and the fingerprints, without importing pandas at import time."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from mlgates.core import _io


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("a.csv", "csv"),
        ("A.CSV.GZ", "csv"),
        ("x.tsv.bz2", "tsv"),
        ("t.parquet", "parquet"),
        ("t.pq", "parquet"),
        ("t.feather", "feather"),
        ("t.arrow", "feather"),
        ("model.pkl", None),
        ("data.csv.7z", None),
        ("csv", None),
    ],
)
def test_table_format(name, fmt):
    assert _io.table_format(name) == fmt


def test_is_table_file_needs_an_existing_file(tmp_path):
    (tmp_path / "d.csv").write_text("a\n1\n")
    (tmp_path / "folder.csv").mkdir()
    assert _io.is_table_file(tmp_path / "d.csv")
    assert not _io.is_table_file(tmp_path / "folder.csv") and not _io.is_table_file(tmp_path / "gone.csv")


def test_csv_policy_is_a_fresh_dict_each_time():
    first = _io.csv_read_policy()
    first["low_memory"] = True
    assert _io.csv_read_policy()["low_memory"] is False
    assert _io.csv_read_policy() == _io.CSV_READ_POLICY


def test_old_import_paths_keep_working():
    from mlgates.fingerprints import _objects

    assert _objects.table_format is _io.table_format and _objects.is_table_file is _io.is_table_file
    assert _io.csv_read_policy() == _objects.CSV_READ_POLICY


def test_importing_the_io_module_imports_no_pandas():
    code = "import mlgates.core._io, sys, json; print(json.dumps('pandas' in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert json.loads(out) is False
