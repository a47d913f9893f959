"""The answer of a study (config `study`): each of its comparisons is one row of the evaluate
stage's paired comparisons, `significance` (a benchmark's overall measure) or
`language_group_significance` (the measure on a group of languages: a Joshi class, the languages
training saw or not, ...), read as `strategy` minus `against`.

Every statistic is the evaluate stage's: the means over seeds, the difference and its 95% interval
under the multi-bootstrap over seeds and questions, the uncorrected p-value. The study adds Holm's
correction over its own comparisons (one family: the answer page's) and a verdict per comparison
from the adjusted p-value and the sign of the difference (lower is better for rank distance).
"""

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from hybridir.config_study import SPEC, Comparison
from hybridir.errors import DataError
from hybridir.evaluate.significance import LEVEL, holm
from hybridir.vocabulary import METRICS

BETTER, WORSE, NO_DIFFERENCE = "better", "worse", "no significant difference at this scale"
COLUMNS = [
    "comparison", *SPEC, "value", "value_against", "difference", "ci_low", "ci_high", "p_value", "p_holm", "verdict",
    "comparisons", "seeds", "seeds_against", "questions",
]  # fmt: skip


def _matches(frame: pd.DataFrame, side: str, strategy: str, alpha: float | None, mixture: str | None) -> pd.Series:
    alphas = frame[f"alpha_{side}"]
    same_alpha = alphas.isna() if alpha is None else np.isclose(alphas.astype(float), alpha)
    mixtures = frame[f"mixture_{side}"]
    same_mixture = mixtures.isna() if mixture is None else mixtures == mixture
    return (frame[f"strategy_{side}"] == strategy) & same_alpha & same_mixture


def _row(comparison: Comparison, table: pd.DataFrame) -> tuple[pd.Series, bool]:
    """The table's row of the comparison, and whether it reads the other way (strategy on side a)."""
    where = (
        (table["encoder"] == comparison.encoder)
        & (table["benchmark"] == comparison.benchmark)
        & (table["setting"] == comparison.setting)
        & (table["metric"] == comparison.metric)
    )
    if comparison.grouping is not None:
        where &= (table["grouping"] == comparison.grouping) & (table["group"] == comparison.group)
    strategy = (comparison.strategy, comparison.alpha, comparison.mixture)
    against = (comparison.against, comparison.against_alpha, comparison.against_mixture)
    forward = table[where & _matches(table, "b", *strategy) & _matches(table, "a", *against)]
    backward = table[where & _matches(table, "a", *strategy) & _matches(table, "b", *against)]
    found = [(row, False) for _, row in forward.iterrows()] + [(row, True) for _, row in backward.iterrows()]
    if len(found) != 1:
        source = "language_group_significance" if comparison.grouping else "significance"
        raise DataError(
            f"study comparison {comparison.label!r}: expected one row of the {source} tables, found {len(found)} "
            "(a strategy, alpha, mixture, measure or language group that the config does not evaluate?)"
        )
    return found[0]


def _oriented(comparison: Comparison, row: pd.Series, reversed_: bool) -> dict[str, Any]:
    """The row's statistics as `strategy` minus `against`."""
    sign = -1.0 if reversed_ else 1.0
    low, high = sign * row["ci_low"], sign * row["ci_high"]
    own, other = ("a", "b") if reversed_ else ("b", "a")
    return {
        "comparison": comparison.label,
        **comparison.record(),
        "value": row[f"value_{own}"],
        "value_against": row[f"value_{other}"],
        "difference": sign * row["difference"],
        "ci_low": min(low, high),
        "ci_high": max(low, high),
        "p_value": row["p_value"],
        "seeds": list(row[f"seeds_{own}"]),
        "seeds_against": list(row[f"seeds_{other}"]),
        "questions": row["questions"],
    }


def verdict(difference: float, p_holm: float, metric: str) -> str:
    """better / worse where the Holm-adjusted p is below 0.05 (by the metric's direction), else no difference."""
    if not p_holm < LEVEL:
        return NO_DIFFERENCE
    improved = difference > 0 if METRICS[metric].higher_is_better else difference < 0
    return BETTER if improved else WORSE


def answer_table(
    comparisons: Sequence[Comparison], significance: pd.DataFrame, group_significance: pd.DataFrame
) -> pd.DataFrame:
    """One row per comparison (COLUMNS), in the study's order, Holm-corrected as one family."""
    rows = [_oriented(c, *_row(c, group_significance if c.grouping else significance)) for c in comparisons]
    frame = pd.DataFrame(rows)
    adjusted = holm(frame["p_value"].to_numpy())
    frame["p_holm"] = adjusted
    frame["verdict"] = [
        verdict(d, p, m) for d, p, m in zip(frame["difference"], adjusted, frame["metric"], strict=True)
    ]
    frame["comparisons"] = len(frame)
    return frame[COLUMNS]
