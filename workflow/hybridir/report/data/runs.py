"""Which strategies a table or figure shows and in which order.

A row of the report is a strategy of an encoder over all its seeds: `hybridir.vocabulary.Run` with
seed None (x_x, x_y, hybrid at one alpha, each on one training mixture, or the untrained encoder
zero_shot); training runs (with a seed) appear only where a figure shows runs one by one. A frame's
rows name their strategy by the columns encoder, strategy, alpha and (where the table has one)
mixture.
"""

from collections.abc import Iterable

import pandas as pd

from hybridir.report.format import PAPER_ALPHA
from hybridir.vocabulary import Run, by_strategy, report_order


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def strategy(encoder: str, strategy_name: str, alpha: float | None, mixture: str | None = None) -> Run:
    """The strategy (a Run without seed); a missing alpha or mixture (NaN, None) is None."""
    return Run(
        encoder,
        strategy_name,
        None if _missing(alpha) else float(alpha),
        mixture=None if _missing(mixture) else str(mixture),
    )


def row_strategies(frame: pd.DataFrame, suffix: str = "") -> list[Run]:
    """The strategy of each row, from its columns encoder, strategy, alpha and mixture (each with
    `suffix`, e.g. '_a' for side a of a comparison; no mixture column: the default mixture)."""
    mixtures = frame[f"mixture{suffix}"] if f"mixture{suffix}" in frame else [None] * len(frame)
    columns = zip(frame["encoder"], frame[f"strategy{suffix}"], frame[f"alpha{suffix}"], mixtures, strict=True)
    return [strategy(*key) for key in columns]


def strategies(frame: pd.DataFrame) -> list[Run]:
    """The strategies of a frame's rows, each once, in report order."""
    return sorted(set(row_strategies(frame)), key=lambda s: (s.sort_key, s.encoder))


def order(frame: pd.DataFrame) -> pd.Series:
    """Each row's place by encoder (as first seen) and strategy (report order)."""
    encoders = {e: i for i, e in enumerate(pd.unique(frame["encoder"]))}
    keys = [(encoders[s.encoder], s.sort_key) for s in row_strategies(frame)]
    rank = {key: i for i, key in enumerate(sorted(set(keys)))}
    return pd.Series([rank[key] for key in keys], index=frame.index)


def primary(found: Iterable[Run]) -> dict[tuple[str, str | None], Run]:
    """(strategy name, mixture) -> the strategy that represents it (one that takes alpha: the alpha
    nearest 0.5), in report order."""

    def preference(run: Run) -> tuple:
        alpha = run.alpha if run.alpha is not None else PAPER_ALPHA
        return (abs(alpha - PAPER_ALPHA), alpha)

    found = sorted(found, key=lambda s: s.sort_key)
    keys = [(name, mixture) for name in report_order() for mixture in dict.fromkeys(s.mixture for s in found)]
    return {
        (name, mixture): min((s for s in found if (s.strategy, s.mixture) == (name, mixture)), key=preference)
        for name, mixture in keys
        if any((s.strategy, s.mixture) == (name, mixture) for s in found)
    }


def runs_by_strategy(encoder: str, names: Iterable[str]) -> dict[Run, list[str]]:
    """Run names grouped by their strategy, strategies and seeds in report order."""
    groups = by_strategy(Run.parse(encoder, name) for name in names)
    return {group: [run.name for run in runs] for group, runs in groups.items()}
