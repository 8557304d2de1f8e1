"""Pure statistical kernels: arrays in, numbers out; no thresholds, no pandas objects in results.

Modules load lazily (``import mlgates`` imports none of them).
"""
