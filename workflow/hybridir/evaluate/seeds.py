"""Statistics over seeds: each strategy of an encoder on one benchmark, over all its seeds.

A strategy (x_x, x_y, hybrid at one alpha, each on one training mixture, or the untrained encoder
`zero_shot`) is trained once per seed (`training.seeds`). For every cell and macro (hybridir.evaluate.cells):
- value: the mean over seeds of the runs' values; seed_sd: their standard deviation (n - 1 in the
  denominator; none with one seed).
- ci_low, ci_high: 95% percentile interval of the multi-bootstrap (Sellam et al. 2022, "The
  MultiBERTs: BERT Reproductions for Robustness Analysis", ICLR; their multibootstrap.py in
  google-research/language): a resample draws the questions with replacement (the same draws for
  every strategy of the encoder, so comparisons are paired on questions) and, independently per
  strategy, its seeds with replacement; its value is the mean over the drawn seeds of each drawn
  seed's value on the drawn questions. Seeds of two strategies are not paired: seed 7 of x_x and
  seed 7 of hybrid share nothing but a number.
- Small-sample correction: the bootstrap variance of a mean of n values is (n - 1) / n times the
  unbiased s^2 / n, a third too small with 3 seeds. Each resample's seed values are therefore
  spread around their mean by sqrt(n / (n - 1)) before the drawn seeds are averaged, which gives
  the seed part of the interval the unbiased variance. One seed (and zero_shot) has no seed part:
  questions only.
Questions are drawn with numpy default_rng(seed) and a strategy's seeds with a generator of the
seed and the strategy, so adding a strategy changes no other strategy's resamples.
"""

import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hybridir.errors import DataError
from hybridir.evaluate.aggregate import check_resamples
from hybridir.evaluate.bootstrap import blocks, draw_counts, percentile_interval, question_means, stratified_counts
from hybridir.evaluate.cells import ROW_ORDER, Cells, cells, in_order
from hybridir.evaluate.metrics import COMBINATION, QUERY_KEY
from hybridir.vocabulary import Run, by_strategy

STRATEGY_COLUMNS = ["encoder", "strategy", "alpha", "mixture", "seeds", "benchmark"]


@dataclass(frozen=True)
class SeedStatistics:
    """The strategies of one encoder on one benchmark: `layout` (questions, cells, macros) is
    shared by every run; per strategy (Run with seed None) its seeds, and per column (macros then
    cells) the mean over seeds, the standard deviation over seeds and the interval bounds;
    `overall` holds each strategy's resampled overall macros (resamples x macros), for comparisons."""

    layout: Cells
    strategies: list[Run]
    seeds: list[tuple[int, ...]]
    values: np.ndarray
    spread: np.ndarray
    low: np.ndarray
    high: np.ndarray
    overall: list[np.ndarray]
    resamples: int


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


def run_cells(per_query_by_run: Mapping[str, pd.DataFrame]) -> dict[str, Cells]:
    """Cells of every run, after checking that all runs have the same queries and questions."""
    tables = {run: table.sort_values(QUERY_KEY, ignore_index=True) for run, table in per_query_by_run.items()}
    names = sorted(tables)
    sums = {run: cells(tables[run]) for run in names}
    for run in names[1:]:
        check_same_queries(tables, names[0], run)
        if not sums[names[0]].same_layout(sums[run]):
            raise DataError(
                f"runs {names[0]!r} and {run!r} have the same queries but different question ids or defined metrics"
            )
    return sums


def _seed_means(counts: list[np.ndarray], sums: list[np.ndarray], draws: np.ndarray) -> list[np.ndarray]:
    """Cell means of each seed under question resamples `draws` (one shared product for the
    counts where every seed has the same, as unweighted queries do)."""
    if all(np.array_equal(c, counts[0]) for c in counts[1:]):
        return question_means(counts[0], sums, draws)
    return [question_means(c, [s], draws)[0] for c, s in zip(counts, sums, strict=True)]


