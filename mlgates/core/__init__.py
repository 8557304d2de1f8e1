"""The contract every gate keeps: statuses, verdicts, findings, gates, suites, inputs, config."""
