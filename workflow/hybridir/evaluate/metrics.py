"""Retrieval metrics per query from the ranks of its relevant candidates (the `per_query` table).

Input is the `rankings` table: per (setting, query, pool), the 1-based rank of each relevant
candidate of the query in that pool and its graded relevance. Per query (`per_query` table):

- ap: average precision over the whole pool, no cutoff: the mean over the query's relevant
  candidates, in rank order, of i / rank_i (i = 1, 2, ...); trec_eval `map`, ranx `map`.
- recall_k (k = 1, 10, 100): the share of the relevant candidates ranked k or better.
- ndcg_10: DCG@10 / ideal DCG@10 with gain = relevance and discount 1 / log2(rank + 1); the ideal
  ranking lists the query's relevant candidates by descending relevance (Järvelin & Kekäläinen);
  trec_eval `ndcg_cut.10`, ranx `ndcg@10`.
- rank_distance (Huang et al. 2023): max rank minus min rank of the relevant candidates, in the
  multi setting for queries with two or more relevant candidates; null otherwise.
A metric function takes one row per relevant candidate, with `query`, an integer code of the
row's query in 0..n-1 (every code used), and returns the n per-query values: sums per query are
`np.bincount` over the codes, so all queries are computed at once.
Which metrics there are, their columns, cutoffs and settings: hybridir.vocabulary.METRICS, each
computed by its family's function in FUNCTIONS.
Aggregates over queries, runs and seeds: hybridir.evaluate.cells, .aggregate and .seeds.
"""

from collections.abc import Callable

import numpy as np
import pandas as pd

from hybridir.errors import DataError
from hybridir.vocabulary import METRICS, Metric

QUERY_KEY = ["setting", "query_id", "pool_lang"]
COMBINATION = ["setting", "query_lang", "pool_lang"]
QUERY_COLUMNS = ["setting", "query_id", "question_id", "query_lang", "pool_lang", "relevant"]


def _mean(query: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Mean of `values` per query code."""
    return np.bincount(query, values) / np.bincount(query)


def _positions(query: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row order by (query, key) and the 1-based position of each ordered row within its query."""
    order = np.lexsort((key, query))
    counts = np.bincount(query)
    starts = np.cumsum(counts) - counts
    return order, np.arange(1, len(order) + 1) - starts[query[order]]


def average_precision(query: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """AP with no cutoff: per query, the mean over its relevant candidates by rank of i / rank_i."""
    order, position = _positions(query, rank)
    return _mean(query[order], position / rank[order])


def recall_at(query: np.ndarray, rank: np.ndarray, k: int) -> np.ndarray:
    """Recall@k: per query, the share of its relevant candidates with rank <= k."""
    return _mean(query, (rank <= k).astype(np.float64))


def ndcg_at(query: np.ndarray, rank: np.ndarray, relevance: np.ndarray, k: int) -> np.ndarray:
    """nDCG@k: DCG@k (gain = relevance, discount 1 / log2(rank + 1)) over the ideal DCG@k."""
    gain = relevance.astype(np.float64)
    dcg = np.bincount(query, np.where(rank <= k, gain / np.log2(rank + 1), 0.0))
    order, position = _positions(query, -gain)
    ideal = np.bincount(query[order], np.where(position <= k, gain[order] / np.log2(position + 1), 0.0))
    return dcg / ideal


def rank_distance(query: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Max rank minus min rank of each query's relevant candidates; NaN with fewer than two."""
    ranks = rank[np.lexsort((rank, query))]
    counts = np.bincount(query)
    last = np.cumsum(counts) - 1
    distance = (ranks[last] - ranks[last - counts + 1]).astype(np.float64)
    return np.where(counts >= 2, distance, np.nan)


def _check_rankings(rankings: pd.DataFrame, query: np.ndarray, rank: np.ndarray, relevance: np.ndarray) -> None:
    """Ranks within 1..pool_size, relevance >= 1 and no two relevant candidates of a pool at one rank."""
    bad = (rank < 1) | (rank > rankings["pool_size"].to_numpy()) | (relevance < 1)
    if bad.any():
        row = int(bad.argmax())
        raise DataError(
            f"rankings: row {row}: rank {rank[row]}, relevance {relevance[row]}; "
            f"expected 1 <= rank <= pool_size ({rankings['pool_size'].iloc[row]}) and relevance >= 1"
        )
    order = np.lexsort((rank, query))
    same = (np.diff(query[order]) == 0) & (np.diff(rank[order]) == 0)
    if same.any():
        row = int(order[same.argmax() + 1])
        key = rankings[QUERY_KEY].iloc[row].to_dict()
        raise DataError(f"rankings: row {row}: {key} has two relevant candidates at rank {rank[row]}")


# A metric family's function of (query codes, ranks, relevance, cutoff), by Metric.function.
FUNCTIONS: dict[str, Callable[[np.ndarray, np.ndarray, np.ndarray, int | None], np.ndarray]] = {
    "average_precision": lambda query, rank, relevance, cutoff: average_precision(query, rank),
    "recall": lambda query, rank, relevance, cutoff: recall_at(query, rank, cutoff),
    "ndcg": ndcg_at,
    "rank_distance": lambda query, rank, relevance, cutoff: rank_distance(query, rank),
}


def per_query_columns() -> list[str]:
    """The columns of the `per_query` table: the query's, then each metric's."""
    return [*QUERY_COLUMNS, *(metric.column for metric in METRICS.values())]


def metric_values(
    metric: Metric, query: np.ndarray, rank: np.ndarray, relevance: np.ndarray, setting: np.ndarray
) -> np.ndarray:
    """Per-query values of one metric; null for queries of a setting where it is not defined."""
    values = FUNCTIONS[metric.function](query, rank, relevance, metric.cutoff)
    return np.where(np.isin(setting, metric.settings), values, np.nan)


def per_query(rankings: pd.DataFrame) -> pd.DataFrame:
    """The `per_query` table of a `rankings` table: one row per (setting, query_id, pool_lang), in that order."""
    if rankings.empty:
        raise DataError("rankings: no rows (no query has a relevant candidate in any pool)")
    query = rankings.groupby(QUERY_KEY, sort=True).ngroup().to_numpy()
    rank = rankings["rank"].to_numpy(np.int64)
    relevance = rankings["relevance"].to_numpy(np.int64)
    _check_rankings(rankings, query, rank, relevance)
    first = np.unique(query, return_index=True)[1]
    frame = rankings.iloc[first][["setting", "query_id", "question_id", "query_lang", "pool_lang"]]
    setting = frame["setting"].to_numpy()
    values = {m.column: metric_values(m, query, rank, relevance, setting) for m in METRICS.values()}
    return frame.reset_index(drop=True).assign(relevant=np.bincount(query), **values)[per_query_columns()]
