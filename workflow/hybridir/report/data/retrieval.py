"""The retrieval tables of the report (Tables 1-4): long frames from the evaluate stage's tables.

Each builder returns a frame with exactly the columns of its schema
(workflow/schemas/tables/report_<name>.schema.json), sorted for reading. Every value, interval
and p-value is the evaluate stage's (hybridir.evaluate); nothing here resamples.
"""

import pandas as pd

from hybridir.evaluate.metrics import pooled_mean_ci
from hybridir.plan import Run
from hybridir.report.data.paper import attach_paper
from hybridir.report.data.runs import REFERENCES, reference_run, run_order, sorted_runs

MACRO = "macro"
MEAN = "mean"
RUN_COLUMNS = ["encoder", "run", "strategy", "alpha", "seed"]
INTERVAL = ["value", "ci_low", "ci_high", "queries"]
COMPARISON = ["vs_x_x", "p_x_x", "vs_x_y", "p_x_y"]
PAPER = ["paper_value", "paper_source"]

# (setting, metric) of the per-language table, in reading order
PER_LANGUAGE_MEASURES = [
    ("mono", "map"),
    ("cross", "map"),
    ("multi", "map"),
    ("mono", "recall_1"),
    ("cross", "recall_1"),
    ("multi", "recall_10"),
]
LOWER_IS_BETTER = {"rank_distance"}


def _order(frame: pd.DataFrame, *then: str) -> pd.DataFrame:
    """Rows in reading order: encoders as first seen, runs in report order, then `then`."""
    encoders = {e: i for i, e in enumerate(pd.unique(frame["encoder"]))}
    keyed = frame.assign(_e=frame["encoder"].map(encoders), _r=run_order(frame))
    return keyed.sort_values(["_e", "_r", *then], kind="stable").drop(columns=["_e", "_r"]).reset_index(drop=True)


def _macro(metrics: pd.DataFrame, benchmarks: list[str], setting: str | None, metric: str) -> pd.DataFrame:
    rows = metrics[
        metrics["benchmark"].isin(benchmarks)
        & (metrics["metric"] == metric)
        & (metrics["query_lang"] == MACRO)
        & ((metrics["setting"] == setting) if setting else True)
    ]
    return rows.copy()


def compare_with_references(rows: pd.DataFrame, significance: pd.DataFrame, metric: str) -> pd.DataFrame:
    """Add vs_x_x / p_x_x / vs_x_y / p_x_y to macro rows (encoder, run, benchmark, setting).

    vs_<s> is 'better' or 'worse' when the paired test against the run of strategy s (same
    encoder; same seed where there is one) is significant, 'not significant' when it is not, and
    null when the row is that run itself or no comparison exists. Better means lower for rank
    distance and higher for every other metric.
    """
    tests = significance[significance["metric"] == metric]
    lookup = {
        (t.encoder, t.benchmark, t.setting, t.run_a, t.run_b): (t.difference, t.p_value, t.significant)
        for t in tests.itertuples(index=False)
    }
    runs = {enc: sorted_runs(enc, group["run"]) for enc, group in rows.groupby("encoder", sort=False)}
    lower = metric in LOWER_IS_BETTER
    results: dict[str, list] = {c: [] for c in COMPARISON}
    for row in rows.itertuples(index=False):
        run = Run.parse(row.encoder, row.run)
        for strategy in REFERENCES:
            reference = reference_run(run, runs[row.encoder], strategy)
            verdict, p_value = None, None
            if reference is not None and reference.name != run.name:
                key = (row.encoder, row.benchmark, row.setting)
                if (*key, reference.name, run.name) in lookup:
                    difference, p_value, significant = lookup[(*key, reference.name, run.name)]
                elif (*key, run.name, reference.name) in lookup:
                    difference, p_value, significant = lookup[(*key, run.name, reference.name)]
                    difference = -difference
                else:
                    difference, significant = None, None
                if difference is not None:
                    improved = difference < 0 if lower else difference > 0
                    verdict = ("better" if improved else "worse") if significant else "not significant"
                    p_value = float(p_value)
            results[f"vs_{strategy}"].append(verdict)
            results[f"p_{strategy}"].append(p_value)
    out = rows.copy()
    for column, values in results.items():
        out[column] = pd.Series(values, index=out.index, dtype="object" if column.startswith("vs") else "float64")
    return out


def map_table(
    metrics: pd.DataFrame, significance: pd.DataFrame, paper: pd.DataFrame, benchmarks: list[str]
) -> pd.DataFrame:
    """Table 1 of the paper: macro mAP per encoder x run x benchmark x setting (mono, cross, multi)."""
    rows = _macro(metrics, benchmarks, None, "map")
    rows = rows[rows["setting"].isin(["mono", "cross", "multi"])]
    rows = compare_with_references(rows, significance, "map")
    rows = attach_paper(rows, paper, metric="map")
    columns = [*RUN_COLUMNS, "benchmark", "setting", *INTERVAL, *PAPER, *COMPARISON]
    settings = {"mono": 0, "cross": 1, "multi": 2}
    rows = rows.assign(_b=rows["benchmark"].map(benchmarks.index), _s=rows["setting"].map(settings))
    return _order(rows, "_b", "_s")[columns]


