"""The errors of a model passed as an input: a missing ``predict``/``predict_proba`` method, and
a call that raised (what was passed, the model's error, and the likely fix)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlgates.core.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["model_method", "predict_failed"]


def model_method(model: Any, method: str, model_name: str) -> Any:
    """``model.<method>``; a model without it is an InputError (``invalid_input``)."""
    fn = getattr(model, method, None)
    if fn is None:
        raise InputError(
            f"{model_name} ({type(model).__name__}) has no {method}() method.",
            reason="invalid_input",
            subject=model_name,
        )
    return fn


def predict_failed(
    model: Any, model_name: str, method: str, side: str, features: pd.DataFrame, exc: Exception
) -> InputError:
    """The InputError (reason ``predict_failed``) for a model whose predict/predict_proba raised:
    what was passed, the model's error, and the likely fix."""
    import pandas as pd

    kind = type(model).__name__
    text = " ".join(str(exc).split())
    if len(text) > 200:
        text = text[:197] + "..."
    what = f"{model_name} ({kind}).{method}() raised {type(exc).__name__}: {text}"
    cols = [str(c) for c in features.columns]
    non_numeric = [
        str(c)
        for c in features.columns
        if not (pd.api.types.is_numeric_dtype(features[c]) or pd.api.types.is_bool_dtype(features[c]))
    ]
    inputs = "prediction=" if method == "predict" else "proba="
    if type(exc).__name__ == "NotFittedError":
        fix = f"fit the model before the check, or pass its outputs with {inputs}..."
    elif getattr(model, "feature_names_in_", None) is None:
        shown = ", ".join(cols[:10]) + (", ..." if len(cols) > 10 else "")
        fix = (
            f"the model records no feature names (fitted on a numpy array?), so every column of "
            f"{side} except the target and prediction columns was passed ({len(cols)}: {shown})"
        )
        if non_numeric:
            fix += f"; non-numeric among them: {', '.join(non_numeric[:10])}"
        fix += (
            ". Fix: fit the model on a pandas DataFrame of exactly its features (it then records "
            f"feature_names_in_ and gets only those columns), or pass {inputs}... instead of the model"
        )
    elif "nan" in text.lower():
        missing = [str(c) for c in features.columns if features[c].isna().any()]
        fix = (
            f"columns with missing values: {', '.join(missing[:10]) or 'none found'}; impute them in "
            f"the model's pipeline (e.g. sklearn.impute.SimpleImputer), or pass {inputs}..."
        )
    else:
        fix = f"check that {side} has the columns and dtypes the model was trained on, or pass {inputs}..."
    return InputError(f"{what}. {fix[0].upper()}{fix[1:]}.", reason="predict_failed", subject=model_name)
