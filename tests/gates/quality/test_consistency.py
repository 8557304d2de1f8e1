"""Consistency gates on hand-built data: string variants, missing spellings, special characters,
class balance; their decisions as tables; the association kernels against scipy/statsmodels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlgates import (
    ClassBalanceGate,
    MissingSpellingsGate,
    ParameterError,
    SpecialCharactersGate,
    Status,
    StringVariantsGate,
)
from mlgates.gates.quality.balance import BalanceFacts, clopper_pearson, decide_balance
from mlgates.gates.quality.consistency import ShareFacts, decide_share, normalized_form


# -- string variants ----------------------------------------------------------------------------
def test_variants_by_case_whitespace_and_punctuation_are_grouped():
    df = pd.DataFrame(
        {
            "state": ["NY", "NY", "NY", "ny ", "N.Y.", "CA", "CA", "Ca", "TX", None],
            "clean": ["a", "b", "c", "a", "b", "c", "a", "b", "c", "a"],
        }
    )
    v = StringVariantsGate().check(current=df)
    state, clean = v.findings
    assert state.status is Status.FAIL and state.reason == "variant_share_exceeded"
    # NY group: 'ny ' and 'N.Y.' differ from the dominant 'NY'; CA group: 'Ca'; 9 non-missing
    assert state.details["n_offending"] == 3 and state.details["n_checked"] == 9
    assert state.statistic == pytest.approx(3 / 9)
    groups = state.details["groups"]
    assert [g["variants"][0]["value"] for g in groups] == ["NY", "CA"]
    assert {d["value"] for d in groups[0]["variants"]} == {"NY", "ny ", "N.Y."}
    assert clean.status is Status.PASS and clean.statistic == 0.0
    assert v.status is Status.FAIL


def test_variant_share_within_the_bound_passes_and_mapping_sets_it_per_column():
    df = pd.DataFrame({"city": ["Oslo"] * 99 + ["oslo"]})
    assert StringVariantsGate(max_share=0.01).check(current=df).status is Status.PASS
    assert StringVariantsGate(max_share={"city": 0.001}).check(current=df).status is Status.FAIL


def test_normalized_form_keeps_symbols_and_digits():
    assert normalized_form("$100") != normalized_form("100")
    assert normalized_form("1,000") == normalized_form("1000")
    assert normalized_form("Ｎ.Ｙ.") == "ny"  # NFKC: full-width letters
    assert normalized_form("?!") == ""


def test_all_missing_column_is_an_error_not_a_pass():
    df = pd.DataFrame({"s": pd.Series([None, None], dtype="string")})
    f = StringVariantsGate().check(current=df).findings[0]
    assert f.status is Status.ERROR and f.reason == "all_missing"


def test_numeric_column_listed_is_unsupported():
    v = StringVariantsGate(columns=["x"]).check(current=pd.DataFrame({"x": [1.0, 2.0]}))
    assert v.findings[0].status is Status.ERROR and v.findings[0].reason == "unsupported_dtype"


# -- missing spellings --------------------------------------------------------------------------
def test_missing_spellings_counted_case_insensitively_with_real_missing_recorded():
    df = pd.DataFrame(
        {"c": ["a", " N/A ", "NULL", "none", "", "-", "?", "NaN", None, np.nan, "b", "nothing"]}
    )
    f = MissingSpellingsGate().check(current=df).findings[0]
    assert f.status is Status.FAIL and f.reason == "missing_spelling_share_exceeded"
    assert f.details["n_offending"] == 7  # ' N/A ', 'NULL', 'none', '', '-', '?', 'NaN'
    assert f.details["n_missing"] == 2
    assert f.statistic == pytest.approx(7 / 12)  # of all rows
    assert f.details["spellings"][" N/A "] == 1


def test_missing_spellings_are_configurable():
    df = pd.DataFrame({"c": ["unknown", "a", "N/A", "b"]})
    f = MissingSpellingsGate(spellings=["Unknown"]).check(current=df).findings[0]
    assert f.details["n_offending"] == 1 and list(f.details["spellings"]) == ["unknown"]
    assert MissingSpellingsGate(spellings=[]).check(current=df).status is Status.PASS
    with pytest.raises(ParameterError, match="spellings"):
        MissingSpellingsGate(spellings=["n/a", None]).validate()  # type: ignore[list-item]
    with pytest.raises(ParameterError, match="spellings"):
        MissingSpellingsGate(spellings="n/a").validate()  # type: ignore[arg-type]


def test_categorical_column_with_missing_spellings():
    df = pd.DataFrame({"c": pd.Categorical(["x", "null", "y", "x"])})
    f = MissingSpellingsGate(max_share=0.2).check(current=df).findings[0]
    assert f.status is Status.FAIL and f.statistic == 0.25


# -- special characters -------------------------------------------------------------------------
def test_special_character_only_values():
    df = pd.DataFrame({"c": ["ok", "?", "***", "#!", "a-b", "  ", "", "é", "٣", "$", None]})
    f = SpecialCharactersGate().check(current=df).findings[0]
    # '?', '***', '#!', '$' are special-only; blanks, letters in any script and digits are not
    assert f.details["n_offending"] == 4 and f.details["n_checked"] == 10
    assert {d["value"] for d in f.details["values"]} == {"?", "***", "#!", "$"}
    assert f.status is Status.FAIL and f.reason == "special_character_share_exceeded"


def test_share_decision_table():
    assert decide_share(ShareFacts("c", 0, 10, 0.0, "x")) == (Status.PASS, False)
    assert decide_share(ShareFacts("c", 1, 10, 0.1, "x")) == (Status.PASS, False)
    assert decide_share(ShareFacts("c", 2, 10, 0.1, "x")) == (Status.FAIL, True)
    assert decide_share(ShareFacts("c", 0, 0, 0.5, "x")) == (Status.FAIL, True)  # NaN fails closed


# -- class balance ------------------------------------------------------------------------------
def test_clopper_pearson_matches_statsmodels():
    from statsmodels.stats.proportion import proportion_confint

    for k, n in [(0, 10), (3, 10), (10, 10), (37, 500), (1, 1)]:
        lo, hi = clopper_pearson(k, n, 0.95)
        elo, ehi = proportion_confint(k, n, alpha=0.05, method="beta")
        assert lo == pytest.approx(elo, abs=1e-12) and hi == pytest.approx(ehi, abs=1e-12)


def test_class_balance_fails_only_when_the_interval_is_below():
    big = pd.DataFrame({"y": [0] * 950 + [1] * 50})
    v = ClassBalanceGate(min_share=0.1).check(current=big, target="y")
    assert v.status is Status.FAIL
    minority = next(f for f in v.findings if f.subject == "y=1")
    assert minority.reason == "class_share_exceeded" and minority.details["ci_high"] < 0.1
    small = pd.DataFrame({"y": [0] * 19 + [1] * 1})  # 5% observed on 20 labels: not decidable
    v = ClassBalanceGate(min_share=0.1).check(current=small, target="y")
    assert v.status is Status.WARN and v.reason == "insufficient_samples"
    v = ClassBalanceGate(min_share=0.1, on_insufficient="fail").check(current=small, target="y")
    assert v.status is Status.FAIL
    balanced = pd.DataFrame({"y": [0, 1] * 50})
    assert ClassBalanceGate(min_share=0.3).check(current=balanced, target="y").status is Status.PASS


def test_class_balance_ratio_and_multiclass():
    y = np.array(["a"] * 600 + ["b"] * 300 + ["c"] * 100)
    v = ClassBalanceGate(min_share=None, max_ratio=3.0).check(current=pd.DataFrame({"y": y}), target="y")
    (f,) = v.findings
    assert f.subject == "y" and f.statistic == pytest.approx(6.0)
    assert f.status is Status.FAIL and f.reason == "class_ratio_exceeded" and f.details["ci_low"] > 3.0
    assert f.details["largest_class"] == "a" and f.details["smallest_class"] == "c"
    v = ClassBalanceGate(min_share=None, max_ratio=10.0).check(current=pd.DataFrame({"y": y}), target="y")
    assert v.status is Status.PASS
    assert v.metrics["minority_share"] == pytest.approx(0.1)


def test_class_balance_bad_targets():
    df = pd.DataFrame({"y": [1] * 10, "z": np.linspace(0, 1, 10) + 0.05, "m": [np.nan] * 10})
    assert ClassBalanceGate().check(current=df, target="y").reason == "one_class_target"
    assert ClassBalanceGate().check(
        current=pd.DataFrame({"z": np.linspace(0, 1, 50) + 0.01}), target="z"
    ).reason == ("unsupported_target")
    assert ClassBalanceGate().check(current=df, target="m").reason == "all_missing"
    with pytest.raises(ParameterError, match="min_share"):
        ClassBalanceGate(min_share=None, max_ratio=None).validate()


def test_missing_labels_are_left_out_and_counted():
    df = pd.DataFrame({"y": [0, 1] * 50 + [None] * 10})
    v = ClassBalanceGate(min_share=0.4).check(current=df, target="y")
    assert v.status is Status.PASS and v.metrics["n_missing_labels"] == 10 and v.metrics["n_labels"] == 100


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (BalanceFacts("s", 0.05, 0.03, 0.08, 0.1, True), (Status.FAIL, "class_share_exceeded", "beyond")),
        (
            BalanceFacts("s", 0.05, 0.01, 0.15, 0.1, True),
            (Status.WARN, "insufficient_samples", "inconclusive"),
        ),
        (BalanceFacts("s", 0.12, 0.08, 0.16, 0.1, True), (Status.PASS, None, "within")),
        (BalanceFacts("r", 12.0, 11.0, 13.0, 10.0, False), (Status.FAIL, "class_ratio_exceeded", "beyond")),
        (
            BalanceFacts("r", 12.0, 8.0, 16.0, 10.0, False),
            (Status.WARN, "insufficient_samples", "inconclusive"),
        ),
        (BalanceFacts("r", 9.0, 7.0, 11.0, 10.0, False), (Status.PASS, None, "within")),
    ],
)
def test_balance_decision_table(facts, expected):
    assert tuple(decide_balance(facts, insufficient=Status.WARN)) == expected


@pytest.mark.slow
def test_class_balance_at_the_bound_fails_at_most_at_the_one_sided_level():
    """A class whose true share is exactly min_share FAILs in at most (1 - confidence) / 2 of
    samples (Clopper-Pearson is conservative): 1,000 samples of 200 labels; rate printed."""
    rng = np.random.default_rng(12)
    sims, fails = 1000, 0
    gate = ClassBalanceGate(min_share=0.1)
    for _ in range(sims):
        y = (rng.random(200) < 0.1).astype(int)
        fails += gate.check(current=pd.DataFrame({"y": y}), target="y").status is Status.FAIL
    print(f"ClassBalanceGate FAIL rate with the true share at min_share: {fails}/{sims}")
    assert fails / sims <= 0.025 + 0.01, fails
