"""`mlgates lock` / `mlgates verify` under attack: content behind symlinks, paths resolved from
another folder, a lock written into the folder it locks, malformed lock files, and messages that
name what changed in the user's terms. Exit codes: 0 unchanged, 1 changed, 2 error."""

from __future__ import annotations

import copy
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from mlgates import Manifest, ReproducibilityGate, Status
from mlgates.cli import main

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="symlinks and FIFOs need POSIX")


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _verify_json(capsys, *args: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["verify", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


# -- symlinked directories ---------------------------------------------------------------------
def test_content_behind_a_symlinked_directory_is_locked(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "proj/sub/f.txt", "a\n")
    _write(tmp_path / "outside/d/x.txt", "1\n")
    os.symlink("../../outside/d", tmp_path / "proj/sub/linked")
    assert main(["lock", "proj", "--no-environment", "-o", "l.json"]) == 0
    entry = json.loads(Path("l.json").read_text())["artifacts"]["proj"]
    assert entry["path_kind"] == "directory"
    assert entry["links"] == {"sub/linked": {"target": "../../outside/d", "kind": "directory"}}
    assert set(entry["files"]) == {"sub/f.txt", "sub/linked/x.txt"}
    assert main(["verify", "l.json"]) == 0

    _write(tmp_path / "outside/d/x.txt", "2\n")  # only the content behind the link changes
    code, verdict = _verify_json(capsys, "l.json")
    assert code == 1
    finding = verdict["findings"][0]
    assert finding["reason"] == "artifact_changed"
    assert finding["details"]["changed_files"] == ["sub/linked/x.txt"]
    assert "files changed: sub/linked/x.txt" in finding["message"]


def test_file_and_directory_links_are_treated_alike(tmp_path):
    from mlgates import fingerprint

    real, linked = tmp_path / "real", tmp_path / "linked"
    _write(real / "d/x.txt", "1\n")
    _write(real / "f.txt", "f\n")
    _write(tmp_path / "elsewhere/d/x.txt", "1\n")
    _write(tmp_path / "elsewhere/f.txt", "f\n")
    linked.mkdir()
    os.symlink("../elsewhere/d", linked / "d")
    os.symlink("../elsewhere/f.txt", linked / "f.txt")
    assert fingerprint(linked) == fingerprint(real)  # content, followed through either kind of link


def test_a_symlink_loop_is_recorded_not_followed(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "proj/a/f.txt", "x\n")
    os.symlink("..", tmp_path / "proj/a/up")
    os.symlink(".", tmp_path / "proj/self")
    assert main(["lock", "proj", "--no-environment", "-o", "l.json"]) == 0
    entry = json.loads(Path("l.json").read_text())["artifacts"]["proj"]
    assert entry["links"] == {
        "a/up": {"target": "..", "kind": "loop"},
        "self": {"target": ".", "kind": "loop"},
    }
    assert set(entry["files"]) == {"a/f.txt"}
    assert main(["verify", "l.json"]) == 0
    os.unlink(tmp_path / "proj/self")
    os.symlink("./a", tmp_path / "proj/self")  # no longer a loop: now followed, content added
    code, verdict = _verify_json(capsys, "l.json")
    assert code == 1
    assert verdict["findings"][0]["details"]["added_files"] == ["self/f.txt"]


def test_fifo_and_dangling_link_in_a_locked_directory_fail_closed(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "proj/a.txt", "a\n")
    os.mkfifo(tmp_path / "proj/pipe")  # reading it would block forever
    capsys.readouterr()
    assert main(["lock", "proj", "--no-environment"]) == 2
    err = capsys.readouterr().err
    assert "pipe is not a regular file or directory" in err and "cannot write" not in err
    os.unlink(tmp_path / "proj/pipe")
    assert main(["lock", "proj", "--no-environment"]) == 0
    os.symlink("gone.txt", tmp_path / "proj/dangling")
    code, verdict = _verify_json(capsys)
    assert code == 2
    finding = verdict["findings"][0]
    assert (
        finding["reason"] == "fingerprint_failed"
        and "dangling is a symbolic link to 'gone.txt'" in finding["message"]
    )


# -- base folder ----------------------------------------------------------------------------------
def test_lock_paths_resolve_against_the_lock_folder_not_the_working_directory(tmp_path, monkeypatch, capsys):
    _write(tmp_path / "proj/a.txt", "a\n")
    monkeypatch.chdir(tmp_path / "proj")
    assert main(["lock", "a.txt", "--no-environment", "-o", "l.json"]) == 0
    assert json.loads(Path("l.json").read_text())["base"] == "."

    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "a.txt", "a\n")  # a decoy with the locked content, next to the caller
    _write(tmp_path / "proj/a.txt", "changed\n")
    code, verdict = _verify_json(capsys, "proj/l.json")
    assert code == 1, verdict
    assert verdict["findings"][0]["subject"] == "a.txt"
    assert verdict["params"]["lock_base"] == str(tmp_path / "proj")

    _write(tmp_path / "proj/a.txt", "a\n")
    shutil.copytree(tmp_path / "proj", tmp_path / "moved")  # the lock travels with its files
    _write(tmp_path / "a.txt", "decoy changed\n")
    assert main(["verify", "moved/l.json"]) == 0


def test_lock_written_elsewhere_records_the_way_back(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "data/x.csv", "a,b\n1,2\n")
    assert main(["lock", "data/x.csv", "--no-environment", "-o", "locks/x.lock.json"]) == 0
    raw = json.loads(Path("locks/x.lock.json").read_text())
    assert raw["base"] == ".." and raw["artifacts"]["data/x.csv"]["path"] == "data/x.csv"
    monkeypatch.chdir(tmp_path / "locks")
    assert main(["verify", "x.lock.json"]) == 0
    _write(tmp_path / "data/x.csv", "a,b\n1,3\n")
    code, verdict = _verify_json(capsys, "x.lock.json")
    assert code == 1 and verdict["findings"][0]["details"]["changed_columns"] == ["b"]


def _schema_1(lock: dict) -> dict:
    """What mlgates wrote before lock schema 2: no base, no path_kind/files/links/exclude."""
    old = copy.deepcopy(lock)
    old["schema"] = "mlgates.manifest/1"
    old.pop("base")
    for entry in old["artifacts"].values():
        for key in ("path_kind", "files", "links", "exclude", "symlink"):
            entry.pop(key, None)
    return old


def test_schema_1_lock_still_verifies_against_the_working_directory_with_a_note(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "a.txt", "a\n")
    _write(tmp_path / "src/m.py", "x = 1\n")
    assert main(["lock", "a.txt", "src", "--no-environment", "-o", "l.json"]) == 0
    Path("l.json").write_text(json.dumps(_schema_1(json.loads(Path("l.json").read_text()))))
    capsys.readouterr()
    assert main(["verify", "l.json"]) == 0
    assert "records no base folder (a schema 1 lock)" in capsys.readouterr().err
    _write(tmp_path / "src/m.py", "x = 2\n")
    code, _ = _verify_json(capsys, "l.json")
    assert code == 1


def test_schema_1_lock_of_a_directory_with_a_symlinked_directory_fails_and_says_why(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "proj/f.txt", "a\n")
    _write(tmp_path / "outside/x.txt", "1\n")
    os.symlink("../outside", tmp_path / "proj/linked")
    assert main(["lock", "proj", "--no-environment", "-o", "l.json"]) == 0
    old = _schema_1(json.loads(Path("l.json").read_text()))
    # the fingerprint an mlgates that skipped symlinked directories wrote
    from mlgates import fingerprint

    os.unlink(tmp_path / "proj/linked")
    old["artifacts"]["proj"]["fingerprint"] = fingerprint(tmp_path / "proj")
    os.symlink("../outside", tmp_path / "proj/linked")
    Path("l.json").write_text(json.dumps(old))
    code, verdict = _verify_json(capsys, "l.json")
    assert code == 1  # unknown content behind the link: never a silent pass
    assert "did not follow symlinked directories (linked)" in verdict["findings"][0]["message"]


# -- the lock file inside the folder it locks -----------------------------------------------------
def test_lock_written_into_the_locked_directory_leaves_itself_out(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "d3/q.txt", "q\n")
    assert main(["lock", "d3", "--no-environment", "-o", "d3/x.lock.json"]) == 0
    assert json.loads(Path("d3/x.lock.json").read_text())["artifacts"]["d3"]["exclude"] == ["x.lock.json"]
    assert main(["verify", "d3/x.lock.json"]) == 0
    _write(tmp_path / "d3/.x.lock.json.1a2b3c4d.tmp", "{")  # a temp file left by a crashed write
    assert main(["verify", "d3/x.lock.json"]) == 0
    _write(tmp_path / "d3/new.txt", "n\n")
    code, verdict = _verify_json(capsys, "d3/x.lock.json")
    assert code == 1 and verdict["findings"][0]["details"]["added_files"] == ["new.txt"]


def test_locking_the_working_directory_with_the_default_output(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "train.py", "print(1)\n")
    assert main(["lock", ".", "--no-environment"]) == 0  # writes ./mlgates.lock.json
    assert main(["verify"]) == 0
    assert main(["lock", ".", "--no-environment"]) == 0  # again, over the existing lock
    assert main(["verify"]) == 0


def test_python_save_into_a_locked_directory_is_refused_unless_excluded(tmp_path):
    _write(tmp_path / "d/a.txt", "a\n")
    lock = tmp_path / "d/mlgates.lock.json"
    with pytest.raises(ValueError, match="inside the locked directory 'd'.*exclude="):
        Manifest.capture(artifacts={"d": tmp_path / "d"}, environment=False).save(lock)
    assert not lock.exists()
    Manifest.capture(artifacts={"d": tmp_path / "d"}, environment=False, exclude=[lock]).save(lock)
    verdict = ReproducibilityGate(lockfile=str(lock)).check(artifacts={"d": tmp_path / "d"})
    assert verdict.status is Status.PASS, verdict.to_text()


# -- malformed lock files -------------------------------------------------------------------------
MUTATIONS = {
    "artifacts is a list": (lambda d: d.__setitem__("artifacts", []), "artifacts must be an object"),
    "entry is a list": (
        lambda d: d["artifacts"].__setitem__("a.txt", [1]),
        "artifacts['a.txt'] must be an object",
    ),
    "fingerprint is a number": (
        lambda d: d["artifacts"]["a.txt"].__setitem__("fingerprint", 5),
        "artifacts['a.txt'].fingerprint must be a fingerprint",
    ),
    "fingerprint missing": (
        lambda d: d["artifacts"]["a.txt"].pop("fingerprint"),
        "has no 'fingerprint' field",
    ),
    "kind missing": (lambda d: d["artifacts"]["a.txt"].pop("kind"), "has no 'kind' field"),
    "unknown kind": (
        lambda d: d["artifacts"]["a.txt"].__setitem__("kind", "weird"),
        "artifacts['a.txt'].kind 'weird' is not a kind",
    ),
    "kind is a list": (
        lambda d: d["artifacts"]["a.txt"].__setitem__("kind", []),
        "artifacts['a.txt'].kind []",
    ),
    "path is a number": (
        lambda d: d["artifacts"]["a.txt"].__setitem__("path", 5),
        "artifacts['a.txt'].path",
    ),
    "file entry without path": (lambda d: d["artifacts"]["a.txt"].pop("path"), "without a 'path' field"),
    "columns is a list": (
        lambda d: d["artifacts"]["t.csv"].__setitem__("columns", ["x"]),
        "artifacts['t.csv'].columns",
    ),
    "n_rows is a string": (
        lambda d: d["artifacts"]["t.csv"].__setitem__("n_rows", "2"),
        "artifacts['t.csv'].n_rows",
    ),
    "row_order unknown": (
        lambda d: d["artifacts"]["t.csv"].__setitem__("row_order", "maybe"),
        "artifacts['t.csv'].row_order",
    ),
    "files is a list": (lambda d: d["artifacts"]["src"].__setitem__("files", []), "artifacts['src'].files"),
    "link kind unknown": (
        lambda d: d["artifacts"]["src"].__setitem__("links", {"l": {"target": "x", "kind": "?"}}),
        "artifacts['src'].links['l'].kind",
    ),
    "environment is a list": (lambda d: d.__setitem__("environment", [1]), "environment must be an object"),
    "environment.packages is a list": (
        lambda d: d["environment"].__setitem__("packages", [1]),
        "environment.packages",
    ),
    "environment.blas holds a number": (
        lambda d: d["environment"].__setitem__("blas", [1]),
        "environment.blas[0]",
    ),
    "environment.env is a list": (
        lambda d: d["environment"].__setitem__("env", ["x"]),
        "environment.env",
    ),
    "scheme is a number": (lambda d: d.__setitem__("scheme", 1), "scheme must be a string"),
    "scheme missing": (lambda d: d.pop("scheme"), "missing the 'scheme' field"),
    "base is a number": (lambda d: d.__setitem__("base", 1), "base must be a string"),
    "base missing in schema 2": (lambda d: d.pop("base"), "missing the 'base' field"),
    "created is an object": (lambda d: d.__setitem__("created", {}), "created must be a string"),
    "schema missing": (lambda d: d.pop("schema"), "missing the 'schema' field"),
}


@pytest.fixture
def good_lock(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "a.txt", "a\n")
    _write(tmp_path / "t.csv", "x,y\n1,2\n")
    _write(tmp_path / "src/m.py", "x = 1\n")
    assert main(["lock", "a.txt", "t.csv", "src", "--seed", "split=1", "-o", "good.json"]) == 0
    return json.loads(Path("good.json").read_text())


@pytest.mark.parametrize("case", list(MUTATIONS))
def test_malformed_lock_is_lock_invalid_naming_the_field(good_lock, capsys, case):
    mutate, expected = MUTATIONS[case]
    bad = copy.deepcopy(good_lock)
    mutate(bad)
    Path("bad.json").write_text(json.dumps(bad))
    code, verdict = _verify_json(capsys, "bad.json", "--seed", "split=1")
    assert code == 2
    assert verdict["reason"] == "invalid_lock", verdict["message"]
    assert expected in verdict["message"]
    assert "bad.json" in verdict["message"]
    gate = ReproducibilityGate(lockfile="bad.json")  # the same from Python: a verdict, no exception
    v = gate.check(artifacts={"a.txt": Path("a.txt")})
    assert v.status is Status.ERROR and v.reason == "invalid_lock"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"schema": "mlgates.manifest/9", "scheme": "mlg1", "artifacts": {}}', "unsupported schema"),
    ],
)
def test_unreadable_lock_is_lock_invalid(tmp_path, monkeypatch, capsys, content, expected):
    monkeypatch.chdir(tmp_path)
    Path("bad.json").write_bytes(content)
    code, verdict = _verify_json(capsys, "bad.json")
    assert code == 2 and verdict["reason"] == "invalid_lock" and expected in verdict["message"]


