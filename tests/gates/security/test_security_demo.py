"""The security section of ``mlgates demo`` on a sample of the bundled Adult data."""

from __future__ import annotations

from mlgates import Status
from mlgates.demo import SECTIONS, security
from mlgates.demo.data import TARGET, DemoData, split_adult


def test_security_section_passes_on_adult():
    from sklearn.tree import DecisionTreeClassifier

    reference, current = split_adult()
    reference, current = reference.head(2000), current.head(2000)
    numeric = reference.drop(columns=[TARGET]).select_dtypes("number")
    model = DecisionTreeClassifier(max_depth=3, random_state=0).fit(numeric, reference[TARGET])
    suite = security.section(DemoData(reference, current, model=model, baseline_model=None))
    verdict = suite.check(current=current)
    assert "mlgates.demo.security" in SECTIONS
    assert verdict.status is Status.PASS, verdict.to_text()
    assert [c.name for c in verdict.children] == ["personal data", "credentials", "model file"]
