"""Verdicts of a report table against the x_x and x_y strategies, Holm-corrected over the table.

For each row (a strategy of an encoder on a benchmark, setting and metric) and each reference
strategy x_x, x_y other than the row's own, of the row's training mixture: the evaluate stage's
paired comparison over all seeds (significance table). The untrained encoder is a baseline, not
compared. A pair of strategies counts once in the family (the x_x row against x_y is the x_y row
against x_x); the family is every comparison the table shows, and its p-values are adjusted with
Holm's method
(hybridir.evaluate.significance.holm). vs_<reference> is 'better' or 'worse' where the adjusted
p-value is below 0.05 (better = higher, but lower for rank distance), else 'not significant';
p_<reference> is the adjusted p-value; `comparisons` is the size of the family. A table whose
rows and tests have more context columns (the language groups: grouping and group) names them.
"""

from collections.abc import Mapping

import numpy as np
import pandas as pd

from hybridir.evaluate.significance import LEVEL, SIDES, holm
from hybridir.report.data.runs import row_strategies, strategy
from hybridir.report.format import label
from hybridir.vocabulary import FORMATS, METRICS, ZERO_SHOT, alpha_strategies, references

COLUMNS = [*(f"{column}_{name}" for name in references() for column in ("vs", "p")), "comparisons"]
CONTEXT = ["encoder", "benchmark", "setting", "metric"]


def _tests(significance: pd.DataFrame, context_columns: list[str]) -> dict[tuple, tuple[float, float]]:
    """(*context, strategy x, strategy y) -> (value x - value y, p)."""
    tests = {}
    sides = zip(row_strategies(significance, "_a"), row_strategies(significance, "_b"), strict=True)
    for t, (a, b) in zip(significance.itertuples(index=False), sides, strict=True):
        context = tuple(getattr(t, column) for column in context_columns)
        tests[(*context, b, a)] = (t.difference, t.p_value)  # the table's difference is b - a
        tests[(*context, a, b)] = (-t.difference, t.p_value)
    return tests


def _found(rows: pd.DataFrame, tests: dict, context_columns: list[str]) -> dict[tuple, tuple[float, float, tuple]]:
    """(row index, reference) -> (difference row - reference, p, the pair's key in the family)."""
    found = {}
    owns = row_strategies(rows)
    for index, row, own in zip(rows.index, rows[context_columns].itertuples(index=False), owns, strict=True):
        context = tuple(row)
        for name in references():
            reference = strategy(own.encoder, name, None, own.mixture)
            if own.strategy != ZERO_SHOT and reference != own and (*context, own, reference) in tests:
                difference, p = tests[(*context, own, reference)]
                found[(index, name)] = (difference, p, (context, frozenset((own, reference))))
    return found


def _verdict(difference: float, p: float, metric: str) -> str:
    improved = difference > 0 if METRICS[metric].higher_is_better else difference < 0
    return ("better" if improved else "worse") if p < LEVEL else "not significant"


def verdicts(rows: pd.DataFrame, significance: pd.DataFrame, context: list[str] = CONTEXT) -> pd.DataFrame:
    """`rows` (strategy, alpha and the `context` columns) with the COLUMNS added, from the tests of
    `significance` (the same context columns, strategy_a/b, alpha_a/b, difference, p_value)."""
    found = _found(rows, _tests(significance, context), context)
    family = {key: p for _, p, key in found.values()}
    adjusted = dict(zip(family, holm(np.array(list(family.values()))), strict=True)) if family else {}
    out = rows.copy()
    for name in references():
        tested = [found.get((index, name)) for index in rows.index]
        p_values = [adjusted[t[2]] if t else np.nan for t in tested]
        out[f"vs_{name}"] = pd.Series(
            [
                _verdict(t[0], p, metric) if t else None
                for t, p, metric in zip(tested, p_values, rows["metric"], strict=True)
            ],
            index=rows.index,
            dtype="object",
        )
        out[f"p_{name}"] = pd.Series(p_values, index=rows.index, dtype="float64")
    return out.assign(comparisons=len(family))


def _labels(tests: pd.DataFrame, sides: np.ndarray) -> list[str]:
    """Label of the strategy on side a or b of each test."""
    runs = {side: row_strategies(tests, f"_{side}") for side in SIDES}
    return [label(runs[side][i]) for i, side in enumerate(sides)]


def _compared(significance: pd.DataFrame, formats: Mapping[str, str]) -> np.ndarray:
    """Which tests compare a strategy that takes alpha (hybrid) with a reference (x_x, x_y) on a
    measure its benchmark's format compares."""
    pairs = [{a, r} for a in alpha_strategies() for r in references()]
    return np.array(
        [
            (setting, metric) in FORMATS[formats[benchmark]].compared and {a, b} in pairs
            for setting, metric, benchmark, a, b in significance[
                ["setting", "metric", "benchmark", "strategy_a", "strategy_b"]
            ].itertuples(index=False)
        ],
        dtype=bool,
    )


def hybrid_tests(significance: pd.DataFrame, formats: Mapping[str, str]) -> pd.DataFrame:
    """The tests of a hybrid strategy against x_x or x_y on the compared measures of each benchmark's
    format (`formats`: benchmark -> format, in config order), turned to hybrid minus the other (delta,
    low, high; labels hybrid, other), with Holm-adjusted p-values (p_holm) over exactly these tests."""
    tests = significance[_compared(significance, formats)]
    flip = tests["strategy_a"].isin(alpha_strategies()).to_numpy()  # the table holds b - a
    sign = np.where(flip, -1.0, 1.0)
    low, high = np.sort(np.stack([sign * tests["ci_low"], sign * tests["ci_high"]]), axis=0)
    rows = tests.assign(
        hybrid=_labels(tests, np.where(flip, "a", "b")),
        other=_labels(tests, np.where(flip, "b", "a")),
        delta=sign * tests["difference"],
        low=low,
        high=high,
        p_holm=holm(tests["p_value"]),
        _b=tests["benchmark"].map({b: i for i, b in enumerate(formats)}),
        _m=[
            FORMATS[formats[b]].compared.index((setting, metric))
            for b, setting, metric in zip(tests["benchmark"], tests["setting"], tests["metric"], strict=True)
        ],
    )
    return rows.sort_values(["_b", "_m"], kind="stable").drop(columns=["_b", "_m"])
