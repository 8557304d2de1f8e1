"""Binary outcomes for the label-free family's gates that read labels: the input layer's one
rule (:func:`mlgates.core.inputs.binary_labels`), plus a ``pos_label`` that must occur."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mlgates.core import inputs
from mlgates.core.errors import InputError

__all__ = ["binary_outcomes"]


def binary_outcomes(y: np.ndarray, pos_label: Any) -> np.ndarray:
    """0/1 outcomes (int8); a ``pos_label`` that is not among the values is an InputError
    ``invalid_input`` naming the values (every outcome would otherwise be 0).

    >>> binary_outcomes(np.array(["no", "yes"]), "yes").tolist()
    [0, 1]
    """
    out = inputs.binary_labels("target", y, pos_label)
    if pos_label is not None and y.size and not out.any():
        values = pd.unique(np.asarray(y).ravel())
        raise InputError(
            f"target: pos_label={pos_label!r} is not among its values {inputs.shown_values(values)}; "
            "pass one of them.",
            reason="invalid_input",
            subject="pos_label",
        )
    return out
