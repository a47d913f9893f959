"""A rule-based multilingual sentence splitter that returns character spans.

Used to build MLQA-R from raw MLQA, the way LAReQA split paragraphs into candidate sentences.
Rules, in order:
- CJK terminators (。！？) end a sentence unless a digit follows ("。1995年" stays joined, as in
  LAReQA's MLQA-R);
- other terminators (. ! ? … । ؟) end a sentence when whitespace follows, or directly a letter
  of a non-Latin script (Arabic and Devanagari text often has no space after the full stop);
- a full stop does not end a sentence after a known abbreviation, a single capital letter (an
  initial), a dotted short form (U.S., e.g.), a German ordinal or Roman numeral (22. April,
  Wilhelm I.), or when the next word starts in lower case.
Closing quotes and brackets after a terminator stay with the sentence they close.
"""

import re

ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr vs etc ca approx no nr vol fig ltd inc co corp "
    "jan feb mar apr jun jul aug sep sept oct nov dec "
    "bzw usw vgl ggf evtl inkl sog ua zb dh sra sres srta ud uds".split()
)
_TERMINATORS = re.compile(r"[.!?।؟…。！？]+")
_CJK_TERMINATORS = frozenset("。！？")
_CLOSERS = frozenset("\"'”’»)]」』）")
_LAST_WORD = re.compile(r"(\S+)$")
_ROMAN = re.compile(r"[IVXLC]+")


def _is_abbreviation(before: str, lang: str) -> bool:
    """Whether the word ending at a full stop is an abbreviation rather than a sentence end."""
    match = _LAST_WORD.search(before)
    if not match:
        return False
    word = match.group(1).rstrip(".").lstrip("(\"'“‘")
    if word.lower() in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha() and word.isupper():
        return True
    if "." in word and all(len(part) <= 2 for part in word.split(".")):
        return True
    return lang == "de" and (word.isdigit() or bool(_ROMAN.fullmatch(word)))


def _is_latin_letter(char: str) -> bool:
    return char.isascii() or "\u00c0" <= char <= "\u024f"


def _ends_sentence(text: str, match: re.Match, end: int, start: int, lang: str) -> bool:
    """Whether the terminator run `match` (extended to `end` over closers) ends a sentence."""
    following = text[end] if end < len(text) else ""
    if text[match.start()] in _CJK_TERMINATORS:
        return not following.isdigit()
    if following and not following.isspace():
        return following.isalpha() and not _is_latin_letter(following)
    if match.group() == "." and _is_abbreviation(text[start : match.start()], lang):
        return False
    rest = text[end:].lstrip()
    return not (rest and rest[0].isascii() and rest[0].islower())


def sentence_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """Character spans [start, end) of the sentences of `text`, leading whitespace skipped."""
    spans = []
    start = len(text) - len(text.lstrip())
    for match in _TERMINATORS.finditer(text):
        if match.start() < start:
            continue
        end = match.end()
        while end < len(text) and text[end] in _CLOSERS:
            end += 1
        if _ends_sentence(text, match, end, start, lang):
            spans.append((start, end))
            start = end + len(text[end:]) - len(text[end:].lstrip())
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans
