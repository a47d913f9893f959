"""Line-based sources (Tatoeba's aligned files, BUCC's and MS MARCO's TSVs), read through fsspec
so that a local path, an URL or an fsspec chain work alike.

A line ends at "\\n" only (a "\\r" before it is dropped): str.splitlines would also break at
U+2028, U+0085 and the like, which may occur inside a sentence and would shift an alignment.
Lines are numbered from 1, as an editor shows them, and every error names the file and the line.
"""

from collections.abc import Iterator

import fsspec

from hybridir.errors import DataError
from hybridir.sources import READ_ERRORS


def iter_lines(path: str) -> Iterator[tuple[int, str]]:
    """(line number, text without its line end) of every line of a UTF-8 file, read as iterated."""
    try:
        with fsspec.open(path, "rb") as handle:
            for number, raw in enumerate(handle, start=1):
                try:
                    yield number, raw.decode("utf-8").removesuffix("\n").removesuffix("\r")
                except UnicodeDecodeError as error:
                    reason = f"{error.reason} at byte {error.start}"
                    raise DataError(f"{path}: line {number}: not UTF-8 ({reason})") from None
    except FileNotFoundError:
        raise DataError(f"{path}: file not found") from None
    except READ_ERRORS as error:
        raise DataError(f"{path}: cannot be read (incomplete download?): {type(error).__name__}: {error}") from error


def read_lines(path: str) -> list[str]:
    """Every line of a UTF-8 file, in order (see iter_lines)."""
    return [text for _, text in iter_lines(path)]


def split_fields(path: str, number: int, text: str, names: tuple[str, ...]) -> list[str]:
    """The tab-separated fields of a line: as many as `names`, the last one taking any further tabs."""
    fields = text.split("\t", len(names) - 1)
    if len(fields) != len(names):
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise DataError(
            f"{path}: line {number}: expected {len(names)} tab-separated fields ({', '.join(names)}), got {shown!r}"
        )
    return fields
