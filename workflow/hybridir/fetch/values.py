"""Field values read where a text is expected: a string (cleaned, hybridir.text.clean_text) or a
missing value (None, or NaN as CSV readers give it).

A list, a mapping or a number there is an error naming the file, the row and the field, unless
the source's config entry sets `convert_values: true`: a list is then joined with spaces and a
number written out, each counted and logged. A mapping is always an error. An answer field may
hold a list (the usual list of gold answers): its first answer is taken (`first_text`).
"""

import logging
import math
import numbers
from collections import Counter
from collections.abc import Mapping
from typing import Any

from hybridir.errors import DataError
from hybridir.text import clean_text

CONVERTIBLE = ("a list", "a number", "a boolean")


def kind_of(value: Any) -> str:
    """What a value that is not a text is, in words."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, numbers.Number):
        return "a number"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return f"a {type(value).__name__}"


def is_missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


class TextFields:
    """Reads the text fields of one source; `key` is its config entry (e.g. datasets[facts])."""

    def __init__(self, key: str, convert: bool = False):
        self.key, self.convert = key, convert
        self.converted: Counter[str] = Counter()

    def text(self, value: Any, where: str, field: str, clean: bool = True) -> str | None:
        """A text (cleaned, or as it is with `clean` false), None for a missing value; lists and
        numbers as the module docstring says."""
        if is_missing(value):
            return None
        if isinstance(value, str):
            return clean_text(value) if clean else value
        kind = kind_of(value)
        if not self.convert or kind not in CONVERTIBLE:
            hint = f"; {self.key}.convert_values: true joins lists, writes numbers out" if kind in CONVERTIBLE else ""
            raise DataError(f"{where}: field {field!r} holds {kind} ({_shown(value)}) where a text is expected{hint}")
        self.converted[f"{field} ({kind})"] += 1
        return clean_text(self._written(value, where, field))

    def _written(self, value: Any, where: str, field: str) -> str:
        """A convertible value as text: list items (nested lists too) joined with spaces."""
        if is_missing(value):
            return ""
        if isinstance(value, str):
            return value
        if kind_of(value) not in CONVERTIBLE:
            raise DataError(
                f"{where}: field {field!r} holds {kind_of(value)} ({_shown(value)}) where a text is expected"
            )
        if isinstance(value, list | tuple):
            return " ".join(self._written(item, where, field) for item in value)
        return str(value)

    def texts(self, value: Any, where: str, field: str) -> list[str]:
        """Cleaned non-empty texts of a field that holds a list of texts (or one text)."""
        values = value if isinstance(value, list | tuple) else [value]
        texts = [self.text(item, f"{where}: item {i}", field) for i, item in enumerate(values)]
        return [text for text in texts if text]

    def first_text(self, value: Any, where: str, field: str) -> str | None:
        """The text of a field that may hold a list of texts: its first item (None for an empty list)."""
        if isinstance(value, list | tuple):
            value = value[0] if value else None
        return self.text(value, where, field)

    def log(self) -> None:
        """A warning with the values converted, if any."""
        if self.converted:
            counts = ", ".join(f"{count} {what}" for what, count in sorted(self.converted.items()))
            logging.warning("%s: values converted to text (%s.convert_values: true): %s", self.key, self.key, counts)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
