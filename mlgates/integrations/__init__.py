"""Optional integrations with other libraries.

Each integration lives in its own module and needs its own extra; importing the module without
the extra raises ``ImportError`` naming the ``pip install mlgates[extra]`` command. Nothing here
is imported by ``import mlgates``.

- :mod:`mlgates.integrations.evidently`: run Evidently metrics and presets as a gate
  (``pip install mlgates[evidently]``).
- :mod:`mlgates.integrations.mlflow`: verdicts on MLflow runs, aliases guarded by the ledger
  (``pip install mlgates[mlflow]``).
"""
