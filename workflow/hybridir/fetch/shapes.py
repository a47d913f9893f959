"""The canonical columns of a benchmark's three tables (`candidates`, `queries`, `qrels`) and the
containers its readers return (hybridir.fetch.benchmarks and one module per further format), with
its ledger of judgements (hybridir.fetch.judgements).

`group` is the language pair a row belongs to where a benchmark joins several pairs, each with an
English side of its own (Tatoeba, BUCC: '<xx>-en'): pools are formed within a group. Elsewhere it
is null, and a pool is every candidate of its language.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain

import numpy as np
import pandas as pd

from hybridir.fetch.judgements import KEPT, LEDGER_COLUMNS

CHUNK_ROWS = 65536
CANDIDATE_COLUMNS = ["candidate_id", "lang", "paragraph_id", "sentence_index", "text", "context", "group"]
QUERY_COLUMNS = ["query_id", "question_id", "lang", "text", "group"]
QRELS_COLUMNS = ["question_id", "candidate_id", "relevance"]


def empty_ledger() -> pd.DataFrame:
    return pd.DataFrame(columns=LEDGER_COLUMNS)


@dataclass
class Benchmark:
    """The three tables of a benchmark and its ledger (empty until the format's reader fills it)."""

    candidates: pd.DataFrame
    queries: pd.DataFrame
    qrels: pd.DataFrame
    ledger: pd.DataFrame = field(default_factory=empty_ledger)


@dataclass
class BenchmarkStream:
    """A benchmark's queries, its candidates as data frames of at most CHUNK_ROWS rows, in table
    order, read as they are iterated, and `judgements()`: its qrels and ledger, once the candidates
    are read (a MIRACL judgement is checked against the corpus)."""

    candidates: Iterator[pd.DataFrame]
    queries: pd.DataFrame
    judgements: Callable[[], tuple[pd.DataFrame, pd.DataFrame]]


def concat(frames: Iterable[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    """The frames one after the other (an empty table of `columns` for none)."""
    frames = list(frames)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def kept_ledger(qrels: pd.DataFrame, lang: str, source: str, rows: np.ndarray | None = None) -> pd.DataFrame:
    """Ledger rows of judgements that a reader keeps all of (it stops on a bad one instead): one
    per qrels row of language `lang`, read from `source`, at `rows` (its lines from 0; None: the
    judgements numbered in reading order)."""
    return pd.DataFrame(
        {
            "benchmark": None,
            "lang": lang,
            "question_id": qrels["question_id"].astype(str).to_numpy(),
            "candidate_id": qrels["candidate_id"].astype(str).to_numpy(),
            "source": source,
            "source_row": np.arange(len(qrels), dtype=np.int64) if rows is None else np.asarray(rows, np.int64),
            "status": KEPT,
            "reason": None,
            "detail": None,
        },
        columns=LEDGER_COLUMNS,
    )


def streamed(parts: Iterable[BenchmarkStream]) -> BenchmarkStream:
    """Streams (one per language or language pair) as one, in order; judgements once all are read."""
    parts = list(parts)

    def judgements() -> tuple[pd.DataFrame, pd.DataFrame]:
        qrels, ledgers = zip(*(part.judgements() for part in parts), strict=True) if parts else ((), ())
        return concat(qrels, QRELS_COLUMNS), concat(ledgers, LEDGER_COLUMNS)

    return BenchmarkStream(
        chain.from_iterable(part.candidates for part in parts),
        concat((part.queries for part in parts), QUERY_COLUMNS),
        judgements,
    )


def joined(parts: Iterable[Benchmark]) -> BenchmarkStream:
    """Benchmarks held in memory (one per language or language pair) as one stream, in order."""
    return streamed(
        BenchmarkStream(iter([part.candidates]), part.queries, lambda part=part: (part.qrels, part.ledger))
        for part in parts
    )
