"""The report stage: tables valid under their schemas, strategies over seeds with Holm-corrected
verdicts and the paper's values beside ours, figures valid images, summary, browser check.

Inputs are synthetic per_query tables (tests/support/report_data.py) of one encoder: zero_shot, x_x and x_y
with seeds 7 and 8, hybrid α=0.3 with seed 7 and α=0.5 with seeds 7 and 8, on a LAReQA-like
benchmark (en, de, es, el; el zero-shot) and a MIRACL-like one, and the strategy_metrics and
significance tables that the evaluate stage computes from them.
"""

import hashlib
import math
import re
from pathlib import Path
from types import SimpleNamespace

import jinja2
import numpy as np
import pandas as pd
import pytest

from hybridir import layout
from hybridir.config import load_config
from hybridir.errors import DataError
from hybridir.report import format as fmt
from hybridir.report.data import checks, comparisons, mix, pipeline, retrieval, studies, usage
from hybridir.report.data.paper import attach_paper, read_paper_numbers
from hybridir.report.data.runs import primary, runs_by_strategy, strategies
from hybridir.report.figures import base, curves, heatmaps, results
from hybridir.report.pages import checks as checks_pages
from hybridir.report.pages import languages
from hybridir.report.pages import mix as mix_pages
from hybridir.report.pages import pipeline as pipeline_pages
from hybridir.report.pages import retrieval as pages
from hybridir.report.pages import studies as study_pages
from hybridir.report.pages.document import Bullets, Heading, Paragraph, Table, to_html, to_markdown, write_report_table
from hybridir.report.pages.summary import summary_document
from hybridir.tables import read_table, to_arrow
from hybridir.vocabulary import Run
from tests.support import REPO
from tests.support import report_data as rd
from tests.support.browser import console_errors, needs_browser
from tests.support.images import PNG_MAGIC, assert_valid_pdf, assert_valid_png

