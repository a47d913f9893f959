"""Rendering: the report's pages (Markdown and HTML) from the report tables."""
