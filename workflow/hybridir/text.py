"""Text normalisation and content ids shared by every stage."""

import hashlib
import unicodedata


def clean_text(text: str) -> str:
    """NFC-normalise, delete control characters (NUL, ...) and collapse runs of whitespace into single spaces."""
    kept = "".join(c for c in unicodedata.normalize("NFC", text) if c.isspace() or unicodedata.category(c) != "Cc")
    return " ".join(kept.split())


def text_id(text: str) -> str:
    """A content id: identical texts get the same id wherever they come from."""
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def comparable(text: str) -> str:
    """The form in which two texts count as equal: NFKC, case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())
