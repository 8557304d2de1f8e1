"""Executed notebooks (a package only so that notebooks/conftest.py has a unique module name)."""
