"""Exact search: the rank of every relevant candidate in the pools of a benchmark's settings.

- mono: queries in language X against the candidates in X (one pool per language);
- cross: queries in X against the candidates in Y, for every ordered pair X != Y;
- multi: queries in X against the candidates of every language, as one pool;
- to_en / from_en: queries in X against the English candidates, English queries against the
  candidates in X (XTREME's Tatoeba directions, mMARCO against English).
Where a benchmark joins language pairs with an English side each (a `group`: Tatoeba), pools are
formed within the query's group. A query is evaluated in a pool where it has at least one
relevant candidate (qrels relevance >= 1). Only the ranks of relevant candidates are kept: they
are all that the metrics need; with a `depth` (hybridir.vocabulary.BenchmarkFormat.depth) a rank
beyond it is not computed and is null.

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
from hybridir.vocabulary import CROSS, ENGLISH, FROM_EN, MONO, MULTI, SETTINGS, TO_EN

ALL_LANGUAGES = "all"
NO_GROUP = ""  # the group of every row of a benchmark without language pairs
CHUNK_ROWS = 65536
RANKING_COLUMNS = [
    "setting", "query_id", "question_id", "query_lang", "pool_lang", "pool_size",
    "candidate_id", "candidate_lang", "relevance", "rank", "score", "depth",
]  # fmt: skip
JUDGED_COLUMNS = ["candidate_id", "candidate_lang", "candidate_group", "candidate_row"]
Key = tuple[str, str]  # (group, language)


@dataclass(frozen=True)
class CandidateIndex:
    """What search needs of the candidates table: its size, the rows of each (group, language) as
    (start, stop) ranges, and the id, language, group and row of every judged candidate."""

    size: int
    ranges: dict[Key, Ranges]
    judged: pd.DataFrame


@dataclass(frozen=True)
class Pool:
    """One retrieval task: a setting, the queries' group and language, and the candidate rows of its pool."""

    setting: str
    group: str
    query_lang: str
    pool_lang: str
    ranges: Ranges

    @property
    def size(self) -> int:
        return sum(stop - start for start, stop in self.ranges)


def row_keys(frame: pd.DataFrame) -> np.ndarray:
    """The (group, language) key of each row of a candidates or queries table, as one string."""
    return (frame["group"].fillna(NO_GROUP).astype(str) + "\t" + frame["lang"].astype(str)).to_numpy()


def split_key(key: str) -> Key:
    group, lang = key.split("\t")
    return group, lang


def key_runs(keys: np.ndarray, offset: int) -> list[tuple[str, int, int]]:
    """(key, start, stop) of each run of equal keys, rows counted from `offset`."""
    if not len(keys):
        return []
    change = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    starts, stops = np.concatenate([[0], change]), np.concatenate([change, [len(keys)]])
    return [(str(keys[a]), offset + int(a), offset + int(b)) for a, b in zip(starts, stops, strict=True)]


def candidate_chunks(path: str | os.PathLike) -> Iterator[pd.DataFrame]:
    """The `candidate_id`, `lang` and `group` columns of a candidates table, CHUNK_ROWS rows at a time."""
    return read_table_chunks(path, "candidates", ["candidate_id", "lang", "group"], CHUNK_ROWS)


def index_candidates(chunks: Iterable[pd.DataFrame], judged_ids: Iterable[str]) -> CandidateIndex:
    """Read the candidates table (`candidate_id`, `lang`, `group`) chunk by chunk into a CandidateIndex."""
    wanted = pd.Index(pd.unique(pd.Series(list(judged_ids), dtype=object)))
    runs: list[tuple[str, int, int]] = []
    found, size = [], 0
    for chunk in chunks:
        keys = row_keys(chunk)
        for key, start, stop in key_runs(keys, size):
            if runs and runs[-1][0] == key and runs[-1][2] == start:
                runs[-1] = (key, runs[-1][1], stop)
            else:
                runs.append((key, start, stop))
        hit = chunk["candidate_id"].isin(wanted).to_numpy()
        group = chunk["group"].fillna(NO_GROUP).to_numpy()[hit]
        columns = (
            chunk["candidate_id"].to_numpy()[hit],
            chunk["lang"].to_numpy()[hit],
            group,
            size + np.flatnonzero(hit),
        )
        found.append(pd.DataFrame(dict(zip(JUDGED_COLUMNS, columns, strict=True))))
        size += len(chunk)
    judged = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=JUDGED_COLUMNS)
    repeated = judged["candidate_id"].duplicated()
    if repeated.any():
        raise DataError(f"candidates: candidate_id {judged['candidate_id'][repeated].iloc[0]} occurs twice")
    ranges: dict[Key, list[tuple[int, int]]] = {}
    for key, start, stop in runs:
        ranges.setdefault(split_key(key), []).append((start, stop))
    return CandidateIndex(size, {key: tuple(ranges[key]) for key in sorted(ranges)}, judged)


def merged(ranges: Iterable[tuple[int, int]]) -> Ranges:
    """Row ranges sorted, adjacent ones joined."""
    out: list[tuple[int, int]] = []
    for start, stop in sorted(ranges):
        if out and out[-1][1] == start:
            out[-1] = (out[-1][0], stop)
        else:
            out.append((start, stop))
    return tuple(out)


