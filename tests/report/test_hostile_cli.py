"""Hostile names through the command line: ``mlgates check`` (every format, progress, hints,
errors, with and without color) and ``mlgates fingerprint``/``lock``/``verify``."""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET

import pytest
from hostile import OWN_COLORS, forbidden, forged_status_lines, frames, hostile_suite

from mlgates import Verdict
from mlgates.cli import main
from mlgates.cli_output import progress_printer
from mlgates.core.config import save_suite
from mlgates.gates.quality import RowCountGate
from mlgates.report._safe import safe_text

#: The progress line's own "carriage return, erase line" (only on a terminal).
_ERASE = re.compile(r"\r\x1b\[K")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile")
    ref, cur, target = frames()
    ref.to_parquet(path / "ref.parquet")
    cur.to_parquet(path / "cur.parquet")
    save_suite(hostile_suite(), path / "suite.toml")
    return path, target


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def check_args(files, *extra):
    path, target = files
    return [
        "check",
        path / "suite.toml",
        "--reference",
        path / "ref.parquet",
        "--current",
        path / "cur.parquet",
        "--target",
        target,
        "--prediction",
        "pred",
        *extra,
    ]


def _assert_clean(text: str) -> None:
    assert not forbidden(text), sorted(set(forbidden(text)))
    assert not forged_status_lines(text), forged_status_lines(text)


@pytest.mark.parametrize("no_color", [True, False])
def test_check_on_a_terminal_prints_no_forged_line_or_foreign_escape(files, capsys, monkeypatch, no_color):
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)  # colors and progress are on
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    code, out, err = run(capsys, *check_args(files, *(["--no-color"] if no_color else [])))
    assert code == 1
    if no_color:
        assert "\x1b" not in out  # --no-color: not one escape sequence, whatever the names hold
    else:
        assert OWN_COLORS.search(out)
    _assert_clean(OWN_COLORS.sub("", out))
    assert "[1/4] x\\nstatus: PASS (exit code 0) ..." in err  # the progress line, escaped
    _assert_clean(_ERASE.sub("\n", err))
    visible = _ERASE.split(err)[-1]  # what the terminal shows once the progress line is erased
    status_lines = [line for line in (out + visible).splitlines() if line.startswith("status:")]
    assert status_lines == ["status: FAIL (exit code 1)"]


@pytest.mark.parametrize("fmt", ["text", "markdown", "junit", "json", "html"])
def test_check_every_format_on_stdout(files, capsys, fmt):
    code, out, err = run(capsys, *check_args(files, "--format", fmt))
    assert code == 1
    _assert_clean(out.replace("\n", "") if fmt in ("json", "html") else out)
    _assert_clean(err)
    if fmt == "junit":
        root = ET.fromstring(out.encode("utf-8"))
        assert len(root.findall(".//testcase")) == 4
    if fmt == "json":  # lossless: every name exactly as in the data
        verdict = Verdict.from_json(out)
        subjects = {f.subject for v in verdict.walk() for f in v.findings}
        assert "x\nstatus: PASS (exit code 0)" in subjects and "nul\x00z" in subjects
        assert verdict.children[1].name == "\x1b[31mred\x1b[0m"


def test_check_report_files_parse(files, capsys, tmp_path):
    outputs = [tmp_path / "r.json", tmp_path / "r.xml", tmp_path / "r.md", tmp_path / "r.html"]
    code, out, err = run(capsys, *check_args(files, *[a for p in outputs for a in ("-o", p)]))
    assert code == 1
    _assert_clean(out)
    _assert_clean(err)
    ET.parse(tmp_path / "r.xml")
    assert Verdict.from_json((tmp_path / "r.json").read_text("utf-8")).children[0].name.startswith("x\n")
    _assert_clean((tmp_path / "r.md").read_text("utf-8"))


def test_missing_input_hint_is_one_line(files, capsys):
    path, _ = files
    code, _, err = run(capsys, "check", path / "suite.toml", "--current", path / "cur.parquet")
    assert code == 2
    _assert_clean(err)
    # Missing options are reported before any gate runs, in one line naming the gates that need them.
    lines = err.splitlines()
    assert len(lines) == 1, lines
    assert "missing option" in lines[0] and "--reference PATH" in lines[0], lines
    assert safe_text("\x1b[31mred\x1b[0m") in lines[0], lines


def test_error_line_naming_hostile_columns_is_one_line(files, capsys):
    code, out, err = run(capsys, *check_args(files), "--sensitive", "x\nstatus: PASS")
    assert code == 2 and out == ""
    assert len(err.splitlines()) == 1 and "--sensitive 'x\\nstatus: PASS' is not a column" in err
    _assert_clean(err)


def test_progress_printer_escapes_gate_names():
    import io

    stream = io.StringIO()
    progress_printer(stream)(0, 2, RowCountGate(name="a\nstatus: PASS\x1b[2J"))
    assert stream.getvalue() == "\r\x1b[K[1/2] a\\nstatus: PASS\\x1b[2J ..."


# -- fingerprint, lock, verify ----------------------------------------------------------------
def test_fingerprint_columns_one_line_each(files, capsys):
    path, _ = files
    code, out, err = run(capsys, "fingerprint", "--columns", path / "cur.parquet")
    assert code == 0 and err == ""
    _assert_clean(out)
    lines = out.splitlines()
    assert len(lines) == 1 + len(frames()[1].columns)
    assert any(line.endswith("  x\\nstatus: PASS (exit code 0)") for line in lines)


def test_missing_path_is_one_line(capsys, tmp_path):
    code, _, err = run(capsys, "fingerprint", tmp_path / "nope\nstatus: PASS\x1b[2J")
    assert code == 2 and len(err.splitlines()) == 1
    _assert_clean(err)


def test_lock_and_verify_print_hostile_file_names_on_one_line(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "data\nstatus: PASS (exit code 0)\x1b[2J\u202e.txt"
    (tmp_path / name).write_text("a,b\n1,2\n")
    code, out, err = run(capsys, "lock", name, "-o", "l.json", "--no-environment")
    assert code == 0, err
    _assert_clean(out)
    assert len(out.splitlines()) == 2  # one artifact, one "wrote" line
    (tmp_path / name).write_text("a,b\n1,3\n")  # changed: verify fails and names the file
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setenv("NO_COLOR", "1")
    code, out, _ = run(capsys, "verify", "l.json")
    assert code == 1
    assert "\x1b" not in out  # NO_COLOR is honoured and the name's ESC is escaped
    _assert_clean(out)
    assert "data\\nstatus: PASS (exit code 0)\\x1b[2J\\u202e.txt" in out
    code, out, _ = run(capsys, "verify", "l.json", "--format", "json")
    _assert_clean(out.replace("\n", ""))
    verdict = Verdict.from_json(out)
    assert any(f.subject == name for f in verdict.findings)
