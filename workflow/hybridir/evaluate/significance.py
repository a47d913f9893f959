"""Paired comparisons of the runs of one encoder on one benchmark: for every pair of runs, setting
and metric, the macro difference, its bootstrap confidence interval and a randomization test.

Runs a and b (a before b by name) must have the same queries (setting, query_id, pool_lang).
For each (setting, metric) with a value:
- value_a, value_b: macro-averages exactly as in the `metrics` table (mean over the setting's
  language combinations of the mean over their queries; hybridir.evaluate.metrics.Cells.macro);
  difference = value_b - value_a.
- ci_low, ci_high: 95% paired percentile bootstrap interval of the difference: questions are
  resampled with all their parallel queries, the same draws for both runs. Both runs have the
  same query counts, so a resample's difference of macros is the macro of the cell sums of
  b - a.
- p_value: two-sided paired randomization test. Under the null hypothesis the two runs' results
  on a question are exchangeable: swapping the run labels of a question, for all its parallel
  queries at once, flips the sign of its contribution w_q to the macro difference, which is
  linear: difference = sum_q w_q with w_q = mean over the combinations c of (sum of b - a over
  question q's queries in c) / (queries in c). With signs s_q = ±1 drawn uniformly, the
  statistic is sum_q s_q w_q (one matrix product per block of permutations), and
  p = (1 + #{|statistic| >= |difference|}) / (1 + resamples), never 0 (Phipson & Smyth 2010).
  significant: p < 0.05.
- questions: questions with a query in the setting (and a value of the metric).
Every pair draws from its own numpy default_rng(seed), so a pair's result does not depend on
which other runs are compared.
"""

import dataclasses
from collections.abc import Mapping
from itertools import combinations

import numpy as np
import pandas as pd

from hybridir.errors import ConfigError, DataError
from hybridir.evaluate.metrics import QUERY_KEY, Cells, blocks, bootstrap, cells, in_order, percentile_interval

LEVEL = 0.05
TOLERANCE = 1e-9
COLUMNS = [
    "encoder", "benchmark", "setting", "metric", "run_a", "run_b", "value_a", "value_b", "difference",
    "ci_low", "ci_high", "p_value", "significant", "questions", "resamples",
]  # fmt: skip


def _same_values(one: pd.DataFrame, other: pd.DataFrame) -> bool:
    """Whether two frames hold the same values, whatever their string dtypes."""
    return one.shape == other.shape and bool((one.to_numpy(object) == other.to_numpy(object)).all())


def _missing_key(frame: pd.DataFrame, other: pd.DataFrame) -> dict[str, str] | None:
    """A query key of `frame` that `other` lacks, or None."""
    keys = frame.set_index(QUERY_KEY).index.difference(other.set_index(QUERY_KEY).index)
    return dict(zip(QUERY_KEY, keys[0], strict=True)) if len(keys) else None


def check_same_queries(tables: Mapping[str, pd.DataFrame], run_a: str, run_b: str) -> None:
    """DataError naming a query key that one run of the pair lacks (tables sorted by query key)."""
    if _same_values(tables[run_a][QUERY_KEY], tables[run_b][QUERY_KEY]):
        return
    for first, second in [(run_a, run_b), (run_b, run_a)]:
        key = _missing_key(tables[first], tables[second])
        if key is not None:
            raise DataError(f"runs {first!r} and {second!r} have different queries: {key} is in {first!r} only")
    raise DataError(f"runs {run_a!r} and {run_b!r} list the same queries a different number of times")


def check_same_cells(cells_a: Cells, cells_b: Cells, run_a: str, run_b: str) -> None:
    """DataError unless two runs share questions, defined cells and query counts."""
    same = (
        np.array_equal(cells_a.questions, cells_b.questions)
        and _same_values(cells_a.keys, cells_b.keys)
        and np.array_equal(cells_a.counts, cells_b.counts)
    )
    if not same:
        raise DataError(
            f"runs {run_a!r} and {run_b!r} have the same queries but different question ids or defined metrics"
        )


def randomization_p(contributions: np.ndarray, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """Two-sided p-value of each column's sum under `resamples` random sign flips of its rows (questions)."""
    observed = np.abs(contributions.sum(axis=0)) * (1 - TOLERANCE)
    extreme = np.zeros(contributions.shape[1], dtype=np.int64)
    for size in blocks(resamples):
        signs = rng.choice([-1.0, 1.0], size=(size, len(contributions)))
        extreme += (np.abs(signs @ contributions) >= observed).sum(axis=0)
    return (1 + extreme) / (1 + resamples)


def compare_pair(cells_a: Cells, cells_b: Cells, resamples: int, seed: int) -> pd.DataFrame:
    """setting, metric, value_a, value_b, difference, ci_low, ci_high, p_value, questions of b against a."""
    rng = np.random.default_rng(seed)
    difference = dataclasses.replace(cells_b, sums=cells_b.sums - cells_a.sums)
    value_a, value_b = cells_a.macro(cells_a.means()), cells_b.macro(cells_b.means())
    low, high = percentile_interval(difference.macro(bootstrap(difference, resamples, rng)))
    contributions = difference.macro(difference.sums / difference.counts.sum(axis=0))
    return difference.macros.assign(
        value_a=value_a,
        value_b=value_b,
        difference=value_b - value_a,
        ci_low=low,
        ci_high=high,
        p_value=randomization_p(contributions, resamples, rng),
        questions=((difference.counts @ difference.membership) > 0).sum(axis=0),
    )


def compare_runs(
    per_query_by_run: Mapping[str, pd.DataFrame], encoder: str, benchmark: str, resamples: int, seed: int
) -> pd.DataFrame:
    """The `significance` table: every pair of runs (run_a < run_b), setting and defined metric."""
    if resamples < 1:
        raise ConfigError(f"resamples must be >= 1, got {resamples}")
    tables = {run: table.sort_values(QUERY_KEY, ignore_index=True) for run, table in per_query_by_run.items()}
    sums = {run: cells(table) for run, table in tables.items()}
    frames = []
    for run_a, run_b in combinations(sorted(tables), 2):
        check_same_queries(tables, run_a, run_b)
        check_same_cells(sums[run_a], sums[run_b], run_a, run_b)
        compared = compare_pair(sums[run_a], sums[run_b], resamples, seed)
        frames.append(compared.assign(encoder=encoder, benchmark=benchmark, run_a=run_a, run_b=run_b))
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    frame = pd.concat(frames, ignore_index=True)
    frame = frame.assign(significant=frame["p_value"] < LEVEL, resamples=resamples)
    return in_order(frame, ["setting", "metric", "run_a", "run_b"])[COLUMNS]
