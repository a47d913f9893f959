"""The report's results by language resources: the evaluate stage's language_groups rows of every
grouping but single languages (Joshi class, seen / unseen in training, in / not in pretraining),
with verdicts against x_x and x_y Holm-corrected over the table (hybridir.report.data.comparisons);
and which strategies saw each language. Nothing here resamples: every statistic is the evaluate
stage's (hybridir.evaluate.groups)."""

import pandas as pd

from hybridir.report.data import comparisons
from hybridir.report.data.runs import order, row_strategies
from hybridir.report.format import label
from hybridir.vocabulary import LANGUAGE, SEEN, TRAINING

CONTEXT = ["encoder", "benchmark", "grouping", "group", "setting", "metric"]
COLUMNS = [
    "encoder", "strategy", "alpha", "mixture", "seeds", "benchmark", "grouping", "group", "languages", "setting",
    "metric", "value", "seed_sd", "ci_low", "ci_high", "queries", *comparisons.COLUMNS,
]  # fmt: skip


def language_groups_table(groups: pd.DataFrame, tests: pd.DataFrame, benchmarks: list[str]) -> pd.DataFrame:
    """Rows of every grouping but `language`, in benchmark (config) order, then encoder and strategy
    (report order), then the evaluate stage's order of groups and measures, with verdicts."""
    rows = groups[groups["grouping"] != LANGUAGE]
    family = tests[tests["grouping"] != LANGUAGE]
    judged = comparisons.verdicts(rows, family, context=CONTEXT)
    keyed = judged.assign(_benchmark=judged["benchmark"].map(benchmarks.index), _strategy=order(judged))
    ordered = keyed.sort_values(["_benchmark", "_strategy"], kind="stable")
    return ordered[COLUMNS].reset_index(drop=True)


def seen_by(groups: pd.DataFrame) -> dict[str, list[str]]:
    """Language -> labels of the strategies (encoder: strategy where there are several encoders)
    whose runs saw it in training, from the `training` rows of a language_groups table."""
    seen = groups[(groups["grouping"] == TRAINING) & (groups["group"] == SEEN)]
    several = seen["encoder"].nunique() > 1
    found: dict[str, list[str]] = {}
    rows = seen.drop_duplicates(["encoder", "strategy", "alpha", "mixture", "benchmark"])
    for row, own in zip(rows.itertuples(index=False), row_strategies(rows), strict=True):
        name = f"{row.encoder}: {label(own)}" if several else label(own)
        for lang in row.languages:
            if name not in found.setdefault(lang, []):
                found[lang].append(name)
    return found
