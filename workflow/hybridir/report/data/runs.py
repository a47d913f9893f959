"""Which strategies a table or figure shows and in which order.

A row of the report is a strategy of an encoder over all its seeds: `hybridir.vocabulary.Run` with
seed None (x_x, x_y, hybrid at one alpha, or the untrained encoder zero_shot); training runs (with
a seed) appear only where a figure shows runs one by one.
"""

from collections.abc import Iterable

import pandas as pd

from hybridir.report.format import PAPER_ALPHA
from hybridir.vocabulary import Run, by_strategy, report_order


def strategy(encoder: str, strategy_name: str, alpha: float | None) -> Run:
    """The strategy (a Run without seed); a missing alpha (NaN) is None."""
    return Run(encoder, strategy_name, None if alpha is None or pd.isna(alpha) else float(alpha))


def strategies(frame: pd.DataFrame) -> list[Run]:
    """The strategies of a frame's rows (columns encoder, strategy, alpha), each once, in report order."""
    found = {strategy(*key) for key in zip(frame["encoder"], frame["strategy"], frame["alpha"], strict=True)}
    return sorted(found, key=lambda s: (s.sort_key, s.encoder))


def order(frame: pd.DataFrame) -> pd.Series:
    """Each row's place by encoder (as first seen) and strategy (report order)."""
    encoders = {e: i for i, e in enumerate(pd.unique(frame["encoder"]))}
    keys = [
        (encoders[e], strategy(e, s, a).sort_key)
        for e, s, a in zip(frame["encoder"], frame["strategy"], frame["alpha"], strict=True)
    ]
    rank = {key: i for i, key in enumerate(sorted(set(keys)))}
    return pd.Series([rank[key] for key in keys], index=frame.index)


def primary(found: Iterable[Run]) -> dict[str, Run]:
    """Strategy name -> the strategy that represents it (one that takes alpha: the alpha nearest 0.5)."""

    def preference(run: Run) -> tuple:
        alpha = run.alpha if run.alpha is not None else PAPER_ALPHA
        return (abs(alpha - PAPER_ALPHA), alpha)

    found = list(found)
    return {
        name: min((s for s in found if s.strategy == name), key=preference)
        for name in report_order()
        if any(s.strategy == name for s in found)
    }


def runs_by_strategy(encoder: str, names: Iterable[str]) -> dict[Run, list[str]]:
    """Run names grouped by their strategy, strategies and seeds in report order."""
    groups = by_strategy(Run.parse(encoder, name) for name in names)
    return {group: [run.name for run in runs] for group, runs in groups.items()}
