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
For XTREME, XTREME-R and MS MARCO: reciprocal_rank_at (MRR@10), hit_at (Tatoeba accuracy) and
average_precision_at (XTREME-R's mAP@20, its own denominator); recall_at also serves Recall@1000.
A metric function takes one row per relevant candidate, with `query`, an integer code of the
row's query in 0..n-1 (every code used), and returns the n per-query values: sums per query are
`np.bincount` over the codes, so all queries are computed at once.
Which metrics there are, their columns, cutoffs and settings: hybridir.vocabulary.METRICS, each
computed by its family's function in FUNCTIONS (BUCC's F1 by hybridir.evaluate.mining).
A ranking with a depth (rankings.depth) holds no rank beyond it (null): a metric is then defined
only where its cutoff is within the depth. `weight` is a query's weight in a mean over queries:
1 here (BUCC's F1 weighs its source sentences, hybridir.evaluate.mining).
Aggregates over queries, runs and seeds: hybridir.evaluate.cells, .aggregate and .seeds.
"""

from collections.abc import Callable

import numpy as np
import pandas as pd

from hybridir.errors import DataError
from hybridir.vocabulary import METRICS, Metric, ranked_metrics

QUERY_KEY = ["setting", "query_id", "pool_lang"]
COMBINATION = ["setting", "query_lang", "pool_lang"]
QUERY_COLUMNS = ["setting", "query_id", "question_id", "query_lang", "pool_lang", "relevant", "weight"]
# the rank standing for "below the ranking's depth": beyond every cutoff, never a pool position
UNRANKED = np.iinfo(np.int64).max // 4


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


def best_rank(query: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """The best (lowest) rank among each query's relevant candidates."""
    best = np.full(int(query.max()) + 1, np.iinfo(np.int64).max)
    np.minimum.at(best, query, rank)
    return best


def reciprocal_rank_at(query: np.ndarray, rank: np.ndarray, k: int) -> np.ndarray:
    """RR@k: 1 / the best rank of a query's relevant candidates if it is k or better, else 0
    (MS MARCO's msmarco_passage_eval.py: MRR@10 is its mean with k = 10)."""
    best = best_rank(query, rank)
    return np.where(best <= k, 1.0 / best, 0.0)


def hit_at(query: np.ndarray, rank: np.ndarray, k: int) -> np.ndarray:
    """1 where a relevant candidate of the query is ranked k or better, else 0 (k = 1 with one
    relevant candidate: nearest-neighbour accuracy, XTREME's Tatoeba metric)."""
    return (best_rank(query, rank) <= k).astype(np.float64)


def average_precision_at(query: np.ndarray, rank: np.ndarray, k: int) -> np.ndarray:
    """AP@k as XTREME-R computes it (utils_lareqa.average_precision_at_k): over the query's
    relevant candidates ranked k or better, in rank order, the sum of i / rank_i, divided by
    min(number of relevant candidates, k)."""
    order, position = _positions(query, rank)
    within = np.where(rank[order] <= k, position / rank[order], 0.0)
    return np.bincount(query[order], within) / np.minimum(np.bincount(query), k)


def _check_rankings(
    rankings: pd.DataFrame, query: np.ndarray, rank: np.ndarray, relevance: np.ndarray, ranked: np.ndarray
) -> None:
    """Ranks within 1..pool_size, relevance >= 1, no two relevant candidates of a pool at one rank,
    and a rank missing only from a ranking with a depth."""
    bad = (ranked & ((rank < 1) | (rank > rankings["pool_size"].to_numpy()))) | (relevance < 1)
    bad |= ~ranked & rankings["depth"].isna().to_numpy()
    if bad.any():
        row = int(bad.argmax())
        shown = rank[row] if ranked[row] else "null"
        raise DataError(
            f"rankings: row {row}: rank {shown}, relevance {relevance[row]}; expected 1 <= rank <= pool_size "
            f"({rankings['pool_size'].iloc[row]}), relevance >= 1, and a null rank only below a ranking's depth"
        )
    order = np.lexsort((rank, query))
    same = (np.diff(query[order]) == 0) & (np.diff(rank[order]) == 0) & ranked[order][1:]
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
    # --- XTREME, XTREME-R and MS MARCO ---
    "reciprocal_rank": lambda query, rank, relevance, cutoff: reciprocal_rank_at(query, rank, cutoff),
    "average_precision_at": lambda query, rank, relevance, cutoff: average_precision_at(query, rank, cutoff),
    "hit": lambda query, rank, relevance, cutoff: hit_at(query, rank, cutoff),
}


def per_query_columns() -> list[str]:
    """The columns of the `per_query` table: the query's, then each metric's."""
    return [*QUERY_COLUMNS, *(metric.column for metric in METRICS.values())]


def within_depth(metric: Metric, depth: np.ndarray) -> np.ndarray:
    """Per query, whether the metric's cutoff is within the depth of its ranking (NaN: every rank)."""
    if metric.cutoff is None:
        return np.isnan(depth)
    return np.isnan(depth) | (metric.cutoff <= np.nan_to_num(depth, nan=np.inf))


def metric_values(
    metric: Metric,
    query: np.ndarray,
    rank: np.ndarray,
    relevance: np.ndarray,
    setting: np.ndarray,
    depth: np.ndarray | None = None,
) -> np.ndarray:
    """Per-query values of one metric; null for queries of a setting where it is not defined, or
    whose ranking (of `depth`, per query; None: complete) does not reach its cutoff."""
    values = FUNCTIONS[metric.function](query, rank, relevance, metric.cutoff)
    defined = np.isin(setting, metric.settings)
    if depth is not None:
        defined &= within_depth(metric, depth)
    return np.where(defined, values, np.nan)


def per_query(rankings: pd.DataFrame) -> pd.DataFrame:
    """The `per_query` table of a `rankings` table: one row per (setting, query_id, pool_lang), in that order."""
    if rankings.empty:
        raise DataError("rankings: no rows (no query has a relevant candidate in any pool)")
    query = rankings.groupby(QUERY_KEY, sort=True).ngroup().to_numpy()
    ranked = rankings["rank"].notna().to_numpy()
    rank = np.where(ranked, rankings["rank"].fillna(0).to_numpy(np.float64), UNRANKED).astype(np.int64)
    relevance = rankings["relevance"].to_numpy(np.int64)
    _check_rankings(rankings, query, rank, relevance, ranked)
    first = np.unique(query, return_index=True)[1]
    frame = rankings.iloc[first][["setting", "query_id", "question_id", "query_lang", "pool_lang"]]
    setting = frame["setting"].to_numpy()
    depth = rankings["depth"].iloc[first].to_numpy(np.float64, na_value=np.nan)
    values = {m.column: np.full(len(first), np.nan) for m in METRICS.values()}
    values |= {m.column: metric_values(m, query, rank, relevance, setting, depth) for m in ranked_metrics()}
    frame = frame.reset_index(drop=True).assign(relevant=np.bincount(query), weight=1.0, **values)
    return frame[per_query_columns()]
