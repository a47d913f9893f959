"""Paired comparisons of the strategies of one encoder on one benchmark, over all their seeds, and
the Holm correction of a family of comparisons.

For every pair of strategies a, b (a before b in report order: untrained, x_x, x_y, hybrid by
alpha, each by training mixture) that are compared (hybridir.vocabulary.Run.comparable: the
strategies of one mixture, the mixtures of one strategy, the untrained encoder with every one) and
every overall macro (setting, metric) with a value (hybridir.evaluate.seeds):
- value_a, value_b: the means over seeds of the runs' macros; difference = value_b - value_a.
- ci_low, ci_high: 95% percentile interval of the difference under the multi-bootstrap, with
  the same question draws for both strategies (paired on questions) and independent draws of
  each strategy's seeds, so that seed-to-seed variation counts as much as question sampling.
- p_value: two-sided bootstrap p-value of the difference (hybridir.evaluate.bootstrap), not
  corrected for multiple comparisons: the report corrects each table's family with `holm`.
- questions: questions with a query in the setting (and a value of the metric).
"""

from itertools import combinations

import numpy as np
import pandas as pd

from hybridir.evaluate.bootstrap import percentile_interval, two_sided_p
from hybridir.evaluate.cells import in_order
from hybridir.evaluate.seeds import SeedStatistics

LEVEL = 0.05
SIDES = ("a", "b")
COLUMNS = [
    "encoder", "benchmark", "setting", "metric", "strategy_a", "alpha_a", "mixture_a", "seeds_a", "strategy_b",
    "alpha_b", "mixture_b", "seeds_b", "value_a", "value_b", "difference", "ci_low", "ci_high", "p_value",
    "questions", "resamples",
]  # fmt: skip


def holm(p_values: np.ndarray | pd.Series) -> np.ndarray:
    """Holm's step-down adjusted p-values (Holm 1979) of one family of comparisons: the k-th
    smallest p times (m - k + 1), made non-decreasing in that order, at most 1."""
    p = np.asarray(p_values, dtype=np.float64)
    order = np.argsort(p, kind="stable")
    scaled = np.minimum(1.0, np.maximum.accumulate(p[order] * (len(p) - np.arange(len(p)))))
    adjusted = np.empty_like(p)
    adjusted[order] = scaled
    return adjusted


def _pair(statistics: SeedStatistics, a: int, b: int) -> pd.DataFrame:
    """setting, metric and the comparison columns of strategy b against strategy a."""
    layout, overall = statistics.layout, np.flatnonzero(statistics.layout.overall())
    value_a, value_b = statistics.values[a, overall], statistics.values[b, overall]
    low, high = percentile_interval(statistics.overall[b] - statistics.overall[a])
    sides = {}
    for side, index in zip(SIDES, (a, b), strict=True):
        strategy = statistics.strategies[index]
        sides |= {
            f"strategy_{side}": strategy.strategy,
            f"alpha_{side}": strategy.alpha,
            f"mixture_{side}": strategy.mixture,
            f"seeds_{side}": [list(statistics.seeds[index])] * len(overall),
        }
    return layout.macros.loc[overall, ["setting", "metric"]].assign(
        **sides,
        value_a=value_a,
        value_b=value_b,
        difference=value_b - value_a,
        ci_low=low,
        ci_high=high,
        p_value=two_sided_p(statistics.overall[b] - statistics.overall[a]),
        questions=((layout.queries @ layout.membership[:, overall]) > 0).sum(axis=0),
    )


def compare_strategies(statistics: SeedStatistics, benchmark: str) -> pd.DataFrame:
    """The `significance` table: every compared pair of strategies, overall macro (setting, metric)."""
    strategies = statistics.strategies
    pairs = [(a, b) for a, b in combinations(range(len(strategies)), 2) if strategies[a].comparable(strategies[b])]
    frames = [_pair(statistics, a, b) for a, b in pairs]
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    encoder = statistics.strategies[0].encoder
    frame = pd.concat(frames, ignore_index=True).assign(
        encoder=encoder, benchmark=benchmark, resamples=statistics.resamples
    )
    return in_order(frame, ["setting", "metric"])[COLUMNS]
