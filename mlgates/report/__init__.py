"""Renderers: pure functions of a Verdict (text, Markdown, JUnit XML, HTML, JSON)."""
