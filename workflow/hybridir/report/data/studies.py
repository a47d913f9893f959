"""The report tables of the training-data and domain studies, from the evaluate stage's
strategy_metrics and significance tables (every statistic is the evaluate stage's):

- beir: BEIR-format benchmarks, nDCG@10 and Recall@100 per query language and their means, mono
  (the untranslated queries, EN->EN) and cross (the machine-translated ones against the same
  corpus, X->EN), each row saying whether its queries are machine-translated; verdicts on the means;
- domains: every benchmark's compared measures (its format's) grouped by the benchmark's domain,
  with whether the row's training mixture holds a dataset of that domain; verdicts against x_x and
  x_y of the row's mixture, Holm-corrected over the table;
- mixtures: each strategy on one training mixture against the same strategy (and alpha) on
  another, on the compared measures, Holm-corrected over the table.
Each builder returns exactly the columns of its schema (workflow/schemas/tables/report_<name>.schema.json).
`benchmarks` are the report plan's benchmark facts (name, format, domain, translated_queries) and
`mixtures` its mixture facts (name, datasets, domains), in config order.
"""

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from hybridir.evaluate.cells import MACRO
from hybridir.evaluate.significance import LEVEL, holm
from hybridir.report.data import comparisons
from hybridir.report.data.retrieval import MEAN, STRATEGY, VALUE, sort_rows, table_measures
from hybridir.report.data.runs import row_strategies
from hybridir.vocabulary import CROSS, FORMATS, METRICS, ZERO_SHOT

Facts = Sequence[Mapping[str, Any]]
BEIR_COLUMNS = [
    *STRATEGY, "benchmark", "setting", "lang", "zero_shot_lang", "machine_translated", "metric", *VALUE,
    *comparisons.COLUMNS,
]  # fmt: skip
DOMAIN_COLUMNS = [
    *STRATEGY, "domain", "benchmark", "setting", "metric", "machine_translated", "domain_seen", *VALUE,
    *comparisons.COLUMNS,
]  # fmt: skip
MIXTURE_COLUMNS = [
    "encoder", "strategy", "alpha", "benchmark", "setting", "metric", "mixture_a", "seeds_a", "mixture_b",
    "seeds_b", "value_a", "value_b", "difference", "ci_low", "ci_high", "p_value", "p_holm", "verdict",
    "comparisons",
]  # fmt: skip


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})


def _measure(frame: pd.DataFrame) -> pd.Series:
    return pd.Series(list(zip(frame["setting"], frame["metric"], strict=True)), index=frame.index, dtype=object)


def _translated(facts: Facts) -> dict[str, list[str]]:
    return {b["name"]: list(b["translated_queries"]) for b in facts}


def beir_table(
    metrics: pd.DataFrame, significance: pd.DataFrame, benchmarks: Facts, train_languages: list[str]
) -> pd.DataFrame:
    """The beir table: per query language and mean (mono, cross) of every BEIR-format benchmark."""
    names = [b["name"] for b in benchmarks if "beir" in FORMATS[b["format"]].tables]
    shown = table_measures("beir")
    chosen = metrics[metrics["benchmark"].isin(names) & _measure(metrics).isin(shown)]
    means = chosen[(chosen["query_lang"] == MACRO) & (chosen["pool_lang"] == MACRO)]
    # per query language: mono in its own pool; cross over the pools of the other languages
    languages = chosen[
        (chosen["query_lang"] != MACRO) & ((chosen["setting"] == CROSS) == (chosen["pool_lang"] == MACRO))
    ]
    if means.empty and languages.empty:
        return _empty(BEIR_COLUMNS)
    means = comparisons.verdicts(means, significance)
    unchecked = {c: None for c in comparisons.COLUMNS if c != "comparisons"}
    languages = languages.assign(**unchecked, comparisons=means["comparisons"].max() if len(means) else 0)
    rows = pd.concat([part for part in (means, languages) if len(part)], ignore_index=True)
    rows["lang"] = rows["query_lang"].where(rows["query_lang"] != MACRO, MEAN)
    rows["zero_shot_lang"] = [None if lang == MEAN else lang not in train_languages for lang in rows["lang"]]
    translated = _translated(benchmarks)
    rows["machine_translated"] = [
        setting == CROSS if lang == MEAN else lang in translated[benchmark]
        for benchmark, setting, lang in zip(rows["benchmark"], rows["setting"], rows["lang"], strict=True)
    ]
    rank = {measure: i for i, measure in enumerate(shown)}
    keys = {
        "benchmark": rows["benchmark"].map(names.index),
        "measure": _measure(rows).map(rank),
        "mean first": rows["lang"] != MEAN,
        "lang": rows["lang"],
    }
    return sort_rows(rows, keys)[BEIR_COLUMNS]


def _domain_seen(rows: pd.DataFrame, domains: Mapping[str, str | None], mixtures: Facts) -> list[bool | None]:
    """Whether each row's training mixture holds a dataset of its benchmark's domain (None for the
    untrained encoder and an unlabelled benchmark)."""
    held = {m["name"]: set(m["domains"]) for m in mixtures}
    return [
        None if run.strategy == ZERO_SHOT or domains[benchmark] is None else domains[benchmark] in held[run.mixture]
        for run, benchmark in zip(row_strategies(rows), rows["benchmark"], strict=True)
    ]


