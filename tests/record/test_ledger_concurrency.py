"""Several processes appending at once lose nothing and keep the chain intact."""

from __future__ import annotations

import multiprocessing as mp

import pytest
from record_helpers import FP_A, GIT, passing

from mlgates import Ledger

N_PROCS, N_EACH = 4, 200


def _append(path: str, proc: int, n: int) -> None:
    ledger = Ledger(path, fsync=False)  # the lock is what is tested; durability has its own test
    verdict = passing()
    for i in range(n):
        ledger.record(verdict, model=FP_A, model_name="churn", git=GIT, metadata={"proc": proc, "i": i})


def _run(path: str, method: str, n_procs: int, n_each: int) -> None:
    ctx = mp.get_context(method)
    procs = [ctx.Process(target=_append, args=(path, p, n_each)) for p in range(n_procs)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=300)
        assert p.exitcode == 0


@pytest.mark.slow
def test_four_processes_append_800_records_and_lose_none(tmp_path):
    path = str(tmp_path / "ledger")
    # fresh interpreters (as separate jobs would be): a few seconds of start-up, hence slow
    _run(path, "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn", N_PROCS, N_EACH)
    _check(path, N_PROCS, N_EACH)


@pytest.mark.skipif("fork" not in mp.get_all_start_methods(), reason="needs os.fork (POSIX)")
def test_forked_processes_append_and_lose_none(tmp_path):
    path = str(tmp_path / "ledger")
    _run(path, "fork", 3, 40)
    _check(path, 3, 40)


def _check(path: str, n_procs: int, n_each: int) -> None:
    ledger = Ledger(path)
    assert len(ledger) == n_procs * n_each
    verdict = ledger.verify()
    assert verdict.status.value == "pass", verdict.to_text()
    seen = [(r.body["metadata"]["proc"], r.body["metadata"]["i"]) for r in ledger.records()]
    assert sorted(seen) == [(p, i) for p in range(n_procs) for i in range(n_each)]
    assert [r.seq for r in ledger.records()] == list(range(1, n_procs * n_each + 1))
    # each process's own records stay in the order it wrote them
    for p in range(n_procs):
        mine = [i for q, i in seen if q == p]
        assert mine == sorted(mine)


def test_threads_of_one_process_share_a_ledger(tmp_path):
    import threading

    ledger = Ledger(tmp_path / "ledger", fsync=False)
    verdict = passing()

    def work(t: int) -> None:
        for i in range(25):
            ledger.record(verdict, model=FP_A, model_name="churn", git=GIT, metadata={"t": t, "i": i})

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ledger) == 100
    assert ledger.verify().status.value == "pass"


def test_verify_while_another_process_appends_sees_a_consistent_ledger(tmp_path):
    """verify() reads the head and lists the files under the append lock: records being written
    meanwhile are either wholly in its snapshot or not in it (no spurious head_behind)."""
    import threading

    path = tmp_path / "ledger"
    Ledger(path, fsync=False).record(passing(), model=FP_A, model_name="churn", git=GIT)
    done = threading.Event()

    def writer() -> None:
        other = Ledger(path, fsync=False)  # another object: another lock holder, like a process
        for i in range(150):
            other.record(passing(), model=FP_A, model_name="churn", git=GIT, metadata={"i": i})
        done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    statuses = []
    reader = Ledger(path)
    while not done.is_set():
        statuses.append(reader.verify().status.value)
    thread.join()
    assert statuses and set(statuses) == {"pass"}
