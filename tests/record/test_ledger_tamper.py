"""verify() detects and names each kind of tampering: edited, deleted, reordered, inserted."""

from __future__ import annotations

import contextlib
import json
import os

from record_helpers import FP_A, GIT, passing

from mlgates.record import _chain


def _files(ledger):
    return {p.stem.split("-")[0]: p for p in _chain.record_files(ledger.path)}


def _problems(verdict):
    return {(f.subject, f.reason) for f in verdict.findings if f.status.value != "pass"}


def _ids(ledger):
    return [p.stem for p in _chain.record_files(ledger.path)]


def _rewrite(ledger, path, seq, prev_id, prev_hash, body_bytes):
    """Write ``body_bytes`` as a self-consistent record at ``seq`` (hashes recomputed), replacing
    ``path``."""
    chain = _chain.seal(seq, prev_id, prev_hash, body_bytes)
    if path is not None:
        path.unlink()
    new = _chain.record_path(ledger.path, chain)
    new.write_bytes(_chain.format_record(chain, body_bytes))
    return chain


def test_clean_ledger_passes(filled):
    verdict = filled.verify()
    assert verdict.status.value == "pass", verdict.to_text()
    assert verdict.metrics["n_records"] == 6
    assert not _problems(verdict)


def test_a_missing_or_empty_ledger_does_not_pass(ledger, tmp_path):
    verdict = ledger.verify()  # nothing was ever recorded: the folder does not exist (a typo?)
    assert verdict.status.value == "error" and verdict.reason == "missing_ledger"
    ledger.path.mkdir(parents=True)
    verdict = ledger.verify()
    assert verdict.status.value == "skip" and verdict.reason == "nothing_to_check"


def test_edited_byte_is_named(filled):
    path = _files(filled)["00000003"]
    data = bytearray(path.read_bytes())
    i = data.index(b'"i":2') + 4
    data[i] = ord("9")  # one byte of the body
    path.write_bytes(bytes(data))
    verdict = filled.verify()
    assert verdict.status.value == "fail"
    assert verdict.reason == "ledger_tampered"
    assert _problems(verdict) == {(path.stem, "record_edited")}


def test_edited_whitespace_byte_is_named(filled):
    path = _files(filled)["00000002"]
    data = path.read_bytes()
    edited = data.replace(b',"kind"', b', "kind"', 1)  # still the same JSON, one byte more
    assert edited != data
    path.write_bytes(edited)
    assert _problems(filled.verify()) == {(path.stem, "record_edited")}


def test_edited_with_recomputed_hash_is_named(filled):
    files = _files(filled)
    path = files["00000003"]
    parsed = _chain.parse_record_file(path)
    body = json.loads(parsed.body_bytes)
    body["verdict"]["status"] = "pass"
    body["metadata"]["i"] = 99
    new = _rewrite(filled, path, 3, parsed.chain.prev_id, parsed.chain.prev_hash, _chain.canonical_body(body))
    verdict = filled.verify()
    problems = _problems(verdict)
    assert problems == {(new.id, "record_edited")}, verdict.to_text()
    assert path.stem in verdict.findings[0].message  # names the record the chain expected


def test_deleted_record_is_named(filled):
    path = _files(filled)["00000004"]
    path.unlink()
    assert _problems(filled.verify()) == {(path.stem, "record_deleted")}


def test_deleted_newest_record_is_named_by_the_head(filled):
    path = _files(filled)["00000006"]
    path.unlink()
    assert _problems(filled.verify()) == {(path.stem, "record_deleted")}


def test_two_deletions_far_apart_are_both_named(filled):
    files = _files(filled)
    files["00000002"].unlink()
    files["00000005"].unlink()
    assert _problems(filled.verify()) == {
        (files["00000002"].stem, "record_deleted"),
        (files["00000005"].stem, "record_deleted"),
    }


def test_swapped_files_are_named(filled):
    files = _files(filled)
    a, b = files["00000002"], files["00000003"]
    tmp = a.with_name("swap.tmp")
    os.rename(a, tmp)
    os.rename(b, a)
    os.rename(tmp, b)
    problems = _problems(filled.verify())
    assert problems == {(a.stem, "record_reordered"), (b.stem, "record_reordered")}


def test_swapped_records_with_recomputed_hashes_are_named(filled):
    """Two records exchanged in the chain, each rewritten to look consistent: only the chain
    after them tells, and the bodies put back in order reproduce it."""
    files = _files(filled)
    p3, p4 = _chain.parse_record_file(files["00000003"]), _chain.parse_record_file(files["00000004"])
    new3 = _rewrite(filled, files["00000003"], 3, p3.chain.prev_id, p3.chain.prev_hash, p4.body_bytes)
    new4 = _rewrite(filled, files["00000004"], 4, new3.id, new3.hash, p3.body_bytes)
    verdict = filled.verify()
    assert _problems(verdict) == {(new3.id, "record_reordered"), (new4.id, "record_reordered")}, (
        verdict.to_text()
    )
    # the messages name the original ids
    text = " ".join(f.message for f in verdict.findings)
    assert files["00000003"].stem in text and files["00000004"].stem in text