def rank_distance_table(
    metrics: pd.DataFrame, significance: pd.DataFrame, paper: pd.DataFrame, benchmarks: list[str]
) -> pd.DataFrame:
    """Table 2 of the paper: macro rank distance (multi setting) per encoder x run x benchmark."""
    rows = _macro(metrics, benchmarks, "multi", "rank_distance")
    rows = compare_with_references(rows, significance, "rank_distance")
    rows = attach_paper(rows, paper, metric="rank_distance")
    columns = [*RUN_COLUMNS, "benchmark", *INTERVAL, *PAPER, *COMPARISON]
    rows = rows.assign(_b=rows["benchmark"].map(benchmarks.index))
    return _order(rows, "_b")[columns]


def miracl_table(
    metrics: pd.DataFrame,
    significance: pd.DataFrame,
    paper: pd.DataFrame,
    benchmarks: list[str],
    train_languages: list[str],
) -> pd.DataFrame:
    """nDCG@10 and Recall@100 (mono) per language and their mean, for MIRACL-format benchmarks."""
    columns = [*RUN_COLUMNS, "benchmark", "lang", "zero_shot_lang", "metric", *INTERVAL, *PAPER, *COMPARISON]
    parts = []
    for metric in ("ndcg_10", "recall_100"):
        rows = metrics[
            metrics["benchmark"].isin(benchmarks) & (metrics["setting"] == "mono") & (metrics["metric"] == metric)
        ]
        macro = compare_with_references(rows[rows["query_lang"] == MACRO], significance, metric)
        macro = attach_paper(macro, paper)
        languages = rows[(rows["query_lang"] != MACRO) & (rows["query_lang"] == rows["pool_lang"])].copy()
        for column in COMPARISON + PAPER:
            languages[column] = None
        parts += [macro, languages]
    rows = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else None
    if rows is None:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    rows["lang"] = rows["query_lang"].where(rows["query_lang"] != MACRO, MEAN)
    rows["zero_shot_lang"] = [None if lang == MEAN else lang not in train_languages for lang in rows["lang"]]
    rows = rows.assign(
        _b=rows["benchmark"].map(benchmarks.index),
        _m=rows["metric"].map({"ndcg_10": 0, "recall_100": 1}),
        _l=rows["lang"] == MEAN,
    )
    return _order(rows, "_b", "_m", "_l", "lang")[columns]


def per_language_table(
    metrics: pd.DataFrame,
    per_query: dict[tuple[str, str, str], pd.DataFrame],
    benchmarks: list[str],
    train_languages: list[str],
    seed: int,
    resamples: int,
) -> pd.DataFrame:
    """mAP, Recall@1 and Recall@10 per query language (mono, cross averaged over pools, multi).

    Mono and multi values and intervals are the evaluate stage's (one combination each); a cross
    value is the mean over the pool languages of one query language, its interval from
    hybridir.evaluate.metrics.pooled_mean_ci on per_query (keyed by encoder, run, benchmark).
    """
    columns = [*RUN_COLUMNS, "benchmark", "lang", "zero_shot_lang", "setting", "metric", *INTERVAL]
    single = metrics[
        metrics["benchmark"].isin(benchmarks)
        & (metrics["query_lang"] != MACRO)
        & (
            ((metrics["setting"] == "mono") & metrics["metric"].isin(["map", "recall_1"]))
            | ((metrics["setting"] == "multi") & metrics["metric"].isin(["map", "recall_10"]))
        )
    ]
    parts = [single.rename(columns={"query_lang": "lang"})]
    runs = metrics.drop_duplicates(["encoder", "run"]).set_index(["encoder", "run"])
    cross_rows = []
    for (encoder, run, benchmark), table in sorted(per_query.items()):
        if benchmark not in benchmarks or (encoder, run) not in runs.index:
            continue
        info = runs.loc[(encoder, run)]
        cross = table[table["setting"] == "cross"]
        for lang, group in cross.groupby("query_lang"):
            for metric, column in (("map", "ap"), ("recall_1", "recall_1")):
                key = (encoder, run, benchmark, lang, metric)
                value, low, high = pooled_mean_ci(group, column, key, seed, resamples)
                cross_rows.append(
                    {
                        "encoder": encoder,
                        "run": run,
                        "strategy": info["strategy"],
                        "alpha": info["alpha"],
                        "seed": info["seed"],
                        "benchmark": benchmark,
                        "lang": lang,
                        "setting": "cross",
                        "metric": metric,
                        "value": value,
                        "ci_low": low,
                        "ci_high": high,
                        "queries": len(group),
                    }
                )
    if cross_rows:
        parts.append(pd.DataFrame(cross_rows))
    rows = pd.concat(parts, ignore_index=True)
    rows["zero_shot_lang"] = ~rows["lang"].isin(train_languages)
    order = {m: i for i, m in enumerate(PER_LANGUAGE_MEASURES)}
    rows = rows.assign(
        _b=rows["benchmark"].map(benchmarks.index),
        _m=[order[(s, m)] for s, m in zip(rows["setting"], rows["metric"], strict=True)],
    )
    return _order(rows, "_b", "_m", "lang")[columns]
