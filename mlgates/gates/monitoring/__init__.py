"""Gates over time: windows of ``current`` (:class:`Windowed`), sequential change detection
(:class:`SequentialGate`: CUSUM, Page-Hinkley) and anytime-valid repeated checks
(:class:`AnytimeDriftGate`). See docs/monitoring.md."""

from mlgates.gates.monitoring.anytime import AnytimeDriftGate
from mlgates.gates.monitoring.policies import Policy, k_of_n, last, parse_policy, share, worst
from mlgates.gates.monitoring.sequential import SequentialGate
from mlgates.gates.monitoring.windows import Windowed

__all__ = [
    "AnytimeDriftGate",
    "Policy",
    "SequentialGate",
    "Windowed",
    "k_of_n",
    "last",
    "parse_policy",
    "share",
    "worst",
]
