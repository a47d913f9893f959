"""The canonical columns of a benchmark's three tables (`candidates`, `queries`, `qrels`) and the
containers its readers return (hybridir.fetch.benchmarks and one module per further format).

`group` is the language pair a row belongs to where a benchmark joins several pairs, each with an
English side of its own (Tatoeba, BUCC: '<xx>-en'): pools are formed within a group. Elsewhere it
is null, and a pool is every candidate of its language.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain

import pandas as pd

CHUNK_ROWS = 65536
CANDIDATE_COLUMNS = ["candidate_id", "lang", "paragraph_id", "sentence_index", "text", "context", "group"]
QUERY_COLUMNS = ["query_id", "question_id", "lang", "text", "group"]
QRELS_COLUMNS = ["question_id", "candidate_id", "relevance"]


@dataclass
class Benchmark:
    """The three tables of a benchmark."""

    candidates: pd.DataFrame
    queries: pd.DataFrame
    qrels: pd.DataFrame


@dataclass
class BenchmarkStream:
    """A benchmark's queries and qrels, and its candidates as data frames of at most CHUNK_ROWS
    rows, in table order, read as they are iterated."""

    candidates: Iterator[pd.DataFrame]
    queries: pd.DataFrame
    qrels: pd.DataFrame


def concat(frames: Iterable[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    """The frames one after the other (an empty table of `columns` for none)."""
    frames = list(frames)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def streamed(parts: Iterable[BenchmarkStream]) -> BenchmarkStream:
    """Streams (one per language or language pair) as one, in order."""
    parts = list(parts)
    return BenchmarkStream(
        chain.from_iterable(part.candidates for part in parts),
        concat((part.queries for part in parts), QUERY_COLUMNS),
        concat((part.qrels for part in parts), QRELS_COLUMNS),
    )


def joined(parts: Iterable[Benchmark]) -> BenchmarkStream:
    """Benchmarks held in memory (one per language or language pair) as one stream, in order."""
    return streamed(BenchmarkStream(iter([part.candidates]), part.queries, part.qrels) for part in parts)
