"""The sanitizers of the report layer: :func:`safe_text`, :func:`safe_json` and :func:`shorten`
live in :mod:`mlgates.core._text` (one implementation for the core, the record layer, the
renderers and the surfaces) and are re-exported here."""

from __future__ import annotations

from mlgates.core._text import safe_json, safe_text, shorten

__all__ = ["safe_json", "safe_text", "shorten"]
