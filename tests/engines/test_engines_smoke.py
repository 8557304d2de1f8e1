"""The engines themselves start and run Python code in their workers (the fixtures work)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.mark.slow
@pytest.mark.dask
def test_local_cluster_runs_partitions_in_two_processes(dask_client):
    import dask.dataframe as dd

    frame = pd.DataFrame({"x": np.arange(1000.0)})
    ddf = dd.from_pandas(frame, npartitions=4)
    assert float(ddf["x"].sum().compute()) == float(frame["x"].sum())
    workers = dask_client.run(lambda: __import__("os").getpid())
    assert len(set(workers.values())) == 2


@pytest.mark.slow
@pytest.mark.spark
def test_spark_runs_map_in_pandas(spark):
    frame = pd.DataFrame({"x": np.arange(1000.0)})

    def rows(batches):
        for batch in batches:
            yield pd.DataFrame({"n": [len(batch)], "s": [float(batch["x"].sum())]})

    out = spark.createDataFrame(frame).repartition(3).mapInPandas(rows, "n long, s double").toPandas()
    assert int(out["n"].sum()) == 1000
    assert float(out["s"].sum()) == float(frame["x"].sum())
