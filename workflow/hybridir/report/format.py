"""How the report writes things: numbers, means over seeds with their spread and interval, the
paper's values, metric names, evaluation settings, labels and colours of strategies and runs.

Strategies and runs are `hybridir.plan.Run`s; this module only gives them a label and a colour.
"""

import math
from collections.abc import Mapping
from typing import Any

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


def markers(row: pd.Series) -> str:
    """† / ‡ for significant improvements over x_x / x_y."""
    return "".join(mark for column, mark in MARKERS.items() if row.get(column) == "better")


def cell(row: pd.Series, digits: int = 3) -> str:
    """Mean over seeds ± their standard deviation, the interval and markers of one report row:
    '0.712 ± 0.004 [0.690, 0.731] †' (no ± with one seed)."""
    spread = row.get("seed_sd")
    mean = number(row["value"], digits)
    if spread is not None and not pd.isna(spread):
        mean = f"{mean} ± {number(spread, digits)}"
    text = f"{mean} [{number(row['ci_low'], digits)}, {number(row['ci_high'], digits)}]"
    mark = markers(row)
    return f"{text} {mark}" if mark else text


def paper_cell(row: pd.Series, digits: int = 3) -> str:
    """The paper's value and our difference from it: '0.798 (Δ -0.086)', or '—'."""
    if row.get("paper_value") is None or pd.isna(row["paper_value"]):
        return MISSING
    return f"{number(row['paper_value'], digits)} (Δ {signed(row['paper_difference'], digits)})"


def seeds_text(seeds: list[list[int]] | pd.Series) -> str:
    """'seeds 7, 8, 9' for the distinct seeds of trained rows (zero_shot has none)."""
    found = sorted({int(s) for row in seeds for s in row})
    return ("seed " if len(found) == 1 else "seeds ") + ", ".join(map(str, found)) if found else "no trained run"


def evaluation_note(settings: Mapping[str, Any]) -> str:
    """The evaluation settings a table was computed with, in words."""
    context = (
        "each candidate sentence encoded with its paragraph, a MIRACL passage after its title"
        if settings["candidate_context"]
        else "candidates encoded as bare text"
    )
    length = f"{settings['max_length']} tokens" if settings["max_length"] else "the model's own maximum length"
    flag = str(settings["candidate_context"]).lower()
    return (
        f"Evaluation settings: {context} (`evaluation.candidate_context: {flag}`); "
        f"texts cut at {length} (`evaluation.max_length`); every trained strategy run with seeds "
        f"{', '.join(map(str, settings['seeds']))} (`training.seeds`); {settings['resamples']} bootstrap resamples "
        "(`evaluation.resamples`)."
    )


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


def colours(runs: list[Run]) -> dict[str, str]:
    """A colour per label (strategy): one per strategy; several hybrid alphas get distinct colours."""
    alphas = sorted({r.alpha for r in runs if r.strategy == "hybrid"}, key=lambda a: abs(a - PAPER_ALPHA))
    return {
        label(run): (
            _HYBRID_SHADES[alphas.index(run.alpha) % len(_HYBRID_SHADES)]
            if run.strategy == "hybrid"
            else _BASE_COLOURS[run.strategy]
        )
        for run in runs
    }
