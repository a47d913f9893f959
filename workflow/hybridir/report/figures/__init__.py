"""Rendering: the report's matplotlib figures (PNG and PDF)."""