def domains_table(
    metrics: pd.DataFrame, significance: pd.DataFrame, benchmarks: Facts, mixtures: Facts
) -> pd.DataFrame:
    """The domains table: each benchmark's compared measures (overall macros), by benchmark domain."""
    names = [b["name"] for b in benchmarks]
    compared = {b["name"]: FORMATS[b["format"]].compared for b in benchmarks}
    overall = metrics[(metrics["query_lang"] == MACRO) & metrics["benchmark"].isin(names)]
    keep = [measure in compared[b] for b, measure in zip(overall["benchmark"], _measure(overall), strict=True)]
    rows = overall[np.array(keep, dtype=bool)]
    if rows.empty:
        return _empty(DOMAIN_COLUMNS)
    rows = comparisons.verdicts(rows, significance)
    domains = {b["name"]: b["domain"] for b in benchmarks}
    translated = _translated(benchmarks)
    rows = rows.assign(
        domain=pd.Series([domains[b] for b in rows["benchmark"]], index=rows.index, dtype=object),
        machine_translated=[
            bool(translated[b]) and s == CROSS for b, s in zip(rows["benchmark"], rows["setting"], strict=True)
        ],
        domain_seen=pd.Series(_domain_seen(rows, domains, mixtures), index=rows.index, dtype=object),
    )
    domain_order = list(dict.fromkeys(domains[name] for name in names))
    keys = {
        "domain": [domain_order.index(d) for d in rows["domain"]],
        "benchmark": rows["benchmark"].map(names.index),
        "measure": [compared[b].index(m) for b, m in zip(rows["benchmark"], _measure(rows), strict=True)],
    }
    return sort_rows(rows, {k: pd.Series(v, index=rows.index) for k, v in keys.items()})[DOMAIN_COLUMNS]


def _verdict(difference: float, p: float, metric: str) -> str:
    improved = difference > 0 if METRICS[metric].higher_is_better else difference < 0
    return ("better" if improved else "worse") if p < LEVEL else "not significant"


def mixtures_table(significance: pd.DataFrame, benchmarks: Facts, mixtures: Facts) -> pd.DataFrame:
    """The mixtures table: each strategy on two training mixtures (b against a, a first in config
    order), on its benchmark's compared measures, Holm-adjusted over the table."""
    formats = {b["name"]: b["format"] for b in benchmarks}
    order = {m["name"]: i for i, m in enumerate(mixtures)}
    same = (significance["strategy_a"] == significance["strategy_b"]) & (
        significance["alpha_a"].fillna(-1.0) == significance["alpha_b"].fillna(-1.0)
    )
    tests = significance[same & (significance["mixture_a"] != significance["mixture_b"])]
    compared = [
        (s, m) in FORMATS[formats[b]].compared
        for b, s, m in zip(tests["benchmark"], tests["setting"], tests["metric"], strict=True)
    ]
    tests = tests[np.array(compared, dtype=bool)]
    if tests.empty:
        return _empty(MIXTURE_COLUMNS)
    flip = (tests["mixture_a"].map(order) > tests["mixture_b"].map(order)).to_numpy()
    sign = np.where(flip, -1.0, 1.0)
    low, high = np.sort(np.stack([sign * tests["ci_low"], sign * tests["ci_high"]]), axis=0)
    rows = tests.assign(
        strategy=tests["strategy_a"],
        alpha=tests["alpha_a"],
        mixture_a=np.where(flip, tests["mixture_b"], tests["mixture_a"]),
        mixture_b=np.where(flip, tests["mixture_a"], tests["mixture_b"]),
        seeds_a=np.where(flip, tests["seeds_b"], tests["seeds_a"]),
        seeds_b=np.where(flip, tests["seeds_a"], tests["seeds_b"]),
        value_a=np.where(flip, tests["value_b"], tests["value_a"]),
        value_b=np.where(flip, tests["value_a"], tests["value_b"]),
        difference=sign * tests["difference"],
        ci_low=low,
        ci_high=high,
        p_holm=holm(tests["p_value"]),
        comparisons=len(tests),
    )
    rows["verdict"] = [
        _verdict(d, p, m) for d, p, m in zip(rows["difference"], rows["p_holm"], rows["metric"], strict=True)
    ]
    keys = {
        "benchmark": rows["benchmark"].map(list(formats).index),
        "measure": [
            FORMATS[formats[b]].compared.index((s, m))
            for b, s, m in zip(rows["benchmark"], rows["setting"], rows["metric"], strict=True)
        ],
        "mixtures": [(order[a], order[b]) for a, b in zip(rows["mixture_a"], rows["mixture_b"], strict=True)],
    }
    return sort_rows(rows, {k: pd.Series(v, index=rows.index) for k, v in keys.items()})[MIXTURE_COLUMNS]
