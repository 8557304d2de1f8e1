"""The starter suite file that ``mlgates init`` writes: the quality gates inferred from a
reference table, the security and drift gates, and commented blocks of the gates that need more
inputs, each with a comment saying what it checks and what it needs. Only public API is used
here (the layering test in tests/test_layers.py checks it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from mlgates.core.gate import Gate

__all__ = ["init_text", "starter_suite"]

_HEADER = """\
# mlgates suite written by `mlgates init` from {reference}.
# It is a starting point: review every threshold before you commit it.
#
# Run it:
#   mlgates check {output} --reference {reference} --current NEW_DATA.csv{target_arg}
# Exit codes: 0 passed, 1 failed, 2 error. Docs: docs/index.md and docs/ci.md.
"""

_DRIFT = """
# Drift: compares each column of --current with --reference (so `mlgates check` needs both).
# With the defaults the test or distance is chosen per column type and size and recorded in
# the verdict; the parameters are described in docs/drift.md. blocking = false: with large
# samples even harmless shifts are significant, so drift is reported as a warning (exit 0)
# until you have seen a few runs and chosen thresholds; then set blocking = true (or delete
# the line) to make drift fail a run.
[[gates]]
type = "DriftGate"
name = "drift"
blocking = false
"""

_SECURITY = """
# Security: personal data (emails, phone numbers, payment cards, IBANs, US SSNs, IP addresses,
# dates of birth in columns named like one) and credentials in the text columns of --current;
# reports show masked values only. Declare columns expected to hold such data, e.g.
# allow = { contact_email = ["email"] }. Model files and release folders: `mlgates audit PATH`,
# or an ArtifactSafetyGate with paths = ["models/"] here (docs/security.md).
[[gates]]
type = "SensitiveDataGate"
name = "personal data"

[[gates]]
type = "SecretsGate"
name = "credentials"
"""

_COMMENTED = """
# ---------------------------------------------------------------------------------------------
# More gates to consider. Uncomment a block to use it (each [[gates]] block adds one gate to
# this suite); the parameters of each gate are described in docs/<family>.md.
#
# Performance: needs --target and either --prediction/--proba columns or --model. Fails when
# the metric is below min_value (0.8 is an example: set your own floor), or compare with a
# baseline (--baseline-prediction or --baseline-model, max_drop = ...), see docs/performance.md.
# [[gates]]
# type = "PerformanceGate"
# name = "performance"
# metric = "accuracy"
# min_value = 0.8
#
# Fairness: needs --target, predictions (or --model) and --sensitive COL ... Compares groups of
# the sensitive columns (e.g. demographic parity, equalized odds), see docs/fairness.md.
# [[gates]]
# type = "FairnessGate"
# name = "fairness"
#
# Disparate impact (the four-fifths rule): selection-rate ratio between groups of --sensitive.
# [[gates]]
# type = "DisparateImpactGate"
# name = "disparate_impact"
"""


def starter_suite(reference: pd.DataFrame, *, target: str | None = None) -> Gate:
    """The quality part of the starter suite: :func:`mlgates.quality_suite_from_reference`
    (thresholds inferred from ``reference`` with documented tolerances), named for the whole file."""
    import mlgates

    return mlgates.quality_suite_from_reference(reference, target=target, name="mlgates checks")


def init_text(reference: pd.DataFrame, *, reference_path: str, output: str, target: str | None) -> str:
    """The text of the starter suite file (TOML)."""
    import tomli_w

    from mlgates.core.config import suite_document

    suite = starter_suite(reference, target=target)
    data = suite_document(suite, format="toml")
    gates = data.pop("gates", [])
    # every gate as a [[gates]] table (tomli_w would inline a short array), so that the drift
    # block and the commented blocks appended below extend the same array
    chunks = [tomli_w.dumps(data)]
    for gate_config in gates:
        chunk = tomli_w.dumps({"gates": gate_config})
        chunks.append("[[gates]]" + chunk.removeprefix("[gates]"))
    body = "\n".join(chunks)

    def one_line(text: str) -> str:  # paths and names go into comments: keep them on one line
        return " ".join(str(text).splitlines())

    header = _HEADER.format(
        reference=one_line(reference_path),
        output=one_line(output),
        target_arg=f" --target {one_line(target)}" if target else "",
    )
    notes = "# The quality gates below were inferred from the reference by quality_suite_from_reference.\n\n"
    return header + "\n" + notes + body + _SECURITY + _DRIFT + _COMMENTED
