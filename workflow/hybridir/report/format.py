"""How the report writes things: numbers, intervals, metric and setting names, run labels and colours.

Runs are `hybridir.plan.Run`s; this module only gives them a short label and a colour.
"""

import math

import pandas as pd

from hybridir.plan import ZERO_SHOT, Run

MISSING = "—"
PAPER_NAME = "Elmahdy, Lin, Ahmad (2024), arXiv 2408.10536"
PAPER_ALPHA = 0.5
METRIC_NAMES = {
    "map": "mAP",
    "recall_1": "Recall@1",
    "recall_10": "Recall@10",
    "recall_100": "Recall@100",
    "ndcg_10": "nDCG@10",
    "rank_distance": "rank distance",
}
MARKERS = {"vs_x_x": "†", "vs_x_y": "‡"}
_BASE_COLOURS = {ZERO_SHOT: "#7f7f7f", "x_x": "#1f77b4", "x_y": "#ff7f0e", "hybrid": "#2ca02c"}
_HYBRID_SHADES = ("#2ca02c", "#17becf", "#9467bd", "#8c564b", "#e377c2", "#bcbd22")


def number(value: float | None, digits: int = 3) -> str:
    """A formatted number, or '—' where there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    return f"{value + 0.0 if round(value, digits) else 0.0:.{digits}f}"  # never "-0.000"


def signed(value: float, digits: int = 3) -> str:
    """'+0.012', '-0.004', '0.000' (no sign on a value that rounds to zero)."""
    return number(value, digits) if not round(value, digits) else f"{value:+.{digits}f}"


def with_interval(value: float, low: float, high: float, digits: int = 3) -> str:
    """'0.798 [0.785, 0.811]'."""
    return f"{number(value, digits)} [{number(low, digits)}, {number(high, digits)}]"


def markers(row: pd.Series) -> str:
    """† / ‡ for significant improvements over x_x / x_y."""
    return "".join(mark for column, mark in MARKERS.items() if row.get(column) == "better")


def cell(row: pd.Series, digits: int = 3) -> str:
    """Value, interval and markers of one row of a report table."""
    text = with_interval(row["value"], row["ci_low"], row["ci_high"], digits)
    mark = markers(row)
    return f"{text} {mark}" if mark else text


def metric_name(metric: str) -> str:
    """'mAP', 'Recall@1', ... (the metric's own name where it has no readable one)."""
    return METRIC_NAMES.get(metric, metric)


def lang_label(lang: str, zero_shot: bool | None) -> str:
    return f"{lang} (zero-shot)" if zero_shot else lang


def label(run: Run) -> str:
    """Short label for tables and legends: 'untrained' (zero_shot), 'x_x', 'hybrid α=0.5'."""
    if run.strategy == ZERO_SHOT:
        return "untrained"
    if run.alpha is not None:
        return f"{run.strategy} α={run.alpha:g}"
    return run.strategy


def run_labels(runs: list[Run]) -> dict[str, str]:
    """Run name -> label; the seed is added where several runs share a label."""
    labels = {r.name: label(r) for r in runs}
    counts = pd.Series(list(labels.values())).value_counts()
    return {r.name: f"{label(r)} s{r.seed}" if counts[label(r)] > 1 else label(r) for r in runs}


def run_colours(runs: list[Run]) -> dict[str, str]:
    """A colour per run: one per strategy; several hybrid alphas get distinct colours."""
    alphas = sorted({r.alpha for r in runs if r.strategy == "hybrid"}, key=lambda a: abs(a - PAPER_ALPHA))
    return {
        run.name: (
            _HYBRID_SHADES[alphas.index(run.alpha) % len(_HYBRID_SHADES)]
            if run.strategy == "hybrid"
            else _BASE_COLOURS[run.strategy]
        )
        for run in runs
    }
