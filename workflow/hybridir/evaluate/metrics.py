"""Retrieval metrics from the ranks of relevant candidates; their means, macro-averages and
bootstrap confidence intervals.

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

Aggregates (`metrics` table), for each setting and metric:
- per language combination (mono: X-X, cross: X-Y, multi: X-all), the mean over the queries of
  the combination with a defined value;
- 'macro': the mean over the combinations of those means (the paper's protocol); rank_distance is
  defined in the multi setting only, so its macro is the mean over query languages.
A metric with no defined value in a combination or setting has no row there.
95% confidence intervals are percentile bootstrap intervals over questions: a question is one
unit with its parallel versions in every language, so a resample draws question ids with
replacement (multinomial counts per question) and keeps all their queries. With per-question
sums S and query counts N of every (combination, metric) cell, the cell means of a block of
resamples with counts C (resamples x questions) are (C @ S) / (C @ N): matrix products, no loop
over resamples or queries. Macro-averages of a resample are taken over the combinations it has
queries of (all of them, but for tiny benchmarks).
"""

import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from hybridir.errors import ConfigError, DataError

METRICS = ("map", "recall_1", "recall_10", "recall_100", "ndcg_10", "rank_distance")
COLUMNS = dict(zip(METRICS, ("ap", "recall_1", "recall_10", "recall_100", "ndcg_10", "rank_distance"), strict=True))
QUERY_KEY = ["setting", "query_id", "pool_lang"]
COMBINATION = ["setting", "query_lang", "pool_lang"]
PER_QUERY_COLUMNS = ["setting", "query_id", "question_id", "query_lang", "pool_lang", "relevant", *COLUMNS.values()]
IDENTITY = ("encoder", "run", "strategy", "alpha", "seed", "benchmark")
MACRO = "macro"
MULTI = "multi"
ROW_ORDER = ["setting", "metric", "query_lang", "pool_lang"]
CONFIDENCE = 0.95
BLOCK = 1000


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
    multi = frame["setting"].to_numpy() == MULTI
    return frame.reset_index(drop=True).assign(
        relevant=np.bincount(query),
        ap=average_precision(query, rank),
        recall_1=recall_at(query, rank, 1),
        recall_10=recall_at(query, rank, 10),
        recall_100=recall_at(query, rank, 100),
        ndcg_10=ndcg_at(query, rank, relevance, 10),
        rank_distance=np.where(multi, rank_distance(query, rank), np.nan),
    )[PER_QUERY_COLUMNS]


@dataclass(frozen=True)
class Cells:
    """Per-question sums of every defined cell (one metric in one language combination).

    keys: setting, query_lang, pool_lang, metric of each cell (the columns of sums and counts);
    questions: the question ids (their rows); sums: the metric summed over the question's
    queries in the cell; counts: those queries; macros: setting, metric of each macro-average;
    membership: cells x macros, 1 where a cell belongs to a macro-average.
    """

    keys: pd.DataFrame
    questions: np.ndarray
    sums: np.ndarray
    counts: np.ndarray
    macros: pd.DataFrame
    membership: np.ndarray

    def means(self) -> np.ndarray:
        """Cell means over all questions."""
        return self.sums.sum(axis=0) / self.counts.sum(axis=0)

    def macro(self, means: np.ndarray) -> np.ndarray:
        """Macro-averages of cell means (last axis): per (setting, metric), the mean of its defined cells."""
        defined = ~np.isnan(means)
        with np.errstate(invalid="ignore", divide="ignore"):
            return (np.where(defined, means, 0.0) @ self.membership) / (defined @ self.membership)


def cells(per_query: pd.DataFrame) -> Cells:
    """Per-question sums and query counts of every (setting, query_lang, pool_lang, metric) with a value."""
    grouped = per_query.groupby(COMBINATION, sort=True)
    combination, combinations = grouped.ngroup().to_numpy(), grouped.size().index
    question, questions = pd.factorize(per_query["question_id"], sort=True)
    values = per_query[list(COLUMNS.values())].to_numpy(np.float64)
    defined = ~np.isnan(values)
    width = len(combinations) * len(METRICS)
    column = (combination * len(METRICS))[:, None] + np.arange(len(METRICS))
    flat = (question[:, None] * width + column)[defined]
    sums = np.bincount(flat, values[defined], minlength=len(questions) * width).reshape(len(questions), width)
    counts = np.bincount(flat, minlength=len(questions) * width).reshape(len(questions), width)
    keep = counts.sum(axis=0) > 0
    keys = combinations.to_frame(index=False).loc[np.repeat(np.arange(len(combinations)), len(METRICS))]
    keys = keys.assign(metric=np.tile(METRICS, len(combinations)))[keep].reset_index(drop=True)
    macro, macros = pd.MultiIndex.from_frame(keys[["setting", "metric"]]).factorize(sort=True)
    return Cells(
        keys=keys,
        questions=np.asarray(questions),
        sums=sums[:, keep],
        counts=counts[:, keep].astype(np.float64),
        macros=macros.to_frame(index=False, name=["setting", "metric"]),
        membership=np.eye(len(macros))[macro],
    )


def blocks(total: int, size: int = BLOCK) -> Iterator[int]:
    """Sizes of the blocks that `total` resamples are drawn in (bounded memory)."""
    for start in range(0, total, size):
        yield min(size, total - start)