PAPER_NUMBERS = REPO / "workflow" / "hybridir" / "report" / "data" / "paper_numbers.csv"
SETTINGS = {"candidate_context": True, "max_length": 256, "resamples": rd.RESAMPLES, "seeds": [7, 8]}
TRAINED = {("x_x", None), ("x_y", None), ("hybrid", 0.3), ("hybrid", 0.5)}
BENCHMARK_FACTS = [
    {"name": rd.LAREQA, "format": "lareqa", "domain": "wikipedia", "translated_queries": []},
    {"name": rd.MIRACL, "format": "miracl", "domain": None, "translated_queries": []},
]
MIXTURE_FACTS = [{"name": None, "datasets": ["facts", "extra"], "domains": ["wikipedia"]}]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Synthetic report inputs, read back through their schemas."""
    results = tmp_path_factory.mktemp("report") / "results"
    paths = rd.write_inputs(results)
    return {
        "root": results.parent,
        "metrics": read_table(paths["strategy_metrics"], "strategy_metrics"),
        "significance": read_table(paths["significance"], "significance"),
        "per_query": {key: read_table(path, "per_query") for key, path in paths["per_query"].items()},
        "logs": {key: read_table(path, "training_log") for key, path in paths["logs"].items()},
        "mt_quality": read_table(paths["mt_quality"], "mt_quality"),
        "translation_ledgers": [read_table(p, "translation_ledger") for p in paths["translation_ledgers"]],
        "corpus_ledgers": [read_table(p, "corpus_ledger") for p in paths["corpus_ledgers"]],
    }


@pytest.fixture(scope="module")
def built(inputs: dict) -> dict[str, pd.DataFrame]:
    """Every report table, built from the synthetic inputs."""
    paper = read_paper_numbers(PAPER_NUMBERS)
    metrics, significance = inputs["metrics"], inputs["significance"]
    return {
        "map": retrieval.map_table(metrics, significance, paper, [rd.LAREQA]),
        "recall": retrieval.recall_table(metrics, significance, paper, [rd.LAREQA]),
        "rank_distance": retrieval.rank_distance_table(metrics, significance, paper, [rd.LAREQA]),
        "miracl": retrieval.miracl_table(metrics, significance, paper, [rd.MIRACL], rd.TRAIN_LANGUAGES),
        "per_language": retrieval.per_language_table(metrics, [rd.LAREQA], rd.TRAIN_LANGUAGES),
        "mt_quality": pipeline.mt_quality_table(inputs["mt_quality"]),
        "translation_flags": pipeline.translation_flags_table(inputs["translation_ledgers"]),
        "corpus_ledger": pipeline.corpus_ledger_table(inputs["corpus_ledgers"]),
        "domains": studies.domains_table(metrics, significance, BENCHMARK_FACTS, MIXTURE_FACTS),
        "mixtures": studies.mixtures_table(significance, BENCHMARK_FACTS, MIXTURE_FACTS),
        "truncation": checks.truncation_table(
            checks.translation_cuts({"de": [[], ["truncated_input"]]}, 1024), checks.encoding_cuts({})
        ),
        "benchmark_ledger": checks.benchmark_ledger_table(
            [
                pd.DataFrame(
                    {"benchmark": rd.LAREQA, "lang": ["en", "de"], "status": "kept", "reason": [None, "answer_moved"]}
                )
            ]
        ),
        "warnings": checks.warnings_table([("fetch_benchmark", "fetch/benchmarks/b", "b: 1 answer moved", 1)]),
        "training_mix": mix.mix_table(inputs["logs"]),
    }


PAGES = {
    "map": lambda frame: pages.map_page(frame, SETTINGS),
    "recall": lambda frame: pages.recall_page(frame, SETTINGS),
    "rank_distance": lambda frame: pages.rank_distance_page(frame, SETTINGS),
    "miracl": lambda frame: languages.miracl_page(frame, SETTINGS),
    "per_language": lambda frame: languages.per_language_page(frame, SETTINGS),
    "mt_quality": lambda frame: pipeline_pages.mt_quality_page(frame, rd.LAREQA),
    "translation_flags": pipeline_pages.translation_flags_page,
    "corpus_ledger": pipeline_pages.corpus_ledger_page,
    "domains": lambda frame: study_pages.domains_page(frame, BENCHMARK_FACTS, MIXTURE_FACTS, SETTINGS),
    "truncation": checks_pages.truncation_page,
    "benchmark_ledger": checks_pages.benchmark_ledger_page,
    "warnings": checks_pages.warnings_page,
    "training_mix": mix_pages.training_mix_page,
}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_table_is_written_valid_under_its_schema(built: dict, tmp_path: Path, name: str) -> None:
    frame = built[name]
    paths = [tmp_path / f"{name}.{ext}" for ext in ("parquet", "md", "html")]
    write_report_table(frame, name, PAGES[name](frame), *paths, seed=7)
    back = read_table(paths[0], f"report_{name}")
    assert len(back) == len(frame) > 0
    markdown = paths[1].read_text()
    assert markdown.startswith("# ") and "|---" in markdown
    html = paths[2].read_text()
    assert html.startswith("<!DOCTYPE html>") and "<table>" in html and "<script" not in html


def strategy_keys(table: pd.DataFrame) -> set[tuple]:
    return {(s, None if pd.isna(a) else a) for s, a in zip(table["strategy"], table["alpha"], strict=True)}


def test_table_1_has_every_strategy_over_its_seeds_with_holm_corrected_verdicts(built: dict) -> None:
    table = built["map"]
    assert strategy_keys(table) == TRAINED | {("zero_shot", None)}
    assert table.groupby(["strategy", "alpha"], dropna=False)["setting"].apply(set).eq({"mono", "cross", "multi"}).all()
    seeds = {
        (s, a): list(x) for s, a, x in zip(table["strategy"], table["alpha"].fillna(-1), table["seeds"], strict=True)
    }
    assert seeds[("x_x", -1)] == [7, 8] and seeds[("hybrid", 0.3)] == [7] and seeds[("zero_shot", -1)] == []
    single = (table["strategy"] == "zero_shot") | (table["alpha"] == 0.3)
    assert table.loc[single, "seed_sd"].isna().all() and (table.loc[~single, "seed_sd"] > 0).all()
    assert (table["ci_low"] <= table["value"]).all() and (table["value"] <= table["ci_high"]).all()
    assert table.loc[table["strategy"] == "x_x", "vs_x_x"].isna().all()
    assert table.loc[table["strategy"] == "zero_shot", ["vs_x_x", "vs_x_y"]].isna().all().all()
    # pairs counted once: {x_x, x_y} and each hybrid with x_x and x_y, in three settings
    assert (table["comparisons"] == 3 * 5).all()
    markdown = to_markdown(pages.map_page(table, SETTINGS))
    assert "Holm's correction is over the 15 comparisons of this table" in markdown
    assert "mean over seeds 7, 8 ± the standard deviation" in markdown and " ± " in markdown
    assert "no paper column is shown" in markdown  # synthetic names: nothing matches the paper
    assert "`evaluation.candidate_context: true`" in markdown and f"{rd.RESAMPLES} bootstrap resamples" in markdown


def test_the_recall_table_has_recall_at_1_mono_cross_and_at_10_multi(built: dict) -> None:
    table = built["recall"]
    measures = set(zip(table["setting"], table["metric"], strict=True))
    assert measures == {("mono", "recall_1"), ("cross", "recall_1"), ("multi", "recall_10")}
    assert "Table 2. Recall" in to_markdown(pages.recall_page(table, SETTINGS))


def significance_rows(rows: list[tuple]) -> pd.DataFrame:
    """A significance table from (strategy_a, alpha_a, strategy_b, alpha_b, metric, difference, p)."""
    frame = pd.DataFrame(
        rows, columns=["strategy_a", "alpha_a", "strategy_b", "alpha_b", "metric", "difference", "p_value"]
    )
    return frame.assign(encoder="e", benchmark="b", setting="multi")


def test_verdicts_are_holm_corrected_over_the_table_and_lower_is_better_for_rank_distance() -> None:
    rows = pd.DataFrame(
        {"encoder": "e", "strategy": ["x_x", "x_y", "hybrid"], "alpha": [None, None, 0.5], "benchmark": "b",
         "setting": "multi", "metric": "rank_distance"}
    )  # fmt: skip
    tests = significance_rows(
        [
            ("x_x", None, "hybrid", 0.5, "rank_distance", -50.0, 0.01),  # hybrid 50 ranks below x_x
            ("x_y", None, "hybrid", 0.5, "rank_distance", 5.0, 0.03),
            ("x_x", None, "x_y", None, "rank_distance", -20.0, 0.04),
        ]
    )
    out = comparisons.verdicts(rows, tests).set_index("strategy")
    # Holm: 0.01 x 3 = 0.03; 0.03 x 2 = 0.06; 0.04 x 1 -> 0.06 (non-decreasing)
    assert out.loc["hybrid", "vs_x_x"] == "better" and out.loc["hybrid", "p_x_x"] == pytest.approx(0.03)
    assert out.loc["hybrid", "vs_x_y"] == "not significant" and out.loc["hybrid", "p_x_y"] == pytest.approx(0.06)
    assert out.loc["x_y", "vs_x_x"] == "not significant" and out.loc["x_x", "p_x_y"] == pytest.approx(0.06)
    assert (out["comparisons"] == 3).all() and pd.isna(out.loc["x_x", "vs_x_x"])


def test_the_paper_value_and_our_difference_stand_beside_a_matching_row(built: dict, inputs: dict) -> None:
    rows = (
        built["map"].head(1).assign(encoder="xlmr", strategy="hybrid", alpha=0.5, benchmark="xquad_r", setting="mono")
    )
    rows = rows.drop(columns=[*retrieval.PAPER, *comparisons.COLUMNS])
    metrics = rows.assign(query_lang="macro", pool_lang="macro", metric="map", resamples=rd.RESAMPLES, value=0.8)
    no_tests = inputs["significance"].iloc[:0]
    table = retrieval.map_table(metrics, no_tests, read_paper_numbers(PAPER_NUMBERS), ["xquad_r"])
    assert table.loc[0, "paper_value"] == pytest.approx(0.798)
    assert table.loc[0, "paper_difference"] == pytest.approx(0.002)
    markdown = to_markdown(pages.map_page(table, SETTINGS))
    assert "0.798 (Δ +0.002)" in markdown and "arXiv 2408.10536" in markdown


def test_per_language_cross_is_the_seed_mean_of_the_mean_over_pools(built: dict, inputs: dict) -> None:
    table = built["per_language"]
    assert table.loc[table["lang"] == "el", "zero_shot_lang"].all()
    assert not table.loc[table["lang"] != "el", "zero_shot_lang"].any()
    assert set(zip(table["setting"], table["metric"], strict=True)) == set(retrieval.table_measures("per_language"))
    cross = table[(table["setting"] == "cross") & (table["metric"] == "map") & (table["strategy"] == "x_x")]
    per_seed = []
    for run in ("x_x-s7", "x_x-s8"):
        per_query = inputs["per_query"][(rd.ENCODER, run, rd.LAREQA)]
        pools = per_query[per_query["setting"] == "cross"].groupby(["query_lang", "pool_lang"])["ap"].mean()
        per_seed.append(pools.groupby("query_lang").mean())
    expected = pd.concat(per_seed, axis=1).mean(axis=1)
    assert cross.set_index("lang")["value"].to_dict() == pytest.approx(expected.to_dict())
    assert (cross["ci_low"] < cross["value"]).all() and (cross["value"] < cross["ci_high"]).all()


def test_miracl_table_has_languages_and_mean_with_zero_shot_marked(built: dict) -> None:
    table = built["miracl"]
    assert set(table["lang"]) == {*rd.MIRACL_LANGUAGES, "mean"}
    assert set(table["metric"]) == {"ndcg_10", "recall_100"}
    assert table.loc[table["lang"] == "fi", "zero_shot_lang"].all()
    assert table.loc[table["lang"] == "mean", "zero_shot_lang"].isna().all()
    assert table.loc[table["lang"] != "mean", "vs_x_x"].isna().all()
    assert (table["comparisons"] == 2 * 5).all()


def test_missing_mt_quality_gives_an_empty_valid_table_that_says_why(tmp_path: Path) -> None:
    frame = pipeline.mt_quality_table(None)
    page = pipeline_pages.mt_quality_page(frame, None)
    write_report_table(frame, "mt_quality", page, tmp_path / "q.parquet", tmp_path / "q.md", tmp_path / "q.html")
    assert read_table(tmp_path / "q.parquet", "report_mt_quality").empty
    assert "not measured" in (tmp_path / "q.md").read_text()


def test_corpus_ledger_shares_add_up_per_dataset_and_language(built: dict) -> None:
    ledger = built["corpus_ledger"]
    assert ledger.groupby(["dataset", "lang"])["share"].sum().to_numpy() == pytest.approx(1.0)
    assert {"kept", "filtered", "failed"} <= set(ledger["status"])
    assert ledger.loc[ledger["status"] == "kept", "reason"].isna().all()


def test_paper_numbers_are_the_published_ones_keyed_by_config_names() -> None:
    paper = read_paper_numbers(PAPER_NUMBERS)
    assert len(paper) == 36 + 12 + 6 + 8
    ours = paper[paper["encoder"] != "mbert"]
    assert ours["source"].str.contains("arXiv 2408.10536").all() and set(ours["encoder"]) == {"xlmr", "labse"}
    assert set(paper["benchmark"]) == {"xquad_r", "mlqa_r", "miracl"}
    lareqa = paper[paper["encoder"] == "mbert"].set_index(["benchmark", "strategy"])["value"]
    assert lareqa["xquad_r"].to_dict() == {"en_en": 0.29, "x_x_mixed": 0.23, "x_x": 0.52, "x_y": 0.66}
    assert lareqa["mlqa_r"].to_dict() == {"en_en": 0.36, "x_x_mixed": 0.26, "x_x": 0.49, "x_y": 0.49}
    assert paper.loc[paper["encoder"] == "mbert", "source"].str.contains("LAReQA").all()
    assert set(paper.loc[paper["encoder"] == "mbert", "setting"]) == {"multi"}
    rows = pd.DataFrame(
        {
            "encoder": ["xlmr", "labse", "xlmr", "xlmr"],
            "strategy": ["hybrid", "x_y", "hybrid", "zero_shot"],
            "alpha": [0.5, None, 0.3, None],
            "benchmark": ["xquad_r", "mlqa_r", "xquad_r", "xquad_r"],
            "setting": ["mono", "multi", "mono", "mono"],
        }
    )
    values = attach_paper(rows, paper, metric="map")["paper_value"].tolist()
    assert values[:2] == [0.798, 0.576]
    mbert = rows.assign(encoder="mbert", strategy=["x_x_mixed", "x_y", "x_x", "en_en"], alpha=None, setting="multi")
    assert attach_paper(mbert, paper, metric="map")["paper_value"].tolist() == [0.23, 0.49, 0.52, 0.29]
    assert np.isnan(values[2]) and np.isnan(values[3])  # another alpha; the untrained encoder


def test_strategies_sort_pick_the_paper_alpha_and_group_runs() -> None:
    frame = pd.DataFrame(
        {
            "encoder": "e",
            "strategy": ["hybrid", "x_y", "zero_shot", "hybrid", "x_x"],
            "alpha": [0.3, None, None, 0.5, None],
        }
    )
    found = strategies(frame)
    assert [fmt.label(s) for s in found] == ["untrained", "x_x", "x_y", "hybrid α=0.3", "hybrid α=0.5"]
    assert {name: fmt.label(s) for name, s in primary(found).items()}[("hybrid", None)] == "hybrid α=0.5"
    groups = runs_by_strategy("e", ["hybrid-a0.5-s8", "x_x-s7", "hybrid-a0.5-s7", "zero_shot"])
    assert list(groups.values()) == [["zero_shot"], ["x_x-s7"], ["hybrid-a0.5-s7", "hybrid-a0.5-s8"]]
    assert list(groups)[2] == Run("e", "hybrid", 0.5)
    runs = [Run.parse("e", n) for n in ("x_x-s7", "x_x-s8", "x_y-s7")]
    assert fmt.run_labels(runs) == {"x_x-s7": "x_x s7", "x_x-s8": "x_x s8", "x_y-s7": "x_y"}
    with pytest.raises(ValueError, match="neither"):
        runs_by_strategy("e", ["mystery"])


def _figures(inputs: dict, built: dict) -> dict:
    metrics = inputs["metrics"]
    lareqa = {run: inputs["per_query"][(rd.ENCODER, run, rd.LAREQA)] for run in rd.RUNS}
    per_language = [("mono", "map"), ("cross", "map"), ("multi", "map")]
    miracl = [("mono", "ndcg_10"), ("mono", "recall_100")]
    languages = rd.TRAIN_LANGUAGES
    return {
        "map_heatmap": heatmaps.map_heatmaps(metrics, rd.ENCODER, rd.LAREQA, languages),
        "map_difference": heatmaps.map_difference(metrics, rd.ENCODER, rd.LAREQA, languages),
        "alpha_sweep": results.alpha_sweep(built["map"], rd.ENCODER),
        "rank_distance": curves.rank_distance_figure(lareqa, rd.ENCODER, rd.LAREQA),
        "per_language": results.per_language_bars(
            built["per_language"], rd.ENCODER, rd.LAREQA, per_language, languages
        ),
        "per_language_miracl": results.per_language_bars(built["miracl"], rd.ENCODER, rd.MIRACL, miracl, languages),
        "training_loss": curves.training_curves(inputs["logs"]),
    }


def test_every_figure_is_a_valid_non_empty_png_and_pdf(inputs: dict, built: dict, tmp_path: Path) -> None:
    for name, figure in _figures(inputs, built).items():
        png, pdf = tmp_path / f"{name}.png", tmp_path / f"{name}.pdf"
        base.save(figure, png, pdf)
        assert_valid_png(png)
        assert_valid_pdf(pdf)


def test_figures_are_deterministic(inputs: dict, built: dict, tmp_path: Path) -> None:
    def digests(folder: Path) -> dict[str, str]:
        folder.mkdir()
        for name, figure in _figures(inputs, built).items():
            base.save(figure, folder / f"{name}.png", folder / f"{name}.pdf")
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}

    assert digests(tmp_path / "a") == digests(tmp_path / "b")


def test_figures_without_data_say_why(inputs: dict, tmp_path: Path) -> None:
    only_x_x = inputs["metrics"][inputs["metrics"]["strategy"] == "x_x"]
    figure = heatmaps.map_difference(only_x_x, rd.ENCODER, rd.LAREQA, rd.TRAIN_LANGUAGES)
    base.save(figure, tmp_path / "d.png", tmp_path / "d.pdf")
    assert (tmp_path / "d.png").read_bytes().startswith(PNG_MAGIC)
    assert "hybrid" in figure.axes[0].texts[0].get_text()


def test_summary_reads_without_the_code(inputs: dict, built: dict) -> None:
    config = {
        "seed": 7,
        "languages": {"source": "en", "train": rd.TRAIN_LANGUAGES},
        "training": {
            "encoders": [{"name": rd.ENCODER, "model": "models/tiny"}],
            "strategies": ["x_x", "x_y", "hybrid"],
            "alpha": [0.3, 0.5],
            "seeds": [7, 8],
            "steps": 120,
            "batch_size": 16,
        },
        "benchmarks": [
            {"name": rd.LAREQA, "format": "lareqa", "languages": rd.LAREQA_LANGUAGES, "domain": "wikipedia"}
            | {"translate_queries": []},
            {"name": rd.MIRACL, "format": "miracl", "languages": rd.MIRACL_LANGUAGES, "domain": None}
            | {"translate_queries": []},
        ],
        "mixtures": [{"name": None, "datasets": ["facts", "extra"], "domains": []}],
        "study": None,
        "translation": {"model": "models/nllb", "quality": {"benchmark": rd.LAREQA}},
        "validation_datasets": ["validation"],
    }
    blocks = summary_document(
        config,
        built,
        inputs["significance"],
        inputs["logs"],
        ["results/report/figures/alpha_sweep/tiny.png"],
        ["results/report/tables/map.md"],
        SETTINGS,
    )
    markdown = to_markdown(blocks)
    for text in ("## What was run", "## How to read the numbers", "## Headline: mAP", "Is hybrid better?"):
        assert text in markdown
    assert "zero-shot languages (never seen in training): el" in markdown
    assert f"`{rd.LAREQA}` (lareqa format, domain Wikipedia)" in markdown and "domain unlabelled" in markdown
    assert "Training data: one mixture of every dataset." in markdown
    assert "α = 0.3, 0.5" in markdown
    assert re.search(r"\d+ comparisons of a hybrid strategy .* over these \d+ comparisons", markdown)
    assert "mean over seeds ± their standard deviation" in markdown and "Evaluation settings:" in markdown
    assert "results/report/figures/alpha_sweep/tiny.png" in markdown
    assert "None of these runs has a published counterpart" in markdown
    assert "Every compared pair of strategies drew each dataset within 5% of the pairs of each other." in markdown
    assert "machine-translated with `models/nllb`" in markdown and "(early stopping on the validation loss)" in markdown
    assert "<table>" in to_html(blocks, "summary")
    untranslated = config | {"translation": {"model": None, "quality": {"benchmark": None}}, "validation_datasets": []}
    markdown = to_markdown(
        summary_document(untranslated, built, inputs["significance"], inputs["logs"], [], [], SETTINGS)
    )
    assert "(source language en); nothing machine-translated." in markdown
    assert "(no validation set: the model of the last step)" in markdown and "None`" not in markdown


def test_document_renders_markdown_and_escaped_html() -> None:
    blocks = [
        Heading("T", 1),
        Paragraph("a `code` and **bold** <b>"),
        Bullets(["x"]),
        Table(["k", "v"], [["a|b", "1"]], [False, True]),
    ]
    markdown = to_markdown(blocks)
    assert "a\\|b" in markdown and "|---|---:|" in markdown
    assert fmt.number(-0.0001) == "0.000" and fmt.signed(-0.0001) == "0.000"  # never "-0.000"
    assert fmt.signed(0.0123) == "+0.012" and fmt.number(float("nan")) == "—"
    html = to_html(blocks, "T")
    assert "<code>code</code>" in html and "<strong>bold</strong>" in html and "&lt;b&gt;" in html


# --- the browser check ----------------------------------------------------------------------------


@needs_browser
def test_console_errors_finds_a_deliberate_error_and_nothing_on_a_clean_page(tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>b</title></head><body><p>x</p>"
        "<script>console.error('deliberate report error'); undefinedFunction();</script></body></html>"
    )
    clean = tmp_path / "clean.html"
    clean.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>c</title></head><body><p>x</p>"
        "<script>console.log('fine');</script></body></html>"
    )
    errors = console_errors(broken, settle_s=0.3)
    assert any("deliberate report error" in e for e in errors)
    assert any("undefinedFunction" in e for e in errors)
    assert console_errors(clean, settle_s=0.3) == []


@needs_browser
def test_table_pages_open_without_console_errors(built: dict, tmp_path: Path) -> None:
    frame = built["map"]
    html = tmp_path / "map.html"
    page = pages.map_page(frame, SETTINGS)
    write_report_table(frame, "map", page, tmp_path / "map.parquet", tmp_path / "map.md", html)
    assert console_errors(html, settle_s=0.2) == []


BENCHMARK_HEADER = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"


def write_usage(job: str, seconds: float, rss: str) -> str:
    path = Path(layout.usage(job))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(BENCHMARK_HEADER + f"{seconds}\t0:00:01\t{rss}\t1\t1\t1\t0\t0\t50.0\t{seconds / 2}\n")
    return str(path)


def test_usage_table_reads_snakemake_benchmark_files_in_stage_order(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    paths = [
        write_usage("evaluate/tiny/zero_shot/xquad_r/rank", 3.0, "20.5"),
        write_usage("train/tiny/x_x-s7", 120.0, "900.0"),
        write_usage("translate/shards/facts/de/0", 30.0, "-"),
        write_usage("evaluate/tiny/zero_shot/xquad_r/encode", 7.5, "300.0"),
    ]
    table = usage.usage_table(paths)
    assert table["stage"].tolist() == ["translate", "train", "encode", "rank"]
    assert table["job"].tolist()[1] == "train/tiny/x_x-s7"
    assert table["seconds"].tolist() == [30.0, 120.0, 7.5, 3.0]
    assert math.isnan(table["max_rss_mb"][0])  # "-": not measured
    totals = usage.stage_totals(table)
    assert totals.set_index("stage").loc["train", "cpu_hours"] == pytest.approx(60 / 3600)
    to_arrow(table, "report_usage")


def test_a_usage_file_without_benchmark_columns_names_the_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = Path(layout.usage("train/tiny/x_x-s7"))
    path.parent.mkdir(parents=True)
    path.write_text("seconds\n1\n")
    with pytest.raises(DataError, match=r"train/tiny/x_x-s7.tsv: expected a Snakemake benchmark row"):
        usage.usage_table([str(path)])


def evaluation_captions() -> list[Path]:
    """Captions of the report's evaluation results (category '4. Evaluation') and of its summary."""
    rules = (REPO / "workflow" / "rules" / "report.smk").read_text()
    found = re.findall(r'caption="\.\./report/(\w+\.rst)",\s*category="(?:4\. Evaluation|0\.[^"]*)"', rules)
    return [REPO / "workflow" / "report" / name for name in found]


@pytest.mark.parametrize("flag", [True, False])
def test_every_evaluation_caption_names_the_candidate_context_setting(flag: bool) -> None:
    captions = evaluation_captions()
    assert len(captions) == 21  # 13 tables, 6 figures, the summary, the study's answer
    config = load_config(REPO / "profiles" / "demo" / "pipeline.yaml")
    config["evaluation"]["candidate_context"] = flag
    params = SimpleNamespace(evaluation=SETTINGS, seeds=SETTINGS["seeds"])
    snakemake = SimpleNamespace(config=config, params=params, wildcards=SimpleNamespace(encoder="e", benchmark="b"))
    for caption in captions:
        text = jinja2.Template(caption.read_text()).render(snakemake=snakemake)
        assert f"evaluation.candidate_context: {flag}" in text, caption.name
