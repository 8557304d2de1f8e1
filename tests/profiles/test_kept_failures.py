"""The fairness and performance needs keep a chunk's input error in their summary (one path,
profiles._failures): it survives merging and the saved state, and is raised when the gate decides."""

import json

import pandas as pd
import pytest

from mlgates.core.errors import InputError
from mlgates.core.inputs import Chunk
from mlgates.profiles.fairness import GroupConfusion
from mlgates.profiles.performance import LabelCounts, ScoreCounts

GOOD = pd.DataFrame(
    {"sex": ["F", "M", "F", "M"], "y": [1, 0, 1, 1], "pred": [1, 0, 0, 1], "p": [0.9, 0.1, 0.4, 0.8]}
)
BAD = GOOD.assign(y=[1.0, None, 1.0, 0.0], p=["a", "b", "c", "d"])  # a missing label; scores as text


@pytest.mark.parametrize(
    "need",
    [
        GroupConfusion(("sex",), target="y", prediction="pred"),
        LabelCounts(("y", "pred")),
        ScoreCounts("y", "p"),
    ],
    ids=lambda n: n.kind,
)
def test_a_chunk_error_is_kept_merged_saved_and_raised(need):
    good, bad_late, bad_early = (
        need.summarize(Chunk(GOOD, 0)),
        need.summarize(Chunk(BAD, 5)),
        need.summarize(Chunk(BAD.drop(columns=["sex", "pred"]), 2)),
    )
    good.raise_failure()  # nothing to raise
    assert "failure" not in good.to_state()
    assert bad_late.n_rows == len(BAD) and bad_late.failure is not None
    merged = good.merge(bad_late).merge(bad_early)
    assert merged.failure == bad_early.failure  # the earlier chunk's error wins, whatever the order
    assert bad_late.merge(bad_early).merge(good).failure == bad_early.failure
    state = json.loads(json.dumps(merged.to_state()))
    back = need.from_state(state)
    assert back.failure == merged.failure and back.to_state() == state
    with pytest.raises(InputError) as caught:
        back.raise_failure()
    assert caught.value.reason == merged.failure.reason and str(caught.value) == merged.failure.message
