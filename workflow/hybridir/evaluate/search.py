"""Exact search: the rank of every relevant candidate in the monolingual, cross-lingual and
multilingual pools of a benchmark.

- mono: queries in language X against the candidates in X (one pool per language);
- cross: queries in X against the candidates in Y, for every ordered pair X != Y;
- multi: queries in X against the candidates of every language, as one pool.
A query is evaluated in a pool where it has at least one relevant candidate (qrels relevance
>= 1). Scores are inner products of unit vectors (cosine); the rank of a relevant candidate is
1 + the number of pool candidates scoring higher, ties going to the earlier candidate row (scores
within TIE_TOLERANCE count as ties, so that float32 rounding, which differs between matrix
shapes, cannot make a rank depend on how the work was chunked). Ranks
of relevant candidates are all that mAP (no cutoff), Recall@k, nDCG@k and rank distance need, so
no full ranking is stored: scores are computed block by block (queries x pool chunks, on the GPU
when there is one) and only compared against the relevant candidates' scores.
"""

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from tqdm import tqdm

from hybridir.errors import DataError

SETTINGS = ("mono", "cross", "multi")
ALL_LANGUAGES = "all"
TIE_TOLERANCE = 1e-6
RANKING_COLUMNS = [
    "setting", "query_id", "question_id", "query_lang", "pool_lang", "pool_size",
    "candidate_id", "candidate_lang", "relevance", "rank", "score",
]  # fmt: skip


@dataclass(frozen=True)
class Pool:
    """One retrieval task: a setting, a query language, and the candidate rows of its pool."""

    setting: str
    query_lang: str
    pool_lang: str
    candidate_rows: np.ndarray


def pools(candidates: pd.DataFrame, query_languages: Sequence[str], settings: Sequence[str]) -> Iterator[Pool]:
    """Every (setting, query language, pool) of a benchmark."""
    by_lang = {lang: np.flatnonzero(candidates["lang"].to_numpy() == lang) for lang in sorted(set(candidates["lang"]))}
    everything = np.arange(len(candidates))
    for query_lang in query_languages:
        if "mono" in settings and query_lang in by_lang:
            yield Pool("mono", query_lang, query_lang, by_lang[query_lang])
        if "cross" in settings:
            for pool_lang, rows in by_lang.items():
                if pool_lang != query_lang:
                    yield Pool("cross", query_lang, pool_lang, rows)
        if "multi" in settings:
            yield Pool("multi", query_lang, ALL_LANGUAGES, everything)


def relevant_pairs(queries: pd.DataFrame, candidates: pd.DataFrame, qrels: pd.DataFrame) -> pd.DataFrame:
    """(query row, candidate row, relevance) of every relevant candidate of every query."""
    judged = qrels[qrels["relevance"] >= 1]
    unknown = ~judged["candidate_id"].isin(candidates["candidate_id"])
    if unknown.any():
        row = judged[unknown].iloc[0]
        raise DataError(f"qrels: question {row['question_id']}: candidate {row['candidate_id']} is not a candidate")
    query_rows = queries[["question_id"]].assign(query_row=np.arange(len(queries)))
    candidate_rows = candidates[["candidate_id"]].assign(candidate_row=np.arange(len(candidates)))
    pairs = judged.merge(query_rows, on="question_id").merge(candidate_rows, on="candidate_id")
    return pairs[["query_row", "candidate_row", "relevance"]].sort_values(["query_row", "candidate_row"])


def load_embeddings(path: str | os.PathLike, rows: int) -> np.ndarray:
    """Memory-map an .npy file of embeddings, checking that it has one row per table row."""
    vectors = np.load(path, mmap_mode="r")
    if vectors.ndim != 2 or vectors.shape[0] != rows:
        raise DataError(f"{path}: embeddings of shape {vectors.shape}, expected {rows} rows (one per table row)")
    return vectors


