"""A test session's ledger: what the pytest plugin's ``--mlgates-ledger=DIR`` uses (imported
only when the option is given)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mlgates.core.verdict import Verdict
from mlgates.record.ledger import Ledger, Record

__all__ = ["SessionLedger", "record_session"]


class SessionLedger(Ledger):
    """The ledger of a pytest session (fixture ``mlgates_ledger``): verdicts a test records
    itself, with their model and data, are not recorded again at the end of the session.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from mlgates import RowCountGate
    >>> explicit = set()
    >>> ledger = SessionLedger(tempfile.mkdtemp(), explicit)
    >>> v = RowCountGate(min_rows=1).check(current=pd.DataFrame({"x": [1]}))
    >>> _ = ledger.record(v, git=None)
    >>> id(v) in explicit
    True
    """

    def __init__(self, path: Any, explicit: set[int]) -> None:
        super().__init__(path)
        self._explicit = explicit

    def record(self, verdict: Verdict, **context: Any) -> Record:
        rec = super().record(verdict, **context)
        self._explicit.add(id(verdict))  # the session recorder keeps the verdict alive
        return rec


def record_session(path: Any, records: Sequence[tuple[str, Verdict]], explicit: set[int]) -> int:
    """Append every verdict of the session that a test did not record itself, with the test's
    node id (stage ``"pytest"``); returns how many were appended.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from mlgates import Ledger, RowCountGate
    >>> folder = tempfile.mkdtemp()
    >>> v = RowCountGate(min_rows=1).check(current=pd.DataFrame({"x": [1]}))
    >>> record_session(folder, [("test_x.py::test_rows", v)], explicit=set())
    1
    >>> Ledger(folder).records()[0].body["metadata"]["pytest_nodeid"]
    'test_x.py::test_rows'
    """
    ledger = Ledger(path)
    n = 0
    for node, verdict in records:
        if id(verdict) in explicit:
            continue
        ledger.record(verdict, stage="pytest", metadata={"pytest_nodeid": node})
        n += 1
    return n
