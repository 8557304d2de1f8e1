"""pytest plugin for mlgates (entry point ``pytest11``; loaded automatically when mlgates is
installed).

- Every verdict returned by a top-level ``Gate.check()`` / ``Suite.check()`` during the session
  is recorded with the test that produced it.
- ``--mlgates-report=PATH`` writes them all into one report whose format follows the suffix:
  ``.json`` (a suite verdict, readable with ``Verdict.from_json``), ``.html``/``.htm``,
  ``.xml`` (JUnit) or ``.md`` (Markdown).
- The terminal summary gets an "mlgates" section listing the gates that failed, errored or
  warned (``--mlgates-no-summary`` turns it off).
- ``mlgates.testing.assert_passes(verdict)`` and ``verdict.raise_for_status()`` fail a test with
  the readable verdict table.
- Fixture ``mlgates_verdicts``: the verdicts recorded so far in the current test.
- ``--mlgates-ledger=DIR`` appends every verdict of the session to the ledger in DIR at the end
  (stage ``pytest``, with the test's node id); fixture ``mlgates_ledger`` is that ledger (or
  None), for tests that record a verdict with its model and data themselves.

Importing this module imports nothing from mlgates (nor numpy or pandas); the library is
imported when pytest configures the session, and the heavy modules only when a test uses them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from mlgates.core.verdict import Verdict

_SUFFIXES = {".json": "json", ".html": "html", ".htm": "html", ".xml": "junit", ".md": "markdown"}
_MAX_SUMMARY_LINES = 30


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mlgates", "mlgates verdicts")
    group.addoption(
        "--mlgates-report",
        metavar="PATH",
        default=None,
        help="write every mlgates verdict of the session to PATH (.json, .html, .xml JUnit or .md)",
    )
    group.addoption(
        "--mlgates-ledger",
        metavar="DIR",
        default=None,
        help="append every mlgates verdict of the session to the ledger in DIR (docs/governance.md)",
    )
    group.addoption(
        "--mlgates-no-summary",
        action="store_true",
        default=False,
        help="do not list failed/warned mlgates gates in the terminal summary",
    )


class VerdictRecorder:
    """Collects ``(test nodeid, verdict)`` pairs through the core's verdict listeners."""

    def __init__(self, report: str | None) -> None:
        self.report = report
        self.records: list[tuple[str, Verdict]] = []
        self.current_test = "(outside tests)"
        self.ledger: str | None = None
        self.explicit: set[int] = set()  # ids of verdicts a test recorded itself
        self.ledger_count = 0
        self.ledger_error: str | None = None

    def __call__(self, verdict: Verdict) -> None:
        self.records.append((self.current_test, verdict))

    def for_test(self, nodeid: str) -> list[Verdict]:
        return [v for node, v in self.records if node == nodeid]

    def combined(self) -> Verdict:
        """One suite-shaped verdict whose children are the recorded verdicts, each named
        ``<test nodeid>: <gate name>`` and carrying the nodeid in its provenance."""
        from mlgates.core.status import Status
        from mlgates.core.verdict import Verdict
        from mlgates.report import pluralize

        children = []
        for node, v in self.records:
            prov = {**dict(v.provenance), "pytest_nodeid": node}
            children.append(v.replace(name=f"{node}: {v.name}", provenance=prov))
        statuses = [c.status for c in children]
        counts = {s.value: sum(1 for x in statuses if x is s) for s in Status}
        status = Status.worst(statuses)
        bad = [c.name for c in children if c.status in (Status.FAIL, Status.ERROR)]
        message = f"{pluralize(len(children), 'verdict')} recorded in the pytest session"
        if bad:
            message += "; not passed: " + ", ".join(bad[:10]) + (" ..." if len(bad) > 10 else "")
        return Verdict(
            status=status,
            name="pytest session",
            gate="Suite",
            reason=None if status is Status.PASS else "session_verdicts",
            message=message,
            metrics={f"n_{k}": n for k, n in counts.items()} | {"n_gates": len(children)},
            children=tuple(children),
            duration_s=sum(c.duration_s for c in children),
        )

    def write(self) -> Path | None:
        if not self.report:
            return None
        path = Path(self.report)
        fmt = _SUFFIXES[path.suffix.lower()]
        from mlgates.report import render

        text = render(self.combined(), fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path


_KEY = pytest.StashKey[VerdictRecorder]()


def pytest_report_header(config: pytest.Config) -> str:
    from mlgates import __version__

    return f"mlgates: {__version__}"


def pytest_configure(config: pytest.Config) -> None:
    report = config.getoption("--mlgates-report", default=None)
    if report and Path(report).suffix.lower() not in _SUFFIXES:
        raise pytest.UsageError(
            f"--mlgates-report={report}: unknown suffix; use one of {', '.join(sorted(_SUFFIXES))}"
        )
    from mlgates.core.gate import add_verdict_listener

    recorder = VerdictRecorder(report)
    recorder.ledger = config.getoption("--mlgates-ledger", default=None)
    config.stash[_KEY] = recorder
    add_verdict_listener(recorder)


def pytest_unconfigure(config: pytest.Config) -> None:
    recorder = config.stash.get(_KEY, None)
    if recorder is not None:
        from mlgates.core.gate import remove_verdict_listener

        remove_verdict_listener(recorder)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    recorder = item.config.stash.get(_KEY, None)
    if recorder is not None:
        recorder.current_test = item.nodeid
    try:
        return (yield)
    finally:
        if recorder is not None:
            recorder.current_test = "(outside tests)"


@pytest.fixture
def mlgates_verdicts(request: pytest.FixtureRequest) -> Any:
    """A function returning the verdicts recorded so far in this test (newest last)."""
    recorder = request.config.stash[_KEY]
    return lambda: recorder.for_test(request.node.nodeid)


@pytest.fixture
def mlgates_ledger(request: pytest.FixtureRequest) -> Any:
    """The session's ledger (``--mlgates-ledger=DIR``), or None without the option."""
    recorder = request.config.stash[_KEY]
    if not recorder.ledger:
        return None
    from mlgates.record.session import SessionLedger

    return SessionLedger(recorder.ledger, recorder.explicit)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    recorder = session.config.stash.get(_KEY, None)
    if recorder is not None and recorder.report:
        recorder.write()
    if recorder is not None and recorder.ledger:
        from mlgates.record.session import record_session

        try:
            recorder.ledger_count = record_session(recorder.ledger, recorder.records, recorder.explicit)
        except Exception as exc:  # noqa: BLE001 - reported in the summary, never a crash of pytest
            recorder.ledger_error = f"{type(exc).__name__}: {exc}"


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    recorder = config.stash.get(_KEY, None)
    if recorder is None:
        return
    from mlgates.report import pluralize, safe_text  # names and messages: one line, no escapes

    if recorder.report:
        n = pluralize(len(recorder.records), "verdict")
        terminalreporter.write_line(f"mlgates: {n} written to {safe_text(recorder.report)}")
    if recorder.ledger and recorder.ledger_error:
        terminalreporter.write_line(
            f"mlgates: could not record in the ledger {safe_text(recorder.ledger)}: "
            f"{safe_text(recorder.ledger_error)}",
            red=True,
        )
    elif recorder.ledger:
        terminalreporter.write_line(
            f"mlgates: {pluralize(recorder.ledger_count, 'verdict')} recorded in the ledger "
            f"{safe_text(recorder.ledger)}"
        )
    if config.getoption("--mlgates-no-summary", default=False):
        return
    lines = []
    for node, verdict in recorder.records:
        for v in verdict.walk():
            if v.children or v.status.value not in ("warn", "fail", "error"):
                continue
            reason = f" [{v.reason}]" if v.reason else ""
            lines.append(safe_text(f"{v.status.value.upper():<5} {v.name}{reason}: {v.message}  ({node})"))
    if not lines:
        return
    terminalreporter.section("mlgates: gates that did not pass cleanly")
    for line in lines[:_MAX_SUMMARY_LINES]:
        terminalreporter.write_line(line)
    if len(lines) > _MAX_SUMMARY_LINES:
        terminalreporter.write_line(f"... {len(lines) - _MAX_SUMMARY_LINES} more (see --mlgates-report)")