def draw_counts(questions: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """Times each question is drawn (size x questions) in `size` resamples of `questions` draws with
    replacement: multinomial counts, from uniform draws of question indices."""
    drawn = rng.integers(0, questions, size=(size, questions)) + questions * np.arange(size)[:, None]
    return np.bincount(drawn.ravel(), minlength=size * questions).reshape(size, questions).astype(np.float64)


def _distinct_columns(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct columns of `matrix` and, per column, the index of its distinct column (columns
    compared as raw bytes, faster than np.unique(axis=1))."""
    rows = np.ascontiguousarray(matrix.T)
    as_bytes = rows.view(np.dtype((np.void, rows.shape[1] * rows.itemsize))).ravel()
    _, first, column = np.unique(as_bytes, return_index=True, return_inverse=True)
    return matrix[:, first], column


def bootstrap(cell_sums: Cells, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Cell means (resamples x cells) of bootstrap resamples of the questions, NaN where a resample
    holds no query of a cell; cells with the same query counts share one product for the counts."""
    questions = len(cell_sums.questions)
    distinct, column = _distinct_columns(cell_sums.counts)
    means = []
    for size in blocks(resamples):
        draws = draw_counts(questions, size, rng)
        with np.errstate(invalid="ignore", divide="ignore"):
            means.append((draws @ cell_sums.sums) / (draws @ distinct)[:, column])
    return np.concatenate(means)


def percentile_interval(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The central CONFIDENCE percentile interval of each column of `samples` (NaN ignored)."""
    tail = 100 * (1 - CONFIDENCE) / 2
    low, high = np.nanpercentile(samples, [tail, 100 - tail], axis=0)
    return low, high


def _with_macros(cell_sums: Cells, means: np.ndarray) -> np.ndarray:
    """Macro-averages then cell means along the last axis: the row order of `_rows`."""
    return np.concatenate([cell_sums.macro(means), means], axis=-1)


def _rows(cell_sums: Cells) -> pd.DataFrame:
    """setting, query_lang, pool_lang, metric, queries of every macro row, then every combination row."""
    totals = cell_sums.counts.sum(axis=0)
    macros = cell_sums.macros.assign(query_lang=MACRO, pool_lang=MACRO, queries=totals @ cell_sums.membership)
    frame = pd.concat([macros, cell_sums.keys.assign(queries=totals)], ignore_index=True)
    return frame.astype({"queries": np.int64})[[*COMBINATION, "metric", "queries"]]


def in_order(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Rows sorted by `columns`, metrics in METRICS order and 'macro' before any language."""
    rank = {metric: i for i, metric in enumerate(METRICS)}

    def key(column: pd.Series) -> pd.Series:
        return column.map(rank) if column.name == "metric" else column.replace(MACRO, "")

    return frame.sort_values(columns, key=key, kind="stable").reset_index(drop=True)


def means(per_query: pd.DataFrame) -> pd.DataFrame:
    """setting, query_lang, pool_lang, metric, queries, value of every combination and macro row of
    the `metrics` table, without confidence intervals."""
    cell_sums = cells(per_query)
    return in_order(_rows(cell_sums).assign(value=_with_macros(cell_sums, cell_sums.means())), ROW_ORDER)


def aggregate(per_query: pd.DataFrame, identity: Mapping[str, Any], resamples: int, seed: int) -> pd.DataFrame:
    """The `metrics` table of one run: `identity` gives encoder, run, strategy, alpha, seed and
    benchmark; intervals from `resamples` bootstrap resamples drawn with numpy default_rng(seed)."""
    missing = [key for key in IDENTITY if key not in identity]
    if missing:
        raise ConfigError(f"metrics identity lacks {missing}; expected keys {list(IDENTITY)}")
    if resamples < 1:
        raise ConfigError(f"bootstrap resamples must be >= 1, got {resamples}")
    cell_sums = cells(per_query)
    resampled = bootstrap(cell_sums, resamples, np.random.default_rng(seed))
    low, high = percentile_interval(_with_macros(cell_sums, resampled))
    frame = _rows(cell_sums).assign(
        value=_with_macros(cell_sums, cell_sums.means()),
        ci_low=low,
        ci_high=high,
        **{key: identity[key] for key in IDENTITY},
    )
    return in_order(frame, ROW_ORDER)[[*IDENTITY, *COMBINATION, "metric", "value", "ci_low", "ci_high", "queries"]]


def pooled_mean_ci(
    per_query: pd.DataFrame, column: str, key: tuple[str, ...], seed: int, resamples: int
) -> tuple[float, float, float]:
    """Mean over pool languages of the per-pool mean of `column`, with a 95% percentile bootstrap
    interval that resamples questions (each with its queries in every pool); the draws depend only
    on `seed` and `key`, so adding a run changes no other interval."""
    if resamples < 1:
        raise ConfigError(f"bootstrap resamples must be >= 1, got {resamples}")
    rng = np.random.default_rng([seed, zlib.crc32("\x1f".join(key).encode())])
    matrix = per_query.pivot_table(index="question_id", columns="pool_lang", values=column, aggfunc="mean")
    values = matrix.to_numpy(dtype="float64")
    present = ~np.isnan(values)
    filled = np.where(present, values, 0.0)
    value = float(np.nanmean(filled.sum(0) / present.sum(0)))
    questions = len(values)
    counts = rng.multinomial(questions, np.full(questions, 1.0 / questions), size=resamples)
    with np.errstate(invalid="ignore", divide="ignore"):
        pooled = np.nanmean((counts @ filled) / (counts @ present), axis=1)
    low, high = percentile_interval(pooled)
    return value, float(low), float(high)