def test_inserted_forged_record_is_named(filled):
    files = _files(filled)
    p3 = _chain.parse_record_file(files["00000003"])
    body = json.loads(p3.body_bytes)
    body["metadata"]["i"] = "forged"
    forged = _rewrite(filled, None, 3, p3.chain.prev_id, p3.chain.prev_hash, _chain.canonical_body(body))
    assert forged.id != p3.chain.id
    assert _problems(filled.verify()) == {(forged.id, "record_inserted")}


def test_record_after_the_head_that_breaks_the_chain_is_inserted(filled):
    body = json.loads(_chain.parse_record_file(_files(filled)["00000002"]).body_bytes)
    forged = _rewrite(filled, None, 7, "00000005-deadbeef", "sha256:" + "1" * 64, _chain.canonical_body(body))
    assert _problems(filled.verify()) == {(forged.id, "record_inserted")}


def test_record_after_the_head_that_continues_the_chain_warns(filled):
    """A process that stopped between writing a record and updating HEAD.json (or an append by
    hand): WARN, and the next append adopts the record."""
    head = filled.head()
    body = json.loads(_chain.parse_record_file(_files(filled)["00000002"]).body_bytes)
    extra = _rewrite(filled, None, 7, head["id"], head["hash"], _chain.canonical_body(body))
    verdict = filled.verify()
    assert verdict.status.value == "warn"
    assert _problems(verdict) == {(extra.id, "head_behind")}
    rec = filled.record(passing(), model=FP_A, model_name="churn", git=GIT)
    assert rec.seq == 8 and rec.prev_id == extra.id
    assert filled.verify().status.value == "pass"


def test_missing_head_warns_and_edited_head_fails(filled):
    head = filled.path / "HEAD.json"
    text = head.read_text()
    head.unlink()
    verdict = filled.verify()
    assert verdict.status.value == "warn" and _problems(verdict) == {("HEAD.json", "missing_head")}
    head.write_text(text.replace('"seq": 6', '"seq": 5'))
    assert ("HEAD.json", "invalid_head") not in _problems(filled.verify())  # still valid JSON ...
    assert filled.verify().status.value == "fail"  # ... but it no longer matches the chain
    head.write_text("not json")
    assert ("HEAD.json", "invalid_head") in _problems(filled.verify())


def test_leftover_temporary_files_are_ignored(filled):
    shard = _files(filled)["00000001"].parent
    (shard / ".00000007-x.json.abc.tmp").write_bytes(b'{\n"chain": {"seq": 7')  # a crash mid-write
    assert filled.verify().status.value == "pass"
    assert len(filled) == 6


def test_crash_before_the_rename_leaves_no_record(filled, monkeypatch):
    def boom(*args, **kwargs):
        raise OSError("disk full")

    filled.fsync = True
    monkeypatch.setattr(_chain.os, "fsync", boom)  # the disk fails while the record is written
    try:
        filled.record(passing(), model=FP_A, model_name="churn", git=GIT)
    except OSError:
        pass
    else:  # pragma: no cover
        raise AssertionError("the append should have failed")
    monkeypatch.undo()
    assert not [p for p in (filled.path / "records").rglob("*") if p.name.endswith(".tmp")]
    assert filled.verify().status.value == "pass"
    assert len(filled) == 6
    assert filled.record(passing(), model=FP_A, model_name="churn", git=GIT).seq == 7


def test_crash_before_the_head_update_is_recovered(filled, monkeypatch):
    real = _chain.write_head

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(_chain, "write_head", crash)
    with contextlib.suppress(KeyboardInterrupt):
        filled.record(passing(), model=FP_A, model_name="churn", git=GIT)
    monkeypatch.setattr(_chain, "write_head", real)
    assert filled.verify().status.value == "warn"  # the record exists, the head lags
    assert filled.record(passing(), model=FP_A, model_name="churn", git=GIT).seq == 8
    assert filled.verify().status.value == "pass"
    assert len(filled) == 8


def test_record_files_get_the_mode_of_any_new_file(tmp_path):
    import stat

    from mlgates import Ledger

    old = os.umask(0o022)
    try:
        rec = Ledger(tmp_path / "ledger").record(passing(), model=FP_A, model_name="churn", git=GIT)
    finally:
        os.umask(old)
    if os.name == "posix":
        assert stat.S_IMODE(rec.path.stat().st_mode) == 0o644  # readable by the team, like lock files