def resampled(
    layout: Cells,
    sums: list[np.ndarray],
    counts: list[np.ndarray],
    resamples: int,
    seed: int,
    strategy: Run,
    columns: Callable[[np.ndarray], np.ndarray] | None = None,
    strata: np.ndarray | None = None,
) -> np.ndarray:
    """Multi-bootstrap values (resamples x columns) of one strategy with per-seed `sums` and
    `counts`: `columns` turns cell means into the values (default: macros then cells); `strata` (a
    stratum number per question, default one stratum) has the questions drawn within each stratum."""
    columns = columns or layout.with_macros
    strata = np.zeros(len(layout.questions), dtype=np.int64) if strata is None else strata
    questions, seeds = np.random.default_rng(seed), np.random.default_rng([seed, zlib.crc32(repr(strategy).encode())])
    scale = np.sqrt(len(sums) / (len(sums) - 1)) if len(sums) > 1 else 0.0
    parts = []
    for size in blocks(resamples, len(layout.questions)):
        draws = stratified_counts(strata, size, questions)
        values = np.stack([columns(m) for m in _seed_means(counts, sums, draws)])
        mean = values.mean(axis=0)
        weights = draw_counts(len(sums), size, seeds) / len(sums)
        drawn = np.einsum("rn,nrc->rc", weights, values)
        parts.append(mean + scale * (drawn - mean))
    return np.concatenate(parts)


def seed_statistics(
    per_query_by_run: Mapping[str, pd.DataFrame], encoder: str, resamples: int, seed: int
) -> SeedStatistics:
    """Mean, spread over seeds and multi-bootstrap interval of every strategy of `encoder`, from the
    per_query tables of all its runs on one benchmark (keyed by run name)."""
    check_resamples(resamples)
    by_run = run_cells(per_query_by_run)
    layout = next(iter(by_run.values()))
    groups = by_strategy(Run.parse(encoder, name) for name in by_run)
    observed, spread, low, high, overall = [], [], [], [], []
    for strategy, runs in groups.items():
        sums = [by_run[run.name].sums for run in runs]
        counts = [by_run[run.name].counts for run in runs]
        per_seed = np.stack(
            [layout.with_macros(s.sum(axis=0) / c.sum(axis=0)) for s, c in zip(sums, counts, strict=True)]
        )
        observed.append(per_seed.mean(axis=0))
        spread.append(per_seed.std(axis=0, ddof=1) if len(runs) > 1 else np.full(per_seed.shape[1], np.nan))
        values = resampled(layout, sums, counts, resamples, seed, strategy)
        bounds = percentile_interval(values)
        low.append(bounds[0])
        high.append(bounds[1])
        overall.append(values[:, np.flatnonzero(layout.overall())])
    return SeedStatistics(
        layout=layout,
        strategies=list(groups),
        seeds=[tuple(r.seed for r in runs if r.seed is not None) for runs in groups.values()],
        values=np.stack(observed),
        spread=np.stack(spread),
        low=np.stack(low),
        high=np.stack(high),
        overall=overall,
        resamples=resamples,
    )


def strategy_metrics(statistics: SeedStatistics, benchmark: str) -> pd.DataFrame:
    """The `strategy_metrics` table: every strategy's cells and macros over its seeds."""
    rows = statistics.layout.rows()
    frames = []
    for i, strategy in enumerate(statistics.strategies):
        frame = rows.assign(
            encoder=strategy.encoder,
            strategy=strategy.strategy,
            alpha=strategy.alpha,
            mixture=strategy.mixture,
            seeds=[list(statistics.seeds[i])] * len(rows),
            benchmark=benchmark,
            value=statistics.values[i],
            seed_sd=statistics.spread[i],
            ci_low=statistics.low[i],
            ci_high=statistics.high[i],
            resamples=statistics.resamples,
        )
        frames.append(in_order(frame, ROW_ORDER))
    columns = [*STRATEGY_COLUMNS, *COMBINATION, "metric", "value", "seed_sd", "ci_low", "ci_high", "queries"]
    return pd.concat(frames, ignore_index=True)[[*columns, "resamples"]]
