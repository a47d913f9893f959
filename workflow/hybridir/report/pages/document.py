"""A tiny document model (headings, paragraphs, lists, tables) written as Markdown or HTML.

Inline markup is the common subset of both: `code` and **bold**. The HTML is one
self-contained page (inline CSS, no scripts, no external resources), so that it opens anywhere,
including inside Snakemake's report.
"""

import html
import os
import re
from dataclasses import dataclass, field

import pandas as pd

from hybridir import layout
from hybridir.atomic import atomic_write
from hybridir.tables import write_table


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: list[str]


@dataclass(frozen=True)
class Table:
    """A table of already formatted cells; `numeric` columns are right-aligned."""

    header: list[str]
    rows: list[list[str]]
    numeric: list[bool] = field(default_factory=list)

    def aligned(self) -> list[bool]:
        return self.numeric or [False] * len(self.header)


Block = Heading | Paragraph | Bullets | Table


def _markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown_table(table: Table) -> str:
    if not table.rows:
        return "_(no rows)_"
    lines = [
        "| " + " | ".join(_markdown_cell(h) for h in table.header) + " |",
        "|" + "|".join("---:" if right else "---" for right in table.aligned()) + "|",
    ]
    lines += ["| " + " | ".join(_markdown_cell(c) for c in row) + " |" for row in table.rows]
    return "\n".join(lines)


def to_markdown(blocks: list[Block]) -> str:
    """The blocks as GitHub-flavoured Markdown."""
    parts = []
    for block in blocks:
        if isinstance(block, Heading):
            parts.append("#" * block.level + " " + block.text)
        elif isinstance(block, Paragraph):
            parts.append(block.text)
        elif isinstance(block, Bullets):
            parts.append("\n".join(f"- {item}" for item in block.items))
        else:
            parts.append(_markdown_table(block))
    return "\n\n".join(parts) + "\n"


def _inline_html(text: str) -> str:
    escaped = html.escape(text, quote=False)
    escaped = re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", escaped)


def _html_table(table: Table) -> str:
    if not table.rows:
        return "<p><em>(no rows)</em></p>"
    align = table.aligned()

    def cells(tag: str, row: list[str]) -> str:
        return "".join(
            f'<{tag} class="{"num" if right else "txt"}">{_inline_html(c)}</{tag}>'
            for c, right in zip(row, align, strict=True)
        )

    head = f"<thead><tr>{cells('th', table.header)}</tr></thead>"
    body = "".join(f"<tr>{cells('td', row)}</tr>" for row in table.rows)
    return f"<table>{head}<tbody>{body}</tbody></table>"


_STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 14px; margin: 1.2em; color: #222; }
table { border-collapse: collapse; margin: 0.6em 0 1.2em; }
th, td { border: 1px solid #ccc; padding: 3px 8px; vertical-align: top; }
th { background: #f2f2f2; text-align: left; }
td { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code { background: #f5f5f5; padding: 0 3px; }
"""


def to_html(blocks: list[Block], title: str) -> str:
    """The blocks as one self-contained HTML page."""
    parts = []
    for block in blocks:
        if isinstance(block, Heading):
            level = min(block.level, 6)
            parts.append(f"<h{level}>{_inline_html(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            parts.append(f"<p>{_inline_html(block.text)}</p>")
        elif isinstance(block, Bullets):
            items = "".join(f"<li>{_inline_html(item)}</li>" for item in block.items)
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append(_html_table(block))
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def write_text(text: str, path: str | os.PathLike) -> None:
    """Write `text` to `path` atomically (temp file, then rename)."""
    with atomic_write(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_document(blocks: list[Block], markdown: str | os.PathLike, html_path: str | os.PathLike, title: str) -> None:
    """Write the blocks as Markdown and as HTML."""
    write_text(to_markdown(blocks), markdown)
    write_text(to_html(blocks, title), html_path)


def write_report_table(
    frame: pd.DataFrame,
    name: str,
    blocks: list[Block],
    parquet: str | os.PathLike,
    markdown: str | os.PathLike,
    html_path: str | os.PathLike,
    seed: int | None = None,
) -> None:
    """Write a report table as Parquet (schema report_<name>) and its page as Markdown and HTML."""
    write_table(frame, parquet, layout.report_schema(name), seed=seed)
    title = blocks[0].text if blocks and isinstance(blocks[0], Heading) else name
    write_document(blocks, markdown, html_path, title)
