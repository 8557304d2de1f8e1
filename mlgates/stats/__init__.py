"""Pure statistical kernels: arrays in, numbers out; no thresholds, no pandas objects in results."""
