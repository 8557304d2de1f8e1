"""Real engines for the scale tests: a Dask ``LocalCluster`` with two worker processes and a
local ``SparkSession``, each started once per test session and closed at its end.

Both are slow to start (seconds for Dask, tens of seconds for Spark's JVM), so every test that
uses them is marked ``slow`` (and ``dask`` / ``spark``): the default test command does not
start them; ``pytest -m slow`` (and CI) does. Nothing listens beyond 127.0.0.1.

A missing engine is an error here, not a skip: ``pip install -e ".[dev]"`` installs both
(``mlgates[dask]``, ``mlgates[spark]``), and Spark needs Java 17 or later on the PATH (or
``JAVA_HOME``).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def dask_client() -> Iterator[Any]:
    """A ``distributed.Client`` on a ``LocalCluster(n_workers=2, processes=True)``."""
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        memory_limit="1GiB",
    )
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def _java_available() -> bool:
    home = os.environ.get("JAVA_HOME")
    return bool(shutil.which("java") or (home and os.path.exists(os.path.join(home, "bin", "java"))))


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """A local ``SparkSession`` (``local[2]``, 1 GB driver, no UI, bound to 127.0.0.1) whose
    Python workers run this interpreter."""
    if not _java_available():
        raise RuntimeError(
            "Spark needs Java 17+ on the PATH or in JAVA_HOME (apt-get install openjdk-17-jre-headless)"
        )
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("mlgates-tests")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.memory", "1g")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()
