"""Security gates: model artifacts that import only allowlisted code (static pickle walk,
``safe_load``), personal data and credentials in tables, files and artifacts."""

from mlgates.gates.security.allowlist import Allowlist
from mlgates.gates.security.artifact import ArtifactSafetyGate
from mlgates.gates.security.credentials import SecretsGate
from mlgates.gates.security.safe import UnsafeArtifactError, safe_load
from mlgates.gates.security.sensitive import SensitiveDataGate

__all__ = [
    "Allowlist",
    "ArtifactSafetyGate",
    "SecretsGate",
    "SensitiveDataGate",
    "UnsafeArtifactError",
    "safe_load",
]