def pools(index: CandidateIndex, query_keys: Sequence[Key], settings: Sequence[str]) -> Iterator[Pool]:
    """Every (setting, query group and language, pool) of a benchmark."""
    for group, query_lang in query_keys:
        mine = {lang: ranges for (g, lang), ranges in index.ranges.items() if g == group}
        others = [(lang, ranges) for lang, ranges in mine.items() if lang != query_lang]
        if MONO in settings and query_lang in mine:
            yield Pool(MONO, group, query_lang, query_lang, mine[query_lang])
        if CROSS in settings:
            yield from (Pool(CROSS, group, query_lang, lang, ranges) for lang, ranges in others)
        if MULTI in settings:
            yield Pool(MULTI, group, query_lang, ALL_LANGUAGES, merged(r for ranges in mine.values() for r in ranges))
        if TO_EN in settings and query_lang != ENGLISH and ENGLISH in mine:
            yield Pool(TO_EN, group, query_lang, ENGLISH, mine[ENGLISH])
        if FROM_EN in settings and query_lang == ENGLISH:
            yield from (Pool(FROM_EN, group, query_lang, lang, ranges) for lang, ranges in others)


def relevant_pairs(queries: pd.DataFrame, index: CandidateIndex, qrels: pd.DataFrame) -> pd.DataFrame:
    """Every relevant (query, candidate) of one group: ids, languages, groups, rows and relevance."""
    judged = qrels[qrels["relevance"] >= 1]
    unknown = ~judged["candidate_id"].isin(index.judged["candidate_id"])
    if unknown.any():
        row = judged[unknown].iloc[0]
        raise DataError(f"qrels: question {row['question_id']}: candidate {row['candidate_id']} is not a candidate")
    query_rows = queries[["query_id", "question_id", "lang"]].rename(columns={"lang": "query_lang"})
    query_rows = query_rows.assign(query_row=np.arange(len(queries)), query_group=queries["group"].fillna(NO_GROUP))
    pairs = judged.merge(query_rows, on="question_id").merge(index.judged, on="candidate_id")
    pairs = pairs[pairs["query_group"] == pairs["candidate_group"]]
    return pairs.sort_values(["query_row", "candidate_row"], ignore_index=True)


def rank_benchmark(
    queries: pd.DataFrame,
    candidates: Iterable[pd.DataFrame],
    qrels: pd.DataFrame,
    query_vectors: VectorShards,
    candidate_vectors: VectorShards,
    settings: Sequence[str] = (MONO, CROSS, MULTI),
    device: str = "cpu",
    depth: int | None = None,
) -> pd.DataFrame:
    """The `rankings` table: every relevant candidate's rank in every pool of the settings (null
    beyond `depth`). `candidates` are the chunks of the candidates table (`candidate_id`, `lang`,
    `group`), in row order."""
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise DataError(f"rank: unknown settings {unknown}; known: {', '.join(SETTINGS)}")
    index = index_candidates(candidates, qrels.loc[qrels["relevance"] >= 1, "candidate_id"])
    for vectors, rows, table in (
        (query_vectors, len(queries), "queries"),
        (candidate_vectors, index.size, "candidates"),
    ):
        if vectors.rows != rows:
            raise DataError(f"{vectors.path}: {vectors.rows} vectors for {rows} rows of table {table}")
    pairs = relevant_pairs(queries, index, qrels)
    keys = row_keys(queries)
    rows_of = {split_key(key): np.flatnonzero(keys == key) for key in sorted(set(keys))}
    frames, on_device = [], {}
    with ieee_float32():
        for pool in tqdm(list(pools(index, list(rows_of), settings)), desc="rank", unit=" pools"):
            in_pool = pool.pool_lang == ALL_LANGUAGES or pairs["candidate_lang"] == pool.pool_lang
            mine = pairs[(pairs["query_lang"] == pool.query_lang) & (pairs["query_group"] == pool.group) & in_pool]
            if mine.empty:
                continue
            key = (pool.group, pool.query_lang)
            if key not in on_device:
                on_device[key] = to_device(torch.from_numpy(query_vectors.take(rows_of[key])), device)
            local_query = np.searchsorted(rows_of[key], mine["query_row"].to_numpy())
            ranks, scores = rank_in_pool(
                on_device[key],
                candidate_vectors,
                pool.ranges,
                local_query,
                mine["candidate_row"].to_numpy(),
                depth=depth,
            )
            frames.append(ranking_rows(pool, mine, ranks, scores, depth))
    if not frames:
        raise DataError("no query has a relevant candidate in any pool: check the benchmark's qrels")
    return pd.concat(frames, ignore_index=True)[RANKING_COLUMNS]


def ranking_rows(
    pool: Pool, pairs: pd.DataFrame, ranks: np.ndarray, scores: np.ndarray, depth: int | None
) -> pd.DataFrame:
    """Rows of the `rankings` table for one pool (rank null where it is beyond `depth`)."""
    return pairs[["query_id", "question_id", "candidate_id", "candidate_lang", "relevance"]].assign(
        setting=pool.setting,
        query_lang=pool.query_lang,
        pool_lang=pool.pool_lang,
        pool_size=pool.size,
        rank=pd.arrays.IntegerArray(ranks.astype(np.int64), mask=ranks <= 0),
        score=scores,
        depth=pd.array([depth] * len(pairs), dtype="Int64"),
    )
