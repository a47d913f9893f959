"""The `metrics` table of one run on one benchmark: every cell and macro (hybridir.evaluate.cells)
with a 95% percentile bootstrap interval over questions (hybridir.evaluate.bootstrap)."""

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from hybridir.errors import ConfigError
from hybridir.evaluate.bootstrap import bootstrap, percentile_interval
from hybridir.evaluate.cells import ROW_ORDER, cells, in_order
from hybridir.evaluate.metrics import COMBINATION

IDENTITY = ("encoder", "run", "strategy", "alpha", "mixture", "seed", "benchmark")


def check_resamples(resamples: int) -> None:
    """ConfigError unless `resamples` (evaluation.resamples) is at least 1."""
    if resamples < 1:
        raise ConfigError(f"evaluation.resamples: bootstrap resamples must be >= 1, got {resamples}")


def aggregate(per_query: pd.DataFrame, identity: Mapping[str, Any], resamples: int, seed: int) -> pd.DataFrame:
    """The `metrics` table of one run: `identity` gives encoder, run, strategy, alpha, mixture, seed
    and benchmark; intervals from `resamples` bootstrap resamples drawn with numpy default_rng(seed)."""
    missing = [key for key in IDENTITY if key not in identity]
    if missing:
        raise ConfigError(f"metrics identity lacks {missing}; expected keys {list(IDENTITY)}")
    check_resamples(resamples)
    cell_sums = cells(per_query)
    resampled = bootstrap(cell_sums, resamples, np.random.default_rng(seed))
    low, high = percentile_interval(cell_sums.with_macros(resampled))
    frame = cell_sums.rows().assign(
        value=cell_sums.with_macros(cell_sums.means()),
        ci_low=low,
        ci_high=high,
        **{key: identity[key] for key in IDENTITY},
    )
    return in_order(frame, ROW_ORDER)[[*IDENTITY, *COMBINATION, "metric", "value", "ci_low", "ci_high", "queries"]]
