"""How the report writes things: numbers, means over seeds with their spread and interval, the
paper's values, metric names, evaluation settings, labels and colours of strategies and runs.

Strategies and runs are `hybridir.vocabulary.Run`s; their labels, colours and markers are their
strategies' records (hybridir.vocabulary.STRATEGIES).
"""

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from hybridir.vocabulary import Run, alpha_text, references, strategy

MISSING = "—"
PAPER_NAME = "Elmahdy, Lin, Ahmad (2024), arXiv 2408.10536"
PAPER_ALPHA = 0.5
# colours of a strategy's further alphas (its own colour is the alpha nearest PAPER_ALPHA's)
ALPHA_SHADES = ("#17becf", "#9467bd", "#8c564b", "#e377c2", "#bcbd22")


def number(value: float | None, digits: int = 3) -> str:
    """A formatted number, or '—' where there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    return f"{value + 0.0 if round(value, digits) else 0.0:.{digits}f}"  # never "-0.000"


def signed(value: float, digits: int = 3) -> str:
    """'+0.012', '-0.004', '0.000' (no sign on a value that rounds to zero)."""
    return number(value, digits) if not round(value, digits) else f"{value:+.{digits}f}"


def markers(row: pd.Series) -> str:
    """The markers of the reference strategies (x_x †, x_y ‡) that a row is significantly better than."""
    return "".join(strategy(name).marker for name in references() if row.get(f"vs_{name}") == "better")


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
    length = f"{settings['max_length']} tokens (or the model's own maximum length where shorter)"
    flag = str(settings["candidate_context"]).lower()
    return (
        f"Evaluation settings: {context} (`evaluation.candidate_context: {flag}`); "
        f"texts cut at {length} (`evaluation.max_length`); every trained strategy run with seeds "
        f"{', '.join(map(str, settings['seeds']))} (`training.seeds`); {settings['resamples']} bootstrap resamples "
        "(`evaluation.resamples`)."
    )


def lang_label(lang: str, zero_shot: bool | None) -> str:
    return f"{lang} (zero-shot)" if zero_shot else lang


def label(run: Run) -> str:
    """Short label for tables and legends: its strategy's label, with α where it has one and its
    training mixture where it is not the default: 'hybrid α=0.5', 'x_x on plus_fiqa'."""
    text = strategy(run.strategy).label
    text = f"{text} α={alpha_text(run.alpha)}" if run.alpha is not None else text
    return f"{text} on {run.mixture}" if run.mixture is not None else text


def run_labels(runs: list[Run]) -> dict[str, str]:
    """Run name -> label; the seed is added where several runs share a label."""
    labels = {r.name: label(r) for r in runs}
    counts = pd.Series(list(labels.values())).value_counts()
    return {r.name: f"{label(r)} s{r.seed}" if counts[label(r)] > 1 else label(r) for r in runs}


def tint(colour: str, step: int) -> str:
    """A colour `step` steps from `colour`: mixed alternately with white and black, further each time."""
    if step == 0:
        return colour
    towards, share = (255, 0)[(step - 1) % 2], min(0.8, 0.3 + 0.2 * ((step - 1) // 2))
    channels = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (towards - c) * share):02x}" for c in channels)


def colours(runs: list[Run]) -> dict[str, str]:
    """A colour per label (strategy): its strategy's; the alphas of a strategy that takes one get its
    colour (the alpha nearest PAPER_ALPHA) and then ALPHA_SHADES; its training mixtures after the
    first (by name) tints of that colour."""

    def colour(run: Run) -> str:
        record = strategy(run.strategy)
        same = [r for r in runs if r.strategy == run.strategy]
        alphas = sorted({r.alpha or 0.0 for r in same}, key=lambda a: (abs(a - PAPER_ALPHA), a))
        mixtures = sorted({r.mixture or "" for r in same})
        shades = (record.colour, *ALPHA_SHADES)
        return tint(shades[alphas.index(run.alpha or 0.0) % len(shades)], mixtures.index(run.mixture or ""))

    return {label(run): colour(run) for run in runs}
