"""The workflow on the offline demo: runs end to end, reruns only what changed, lints clean."""

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from sentence_transformers import SentenceTransformer

from hybridir import layout
from hybridir.config import load_config
from hybridir.demo.data import LANGUAGES, demo_towns
from hybridir.report.data.mix import mix_differences
from hybridir.tables import read_provenance, read_table
from hybridir.vocabulary import Run
from tests.support import BIN, REPO, snakemake
from tests.support.browser import console_errors, needs_browser
from tests.support.images import assert_valid_pdf, assert_valid_png

pytestmark = pytest.mark.workflow
DEMO = ("--profile", "profiles/demo")
SEEDS = (7, 8, 9)
TRAINED = [f"{strategy}-s{seed}" for strategy in ("x_x", "x_y", "hybrid-a0.5") for seed in SEEDS]
BENCHMARKS = 5  # lareqa, mlqa, miracl, tatoeba and mmarco formats
EVALUATE_JOBS = {
    "score": len(TRAINED) * BENCHMARKS,
    "significance": BENCHMARKS,
    "language_groups": BENCHMARKS,
    "gather_metrics": 1,
    "gather_significance": 1,
    "gather_strategy_metrics": 1,
}
REPORT_JOBS = {
    "report_retrieval_tables": 1,
    "report_per_language": 1,
    "report_map_heatmaps": 2,
    "report_alpha_sweep": 1,
    "report_rank_distance_figure": 2,
    "report_per_language_figure": BENCHMARKS,
    "report_language_tables": 1,
    "report_warnings": 1,
    "report_language_groups": 1,
    "report_resources_figure": BENCHMARKS,
    "report_summary": 1,
}
UPSTREAM_REPORT_JOBS = {
    "report_translation": 1,
    "report_corpus": 1,
    "report_training_loss": 1,
    "report_usage": 1,
    "report_checks": 1,
    "report_training_mix": 1,
}
TRAINED_RUN_JOBS = (
    {"train": len(TRAINED), "encode": len(TRAINED) * BENCHMARKS, "rank": len(TRAINED) * BENCHMARKS}
    | EVALUATE_JOBS
    | REPORT_JOBS
    | UPSTREAM_REPORT_JOBS
)


def planned_jobs(cwd: Path, *args: str) -> dict[str, int]:
    """Rule -> job count of a dry run."""
    output = snakemake(cwd, "-n", *DEMO, *args).stdout
    table = re.search(r"Job stats:\n(.*?)\n\n", output, re.S)
    if table is None:
        return {}
    rows = [line.split() for line in table.group(1).splitlines()[2:]]
    return {row[0]: int(row[1]) for row in rows if row[0] != "total"}


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*.parquet"))
    }


def test_demo_writes_every_fetch_table(demo_run: Path) -> None:
    fetch = demo_run / "results" / "fetch"
    for name in ("facts", "extra", "english_only"):
        assert len(read_table(fetch / "qa" / f"{name}.parquet", "qa")) > 0
    parallel = read_table(fetch / "parallel" / "parallel_facts.parquet", "parallel")
    assert parallel.groupby("pair_id")["lang"].nunique().eq(3).all()
    for bench in ("demo_lareqa", "demo_mlqa", "demo_miracl", "demo_tatoeba", "demo_mmarco"):
        for table in ("candidates", "queries", "qrels"):
            assert len(read_table(fetch / "benchmarks" / bench / f"{table}.parquet", table)) > 0


def judged_languages(benchmark: Path) -> tuple[pd.DataFrame, pd.api.typing.SeriesGroupBy]:
    """A fetched benchmark's candidates, and per question id the languages of its relevant candidates."""
    candidates = read_table(benchmark / "candidates.parquet", "candidates")
    qrels = read_table(benchmark / "qrels.parquet", "qrels").merge(candidates, on="candidate_id")
    return candidates, qrels.groupby("question_id")["lang"]


