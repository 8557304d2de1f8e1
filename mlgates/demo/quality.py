"""Demo section: data quality, inferred from the reference.

The section is :func:`mlgates.quality_suite_from_reference` on the demo's reference (a random
60% of UCI Adult, the models' training set), with these documented choices:

- ``tolerance=0.01``: every share observed in the reference (missing values, unknown
  categories, duplicated rows, outliers, conflicting labels, train/test overlap) may grow by
  one percentage point before the gate FAILs;
- ``range_margin=0.1``: numeric ranges are the reference range widened by 10% of its span;
- ``new_categories="warn"``: a category unseen in the reference (Adult has rare countries)
  WARNs while its rows stay within the 1% share, and FAILs beyond it;
- ``min_rows=1000``: a current batch smaller than that is not worth judging;
- ``target="income"`` and ``leakage=True``: label conflicts, single-feature leakage and
  overlap between the training rows (reference) and the evaluation rows (current) are checked;
- the ``outliers`` gate (fences frozen from the reference) is non-blocking: outlier shares move
  with a covariate shift (older people have fewer years of education, so ``education_num``
  has more values below its lower fence), which is the drift sections' question; here it is
  reported as a WARN, not a failure of data quality (``feature_leakage`` is non-blocking as
  inferred: a strong predictor is not leakage without further evidence).

The exit status stays meaningful: the demo's current sample is real Adult rows, resampled
towards older people, so its quality is genuinely within tolerance and this section PASSes
(or WARNs on a rare new category); the age shift is for the drift sections to catch, and a
real corruption (values out of range, unknown categories, missing values) FAILs here.
"""

from __future__ import annotations

from mlgates.core.suite import Suite
from mlgates.demo.data import TARGET, DemoData
from mlgates.gates.quality import quality_suite_from_reference


def section(data: DemoData) -> Suite:
    """The inferred data-quality suite (see the module docstring for the choices)."""
    suite = quality_suite_from_reference(
        data.reference,
        tolerance=0.01,
        range_margin=0.1,
        new_categories="warn",
        min_rows=1000,
        target=TARGET,
        leakage=True,
        name="data quality",
    )
    for gate in suite.gates:
        if gate.name == "outliers":
            gate.set_params(blocking=False)
    return suite
