"""Real data bundled with mlgates, for the demo, the notebooks and the tests.

UCI Adult (Census Income), training split, 32,561 rows: Becker, B. & Kohavi, R. (1996),
"Adult", UCI Machine Learning Repository, https://doi.org/10.24432/C5XW20, licensed CC BY 4.0.
This copy was taken from the ``fairness`` package (Friedler et al., Apache-2.0) and is shipped
unchanged apart from gzip compression.

King James Version verses, 1,200 rows: 300 verses drawn at random (seeded) from each of Genesis,
Proverbs, Matthew and Acts. The text of the King James Version (1611) is in the public domain;
this sample was read from Debian's ``bible-kjv-text`` package (version 4.38, whose copyright
file states the copyright of the text has expired) with its ``bible -f`` command. Used as real
text for the text drift gate's tests and examples: a random split of the verses is the null, two
books are a topic shift.
"""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["load_adult", "load_kjv_verses"]

_RENAME = {
    "education-num": "education_num",
    "marital-status": "marital_status",
    "capital-gain": "capital_gain",
    "capital-loss": "capital_loss",
    "hours-per-week": "hours_per_week",
    "native-country": "native_country",
    "income-per-year": "income",
}


def load_adult() -> pd.DataFrame:
    """UCI Adult: 32,561 people, 14 features, and ``income`` (1 when above $50K, else 0).

    Missing values (``?`` in the source) are NaN: ``workclass`` and ``occupation`` about 5.6%,
    ``native_country`` about 1.8%. ``sex`` and ``race`` are the protected attributes used in
    the fairness examples.

    Returns
    -------
    pandas.DataFrame
        A new frame on every call.

    Examples
    --------
    >>> from mlgates.datasets import load_adult
    >>> df = load_adult()
    >>> df.shape
    (32561, 15)
    >>> round(float(df["income"].mean()), 3)
    0.241
    """
    import pandas as pd

    with resources.files("mlgates.data").joinpath("adult.csv.gz").open("rb") as fh:
        frame = pd.read_csv(fh, compression="gzip", na_values="?", skipinitialspace=True)
    frame = frame.rename(columns=_RENAME)
    frame["income"] = (frame["income"].str.strip() == ">50K").astype("int64")
    return frame


def load_kjv_verses() -> pd.DataFrame:
    """1,200 public-domain verses of the King James Version: ``book`` (Genesis, Proverbs,
    Matthew or Acts, 300 each), ``chapter``, ``verse`` and ``text``.

    Returns
    -------
    pandas.DataFrame
        A new frame on every call.

    Examples
    --------
    >>> from mlgates.datasets import load_kjv_verses
    >>> df = load_kjv_verses()
    >>> df.shape, sorted(df["book"].unique())
    ((1200, 4), ['Acts', 'Genesis', 'Matthew', 'Proverbs'])
    >>> df.loc[0, "text"]
    'In the beginning God created the heaven and the earth.'
    """
    import pandas as pd

    with resources.files("mlgates.data").joinpath("kjv_verses.csv.gz").open("rb") as fh:
        return pd.read_csv(fh, compression="gzip", dtype={"text": "string", "book": "string"})
