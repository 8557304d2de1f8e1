"""SensitiveDataGate and SecretsGate: precision and recall of the detectors on a fixed corpus of
documented test values and near misses, the decision per column, and redaction: no raw value
reaches any output."""

from __future__ import annotations

import joblib
import numpy as np
import pandas as pd
import pytest

from mlgates import SecretsGate, SensitiveDataGate, Status, Suite
from mlgates.gates.security._detectors import DETECTORS, luhn_ok, mask, scan_values
from mlgates.gates.security.credentials import find_secrets

#: detector -> (documented or well-formed examples, near misses that must not match)
CORPUS = {
    "payment_card": (
        [  # the card networks' published test numbers
            "4111111111111111",
            "4012888888881881",
            "4222222222222",
            "5555555555554444",
            "5105105105105100",
            "2223003122003222",
            "378282246310005",
            "371449635398431",
            "6011111111111117",
            "6011000990139424",
            "3530111333300000",
            "3566002020360505",
            "30569309025904",
            "38520000023237",
            "6200000000000005",
            "4111 1111 1111 1111",
            "5555-5555-5555-4444",
        ],
        [
            "4111111111111112",
            "5555555555554445",
            "378282246310006",  # Luhn fails
            "0000000000000000",
            "9999999999999995",  # no issuer
            "4111 1111-1111 1111",  # mixed separators
            "order 123456789012",  # too short for its issuer
        ],
    ),
    "iban": (
        [  # the IBAN registry's examples
            "GB82WEST12345698765432",
            "GB82 WEST 1234 5698 7654 32",
            "DE89370400440532013000",
            "FR1420041010050500013M02606",
            "NL91ABNA0417164300",
            "ES9121000418450200051332",
            "CH9300762011623852957",
            "BE68539007547034",
            "IT60X0542811101000000123456",
        ],
        [
            "GB82WEST12345698765433",
            "DE89370400440532013001",
            "GB82WEST1234569876543",
            "XX82WEST12345698765432",
        ],
    ),
    "us_ssn": (
        ["078-05-1120", "219-09-9999", "123-45-6789", "123 45 6789"],
        ["000-12-3456", "666-12-3456", "900-12-3456", "123-00-4567", "123-45-0000", "123456789"],
    ),
    "email": (
        [
            "john.doe@example.com",
            "a.b+tag@sub.example.org",
            "user_name@example.co.uk",
            "mail me: x@example.net.",
        ],
        [
            "user@localhost",
            "@example.com",
            "john.doe@example",
            "user..x@example.com",
            "name at example dot com",
        ],
    ),
    "phone": (
        [
            "+1 415 555 2671",
            "(415) 555-2671",
            "415-555-2671",
            "+44 20 7946 0958",
            "+14155552671",
            "call 415.555.2671",
        ],
        [
            "555-1234",
            "2024-01-15",
            "15/01/2024",
            "1.2.3.4",
            "12345678901",
            "v1.2.3",
            "10:30:00",
            "ID 4155552671",
        ],
    ),
    "ip_address": (
        ["192.168.1.10", "203.0.113.42", "10.0.0.1", "2001:db8::ff00:42:8329", "from 198.51.100.7 at noon"],
        ["1.2.3.4", "version 2.0.1.0", "256.1.1.1", "01.02.03.04", "1.2.3", "10:30:00", "::1", "v10.12.1.5"],
    ),
}


def _rates(name: str) -> tuple[float, float]:
    positives, negatives = CORPUS[name]
    values = positives + negatives
    hits = set(scan_values(values, [name])[name][0])
    tp = len(hits & set(range(len(positives))))
    fp = len(hits - set(range(len(positives))))
    precision = tp / (tp + fp) if tp + fp else 0.0
    return precision, tp / len(positives)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_detector_precision_and_recall_on_the_corpus(name):
    precision, recall = _rates(name)
    assert (precision, recall) == (1.0, 1.0), f"{name}: precision {precision:.2f}, recall {recall:.2f}"


def test_luhn_against_the_published_numbers():
    assert all(luhn_ok(n.replace(" ", "").replace("-", "")) for n in CORPUS["payment_card"][0])
    assert not luhn_ok("4111111111111112")


def test_masks_keep_shape_and_hide_values():
    assert mask("john.doe@example.com") == "j***@e******.com"
    assert mask("GB82 WEST 1234 5698 7654 32") == "G*** **** **** **** **** 32"
    assert mask("078-05-1120") == "0**-**-**20"
    assert mask("10.0.0.1") == "1*.*.*.*"


@pytest.fixture
def people():
    rng = np.random.default_rng(0)
    n = 1000
    return pd.DataFrame(
        {
            "comment": rng.choice(["great service", "call me at +1 415 555 2671", "ok", "slow delivery"], n),
            "contact_email": rng.choice(["john.doe@example.com", "jane@example.org"], n),
            "product": rng.choice(["v1.2.3.4 firmware", "build 2.0.1.0", "router"], n),
            "signup": rng.choice(["2024-01-15", "2023-11-02"], n),
            "date_of_birth": rng.choice(["1990-05-17", "1985-12-01"], n),
            "amount": rng.normal(size=n),
        }
    )