def test_demo_benchmarks_are_distinct_like_xquad_r_and_mlqa_r(demo_run: Path) -> None:
    """demo_lareqa: every question in every language; demo_mlqa: towns of its own, split by hybridir's
    splitter into the generator's sentences, every question in English and one or two others."""
    benchmarks = demo_run / "results" / "fetch" / "benchmarks"
    lareqa, lareqa_languages = judged_languages(benchmarks / "demo_lareqa")
    mlqa, mlqa_languages = judged_languages(benchmarks / "demo_mlqa")
    assert lareqa_languages.nunique().eq(3).all()
    assert set(mlqa_languages.nunique()) == {2, 3}
    assert mlqa_languages.agg(lambda langs: "en" in set(langs)).all()
    assert not set(lareqa["context"]) & set(mlqa["context"])
    seed = yaml.safe_load((demo_run / "profiles/demo/pipeline.yaml").read_text())["seed"]
    sentences = {
        town.paragraph(lang)[0]: [town.sentence(fact, lang) for fact in town.facts]
        for town in demo_towns(seed)["mlqa"]
        for lang in LANGUAGES
    }
    split = mlqa.groupby("context", sort=False)["text"].agg(list).to_dict()
    assert split == {context: sentences[context] for context in split}


def test_nothing_reruns_without_a_change(demo_run: Path) -> None:
    assert planned_jobs(demo_run) == {}


def test_a_param_change_reruns_only_its_job_and_what_depends_on_it(demo_run: Path) -> None:
    config = yaml.safe_load((demo_run / "profiles/demo/pipeline.yaml").read_text())
    config["datasets"][1]["limit"] = 10
    changed = demo_run / "changed.yaml"
    changed.write_text(yaml.safe_dump(config))
    jobs = planned_jobs(demo_run, "--configfile", str(changed))
    shards = config["translation"]["shards"]
    assert jobs == {
        "all": 1,
        "fetch_qa": 1,
        "translation_texts": 1,
        "translate_shard": 2 * shards,
        "gather_translations": 2,
        "corpus": 2,
        "leakage_audit": 2,
        "report_leakage": 1,
        **TRAINED_RUN_JOBS,
    }


def test_a_library_change_reruns_exactly_its_stage(demo_run: Path) -> None:
    module = demo_run / "workflow/hybridir/translate/engine.py"
    original = module.read_text()
    module.write_text(original + "\n# changed\n")
    try:
        jobs = planned_jobs(demo_run)
    finally:
        module.write_text(original)
    # the engine is the translate jobs' alone: text extraction and model conversion never import it
    assert set(jobs) == {
        "all",
        "translate_shard",
        "gather_translations",
        "mt_quality_language",
        "mt_quality",
        "corpus",
        "leakage_audit",
        "report_leakage",
        *TRAINED_RUN_JOBS,
    }


def test_demo_translates_every_text_once_per_language(demo_run: Path) -> None:
    translate = demo_run / "results" / "translate"
    texts = pd.concat([read_table(p, "texts") for p in sorted((translate / "texts").glob("*.parquet"))])
    assert texts["text_id"].is_unique
    for lang in ("de", "es"):
        translations = read_table(translate / "translations" / f"{lang}.parquet", "translations")
        assert sorted(translations["text_id"]) == sorted(texts["text_id"])
    quality = read_table(translate / "mt_quality.parquet", "mt_quality")
    assert sorted(zip(quality["lang"], quality["kind"], strict=True)) == [
        ("de", "paragraph"),
        ("de", "question"),
        ("es", "paragraph"),
        ("es", "question"),
    ]


def test_demo_corpus_ledger_accounts_for_every_pair_in_every_language(demo_run: Path) -> None:
    results = demo_run / "results"
    for name, languages in {"facts": 3, "extra": 3, "english_only": 1}.items():
        pairs = read_table(results / "fetch" / "qa" / f"{name}.parquet", "qa")
        ledger = read_table(results / "corpus" / "ledger" / f"{name}.parquet", "corpus_ledger")
        corpus = read_table(results / "corpus" / "parallel" / f"{name}.parquet", "parallel")
        assert len(ledger) == len(pairs) * languages
        assert len(corpus) == (ledger["status"] == "kept").sum()
    parallel = read_table(results / "corpus" / "ledger" / "parallel_facts.parquet", "corpus_ledger")
    assert len(parallel) == len(read_table(results / "fetch" / "parallel" / "parallel_facts.parquet", "parallel"))


def test_a_dataset_without_given_negatives_reaches_the_corpus_with_mined_ones(demo_run: Path) -> None:
    """`extra` gives no negatives: fetch mines them from its own passages (BM25), and in the corpus
    each pair's negatives are the same passages (ids) in every language, translated with the
    dataset; the corpus ledger counts each kept (pair, language) without one as no_negative."""
    results = demo_run / "results"
    qa = read_table(results / "fetch" / "qa" / "extra.parquet", "qa")
    assert (qa["negative_passage_ids"].map(len) > 0).all()
    for ids, own in zip(qa["negative_passage_ids"], qa["passage_id"], strict=True):
        assert set(ids) <= set(qa["passage_id"]) - {own}
    text_of = {"en": dict(zip(qa["passage_id"], qa["passage"], strict=True))}
    for lang in ("de", "es"):
        table = read_table(results / "translate" / "translations" / f"{lang}.parquet", "translations")
        text_of[lang] = dict(zip(table["text_id"], table["text"], strict=True))
    source_id = {text: text_id for text_id, text in text_of["en"].items()}
    corpus = read_table(results / "corpus" / "parallel" / "extra.parquet", "parallel").set_index(["pair_id", "lang"])
    ledger = read_table(results / "corpus" / "ledger" / "extra.parquet", "corpus_ledger").set_index(["pair_id", "lang"])
    hard_negatives = load_config(demo_run / "profiles/demo/pipeline.yaml")["training"]["hard_negatives"]
    for (pair_id, lang), negatives in corpus["negative_passages"].map(list).items():
        ids = [source_id[text] for text in corpus.loc[(pair_id, "en"), "negative_passages"]]
        assert negatives == [text_of[lang][i] for i in ids]
        assert len(ids) <= hard_negatives
        assert (ledger.loc[(pair_id, lang), "reason"] == "no_negative") == (not ids)
    assert (corpus["negative_passages"].map(len) > 0).mean() > 0.5


@pytest.mark.parametrize("run", ["x_x-s7", "x_y-s7", "hybrid-a0.5-s7"])
def test_demo_training_loss_falls_and_the_model_loads(demo_run: Path, run: str) -> None:
    folder = demo_run / "results" / "train" / "tiny" / run
    log = read_table(folder / "log.parquet", "training_log")
    assert log["loss"].tail(10).mean() < log["loss"].head(10).mean()
    assert set(log["kind"]) == ({"x_x", "x_y"} if run.startswith("hybrid") else {run[:3]})
    model = SentenceTransformer(str(folder / "model"))
    assert model.encode(["Query: When was it founded?", "Passage: It was founded in 1200."]).shape == (2, 32)
    assert not (folder / "checkpoint.pt").exists()


def test_the_demo_reports_each_strategys_training_mix(demo_run: Path) -> None:
    """The training_mix report table holds each strategy's mix as its seeds' training logs give it,
    and the summary says whether compared strategies differ in dataset mix (english_only feeds x_x
    batches, never x_y ones)."""
    results = demo_run / "results"
    table = read_table(results / "report" / "tables" / "training_mix.parquet", "report_training_mix")
    assert {(s, None if pd.isna(a) else a) for s, a in zip(table["strategy"], table["alpha"], strict=True)} == {
        ("x_x", None),
        ("x_y", None),
        ("hybrid", 0.5),
    }
    for strategy in ("x_x", "x_y", "hybrid"):
        runs = [name for name in TRAINED if Run.parse("tiny", name).strategy == strategy]
        logs = pd.concat([read_table(results / "train" / "tiny" / n / "log.parquet", "training_log") for n in runs])
        rows = table[table["strategy"] == strategy].set_index(["axis", "value"])
        assert (rows["runs"] == len(SEEDS)).all()
        pairs = logs.groupby("dataset")["pairs"].sum()
        assert rows.loc["dataset", "pair_share"].to_dict() == pytest.approx((pairs / pairs.sum()).to_dict())
        negatives = logs.groupby("dataset")["negatives"].sum() / pairs
        assert rows.loc["dataset", "negatives_per_pair"].to_dict() == pytest.approx(negatives.to_dict())
        assert rows.loc["language", "pair_share"].sum() == pytest.approx(1.0)
        assert rows.loc[("all", "all"), "batches"] == len(logs)
    x_y_datasets = table[(table["strategy"] == "x_y") & (table["axis"] == "dataset")]["value"]
    assert "english_only" not in set(x_y_datasets)
    summary = (results / "summary.md").read_text()
    expected = "trained on different dataset mixes" if mix_differences(table) else "within 5% of the pairs"
    assert expected in summary


def test_every_demo_run_is_evaluated_at_the_training_passage_length(demo_run: Path) -> None:
    """evaluation.max_length is unset in the demo: the zero-shot encoder and the trained models
    are all evaluated at training.max_passage_length, recorded in each encode job's text_lengths."""
    length = load_config(demo_run / "profiles/demo/pipeline.yaml")["training"]["max_passage_length"]
    for name in ("zero_shot", *TRAINED):
        path = Path(layout.TEXT_LENGTHS.format(encoder="tiny", run=name, benchmark="demo_lareqa"))
        lengths = read_table(demo_run / path, "text_lengths")
        assert set(lengths["max_length"]) == {length}
        assert read_provenance(demo_run / path)["settings"]["max_length"] == length


RUNS = {"zero_shot", *TRAINED}
STRATEGIES = {("zero_shot", None), ("x_x", None), ("x_y", None), ("hybrid", 0.5)}
SETTINGS = {
    "demo_lareqa": {"mono", "cross", "multi"},
    "demo_mlqa": {"mono", "cross", "multi"},
    "demo_miracl": {"mono"},
    "demo_tatoeba": {"to_en", "from_en"},
    "demo_mmarco": {"mono", "to_en", "from_en", "cross"},
}


def test_demo_evaluates_every_run_on_every_benchmark_with_intervals(demo_run: Path) -> None:
    evaluate = demo_run / "results" / "evaluate"
    metrics = read_table(evaluate / "metrics.parquet", "metrics")
    for benchmark, settings in SETTINGS.items():
        part = metrics[metrics["benchmark"] == benchmark]
        assert set(part["run"]) == RUNS
        assert set(part["setting"]) == settings
        assert ((part["ci_low"] <= part["value"] + 1e-12) & (part["value"] <= part["ci_high"] + 1e-12)).all()
    macro = metrics[(metrics["query_lang"] == "macro") & (metrics["metric"] == "map")]
    mono = macro[(macro["benchmark"] == "demo_lareqa") & (macro["setting"] == "mono")].set_index("run")["value"]
    assert mono[TRAINED].min() > mono["zero_shot"], mono
    strategies = read_table(evaluate / "strategy_metrics.parquet", "strategy_metrics")
    found = {(s, None if pd.isna(a) else a) for s, a in zip(strategies["strategy"], strategies["alpha"], strict=True)}
    assert found == STRATEGIES
    trained = strategies[strategies["strategy"] != "zero_shot"]
    assert trained["seeds"].map(list).eq([list(SEEDS)] * len(trained)).all() and trained["seed_sd"].notna().any()
    significance = read_table(evaluate / "significance.parquet", "significance")
    pairs = significance.groupby(["benchmark", "setting", "metric"]).size()
    assert (pairs == len(STRATEGIES) * (len(STRATEGIES) - 1) // 2).all()
    assert set(significance["strategy_a"]) | set(significance["strategy_b"]) == {s for s, _ in STRATEGIES}


def test_demo_report_makes_every_table_and_figure(demo_run: Path) -> None:
    results = demo_run / "results"
    tables = (
        "map",
        "recall",
        "rank_distance",
        "miracl",
        "per_language",
        "tatoeba",
        "mmarco",
        "language_groups",
        "mt_quality",
        "translation_flags",
        "corpus_ledger",
        "leakage",
        "usage",
        "truncation",
        "benchmark_ledger",
        "warnings",
    )
    for name in tables:
        assert len(read_table(results / "report" / "tables" / f"{name}.parquet", layout.report_schema(name))) > 0
        assert (results / "report" / "tables" / f"{name}.md").stat().st_size > 0
    pngs = sorted((results / "report" / "figures").rglob("*.png"))
    kinds = {p.parent.name for p in pngs}
    assert kinds == {
        "map_heatmap", "map_difference", "rank_distance", "per_language", "resources", "alpha_sweep", "training_loss"
    }  # fmt: skip
    # heatmap, difference, rank distance x 2 benchmarks; bars and against CC-100 size x 5 benchmarks; sweep; loss
    assert len(pngs) == 2 * 3 + 2 * BENCHMARKS + 1 + 1
    for png in pngs:
        assert_valid_png(png)
        assert_valid_pdf(png.with_suffix(".pdf"))
    summary = (results / "summary.md").read_text()
    assert summary.startswith("# Results summary") and layout.figure("training_loss", "training_loss") in summary


def test_demo_groups_results_by_language_resources(demo_run: Path) -> None:
    """demo_miracl has Swahili (class 2, in no training data) beside the three class-5 training
    languages; the others have one class and no unseen language. A group's value is the mean of its
    languages' values in strategy_metrics."""
    tables = demo_run / "results" / "report" / "tables"
    table = read_table(tables / "language_groups.parquet", "report_language_groups")
    miracl = table[(table["benchmark"] == "demo_miracl") & (table["metric"] == "ndcg_10")]
    groups = {
        strategy: {(row.grouping, row.group): sorted(row.languages) for row in part.itertuples(index=False)}
        for strategy, part in miracl.groupby("strategy")
    }
    assert (
        groups["hybrid"]
        == groups["x_x"]
        == {
            ("joshi_class", "class 5"): ["de", "en", "es"],
            ("joshi_class", "class 2"): ["sw"],
            ("training", "seen"): ["de", "en", "es"],
            ("training", "unseen"): ["sw"],
        }
    )
    assert groups["zero_shot"][("training", "unseen")] == ["de", "en", "es", "sw"]
    assert set(table.loc[table["benchmark"] == "demo_lareqa", "group"]) == {"class 5", "seen", "unseen"}
    metrics = read_table(demo_run / "results" / "evaluate" / "strategy_metrics.parquet", "strategy_metrics")
    per_language = metrics[(metrics["benchmark"] == "demo_miracl") & (metrics["metric"] == "ndcg_10")]
    per_language = per_language[per_language["query_lang"] != "macro"].set_index(["strategy", "query_lang"])["value"]
    row = miracl[(miracl["strategy"] == "hybrid") & (miracl["group"] == "class 5")].iloc[0]
    assert row["value"] == pytest.approx(per_language.loc["hybrid"].loc[["en", "de", "es"]].mean())
    page = (tables / "language_groups.md").read_text()
    assert "| sw | Swahili | 1.6 | 2 |" in page and "`tiny`: unknown (no pretraining grouping)" in page
    assert "One group only (class 5)" in page
    tatoeba = table[(table["benchmark"] == "demo_tatoeba") & (table["strategy"] == "x_x")]
    by_direction = tatoeba.groupby("setting")["languages"].first().map(list).to_dict()
    assert by_direction == {"to_en": ["de", "es"], "from_en": ["de", "es"]}  # en->X: named by its pool


def test_the_run_ends_with_its_warnings_and_the_report_lists_every_one(demo_run: Path) -> None:
    console = (demo_run.parent / "demo_run.out").read_text()
    assert re.search(
        r"hybridir: \d+ warning\(s\) logged by \d+ of this run's \d+ jobs; read them in "
        r"results/report/tables/warnings\.md",
        console,
    )
    warnings = read_table(demo_run / "results/report/tables/warnings.parquet", "report_warnings")
    mlqa = warnings[warnings["job"] == "fetch/benchmarks/demo_mlqa"]
    assert mlqa["rule"].tolist() == ["fetch_benchmark"] and "missing in some languages" in mlqa["message"].iloc[0]
    summary = (demo_run / "results/summary.md").read_text()
    assert "## Data checks and warnings" in summary and "missing in some languages" in summary


def test_demo_tatoeba_and_mmarco_tables_give_every_language_and_direction(demo_run: Path) -> None:
    """Tables 6 and 9 on the demo's Tatoeba- and mMARCO-format benchmarks: every language in each
    direction with its mean, the zero-shot marks, and the published numbers with their source."""
    tables = demo_run / "results" / "report" / "tables"
    tatoeba = read_table(tables / "tatoeba.parquet", "report_languages")
    directions = tatoeba.groupby("setting")["lang"].agg(set).to_dict()
    assert directions == {"to_en": {"de", "es", "mean"}, "from_en": {"de", "es", "mean"}}
    assert set(tatoeba["strategy"]) == {s for s, _ in STRATEGIES} and set(tatoeba["metric"]) == {"accuracy"}
    mmarco = read_table(tables / "mmarco.parquet", "report_languages")
    languages = mmarco[mmarco["metric"] == "mrr_10"].groupby("setting")["lang"].agg(set).to_dict()
    every, paired = {"en", "de", "es", "mean"}, {"de", "es", "mean"}
    assert languages == {"mono": every, "cross": every, "to_en": paired, "from_en": paired}
    page = (tables / "mmarco.md").read_text()
    assert "Published numbers of other systems" in page and "unicamp-dl/mMARCO README.md" in page
    assert "Benchmarks `demo_mmarco` keep only a sample of their collection" in page
    assert "mean of both" in (tables / "tatoeba.md").read_text()
    ledger = read_table(tables / "benchmark_ledger.parquet", "report_benchmark_ledger")
    assert {"demo_tatoeba", "demo_mmarco"} <= set(ledger["benchmark"])


def test_snakemake_report_is_self_contained_html(demo_report: Path) -> None:
    html = demo_report.read_text()
    assert html.lstrip().lower().startswith("<!doctype html")
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=\"https?:", html)  # nothing fetched from outside
    captions = ("Table 1 of the paper", "Rank-distance distributions", "Training curves", "Leakage audit")
    for caption in (*captions, "Results by language resources", "Results against the language"):
        assert caption in html


@needs_browser
def test_snakemake_report_opens_in_chromium_without_console_errors(demo_report: Path) -> None:
    assert console_errors(demo_report, settle_s=2.0) == []


def test_an_evaluation_setting_change_reruns_only_evaluation_and_report(demo_run: Path) -> None:
    config = yaml.safe_load((demo_run / "profiles/demo/pipeline.yaml").read_text())
    config["evaluation"]["resamples"] = 500
    changed = demo_run / "resamples.yaml"
    changed.write_text(yaml.safe_dump(config))
    jobs = planned_jobs(demo_run, "--configfile", str(changed))
    assert jobs == {"all": 1, **EVALUATE_JOBS, "score": len(RUNS) * BENCHMARKS, **REPORT_JOBS}


def test_adding_a_language_translates_only_into_it_and_reruns_what_reads_translations(demo_run: Path) -> None:
    config = yaml.safe_load((demo_run / "profiles/demo/pipeline.yaml").read_text())
    config["languages"]["train"].append("fr")
    changed = demo_run / "french.yaml"
    changed.write_text(yaml.safe_dump(config))
    jobs = planned_jobs(demo_run, "--configfile", str(changed))
    translated = [d for d in config["datasets"] if d.get("translate", True)]
    assert not {rule for rule in jobs if rule.startswith("fetch")}
    assert "translation_texts" not in jobs and "mt_quality_language" not in jobs
    assert jobs["translate_shard"] == len(translated) * config["translation"]["shards"]
    assert jobs["gather_translations"] == 1
    assert jobs["corpus"] == len(translated)  # the untranslated and the already-parallel ones keep theirs
    assert {"train": len(TRAINED), **REPORT_JOBS}.items() <= jobs.items()


