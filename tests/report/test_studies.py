"""The training-data and domain studies in the evaluate and report stages: runs of two training
mixtures compared within a mixture and across mixtures, the beir, domains and mixtures tables and
pages, figures and the summary with mixtures.

Inputs are synthetic per_query tables of one encoder: zero_shot, and x_x and hybrid α=0.5 trained
on mixtures `base` and `plus` with seeds 7 and 8 (`plus` is better on the BEIR-like benchmark), on a
LAReQA-like benchmark (domain wikipedia) and a BEIR-like one (domain finance; en queries and their
machine translations into de and es, es never seen in training).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from hybridir.evaluate import seeds as seeds_module
from hybridir.evaluate.seeds import seed_statistics
from hybridir.evaluate.significance import compare_strategies
from hybridir.report.data import checks, retrieval, studies
from hybridir.report.data.mix import mix_table
from hybridir.report.data.paper import read_paper_numbers
from hybridir.report.data.runs import primary, strategies
from hybridir.report.figures import base, heatmaps, results
from hybridir.report.format import colours, label
from hybridir.report.pages import studies as pages
from hybridir.report.pages.document import to_markdown, write_report_table
from hybridir.report.pages.summary import summary_document
from hybridir.tables import read_table
from hybridir.vocabulary import FORMATS, Run
from tests.support import REPO
from tests.support import report_data as rd

RUNS = ["zero_shot"] + [
    f"{name}-m{mixture}-s{seed}" for name in ("x_x", "hybrid-a0.5") for mixture in ("base", "plus") for seed in (7, 8)
]
TRAIN_LANGUAGES = ["en", "de"]
LAREQA, BEIR = "bench_lareqa", "bench_beir"
BENCHMARKS = [
    {"name": LAREQA, "format": "lareqa", "domain": "wikipedia", "translated_queries": []},
    {"name": BEIR, "format": "beir", "domain": "finance", "translated_queries": ["de", "es"]},
]
MIXTURES = [
    {"name": "base", "datasets": ["facts"], "domains": ["wikipedia"]},
    {"name": "plus", "datasets": ["facts", "fiqa_train"], "domains": ["finance", "wikipedia"]},
]
# enough resamples for a p-value below 0.05 after Holm's correction over the 16 mixture comparisons
RESAMPLES = 2000
SETTINGS = {"candidate_context": True, "max_length": None, "resamples": RESAMPLES, "seeds": [7, 8]}


def beir_rows(run: str, rng: np.random.Generator) -> pd.DataFrame:
    """A per_query table of a BEIR-like benchmark: en queries in the en pool (mono), their de and es
    translations in it (cross); runs on mixture `plus` are better by 0.3 (capped at 1)."""
    mono = rd.per_query_rows(run, ["en"], False, rng)
    cross = pd.concat(
        [rd.per_query_rows(run, [lang], False, rng).assign(setting="cross", pool_lang="en") for lang in ("de", "es")]
    )
    table = pd.concat([mono, cross], ignore_index=True)
    if Run.parse(rd.ENCODER, run).mixture == "plus":
        for column in ("ap", "ndcg_10", "recall_100"):
            table[column] = (table[column] + 0.3).clip(upper=1.0)
    return table


@pytest.fixture(scope="module")
def evaluated() -> dict[str, pd.DataFrame]:
    """strategy_metrics and significance of the runs on both benchmarks (the evaluate stage)."""
    rng = np.random.default_rng(3)
    tables = {
        LAREQA: {run: rd.per_query_rows(run, ["en", "de", "es"], True, rng) for run in RUNS},
        BEIR: {run: beir_rows(run, rng) for run in RUNS},
    }
    metrics, significance = [], []
    for benchmark, per_query in tables.items():
        statistics = seed_statistics(per_query, rd.ENCODER, RESAMPLES, 7)
        metrics.append(seeds_module.strategy_metrics(statistics, benchmark))
        significance.append(compare_strategies(statistics, benchmark))
    return {
        "metrics": pd.concat(metrics, ignore_index=True),
        "significance": pd.concat(significance, ignore_index=True),
    }


@pytest.fixture(scope="module")
def built(evaluated: dict) -> dict[str, pd.DataFrame]:
    metrics, significance = evaluated["metrics"], evaluated["significance"]
    paper = read_paper_numbers(REPO / "workflow" / "hybridir" / "report" / "data" / "paper_numbers.csv")
    return {
        "map": retrieval.map_table(metrics, significance, paper, [LAREQA]),
        "beir": studies.beir_table(metrics, significance, BENCHMARKS, TRAIN_LANGUAGES),
        "domains": studies.domains_table(metrics, significance, BENCHMARKS, MIXTURES),
        "mixtures": studies.mixtures_table(significance, BENCHMARKS, MIXTURES),
    }


def test_strategies_are_compared_within_a_mixture_and_across_mixtures_only(evaluated: dict) -> None:
    significance = evaluated["significance"]
    pairs = {
        (a, m, b, n)
        for a, m, b, n in significance[["strategy_a", "mixture_a", "strategy_b", "mixture_b"]].itertuples(index=False)
    }
    assert pairs == {
        *{("zero_shot", None, s, m) for s in ("x_x", "hybrid") for m in ("base", "plus")},
        ("x_x", "base", "hybrid", "base"),
        ("x_x", "plus", "hybrid", "plus"),
        ("x_x", "base", "x_x", "plus"),
        ("hybrid", "base", "hybrid", "plus"),
    }
    assert set(evaluated["metrics"]["mixture"].dropna()) == {"base", "plus"}
    assert evaluated["metrics"].loc[evaluated["metrics"]["strategy"] == "zero_shot", "mixture"].isna().all()


def test_verdicts_are_against_the_references_of_the_rows_mixture(built: dict) -> None:
    table = built["map"]
    hybrid = table[table["strategy"] == "hybrid"]
    assert hybrid["vs_x_x"].notna().all() and list(pd.unique(hybrid["mixture"])) == ["base", "plus"]
    assert table.loc[table["strategy"] == "x_x", "vs_x_x"].isna().all()
    assert (table["comparisons"] == 2 * 3).all()  # hybrid vs x_x in each mixture, three settings


def test_the_beir_table_marks_machine_translated_queries(built: dict) -> None:
    table = built["beir"]
    means = table[table["lang"] == "mean"]
    assert set(zip(means["setting"], means["machine_translated"], strict=True)) == {("mono", False), ("cross", True)}
    languages = table[table["lang"] != "mean"].drop_duplicates(["setting", "lang"])
    assert list(zip(languages["setting"], languages["lang"], languages["machine_translated"], strict=True)) == [
        ("mono", "en", False),
        ("cross", "de", True),
        ("cross", "es", True),
    ]
    assert table.loc[table["lang"] == "es", "zero_shot_lang"].all()
    assert means.loc[means["strategy"] == "hybrid", "vs_x_x"].notna().all()
    assert table.loc[table["lang"] != "mean", "vs_x_x"].isna().all()


def test_the_domains_table_groups_benchmarks_and_says_whether_training_saw_the_domain(built: dict) -> None:
    table = built["domains"]
    assert list(pd.unique(table["domain"])) == ["wikipedia", "finance"]
    assert set(table.loc[table["benchmark"] == BEIR, "metric"]) == {"ndcg_10", "recall_100"}
    assert set(table.loc[table["benchmark"] == LAREQA, "metric"]) == {"map", "rank_distance"}
    seen = table.drop_duplicates(["strategy", "mixture", "benchmark"]).set_index(["strategy", "mixture", "benchmark"])
    assert seen.loc[("x_x", "plus", BEIR), "domain_seen"] is True
    assert seen.loc[("x_x", "base", BEIR), "domain_seen"] is False
    assert seen.loc[("hybrid", "base", LAREQA), "domain_seen"] is True
    assert table.loc[table["strategy"] == "zero_shot", "domain_seen"].isna().all()
    assert table.loc[table["machine_translated"], "setting"].eq("cross").all()


def test_the_mixtures_table_compares_each_strategy_across_mixtures_in_config_order(built, evaluated) -> None:
    table = built["mixtures"]
    assert set(zip(table["strategy"], table["mixture_a"], table["mixture_b"], strict=True)) == {
        ("x_x", "base", "plus"),
        ("hybrid", "base", "plus"),
    }
    beir = table[(table["benchmark"] == BEIR) & (table["metric"] == "ndcg_10")]
    assert (beir["difference"] > 0.1).all() and "worse" not in set(beir["verdict"])
    assert (beir["verdict"] == "better").sum() >= 2  # two seeds: a wide interval, not always significant
    assert (table["comparisons"] == len(table)).all() and (table["p_holm"] >= table["p_value"]).all()
    flipped = studies.mixtures_table(evaluated["significance"], BENCHMARKS, MIXTURES[::-1])
    assert list(flipped["mixture_a"].unique()) == ["plus"]
    merged = table.merge(flipped, on=["strategy", "benchmark", "setting", "metric"], suffixes=("", "_f"))
    assert np.allclose(merged["difference"], -merged["difference_f"])
    assert np.allclose(merged["ci_low"], -merged["ci_high_f"]) and np.allclose(merged["p_holm"], merged["p_holm_f"])


@pytest.mark.parametrize("name", ["beir", "domains", "mixtures"])
def test_the_study_tables_are_written_valid_under_their_schemas(built: dict, tmp_path: Path, name: str) -> None:
    page = {
        "beir": lambda f: pages.beir_page(f, BENCHMARKS, SETTINGS),
        "domains": lambda f: pages.domains_page(f, BENCHMARKS, MIXTURES, SETTINGS),
        "mixtures": lambda f: pages.mixtures_page(f, MIXTURES),
    }[name]
    paths = [tmp_path / f"{name}.{ext}" for ext in ("parquet", "md", "html")]
    write_report_table(built[name], name, page(built[name]), *paths, seed=7)
    assert len(read_table(paths[0], f"report_{name}")) == len(built[name]) > 0
    markdown = paths[1].read_text()
    expected = {
        "beir": ["cross nDCG@10 (MT)", "de (MT)", "es (zero-shot) (MT)", "x_x on plus"],
        "domains": ["## Domain: finance", "## Domain: Wikipedia", "trained on domain", "bench_beir cross nDCG@10 (MT)"],
        "mixtures": ["plus − base", "`plus`: facts, fiqa_train (domains: finance, Wikipedia)", "better"],
    }[name]
    for text in expected:
        assert text in markdown


def test_empty_study_tables_say_why(built: dict) -> None:
    one = [{"name": None, "datasets": ["facts"], "domains": []}]
    empty = built["mixtures"].iloc[:0]
    assert "no mixture comparison was made" in to_markdown(pages.mixtures_page(empty, one))
    assert "One training mixture: every dataset (facts)" in to_markdown(pages.mixtures_page(empty, one))
    assert "No BEIR-format benchmark" in to_markdown(pages.beir_page(built["beir"].iloc[:0], BENCHMARKS, SETTINGS))


def test_labels_colours_and_figures_tell_mixtures_apart(evaluated: dict, built: dict, tmp_path: Path) -> None:
    metrics = evaluated["metrics"]
    runs = strategies(metrics)
    assert [label(run) for run in runs] == ["untrained", "x_x on base", "x_x on plus", "hybrid α=0.5 on base",
                                            "hybrid α=0.5 on plus"]  # fmt: skip
    palette = colours(runs)
    assert palette["x_x on base"] != palette["x_x on plus"] and len(set(palette.values())) == 5
    assert list(primary(runs)) == [("zero_shot", None), ("x_x", "base"), ("x_x", "plus"), ("hybrid", "base"),
                                   ("hybrid", "plus")]  # fmt: skip
    panels = heatmaps.map_heatmaps(metrics, rd.ENCODER, LAREQA, TRAIN_LANGUAGES)
    titles = [ax.get_title() for ax in panels.axes if ax.get_title()]
    assert titles == ["x_x on base", "x_x on plus", "hybrid α=0.5 on base", "hybrid α=0.5 on plus"]
    difference = heatmaps.map_difference(metrics, rd.ENCODER, LAREQA, TRAIN_LANGUAGES)
    assert [ax.get_title() for ax in difference.axes if ax.get_title()] == [
        "hybrid α=0.5 on base − x_x on base",
        "hybrid α=0.5 on plus − x_x on plus",
    ]
    sweep = results.alpha_sweep(built["map"], rd.ENCODER)
    assert {"on base", "on plus"} <= {t.get_text() for legend in sweep.legends for t in legend.get_texts()}
    assert FORMATS["beir"].language_table == "beir"
    measures = list(FORMATS["beir"].per_language)
    bars = results.per_language_bars(built["beir"], rd.ENCODER, BEIR, measures, TRAIN_LANGUAGES)
    base.save(bars, tmp_path / "bars.png", tmp_path / "bars.pdf")
    assert (tmp_path / "bars.png").stat().st_size > 0


def test_the_summary_has_the_mixture_comparisons_and_results_per_domain(evaluated: dict, built: dict) -> None:
    config = {
        "seed": 7,
        "languages": {"source": "en", "train": TRAIN_LANGUAGES},
        "training": {"encoders": [{"name": rd.ENCODER, "model": "m"}], "strategies": ["x_x", "hybrid"], "alpha": [0.5]}
        | {"seeds": [7, 8], "steps": 10, "batch_size": 4},
        "benchmarks": [
            {"name": LAREQA, "format": "lareqa", "languages": ["en", "de", "es"], "domain": "wikipedia"}
            | {"translate_queries": []},
            {"name": BEIR, "format": "beir", "languages": ["en"], "domain": "finance"}
            | {"translate_queries": ["de", "es"]},
        ],
        "mixtures": MIXTURES,
        "study": None,
        "translation": {"model": "nllb", "quality": {"benchmark": None}},
        "validation_datasets": [],
    }
    empty = built["map"].iloc[:0]
    tables = built | {"rank_distance": empty, "miracl": pd.DataFrame(columns=["lang", "metric"])}
    tables |= {"mt_quality": pd.DataFrame(), "corpus_ledger": pd.DataFrame(), "training_mix": mix_table({})}
    tables |= {
        "truncation": checks.truncation_table(checks.translation_cuts({}, 1024), checks.encoding_cuts({})),
        "benchmark_ledger": checks.benchmark_ledger_table([]),
        "warnings": checks.warnings_table([]),
    }
    summary = to_markdown(summary_document(config, tables, evaluated["significance"], {}, [], [], SETTINGS))
    for text in (
        "## Training mixtures compared",
        "## Results per benchmark domain",
        "finance: bench_beir mono nDCG@10",
        "`bench_beir` (beir format, domain finance): en; queries machine-translated into de, es",
        "Training mixtures, each trained with every strategy and seed: `base` (facts); `plus` (facts, fiqa_train).",
    ):
        assert text in summary


def test_a_benchmark_without_domain_read_back_from_parquet_is_unlabelled_in_the_summary(built: dict) -> None:
    domains = built["domains"].astype({"domain": object})
    domains.loc[domains["benchmark"] == LAREQA, "domain"] = np.nan
    summary = to_markdown(pages.summary_domains(domains))
    assert f"unlabelled: {LAREQA}" in summary
