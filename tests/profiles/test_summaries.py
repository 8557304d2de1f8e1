"""Mergeable summaries: the merge of the chunks' summaries is the summary of the whole table,
whatever the chunking and the order of merging (associative and commutative), and a summary
survives its saved state."""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlgates.core.inputs import Chunk, Failed, merge_partials, summarize_chunk
from mlgates.profiles.summaries import (
    Bins,
    Edges,
    Fences,
    Outside,
    RowHashes,
    Rows,
    Stats,
    Types,
    Values,
)

rng = np.random.default_rng(0)
N = 120
FRAME = pd.DataFrame(
    {
        "x": np.where(rng.random(N) < 0.1, np.nan, rng.normal(size=N)),
        "i": rng.integers(0, 6, N),
        "s": rng.choice(["a", "b", "c", None], N),
        "f": np.where(rng.random(N) < 0.05, np.inf, rng.normal(size=N).round(1)),
        "o": pd.Series([1, "a", 2.5, None] * (N // 4), dtype=object),
    }
)
NEEDS = [
    Rows(),
    Stats("x"),
    Stats("f"),
    Stats("s"),
    Values("s"),
    Values("i"),
    Values("f", numeric=True),
    Values("x", numeric=True, max_distinct=50),  # overflows
    Bins("x", (-1.0, 0.0, 0.5, 1.0)),
    Outside("f", -1.0, 1.0, "both"),
    Outside("i", 1.0, 4.0, "neither"),
    RowHashes(),
    RowHashes(("i", "s"), skip_missing=True),
    Edges("x", (("quantile", 4), ("grid", 16))),
    Fences("x", "iqr", 1.5),
    Types("o"),
]


def _split(n: int, cuts: list[int]) -> list[tuple[int, int]]:
    points = sorted({0, n, *(c for c in cuts if 0 < c < n)})
    return list(itertools.pairwise(points))


def _same(a: object, b: object) -> bool:
    if hasattr(a, "__dataclass_fields__") and type(a).__name__ == "ColumnStats":
        da, db = a.to_state(), b.to_state()  # type: ignore[attr-defined]
        return all(
            (math.isnan(da[k]) and math.isnan(db[k]))
            if isinstance(da[k], float) and math.isnan(da[k])
            else da[k] == pytest.approx(db[k], rel=1e-9, abs=1e-9)
            for k in da
        )
    return a == b


@settings(max_examples=20)
@given(
    cuts=st.lists(st.integers(0, N), max_size=8),
    order=st.randoms(use_true_random=False),
)
def test_random_chunkings_and_merge_orders_give_the_whole_tables_summary(cuts, order):
    whole = summarize_chunk(Chunk(FRAME), NEEDS)
    parts = [
        summarize_chunk(Chunk(FRAME.iloc[lo:hi], i), NEEDS) for i, (lo, hi) in enumerate(_split(N, cuts))
    ]
    order.shuffle(parts)
    # a random merge tree: repeatedly merge two random neighbours
    while len(parts) > 1:
        k = order.randrange(len(parts) - 1)
        parts[k : k + 2] = [merge_partials(parts[k], parts[k + 1])]
    merged = merge_partials({n.key: n.empty() for n in NEEDS}, parts[0])
    for need in NEEDS:
        assert _same(merged[need.key], whole[need.key]), need.key


def test_saved_state_round_trip():
    whole = summarize_chunk(Chunk(FRAME), NEEDS)
    for need in NEEDS:
        back = need.from_state(whole[need.key].to_state())
        assert _same(back, whole[need.key]), need.key


def test_counts_match_pandas():
    s = summarize_chunk(Chunk(FRAME), NEEDS)
    st_x = s[Stats("x").key]
    x = FRAME["x"].dropna()
    assert (st_x.n_rows, st_x.n_missing, st_x.n_finite) == (N, FRAME["x"].isna().sum(), x.size)
    assert st_x.mean == pytest.approx(x.mean()) and st_x.variance == pytest.approx(x.var(ddof=0))
    assert dict(s[Values("s").key].counts) == FRAME["s"].value_counts().to_dict()
    assert s[Values("x", numeric=True, max_distinct=50).key].overflow
    dup = s[RowHashes().key]
    assert dup.n_rows - dup.n_distinct == int(FRAME.astype(str).duplicated().sum())
    out = s[Outside("f", -1.0, 1.0, "both").key]
    f = FRAME["f"]
    assert (out.n_below, out.n_above) == (int((f < -1).sum()), int((f > 1).sum()))
    assert s[Types("o").key].counts == {"int": 30, "str": 30, "float": 30}


def test_a_failing_summarizer_is_isolated_and_merges_to_the_first_failure():
    bad = pd.DataFrame({"o": ["a", "b"]})
    need = Outside("o", 0.0, 1.0)  # strings are not numbers
    a = summarize_chunk(Chunk(bad, 3, "f3"), [need, Rows()])
    b = summarize_chunk(Chunk(bad, 1, "f1"), [need, Rows()])
    assert isinstance(a[need.key], Failed) and a[Rows().key].n_rows == 2
    merged = merge_partials(a, b)
    assert merged[need.key].origin == "f1" and merge_partials(b, a)[need.key] == merged[need.key]
    ok = summarize_chunk(Chunk(pd.DataFrame({"o": [0.5]})), [need])
    assert isinstance(merge_partials(ok, a)[need.key], Failed)
    assert isinstance(functools.reduce(merge_partials, [ok, a, ok])[need.key], Failed)