def test_sensitive_gate_decides_per_column(people):
    verdict = SensitiveDataGate().check(current=people)
    by = {f.subject: f for f in verdict.findings}
    assert verdict.status is Status.FAIL and verdict.reason == "sensitive_data_detected"
    assert by["comment"].status is Status.FAIL
    expected_share = (people["comment"] == "call me at +1 415 555 2671").mean()
    assert by["comment"].statistic == pytest.approx(expected_share)
    assert by["comment"].details["counts"] == {"phone": int(expected_share * len(people))}
    assert by["contact_email"].status is Status.FAIL and by["contact_email"].statistic == 1.0
    assert by["product"].status is Status.PASS  # version strings are not IP addresses
    assert by["signup"].status is Status.PASS  # ISO dates outside a date-of-birth column
    assert by["date_of_birth"].status is Status.FAIL
    assert by["date_of_birth"].details["counts"] == {"date_of_birth": len(people)}
    assert "amount" not in by


def test_declared_columns_and_thresholds(people):
    gate = SensitiveDataGate(
        allow={"contact_email": ["email"], "date_of_birth": ["date_of_birth"]}, max_share=0.3
    )
    verdict = gate.check(current=people)
    by = {f.subject: f for f in verdict.findings}
    assert by["contact_email"].status is Status.PASS and "expected" in by["contact_email"].message
    assert by["date_of_birth"].status is Status.PASS
    assert by["comment"].status is Status.PASS  # ~25% of rows <= 30% allowed
    assert verdict.status is Status.PASS


def test_column_name_hints_warn():
    frame = pd.DataFrame(
        {"ssn": [1, 2, 3], "first_name": ["Ann", "Bob", "Eve"], "product_name": ["a", "b", "c"]}
    )
    verdict = SensitiveDataGate().check(current=frame)
    by = {f.subject: f for f in verdict.findings}
    assert by["ssn"].status is Status.WARN and by["ssn"].reason == "sensitive_column_name"
    assert by["first_name"].status is Status.WARN
    assert by["product_name"].status is Status.PASS
    assert SensitiveDataGate(name_hints=False).check(current=frame).status is Status.PASS
    assert SensitiveDataGate(allow={"ssn": ["us_ssn"], "first_name": []}).check(current=frame).findings


def test_datetime_date_of_birth_column_and_fail_closed():
    frame = pd.DataFrame({"dob": pd.to_datetime(["1990-01-01", "1980-02-02"]), "note": [None, None]})
    verdict = SensitiveDataGate().check(current=frame)
    by = {f.subject: f for f in verdict.findings}
    assert by["dob"].status is Status.FAIL
    assert "note" not in by  # all missing: nothing says it is a text column
    only_missing = SensitiveDataGate().check(current=frame[["note"]])
    assert only_missing.status is Status.SKIP and only_missing.reason == "nothing_to_check"
    missing_text = pd.DataFrame({"note": pd.Series([None, None], dtype="string")})
    assert SensitiveDataGate().check(current=missing_text).findings[0].reason == "all_missing"
    assert SensitiveDataGate().check(current=frame.iloc[:0]).reason == "empty_input"
    assert SensitiveDataGate(columns=["nope"]).check(current=frame).reason == "missing_column"
    with pytest.raises(ValueError, match="detectors"):
        SensitiveDataGate(detectors=["passport"]).check(current=frame)


def test_unique_value_path_matches_a_row_by_row_count():
    rng = np.random.default_rng(1)
    values = rng.choice(["a@example.com", "none", "+44 20 7946 0958", "x"], 5000)
    frame = pd.DataFrame({"text": values})
    finding = SensitiveDataGate().check(current=frame).findings[0]
    kinds = [name for name in DETECTORS if name != "date_of_birth"]
    per_row = sum(any(idx for idx, _ in scan_values([v], kinds).values()) for v in values[:500])
    assert per_row > 0
    assert finding.details["n_checked"] == 5000
    assert finding.statistic == pytest.approx(
        sum(any(idx for idx, _ in scan_values([v], kinds).values()) for v in values) / 5000
    )


SECRETS = {
    "aws_access_key_id": "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",  # AWS documentation's example
    "stripe_key": "STRIPE=sk_test_4eC39HqLyjWDarjtT1zdp7dc",  # Stripe documentation's test key
    "jwt": "Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."  # jwt.io's example token
    "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ."
    "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "github_token": "token ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A",
    "slack_token": "SLACK=xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp",
    "google_api_key": "key=AIza" + "SyA-1234567890abcdefghijklmnopqrstu",
    "private_key": "-----BEGIN RSA PRIVATE KEY-----\nMIIEow...",
    "assigned_secret": "db_password: Xk9#mP2$vL7qR4wz",
}
NOT_SECRETS = [
    "password = ${DB_PASSWORD}",
    "password: changeme",
    "token = <your-token>",
    "AKIA1234",
    "eyJhbGciOi.notajwt.x",
    "-----BEGIN PUBLIC KEY-----",
    "the secret garden is lovely",
    "password: aaaaaaaaaaaa",
    "api_key: None",
]