# -- messages -------------------------------------------------------------------------------------
def test_directory_verify_names_changed_added_and_removed_files(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for name in ("a.py", "b.py", "c.py"):
        _write(tmp_path / "src" / name, f"{name}\n")
    assert main(["lock", "src", "--no-environment"]) == 0
    _write(tmp_path / "src/a.py", "edited\n")
    (tmp_path / "src/b.py").unlink()
    _write(tmp_path / "src/pkg/new.py", "new\n")
    capsys.readouterr()
    assert main(["verify"]) == 1
    out = capsys.readouterr().out
    assert "files changed: a.py; files added: pkg/new.py; files removed: b.py" in out
    _, verdict = _verify_json(capsys)
    details = verdict["findings"][0]["details"]
    assert (details["changed_files"], details["added_files"], details["removed_files"]) == (
        ["a.py"],
        ["pkg/new.py"],
        ["b.py"],
    )


def test_read_and_write_errors_are_told_apart(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "a.txt", "a\n")
    _write(tmp_path / "blocker", "a file where a folder should be\n")
    capsys.readouterr()
    assert main(["lock", "a.txt", "-o", "blocker/l.json", "--no-environment"]) == 2
    err = capsys.readouterr().err
    assert "cannot write the lock file blocker/l.json" in err
    os.mkfifo(tmp_path / "pipe")
    assert main(["lock", "a.txt", "pipe", "--no-environment"]) == 2
    err = capsys.readouterr().err
    assert "cannot fingerprint" in err and "cannot write" not in err
    assert main(["fingerprint", "pipe"]) == 2
    assert "mlgates fingerprint: cannot read pipe" in capsys.readouterr().err


def test_verify_speaks_in_seed_terms(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "a.txt", "a\n")
    assert main(["lock", "a.txt", "--seed", "split=42", "--seed", "fold=3", "--no-environment"]) == 0
    code, verdict = _verify_json(capsys)
    assert code == 0
    seeds = next(f for f in verdict["findings"] if f["subject"] == "seeds")
    assert seeds["status"] == "skip"
    assert "no --seed given; pass --seed split=INT --seed fold=INT" in seeds["message"]
    assert "check(artifacts" not in seeds["message"]

    capsys.readouterr()
    assert main(["verify", "--seed", "split=7", "--seed", "other=1"]) == 1
    out = capsys.readouterr().out
    assert "no --seed fold given (locked fold=3)" in out
    assert "--seed other=1 is not in the lock" in out
    assert "--seed split=7, locked split=42" in out
    assert main(["verify", "--seed", "split=42", "--seed", "fold=3"]) == 0

    assert main(["lock", "a.txt", "-o", "plain.json", "--no-environment"]) == 0
    code, verdict = _verify_json(capsys, "plain.json", "--seed", "split=1")
    seeds = next(f for f in verdict["findings"] if f["subject"] == "seeds")
    assert (
        seeds["status"] == "warn"
        and "--seed given, but the lock file plain.json records no seeds" in seeds["message"]
    )


def test_verify_in_python_keeps_python_terms(tmp_path):
    lock = tmp_path / "l.json"
    Manifest.capture(seeds={"split": 42}, environment=False).save(lock)
    gate = ReproducibilityGate(lockfile=str(lock))
    assert "not passed to check(artifacts=...)" in gate.check(artifacts={}).findings[0].message
    changed = gate.check(artifacts={"seeds": {"split": 7}}).findings[0]
    assert "keys changed: split 42 -> 7" in changed.message and "--seed" not in changed.message


def test_verify_from_python_captured_artifacts_says_the_cli_cannot_reread_them(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    import pandas as pd

    train = pd.DataFrame({"x": [1, 2, 3]})
    Manifest.capture(artifacts={"train": train}, environment=False).save("mlgates.lock.json")
    code, verdict = _verify_json(capsys)
    assert code == 1 and verdict["status"] == "skip"  # nothing could be compared: not a pass
    assert (
        "locked from Python (data), which `mlgates verify` cannot re-read"
        in verdict["findings"][0]["message"]
    )
    assert main(["verify", "--strict"]) == 2


def _paths(node, prefix=()):
    """Every place in a JSON tree: (key, key, ...) tuples."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


def test_fuzzed_lock_files_give_a_verdict_never_an_exception(good_lock, capsys):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    places = [p for p in _paths(good_lock) if p]
    json_values = st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5)),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)
        ),
        max_leaves=8,
    )

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(st.sampled_from(places), json_values, st.booleans())
    def run(place, value, delete):
        lock = copy.deepcopy(good_lock)
        parent = lock
        for key in place[:-1]:
            parent = parent[key]
        if delete and isinstance(parent, dict):
            del parent[place[-1]]
        else:
            parent[place[-1]] = value
        Path("fuzz.json").write_text(json.dumps(lock))
        gate = ReproducibilityGate(lockfile="fuzz.json", on_missing="skip")
        verdict = gate.check(artifacts={"a.txt": Path("a.txt"), "src": Path("src"), "seeds": {"split": 1}})
        assert verdict.status in set(Status)
        capsys.readouterr()
        assert main(["verify", "fuzz.json", "--seed", "split=1", "--format", "json"]) in (0, 1, 2)
        out, err = capsys.readouterr()
        assert "unexpected" not in err  # the CLI's catch-all for exceptions out of a handler
        assert json.loads(out)["gate"] == "ReproducibilityGate"

    run()


def test_console_script_exit_codes_on_the_symlink_attack(tmp_path):
    import subprocess

    script = Path(sys.executable).with_name("mlgates")
    if not script.exists():  # pragma: no cover - an install without console scripts
        pytest.skip(f"no mlgates console script next to {sys.executable}")
    _write(tmp_path / "proj/sub/f.txt", "a\n")
    _write(tmp_path / "outside/d/x.txt", "1\n")
    os.symlink("../../outside/d", tmp_path / "proj/sub/linked")

    def run(*args):
        return subprocess.run([str(script), *args], cwd=tmp_path, capture_output=True, text=True)

    assert run("lock", "proj", "--no-environment", "-o", "proj/mlgates.lock.json").returncode == 0
    _write(tmp_path / "outside/d/x.txt", "2\n")
    changed = run("verify", "proj/mlgates.lock.json")
    assert changed.returncode == 1 and "files changed: sub/linked/x.txt" in changed.stdout
    (tmp_path / "proj/mlgates.lock.json").write_text('{"schema": "mlgates.manifest/2"}')
    broken = run("verify", "proj/mlgates.lock.json")
    assert broken.returncode == 2 and "missing the 'scheme' field" in broken.stdout