def test_a_rerun_gives_the_same_bytes(demo_run: Path) -> None:
    before = digests(demo_run / "results" / "fetch")
    snakemake(demo_run, *DEMO, "--forcerun", "demo_data", "--until", "fetch_qa", "fetch_parallel", "fetch_benchmark")
    assert digests(demo_run / "results" / "fetch") == before


def test_a_failing_job_leaves_no_output(demo_run: Path) -> None:
    config = yaml.safe_load((demo_run / "profiles/demo/pipeline.yaml").read_text())
    config["datasets"][0]["fields"]["question"] = "no_such_field"
    broken = demo_run / "broken.yaml"
    broken.write_text(yaml.safe_dump(config))
    output = demo_run / "results/fetch/qa/facts.parquet"
    result = snakemake(demo_run, *DEMO, "--configfile", str(broken), check=False)
    assert result.returncode != 0
    log = (demo_run / "results/logs/fetch/qa/facts.log").read_text()
    assert "results/demo/data/qa/facts.jsonl: row 0: no field 'no_such_field'" in log
    assert "datasets[facts].fields.question" in log
    assert not output.exists()
    assert not list(output.parent.glob(".*tmp*"))
    snakemake(demo_run, *DEMO, "results/fetch/qa/facts.parquet")
    assert len(read_table(output, "qa")) > 0


