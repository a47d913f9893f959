"""The retrieval tables of the report: long frames from the evaluate stage's strategy_metrics
(every strategy over its seeds) and significance tables.

A row is a strategy of an encoder over all its seeds: the mean over seeds, their standard
deviation and the multi-bootstrap interval (hybridir.evaluate.seeds); where the paper publishes
the same number, its value and our difference from it; and verdicts against x_x and x_y,
Holm-corrected over the table (hybridir.report.data.comparisons). Each builder returns exactly the
columns of its schema (workflow/schemas/tables/report_<name>.schema.json), sorted for reading.
Nothing here resamples: every statistic is the evaluate stage's.
"""

import pandas as pd

from hybridir.evaluate.cells import MACRO
from hybridir.report.data import comparisons
from hybridir.report.data.paper import attach_paper
from hybridir.report.data.runs import order
from hybridir.vocabulary import CROSS, MAP, METRICS, MONO, MULTI, RANK_DISTANCE, SETTINGS, Measure, shown_in
from hybridir.vocabulary import measures as format_measures

MEAN = "mean"
STRATEGY = ["encoder", "strategy", "alpha", "mixture", "seeds"]
VALUE = ["value", "seed_sd", "ci_low", "ci_high", "queries"]
PAPER = ["paper_value", "paper_difference", "paper_source"]


def table_measures(table: str) -> list[Measure]:
    """The (setting, metric) measures of a retrieval report table, in reading order, from the
    records of the benchmark formats it shows (hybridir.vocabulary.FORMATS)."""
    formats = shown_in(table)
    if table == "map":
        settings = dict.fromkeys(s for f in formats for s in f.settings)
        return [(setting, MAP) for setting in settings] + format_measures(formats, "xtreme_r")
    if table == "rank_distance":
        return [(setting, RANK_DISTANCE) for setting in METRICS[RANK_DISTANCE].settings]
    if table == "recall":
        return format_measures(formats, "recall")
    if table == "per_language":
        return format_measures(formats, "per_language") + format_measures(formats, "recall")
    return list(dict.fromkeys(format_measures(formats, "compared") + format_measures(formats, "recall")))


def sort_rows(frame: pd.DataFrame, keys: dict[str, pd.Series]) -> pd.DataFrame:
    """Rows by encoder and strategy (report order), then by `keys` in their order."""
    keyed = frame.assign(_order=order(frame), **{f"_{i}": key for i, key in enumerate(keys.values())})
    helpers = ["_order", *(f"_{i}" for i in range(len(keys)))]
    return keyed.sort_values(helpers, kind="stable").drop(columns=helpers).reset_index(drop=True)


def _overall(metrics: pd.DataFrame, benchmarks: list[str], measures: set[tuple[str, str]]) -> pd.DataFrame:
    """The macro rows over every combination of each (setting, metric) in `measures`."""
    measure = pd.Series(list(zip(metrics["setting"], metrics["metric"], strict=True)), index=metrics.index)
    chosen = metrics["benchmark"].isin(benchmarks) & (metrics["query_lang"] == MACRO) & measure.isin(measures)
    return metrics[chosen].copy()


def _with_paper(rows: pd.DataFrame, paper: pd.DataFrame) -> pd.DataFrame:
    """paper_value, paper_source and paper_difference (ours minus the paper's) of each row."""
    rows = attach_paper(rows, paper)
    return rows.assign(paper_difference=rows["value"] - rows["paper_value"])


def _macro_table(
    metrics: pd.DataFrame,
    significance: pd.DataFrame,
    paper: pd.DataFrame,
    benchmarks: list[str],
    measures: list[tuple[str, str]],
    columns: list[str],
) -> pd.DataFrame:
    """Overall macros of `measures` with the paper's values and Holm-corrected verdicts."""
    rows = _with_paper(comparisons.verdicts(_overall(metrics, benchmarks, set(measures)), significance), paper)
    rank = {measure: i for i, measure in enumerate(measures)}
    keys = {
        "benchmark": rows["benchmark"].map(benchmarks.index),
        "measure": pd.Series([rank[m] for m in zip(rows["setting"], rows["metric"], strict=True)], index=rows.index),
    }
    return sort_rows(rows, keys)[columns]


def map_table(
    metrics: pd.DataFrame, significance: pd.DataFrame, paper: pd.DataFrame, benchmarks: list[str]
) -> pd.DataFrame:
    """Table 1 of the paper: macro mAP per encoder x strategy x benchmark x setting (mono, cross,
    multi), and XTREME-R's mAP@20 (multi)."""
    columns = [*STRATEGY, "benchmark", "setting", "metric", *VALUE, *PAPER, *comparisons.COLUMNS]
    return _macro_table(metrics, significance, paper, benchmarks, table_measures("map"), columns)


def recall_table(
    metrics: pd.DataFrame, significance: pd.DataFrame, paper: pd.DataFrame, benchmarks: list[str]
) -> pd.DataFrame:
    """The paper's Recall: macro Recall@1 (mono, cross) and Recall@10 (multi) per encoder x strategy x benchmark."""
    columns = [*STRATEGY, "benchmark", "setting", "metric", *VALUE, *PAPER, *comparisons.COLUMNS]
    return _macro_table(metrics, significance, paper, benchmarks, table_measures("recall"), columns)


