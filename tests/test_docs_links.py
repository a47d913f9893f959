"""Every relative link of README.md and docs/*.md leads to a file of the repository, and a link
with an anchor to a heading of that file."""

import re
from collections import Counter
from pathlib import Path

import pytest

from tests.support import REPO

PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
CODE_SPAN = re.compile(r"(`+)[^`].*?\1", re.S)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.M)


def prose(text: str) -> str:
    """The text without fenced blocks and code spans, where brackets are not links."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def anchors(page: Path) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown page (a repeat gets -1, -2, ...)."""
    seen: Counter[str] = Counter()
    found = set()
    for heading in HEADING.findall(FENCE.sub("", page.read_text())):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        found.add(f"{slug}-{seen[slug]}" if seen[slug] else slug)
        seen[slug] += 1
    return found


def relative_links(page: Path) -> list[str]:
    return [target for target in LINK.findall(prose(page.read_text())) if not re.match(r"[a-z][a-z0-9+.-]*:", target)]


def test_the_link_check_reads_links_and_anchors(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# A `b` title\n\n## Run: x_x\n\n## Run: x_x\n\nSee [it](other.md#c) and `[not](a link)`.\n")
    assert anchors(page) == {"a-b-title", "run-x_x", "run-x_x-1"}
    assert relative_links(page) == ["other.md#c"]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(REPO)))
def test_every_relative_link_leads_somewhere(page: Path) -> None:
    for target in relative_links(page):
        path, _, anchor = target.partition("#")
        destination = (page.parent / path).resolve() if path else page
        where = f"{page.relative_to(REPO)}: link {target!r}"
        assert destination.exists(), f"{where}: no file {destination}"
        assert destination.is_relative_to(REPO), f"{where}: leads outside the repository"
        if anchor:
            assert anchor in anchors(destination), f"{where}: no heading with anchor #{anchor} in {path or 'the page'}"
