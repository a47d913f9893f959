"""The averages that the tables report, from a `per_query` table: per language combination and
macro-averaged over combinations.

A cell is one metric in one language combination (mono: X-X, cross: X-Y, multi: X-all) of a
setting; its value is the mean over the combination's queries with a defined value. A macro is
the mean over cells of their values:
- 'macro' (query_lang = pool_lang = 'macro'): every combination of the setting, the paper's
  protocol; rank_distance is defined in the multi setting only, so its macro is the mean over
  query languages;
- per query language in the cross setting (query_lang = X, pool_lang = 'macro'): the
  combinations of query language X, one per other pool language.
A metric with no defined value in a combination or setting has no cell there, and no macro.

Everything is kept as per-question sums S and query counts N (questions x cells), so that a
resample of questions with counts C (resamples x questions) has cell means (C @ S) / (C @ N):
matrix products, no loop over resamples or queries (hybridir.evaluate.bootstrap). A query counts
with its `weight` (1, but BUCC's source sentences weigh their extracted plus gold pairs, so that
a cell's mean is the corpus-level F1): S sums weight x value, N sums weights.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hybridir.evaluate.metrics import COMBINATION
from hybridir.vocabulary import CROSS, METRICS

MACRO = "macro"
ROW_ORDER = ["setting", "metric", "query_lang", "pool_lang"]


@dataclass(frozen=True)
class Cells:
    """Per-question sums of every defined cell of one run.

    keys: setting, query_lang, pool_lang, metric of each cell (the columns of sums and counts);
    questions: the question ids (their rows); sums: the metric summed over the question's
    queries in the cell, each times its weight; counts: their weights; queries: how many they are;
    macros: setting, query_lang ('macro' or a query language), metric of each macro; membership:
    cells x macros, 1 where a cell belongs to a macro.
    """

    keys: pd.DataFrame
    questions: np.ndarray
    sums: np.ndarray
    counts: np.ndarray
    queries: np.ndarray
    macros: pd.DataFrame
    membership: np.ndarray

    def means(self) -> np.ndarray:
        """Cell means over all questions."""
        return self.sums.sum(axis=0) / self.counts.sum(axis=0)

    def macro(self, means: np.ndarray) -> np.ndarray:
        """Macros of cell means (last axis): per macro, the mean of its defined cells."""
        defined = ~np.isnan(means)
        with np.errstate(invalid="ignore", divide="ignore"):
            return (np.where(defined, means, 0.0) @ self.membership) / (defined @ self.membership)

    def with_macros(self, means: np.ndarray) -> np.ndarray:
        """Macros then cell means along the last axis: the row order of `rows`."""
        return np.concatenate([self.macro(means), means], axis=-1)

    def rows(self) -> pd.DataFrame:
        """setting, query_lang, pool_lang, metric, queries of every macro, then of every cell."""
        totals = self.queries.sum(axis=0)
        macros = self.macros.assign(pool_lang=MACRO, queries=totals @ self.membership)
        frame = pd.concat([macros, self.keys.assign(queries=totals)], ignore_index=True)
        return frame.astype({"queries": np.int64})[[*COMBINATION, "metric", "queries"]]

    def overall(self) -> np.ndarray:
        """Which macros are over every combination of their setting (query_lang 'macro')."""
        return (self.macros["query_lang"] == MACRO).to_numpy()

    def same_layout(self, other: "Cells") -> bool:
        """Whether two runs have the same questions, defined cells and query counts (weights may differ)."""
        return (
            np.array_equal(self.questions, other.questions)
            and self.keys.shape == other.keys.shape
            and bool((self.keys.to_numpy(object) == other.keys.to_numpy(object)).all())
            and np.array_equal(self.queries, other.queries)
        )


def _macros(keys: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The macros over `keys` (setting, query_lang, metric) and the cells x macros membership."""
    cross = (keys["setting"] == CROSS).to_numpy()
    overall = keys[["setting", "metric"]].assign(query_lang=MACRO, cell=np.arange(len(keys)))
    per_language = keys.loc[cross, ["setting", "metric", "query_lang"]].assign(cell=np.flatnonzero(cross))
    members = pd.concat([overall, per_language], ignore_index=True)
    codes, macros = pd.MultiIndex.from_frame(members[["setting", "query_lang", "metric"]]).factorize(sort=True)
    membership = np.zeros((len(keys), len(macros)))
    membership[members["cell"].to_numpy(), codes] = 1.0
    return macros.to_frame(index=False, name=["setting", "query_lang", "metric"]), membership


def cells(per_query: pd.DataFrame) -> Cells:
    """Per-question sums and query counts of every (setting, query_lang, pool_lang, metric) with a value."""
    grouped = per_query.groupby(COMBINATION, sort=True)
    combination, combinations = grouped.ngroup().to_numpy(), grouped.size().index
    question, questions = pd.factorize(per_query["question_id"], sort=True)
    names = list(METRICS)
    values = per_query[[metric.column for metric in METRICS.values()]].to_numpy(np.float64)
    defined = ~np.isnan(values)
    weights = np.broadcast_to(per_query["weight"].to_numpy(np.float64)[:, None], values.shape)
    width = len(combinations) * len(names)
    column = (combination * len(names))[:, None] + np.arange(len(names))
    flat = (question[:, None] * width + column)[defined]
    size = len(questions) * width

    def per_question(terms: np.ndarray | None) -> np.ndarray:
        return np.bincount(flat, terms, minlength=size).reshape(len(questions), width).astype(np.float64)

    sums, counts = per_question((values * weights)[defined]), per_question(weights[defined])
    queries = per_question(None)
    keep = queries.sum(axis=0) > 0
    keys = combinations.to_frame(index=False).loc[np.repeat(np.arange(len(combinations)), len(names))]
    keys = keys.assign(metric=np.tile(names, len(combinations)))[keep].reset_index(drop=True)
    macros, membership = _macros(keys)
    return Cells(
        keys=keys,
        questions=np.asarray(questions),
        sums=sums[:, keep],
        counts=counts[:, keep],
        queries=queries[:, keep],
        macros=macros,
        membership=membership,
    )


def in_order(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Rows sorted by `columns`, metrics in registry order (hybridir.vocabulary.METRICS) and 'macro'
    before any language."""
    rank = {metric: i for i, metric in enumerate(METRICS)}

    def key(column: pd.Series) -> pd.Series:
        return column.map(rank) if column.name == "metric" else column.replace(MACRO, "")

    return frame.sort_values(columns, key=key, kind="stable").reset_index(drop=True)


def means(per_query: pd.DataFrame) -> pd.DataFrame:
    """setting, query_lang, pool_lang, metric, queries, value of every macro and cell of a run,
    without confidence intervals."""
    cell_sums = cells(per_query)
    frame = cell_sums.rows().assign(value=cell_sums.with_macros(cell_sums.means()))
    return in_order(frame, ROW_ORDER)