def rank_distance_table(
    metrics: pd.DataFrame, significance: pd.DataFrame, paper: pd.DataFrame, benchmarks: list[str]
) -> pd.DataFrame:
    """Table 2 of the paper: macro rank distance (multi setting) per encoder x strategy x benchmark."""
    columns = [*STRATEGY, "benchmark", *VALUE, *PAPER, *comparisons.COLUMNS]
    return _macro_table(metrics, significance, paper, benchmarks, table_measures("rank_distance"), columns)


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def miracl_table(
    metrics: pd.DataFrame,
    significance: pd.DataFrame,
    paper: pd.DataFrame,
    benchmarks: list[str],
    train_languages: list[str],
) -> pd.DataFrame:
    """nDCG@10 and Recall@100 (mono) per language and their mean, for MIRACL-format benchmarks;
    the paper's values and the verdicts are for the means."""
    table = language_table(metrics, significance, paper, benchmarks, train_languages, "miracl")
    return table.drop(columns="setting")


def _language(rows: pd.DataFrame) -> pd.Series:
    """The language a row of results per language stands for: the query's, the pool's for a
    setting of English queries (hybridir.vocabulary.Setting.lang_side), or 'mean'."""
    side = rows["setting"].map(lambda setting: SETTINGS[setting].lang_side)
    lang = rows["query_lang"].where(side == "query", rows["pool_lang"])
    return lang.where(rows["query_lang"] != MACRO, MEAN)


def language_table(
    metrics: pd.DataFrame,
    significance: pd.DataFrame,
    paper: pd.DataFrame,
    benchmarks: list[str],
    train_languages: list[str],
    table: str,
) -> pd.DataFrame:
    """The measures of report table `table` (their formats' compared and recall measures) per
    language and their mean over languages (cross: a query language's mean over its pools); the
    paper's values and the verdicts are for the means."""
    columns = [*STRATEGY, "benchmark", "lang", "zero_shot_lang", "setting", "metric", *VALUE, *PAPER]
    columns += comparisons.COLUMNS
    shown = table_measures(table)
    means = _with_paper(comparisons.verdicts(_overall(metrics, benchmarks, set(shown)), significance), paper)
    measure = pd.Series(list(zip(metrics["setting"], metrics["metric"], strict=True)), index=metrics.index)
    pooled = (metrics["setting"] == CROSS) == (metrics["pool_lang"] == MACRO)
    chosen = metrics["benchmark"].isin(benchmarks) & measure.isin(shown) & (metrics["query_lang"] != MACRO) & pooled
    unchecked = {c: None for c in [*PAPER, *comparisons.COLUMNS] if c != "comparisons"}
    languages = metrics[chosen].assign(**unchecked, comparisons=means["comparisons"].max())
    parts = [part for part in (means, languages) if len(part)]
    if not parts:
        return _empty(columns)
    rows = pd.concat(parts, ignore_index=True)
    rows["lang"] = _language(rows)
    rows["zero_shot_lang"] = [None if lang == MEAN else lang not in train_languages for lang in rows["lang"]]
    rank = {m: i for i, m in enumerate(shown)}
    keys = {
        "benchmark": rows["benchmark"].map(benchmarks.index),
        "measure": pd.Series([rank[m] for m in zip(rows["setting"], rows["metric"], strict=True)], index=rows.index),
        "mean last": rows["lang"] == MEAN,
        "lang": rows["lang"],
    }
    return sort_rows(rows, keys)[columns]


def per_language_table(metrics: pd.DataFrame, benchmarks: list[str], train_languages: list[str]) -> pd.DataFrame:
    """mAP, Recall@1 and Recall@10 per query language: mono (its own pool), cross (the mean over
    the pools of the other languages) and multi (the pool of all languages)."""
    columns = [*STRATEGY, "benchmark", "lang", "zero_shot_lang", "setting", "metric", *VALUE]
    measure = pd.Series(list(zip(metrics["setting"], metrics["metric"], strict=True)), index=metrics.index)
    language = metrics["query_lang"] != MACRO
    shown = table_measures("per_language")
    single_pool = metrics["setting"].isin([MONO, MULTI]) & (metrics["pool_lang"] != MACRO)
    pooled = (metrics["setting"] == CROSS) & (metrics["pool_lang"] == MACRO)
    chosen = metrics["benchmark"].isin(benchmarks) & measure.isin(shown) & language
    rows = metrics[chosen & (single_pool | pooled)].rename(columns={"query_lang": "lang"})
    rows = rows.assign(zero_shot_lang=~rows["lang"].isin(train_languages))
    rank = {m: i for i, m in enumerate(shown)}
    keys = {
        "benchmark": rows["benchmark"].map(benchmarks.index),
        "measure": pd.Series([rank[m] for m in zip(rows["setting"], rows["metric"], strict=True)], index=rows.index),
        "lang": rows["lang"],
    }
    return sort_rows(rows, keys)[columns]