def device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def rank_in_pool(
    query_vectors: torch.Tensor,
    pool_vectors: np.ndarray,
    query_index: np.ndarray,
    pool_index: np.ndarray,
    query_chunk: int = 128,
    pool_chunk: int = 16384,
) -> tuple[np.ndarray, np.ndarray]:
    """Rank and score of pairs (query i = query_index[k], pool row j = pool_index[k]) among all
    rows of `pool_vectors`: rank = 1 + #{rows scoring higher} + #{earlier rows scoring the same}."""
    on = query_vectors.device
    order = np.argsort(query_index, kind="stable")
    sorted_queries = query_index[order]
    pool_targets = torch.as_tensor(pool_index[order], device=on)
    scores = (query_vectors[sorted_queries] * torch.as_tensor(pool_vectors[pool_index[order]], device=on)).sum(1)
    ahead = torch.zeros(len(order), dtype=torch.int64, device=on)
    for start in range(0, len(pool_vectors), pool_chunk):
        block = torch.as_tensor(np.asarray(pool_vectors[start : start + pool_chunk]), device=on)
        columns = torch.arange(start, start + len(block), device=on)
        for first in range(0, len(query_vectors), query_chunk):
            lo, hi = np.searchsorted(sorted_queries, [first, first + query_chunk])
            if lo == hi:
                continue
            local = torch.as_tensor(sorted_queries[lo:hi] - first, device=on)
            block_scores = (query_vectors[first : first + query_chunk] @ block.T)[local]
            target, score = pool_targets[lo:hi, None], scores[lo:hi, None]
            tied = (block_scores - score).abs() <= TIE_TOLERANCE
            beats = (block_scores > score + TIE_TOLERANCE) | (tied & (columns < target))
            ahead[lo:hi] += (beats & (columns != target)).sum(1)
    ranks, values = np.empty(len(order), dtype=np.int64), np.empty(len(order), dtype=np.float64)
    ranks[order] = (ahead + 1).cpu().numpy()
    values[order] = scores.double().cpu().numpy()
    return ranks, values


def take_rows(vectors: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """vectors[rows], as a view (no copy of a memory map) when the rows are contiguous."""
    if len(rows) and rows[-1] - rows[0] + 1 == len(rows):
        return vectors[rows[0] : rows[-1] + 1]
    return vectors[rows]


def rank_benchmark(
    queries: pd.DataFrame,
    candidates: pd.DataFrame,
    qrels: pd.DataFrame,
    query_vectors: np.ndarray,
    candidate_vectors: np.ndarray,
    settings: Sequence[str] = SETTINGS,
) -> pd.DataFrame:
    """The `rankings` table: every relevant candidate's rank in every pool of the settings."""
    pairs = relevant_pairs(queries, candidates, qrels)
    query_langs = queries["lang"].to_numpy()
    frames = []
    rows_of = {lang: np.flatnonzero(query_langs == lang) for lang in sorted(set(query_langs))}
    on_device = {
        lang: torch.as_tensor(np.asarray(query_vectors[rows]), device=device()) for lang, rows in rows_of.items()
    }
    tasks = list(pools(candidates, list(rows_of), settings))
    for pool in tqdm(tasks, desc="rank", unit=" pools"):
        query_rows = rows_of[pool.query_lang]
        in_pool = np.zeros(len(candidates), dtype=bool)
        in_pool[pool.candidate_rows] = True
        mine = pairs[np.isin(pairs["query_row"], query_rows) & in_pool[pairs["candidate_row"]]]
        if mine.empty:
            continue
        position = np.full(len(candidates), -1)
        position[pool.candidate_rows] = np.arange(len(pool.candidate_rows))
        local_query = np.searchsorted(query_rows, mine["query_row"].to_numpy())
        local_candidate = position[mine["candidate_row"].to_numpy()]
        pool_vectors = take_rows(candidate_vectors, pool.candidate_rows)
        ranks, scores = rank_in_pool(on_device[pool.query_lang], pool_vectors, local_query, local_candidate)
        frames.append(ranking_rows(pool, mine, queries, candidates, ranks, scores))
    if not frames:
        raise DataError("no query has a relevant candidate in any pool: check the benchmark's qrels")
    return pd.concat(frames, ignore_index=True)[RANKING_COLUMNS]


def ranking_rows(
    pool: Pool,
    pairs: pd.DataFrame,
    queries: pd.DataFrame,
    candidates: pd.DataFrame,
    ranks: np.ndarray,
    scores: np.ndarray,
) -> pd.DataFrame:
    """Rows of the `rankings` table for one pool."""
    query = queries.iloc[pairs["query_row"].to_numpy()]
    candidate = candidates.iloc[pairs["candidate_row"].to_numpy()]
    return pd.DataFrame(
        {
            "setting": pool.setting,
            "query_id": query["query_id"].to_numpy(),
            "question_id": query["question_id"].to_numpy(),
            "query_lang": pool.query_lang,
            "pool_lang": pool.pool_lang,
            "pool_size": len(pool.candidate_rows),
            "candidate_id": candidate["candidate_id"].to_numpy(),
            "candidate_lang": candidate["lang"].to_numpy(),
            "relevance": pairs["relevance"].to_numpy(),
            "rank": ranks,
            "score": scores,
        }
    )
