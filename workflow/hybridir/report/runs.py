"""Evaluated runs: parse their names, order them, label and colour them consistently."""

from dataclasses import dataclass

import pandas as pd

from hybridir.plan import STRATEGY_ORDER, ZERO_SHOT
from hybridir.plan import Run as PlannedRun

REFERENCES = ("x_x", "x_y")
PAPER_ALPHA = 0.5


@dataclass(frozen=True)
class Run:
    """One evaluated run of an encoder: a training run or the untrained encoder (zero_shot)."""

    name: str
    strategy: str
    alpha: float | None
    seed: int | None

    @property
    def label(self) -> str:
        """Short label for tables and legends: 'untrained' (zero_shot), 'x_x', 'hybrid α=0.5'."""
        if self.strategy == ZERO_SHOT:
            return "untrained"
        if self.alpha is not None:
            return f"{self.strategy} α={self.alpha:g}"
        return self.strategy

    @property
    def sort_key(self) -> tuple:
        return (
            STRATEGY_ORDER.index(self.strategy),
            self.alpha if self.alpha is not None else -1.0,
            self.seed if self.seed is not None else -1,
        )


def parse_run(name: str) -> Run:
    """A run from its folder name (hybridir.plan.Run.parse)."""
    planned = PlannedRun.parse("", name)
    return Run(name, planned.strategy, planned.alpha, planned.seed)


def sorted_runs(names: list[str] | pd.Series) -> list[Run]:
    """Runs in report order: zero-shot, x_x, x_y, hybrid by alpha, then by seed."""
    return sorted({parse_run(n) for n in names}, key=lambda r: r.sort_key)


def run_labels(runs: list[Run]) -> dict[str, str]:
    """Run name -> label; the seed is added where several runs share a label."""
    labels = {r.name: r.label for r in runs}
    counts = pd.Series(list(labels.values())).value_counts()
    return {r.name: f"{r.label} s{r.seed}" if counts[r.label] > 1 else r.label for r in runs}


def primary_runs(names: list[str] | pd.Series) -> dict[str, str]:
    """Strategy -> the run that represents it: lowest seed; hybrid: alpha nearest 0.5."""

    def preference(run: Run) -> tuple:
        alpha = run.alpha if run.alpha is not None else PAPER_ALPHA
        return (abs(alpha - PAPER_ALPHA), alpha, run.seed or 0)

    runs = sorted_runs(names)
    return {
        s: min((r for r in runs if r.strategy == s), key=preference).name
        for s in STRATEGY_ORDER
        if any(r.strategy == s for r in runs)
    }


def reference_run(run: Run, candidates: list[Run], strategy: str) -> Run | None:
    """The run of `strategy` that `run` is compared with: same seed if any, else the lowest seed."""
    pool = [c for c in candidates if c.strategy == strategy]
    if not pool:
        return None
    same_seed = [c for c in pool if c.seed == run.seed]
    return min(same_seed or pool, key=lambda c: c.sort_key)


_BASE_COLOURS = {ZERO_SHOT: "#7f7f7f", "x_x": "#1f77b4", "x_y": "#ff7f0e", "hybrid": "#2ca02c"}
_HYBRID_SHADES = ("#2ca02c", "#17becf", "#9467bd", "#8c564b", "#e377c2", "#bcbd22")


def run_colours(runs: list[Run]) -> dict[str, str]:
    """A colour per run: one per strategy; several hybrid alphas get distinct colours."""
    alphas = sorted({r.alpha for r in runs if r.strategy == "hybrid"}, key=lambda a: abs(a - PAPER_ALPHA))
    colours = {}
    for run in runs:
        if run.strategy == "hybrid":
            colours[run.name] = _HYBRID_SHADES[alphas.index(run.alpha) % len(_HYBRID_SHADES)]
        else:
            colours[run.name] = _BASE_COLOURS[run.strategy]
    return colours
