"""Which runs a table or figure shows, in which order, and which run each is compared with."""

import pandas as pd

from hybridir.plan import STRATEGY_ORDER, Run
from hybridir.report.format import PAPER_ALPHA

REFERENCES = ("x_x", "x_y")


def sorted_runs(encoder: str, names: list[str] | pd.Series) -> list[Run]:
    """The runs of `encoder` called `names`, in report order (Run.sort_key), each once."""
    return sorted({Run.parse(encoder, n) for n in names}, key=lambda r: r.sort_key)


def run_order(frame: pd.DataFrame) -> pd.Series:
    """Each row's place in report order by its run (Run.sort_key), from columns encoder and run."""
    runs = {(e, r): Run.parse(e, r).sort_key for e, r in zip(frame["encoder"], frame["run"], strict=True)}
    rank = {key: i for i, key in enumerate(sorted(set(runs.values())))}
    return pd.Series([rank[runs[key]] for key in zip(frame["encoder"], frame["run"], strict=True)], index=frame.index)


def primary_runs(encoder: str, names: list[str] | pd.Series) -> dict[str, str]:
    """Strategy -> the run that represents it: lowest seed; hybrid: alpha nearest 0.5."""

    def preference(run: Run) -> tuple:
        alpha = run.alpha if run.alpha is not None else PAPER_ALPHA
        return (abs(alpha - PAPER_ALPHA), alpha, run.seed or 0)

    runs = sorted_runs(encoder, names)
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
