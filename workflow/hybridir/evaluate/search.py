"""Exact search: the rank of every relevant candidate in the monolingual, cross-lingual and
multilingual pools of a benchmark.

- mono: queries in language X against the candidates in X (one pool per language);
- cross: queries in X against the candidates in Y, for every ordered pair X != Y;
- multi: queries in X against the candidates of every language, as one pool.
A query is evaluated in a pool where it has at least one relevant candidate (qrels relevance
>= 1). Only the ranks of relevant candidates are kept: they are all that mAP (no cutoff),
Recall@k, nDCG@k and rank distance need.

The rank of a candidate in a pool, exactly and block by block: hybridir.evaluate.ranking.
"""

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from tqdm import tqdm

from hybridir.errors import DataError
from hybridir.evaluate.ranking import Ranges, ieee_float32, rank_in_pool
from hybridir.evaluate.vectors import VectorShards
from hybridir.tables import read_table_chunks
from hybridir.torch_devices import to_device
from hybridir.vocabulary import CROSS, MONO, MULTI, SETTINGS

ALL_LANGUAGES = "all"
CHUNK_ROWS = 65536
RANKING_COLUMNS = [
    "setting", "query_id", "question_id", "query_lang", "pool_lang", "pool_size",
    "candidate_id", "candidate_lang", "relevance", "rank", "score",
]  # fmt: skip
JUDGED_COLUMNS = ["candidate_id", "candidate_lang", "candidate_row"]


@dataclass(frozen=True)
class CandidateIndex:
    """What search needs of the candidates table: its size, each language's rows as (start, stop)
    ranges, and the id, language and row of every judged candidate."""

    size: int
    ranges: dict[str, Ranges]
    judged: pd.DataFrame


@dataclass(frozen=True)
class Pool:
    """One retrieval task: a setting, a query language, and the candidate rows of its pool."""

    setting: str
    query_lang: str
    pool_lang: str
    ranges: Ranges

    @property
    def size(self) -> int:
        return sum(stop - start for start, stop in self.ranges)


def language_runs(langs: np.ndarray, offset: int) -> list[tuple[str, int, int]]:
    """(language, start, stop) of each run of equal languages, rows counted from `offset`."""
    if not len(langs):
        return []
    change = np.flatnonzero(langs[1:] != langs[:-1]) + 1
    starts, stops = np.concatenate([[0], change]), np.concatenate([change, [len(langs)]])
    return [(str(langs[a]), offset + int(a), offset + int(b)) for a, b in zip(starts, stops, strict=True)]


def candidate_chunks(path: str | os.PathLike) -> Iterator[pd.DataFrame]:
    """The `candidate_id` and `lang` columns of a candidates table, CHUNK_ROWS rows at a time."""
    return read_table_chunks(path, "candidates", ["candidate_id", "lang"], CHUNK_ROWS)


def index_candidates(chunks: Iterable[pd.DataFrame], judged_ids: Iterable[str]) -> CandidateIndex:
    """Read the candidates table (`candidate_id`, `lang`) chunk by chunk into a CandidateIndex."""
    wanted = pd.Index(pd.unique(pd.Series(list(judged_ids), dtype=object)))
    runs: list[tuple[str, int, int]] = []
    found, size = [], 0
    for chunk in chunks:
        for lang, start, stop in language_runs(chunk["lang"].to_numpy(), size):
            if runs and runs[-1][0] == lang and runs[-1][2] == start:
                runs[-1] = (lang, runs[-1][1], stop)
            else:
                runs.append((lang, start, stop))
        hit = chunk["candidate_id"].isin(wanted).to_numpy()
        columns = (chunk["candidate_id"].to_numpy()[hit], chunk["lang"].to_numpy()[hit], size + np.flatnonzero(hit))
        found.append(pd.DataFrame(dict(zip(JUDGED_COLUMNS, columns, strict=True))))
        size += len(chunk)
    judged = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=JUDGED_COLUMNS)
    repeated = judged["candidate_id"].duplicated()
    if repeated.any():
        raise DataError(f"candidates: candidate_id {judged['candidate_id'][repeated].iloc[0]} occurs twice")
    ranges: dict[str, list[tuple[int, int]]] = {}
    for lang, start, stop in runs:
        ranges.setdefault(lang, []).append((start, stop))
    return CandidateIndex(size, {lang: tuple(ranges[lang]) for lang in sorted(ranges)}, judged)


