"""The three tables every benchmark reader returns (candidates, queries, qrels; their schemas are
workflow/schemas/tables/), shared by the readers of hybridir.fetch.benchmarks and hybridir.fetch.beir."""

from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

CHUNK_ROWS = 65536
CANDIDATE_COLUMNS = ["candidate_id", "lang", "paragraph_id", "sentence_index", "text", "context"]
QUERY_COLUMNS = ["query_id", "question_id", "lang", "text"]
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
