"""Gate families: one module (or package) per family."""