def pools(index: CandidateIndex, query_languages: Sequence[str], settings: Sequence[str]) -> Iterator[Pool]:
    """Every (setting, query language, pool) of a benchmark."""
    for query_lang in query_languages:
        if MONO in settings and query_lang in index.ranges:
            yield Pool(MONO, query_lang, query_lang, index.ranges[query_lang])
        if CROSS in settings:
            for pool_lang, ranges in index.ranges.items():
                if pool_lang != query_lang:
                    yield Pool(CROSS, query_lang, pool_lang, ranges)
        if MULTI in settings:
            yield Pool(MULTI, query_lang, ALL_LANGUAGES, ((0, index.size),))


def relevant_pairs(queries: pd.DataFrame, index: CandidateIndex, qrels: pd.DataFrame) -> pd.DataFrame:
    """Every relevant (query, candidate): ids, languages, rows and relevance."""
    judged = qrels[qrels["relevance"] >= 1]
    unknown = ~judged["candidate_id"].isin(index.judged["candidate_id"])
    if unknown.any():
        row = judged[unknown].iloc[0]
        raise DataError(f"qrels: question {row['question_id']}: candidate {row['candidate_id']} is not a candidate")
    query_rows = queries[["query_id", "question_id", "lang"]].rename(columns={"lang": "query_lang"})
    query_rows = query_rows.assign(query_row=np.arange(len(queries)))
    pairs = judged.merge(query_rows, on="question_id").merge(index.judged, on="candidate_id")
    return pairs.sort_values(["query_row", "candidate_row"], ignore_index=True)


def rank_benchmark(
    queries: pd.DataFrame,
    candidates: Iterable[pd.DataFrame],
    qrels: pd.DataFrame,
    query_vectors: VectorShards,
    candidate_vectors: VectorShards,
    settings: Sequence[str] = tuple(SETTINGS),
    device: str = "cpu",
) -> pd.DataFrame:
    """The `rankings` table: every relevant candidate's rank in every pool of the settings.
    `candidates` are the chunks of the candidates table (`candidate_id`, `lang`), in row order."""
    index = index_candidates(candidates, qrels.loc[qrels["relevance"] >= 1, "candidate_id"])
    for vectors, rows, table in (
        (query_vectors, len(queries), "queries"),
        (candidate_vectors, index.size, "candidates"),
    ):
        if vectors.rows != rows:
            raise DataError(f"{vectors.path}: {vectors.rows} vectors for {rows} rows of table {table}")
    pairs = relevant_pairs(queries, index, qrels)
    query_langs = queries["lang"].to_numpy()
    rows_of = {lang: np.flatnonzero(query_langs == lang) for lang in sorted(set(query_langs))}
    frames = []
    with ieee_float32():
        on_device = {
            lang: to_device(torch.from_numpy(query_vectors.take(rows)), device) for lang, rows in rows_of.items()
        }
        for pool in tqdm(list(pools(index, list(rows_of), settings)), desc="rank", unit=" pools"):
            in_pool = pool.pool_lang == ALL_LANGUAGES or pairs["candidate_lang"] == pool.pool_lang
            mine = pairs[(pairs["query_lang"] == pool.query_lang) & in_pool]
            if mine.empty:
                continue
            local_query = np.searchsorted(rows_of[pool.query_lang], mine["query_row"].to_numpy())
            ranks, scores = rank_in_pool(
                on_device[pool.query_lang],
                candidate_vectors,
                pool.ranges,
                local_query,
                mine["candidate_row"].to_numpy(),
            )
            frames.append(ranking_rows(pool, mine, ranks, scores))
    if not frames:
        raise DataError("no query has a relevant candidate in any pool: check the benchmark's qrels")
    return pd.concat(frames, ignore_index=True)[RANKING_COLUMNS]


def ranking_rows(pool: Pool, pairs: pd.DataFrame, ranks: np.ndarray, scores: np.ndarray) -> pd.DataFrame:
    """Rows of the `rankings` table for one pool."""
    return pairs[["query_id", "question_id", "candidate_id", "candidate_lang", "relevance"]].assign(
        setting=pool.setting,
        query_lang=pool.query_lang,
        pool_lang=pool.pool_lang,
        pool_size=pool.size,
        rank=ranks,
        score=scores,
    )
