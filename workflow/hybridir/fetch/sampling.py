"""A large collection cut down for small machines: every judged row plus `limit` others, sampled.

The others are the `limit` unjudged rows whose keyed hash (BLAKE2b of the seed and the row's
key) is smallest: a uniform sample that depends only on the seed and the keys, so parallel
collections (mMARCO's languages share passage ids) keep the same passages in every language,
and a rerun keeps the same ones. Without `limit` every row passes, streamed. With it, the judged
rows and the sample (at most `limit` rows) are held until the collection is read, then given in
collection order; numbers measured on such a collection are not comparable to published ones.
"""

import hashlib
import heapq
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

import pandas as pd

Row = TypeVar("Row", bound=tuple)


def sample_key(seed: int, key: str) -> int:
    """The keyed hash that orders the unjudged rows (smallest first)."""
    digest = hashlib.blake2b(key.encode("utf-8"), digest_size=8, key=str(seed).encode("ascii"))
    return int.from_bytes(digest.digest(), "big")


def judged_and_sampled(
    rows: Iterable[Row], key: Callable[[Row], str], judged: set[str], limit: int | None, seed: int
) -> Iterator[Row]:
    """All `rows` (limit None), or the judged ones and the `limit` others of smallest sample_key,
    in input order."""
    if limit is None:
        yield from rows
        return
    kept: list[tuple[int, Row]] = []
    heap: list[tuple[int, int, Row]] = []  # (-hash, position, row): the largest hash on top
    for position, row in enumerate(rows):
        if key(row) in judged:
            kept.append((position, row))
            continue
        entry = (-sample_key(seed, key(row)), position, row)
        if len(heap) < limit:
            heapq.heappush(heap, entry)
        elif limit and entry[0] > heap[0][0]:
            heapq.heapreplace(heap, entry)
    kept += [(position, row) for _, position, row in heap]
    yield from (row for _, row in sorted(kept, key=lambda item: item[0]))


def frames(rows: Iterable[tuple], columns: list[str], size: int) -> Iterator[pd.DataFrame]:
    """`rows` as data frames of at most `size` rows, in order (none for no rows)."""
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield pd.DataFrame(chunk, columns=columns)
            chunk = []
    if chunk:
        yield pd.DataFrame(chunk, columns=columns)
