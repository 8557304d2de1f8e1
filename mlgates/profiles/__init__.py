"""The profile layer: mergeable summaries computed per chunk and merged (scale, issue 15).

Between the core and the gates: imports ``mlgates.stats`` and ``mlgates.core``, never
``mlgates.gates``. Gates name the summaries they need (:mod:`mlgates.profiles.summaries`),
a table's source computes all of them in one pass, and the gates decide from the merged
summaries with the same decision code as in memory. :func:`profile_reference` computes what
a suite needs from its reference once; a :class:`ReferenceProfile` is saved as JSON + npz.
See docs/scale.md.
"""

from mlgates.profiles.reference import ReferenceProfile, load_profile, profile_reference

__all__ = ["ReferenceProfile", "load_profile", "profile_reference"]