def test_demo_leakage_audit_finds_templated_questions_only(demo_run: Path) -> None:
    """Training and benchmark towns differ, so no passage is a copy; questions of one template whose
    made-up town names share syllables (or that the tiny MT model garbled into a benchmark town's
    name) are the only texts close enough."""
    results = demo_run / "results"
    table = read_table(results / "report" / "tables" / "leakage.parquet", "report_leakage")
    config = yaml.safe_load((demo_run / "profiles/demo/pipeline.yaml").read_text())
    corpus_datasets = len(config["datasets"]) + len(config["parallel_datasets"])
    assert len(table) == corpus_datasets * len(config["benchmarks"])  # every corpus dataset x benchmark
    hits = pd.concat([read_table(p, "leakage_hits") for p in sorted((results / "leakage" / "hits").glob("*.parquet"))])
    assert set(hits["field"]) <= {"question"} and set(hits["evaluation_field"]) <= {"question"}
    assert table["leaked_pairs"].sum() == hits.groupby("benchmark")["pair_id"].nunique().sum()


def planted_pairs(benchmark: Path) -> list[dict[str, str]]:
    """An exact copy of a benchmark question (other case, spacing, punctuation), a paragraph with
    three letters changed, and a clean pair."""
    query = read_table(benchmark / "queries.parquet", "queries").query("lang == 'en'")["text"].iloc[0]
    paragraph = read_table(benchmark / "candidates.parquet", "candidates").query("lang == 'en'")["context"].iloc[0]
    changed = list(paragraph)
    for position in (10, len(changed) // 2, len(changed) - 10):
        changed[position] = "q" if changed[position] != "q" else "x"
    return [
        {"id": "exact", "question": "  " + query.upper().rstrip("?") + " !", "passage": "A passage of its own."},
        {"id": "near", "question": "Is this question new?", "passage": "".join(changed)},
        {"id": "clean", "question": "Which colour has the sky?", "passage": "The sky is blue on a clear day."},
    ]


def test_planted_copies_of_benchmark_texts_are_found_and_kept_out_of_training(demo_run: Path) -> None:
    planted = demo_run / "planted.jsonl"
    pairs = planted_pairs(demo_run / "results" / "fetch" / "benchmarks" / "demo_lareqa")
    planted.write_text("".join(json.dumps(p) + "\n" for p in pairs))
    config = yaml.safe_load((demo_run / "profiles/demo/pipeline.yaml").read_text())
    config["datasets"].append(
        {
            "name": "planted",
            "source": str(planted),
            "fields": {"id": "id", "question": "question", "passage": "passage"},
            "negatives": "none",  # mined ones would be the other planted pairs' passages, found again
        }
    )
    config["datasets"][-1]["translate"] = False
    config["training"]["exclude_leaked"] = True
    changed = demo_run / "planted.yaml"
    changed.write_text(yaml.safe_dump(config))
    jobs = planned_jobs(demo_run, "--configfile", str(changed))
    assert jobs["leakage_exclude"] == 5 and jobs["train"] == len(TRAINED)
    results = demo_run / "results"
    leakage = results / "leakage"
    targets = [
        "results/leakage/parallel/planted.parquet",
        "results/leakage/ledger/planted.parquet",
        "results/report/tables/leakage.parquet",
    ]
    try:
        snakemake(demo_run, *DEMO, *targets, "--configfile", str(changed))
        hits = read_table(leakage / "hits" / "planted.parquet", "leakage_hits")
        table = read_table(results / "report" / "tables" / "leakage.parquet", "report_leakage")
        page = (results / "report" / "tables" / "leakage.md").read_text()
    finally:
        snakemake(demo_run, *DEMO, "results/report/tables/leakage.parquet")  # the demo's own table again
    found = set(zip(hits["pair_id"], hits["field"], hits["kind"], strict=True))
    assert {("planted/exact", "question", "exact"), ("planted/near", "passage", "near")} <= found
    assert {(pair, field) for pair, field, _ in found} == {("planted/exact", "question"), ("planted/near", "passage")}
    assert "demo_lareqa" in set(hits["benchmark"])
    ledger = read_table(leakage / "ledger" / "planted.parquet", "leakage_ledger").set_index("pair_id")
    assert ledger["status"].to_dict() == {
        "planted/exact": "filtered",
        "planted/near": "filtered",
        "planted/clean": "kept",
    }
    assert (
        ledger.loc["planted/near", "reason"] == "leaked" and "demo_lareqa" in ledger.loc["planted/near", "benchmarks"]
    )
    kept = read_table(leakage / "parallel" / "planted.parquet", "parallel")
    assert kept["pair_id"].tolist() == ["planted/clean"]
    corpus = read_table(results / "corpus" / "parallel" / "planted.parquet", "parallel")
    assert len(ledger) == len(corpus)  # every (pair, language) kept or filtered
    row = table.set_index(["dataset", "benchmark"]).loc[("planted", "demo_lareqa")]
    assert (row["pairs"], row["leaked_pairs"]) == (3, 2) and row["exact_hits"] >= 1 and row["near_hits"] >= 1
    assert "- planted: 2 of 3 pairs (2 of 3 pair-language rows)" in page


LIBRARY_FILES = sorted(map(str, (REPO / "workflow").rglob("*.py")))


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["snakefmt", "--check", "Snakefile", "workflow/rules"],
        # no block of 6 or more equal lines (comments, docstrings and imports aside) in the library,
        # the scripts or the rules (pylint's duplicate-code check)
        ["symilar", "-d", "6", "-i", "--ignore-docstrings", "--ignore-imports", *LIBRARY_FILES],
        ["symilar", "-d", "6", "-i", "Snakefile", *sorted(map(str, (REPO / "workflow" / "rules").glob("*.smk")))],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_static_checks_are_clean(command: list[str]) -> None:
    result = subprocess.run([str(BIN / command[0]), *command[1:]], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    if command[0] == "symilar":
        assert "duplicates=0 " in result.stdout, result.stdout


@pytest.mark.parametrize("config", ["config.yaml", "profiles/demo/pipeline.yaml"])
def test_snakemake_lint_is_clean(config: str, workflow_copy: Path) -> None:
    result = snakemake(workflow_copy, "--lint", "--configfile", config, "--replace-workflow-config")
    assert "Congratulations, your workflow is in a good condition!" in result.stdout + result.stderr


def test_python_is_the_venv_one() -> None:
    assert Path(sys.executable).parent == BIN