@pytest.mark.parametrize("kind", sorted(SECRETS))
def test_secret_rules_find_documented_examples(kind):
    assert [k for k, _, _ in find_secrets(SECRETS[kind])] == [kind]


@pytest.mark.parametrize("text", NOT_SECRETS)
def test_secret_rules_skip_near_misses(text):
    assert list(find_secrets(text)) == []


def test_secrets_gate_on_columns_files_and_artifacts(tmp_path):
    frame = pd.DataFrame({"log": ["ok", SECRETS["aws_access_key_id"], "ok"], "n": [1, 2, 3]})
    verdict = SecretsGate().check(current=frame)
    assert verdict.status is Status.FAIL and verdict.findings[0].details["counts"] == {"aws_access_key_id": 1}
    (tmp_path / "settings.yaml").write_text("db:\n  host: x\n  password: Xk9#mP2$vL7qR4wz\n")
    (tmp_path / "README.md").write_text("nothing to see\n")
    joblib.dump({"model": [1, 2], "note": SECRETS["github_token"]}, tmp_path / "model.joblib", compress=3)
    verdict = SecretsGate().check(artifacts=tmp_path)
    by = {f.subject.split("/")[-1]: f for f in verdict.findings}
    assert by["settings.yaml"].status is Status.FAIL and "line 3" in by["settings.yaml"].message
    assert by["model.joblib"].status is Status.FAIL  # found after decompression
    assert by["README.md"].status is Status.PASS
    assert SecretsGate().check().reason == "missing_input"
    capped = SecretsGate(max_file_bytes=4).check(artifacts=tmp_path / "README.md")
    assert capped.status is Status.WARN and capped.reason == "scan_truncated"


RAW = [
    "john.doe@example.com", "4111 1111 1111 1111", "GB82 WEST 1234 5698 7654 32", "078-05-1120",
    "+1 415 555 2671", "203.0.113.42", "AKIAIOSFODNN7EXAMPLE", "Xk9#mP2$vL7qR4wz",
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
]  # fmt: skip


def test_no_raw_value_in_any_output(tmp_path):
    frame = pd.DataFrame(
        {
            "note": [f"contact {v}" for v in RAW[:6]] + ["x", "y", "z"],
            "config": ["k=" + RAW[6], "password: " + RAW[7], "STRIPE=" + RAW[8]] + ["-"] * 6,
        }
    )
    suite = Suite([SensitiveDataGate(), SecretsGate()])
    verdict = suite.check(current=frame)
    assert verdict.status is Status.FAIL
    outputs = {
        "repr": repr(verdict) + "".join(repr(f) for c in verdict.children for f in c.findings),
        "json": verdict.to_json(),
        "junit": verdict.to_junit_xml(),
        "markdown": verdict.to_markdown(),
        "html": verdict.to_html(),
        "text": verdict.to_text(),
        "frame": verdict.to_frame().to_csv(),
    }
    for fmt, text in outputs.items():
        for raw in RAW:
            assert raw not in text, (fmt, raw)
        assert "john.doe" not in text and "EXAMPLE" not in text, fmt
    assert "j***@e******.com" in outputs["json"]  # masked examples are there


def test_awkward_tables_are_judged_or_reported():
    frame = pd.DataFrame([["a@example.com", "x", "ok"]] * 3, columns=["mail", "note", "note"])
    for gate in (SensitiveDataGate(), SecretsGate()):
        verdict = gate.check(current=frame)
        dup = [f for f in verdict.findings if f.subject == "note"]
        assert [f.reason for f in dup] == ["duplicate_columns"] and dup[0].status is Status.ERROR
    mixed = pd.DataFrame(
        {"text": pd.Series(["john.doe@example.com", ["a", "list"], {"k": 1}, None], dtype=object)}
    )
    finding = SensitiveDataGate().check(current=mixed).findings[0]
    assert finding.status is Status.FAIL and finding.details["n_checked"] == 3


def test_allow_key_that_names_no_column_is_an_error_with_a_suggestion(people):
    verdict = SensitiveDataGate(allow={"contact_emial": ["email"]}).check(current=people)
    typo = [f for f in verdict.findings if f.reason == "missing_column"]
    assert len(typo) == 1 and typo[0].status is Status.ERROR and verdict.status is Status.ERROR
    assert "Did you mean 'contact_email'?" in typo[0].message


def test_object_columns_without_strings_are_not_text():
    from decimal import Decimal

    frame = pd.DataFrame(
        {
            "lists": pd.Series([[1], [2], [3]], dtype=object),
            "decimals": pd.Series([Decimal(1), Decimal(2), None], dtype=object),
            "nothing": pd.Series([None, None, None], dtype=object),
        }
    )
    for gate in (SensitiveDataGate(), SecretsGate()):
        verdict = gate.check(current=frame)
        assert verdict.findings == () and verdict.status is Status.SKIP, verdict.to_text()
