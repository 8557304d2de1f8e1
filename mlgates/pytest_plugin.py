"""pytest plugin (entry point ``pytest11``). Loads without importing the library."""

from __future__ import annotations


def pytest_report_header(config):  # type: ignore[no-untyped-def]
    from mlgates._version import __version__

    return f"mlgates: {__version__}"
