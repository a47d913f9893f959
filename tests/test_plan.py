"""The experiment plan, without Snakemake: runs and their names, training options, translation
shards, evaluations and every output of the demo and paper configs."""

import copy
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from hybridir import layout
from hybridir.config import load_config, validate_config
from hybridir.evaluate.options import EncodingOptions
from hybridir.languages import XTREME_R_LANGUAGES
from hybridir.plan.data import DataPlan
from hybridir.plan.outputs import Outputs
from hybridir.plan.report import ReportPlan
from hybridir.plan.runs import RunPlan
from hybridir.schemas import config_defaults
from hybridir.vocabulary import ZERO_SHOT, Run
from tests.support import REPO

DEMO = REPO / "profiles" / "demo" / "pipeline.yaml"
PAPER = REPO / "config.yaml"


@dataclass
class Plan:
    """The four parts of the plan of one config, as workflow/rules/common.smk builds them."""

    data: DataPlan
    runs: RunPlan
    report: ReportPlan
    outputs: Outputs

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> "Plan":
        data, runs = DataPlan(config), RunPlan(config)
        report = ReportPlan(runs)
        return cls(data, runs, report, Outputs(data, runs, report))

    @property
    def config(self) -> Mapping[str, Any]:
        return self.runs.config


@pytest.fixture(scope="module")
def demo() -> Plan:
    return Plan.of(load_config(DEMO))


@pytest.fixture(scope="module")
def paper() -> Plan:
    return Plan.of(load_config(PAPER))


@pytest.mark.parametrize(
    ("run", "name"),
    [
        (Run("xlmr", "x_x", None, 42), "x_x-s42"),
        (Run("xlmr", "x_y", None, 7), "x_y-s7"),
        (Run("xlmr", "hybrid", 0.5, 42), "hybrid-a0.5-s42"),
        (Run("xlmr", "hybrid", 1.0, 3), "hybrid-a1-s3"),
        (Run("labse", ZERO_SHOT), "zero_shot"),
        (Run("xlmr", "x_x", None, 42, "base"), "x_x-mbase-s42"),
        (Run("xlmr", "hybrid", 0.5, 42, "plus_fiqa"), "hybrid-a0.5-mplus_fiqa-s42"),
        (Run("xlmr", "x_x_mixed", None, 1, "ixed"), "x_x_mixed-mixed-s1"),
        (Run("xlmr", "x_x", None, 1, "ixed"), "x_x-mixed-s1"),
        (Run("xlmr", "en_en", None, 3, "a0"), "en_en-ma0-s3"),
    ],
)
def test_a_run_name_parses_back_to_the_same_run(run: Run, name: str) -> None:
    assert run.name == name
    assert Run.parse(run.encoder, name) == run


@pytest.mark.parametrize(
    "name",
    [
        *("hybrid", "x_x-42", "mixed-s1", "hybrid-a-s1", "zero-shot", "hybrid-s1", "x_x-a1-s1", "x_x-m-s1"),
        *("x_x-mA-s1", "x_x-s1-mbase", "hybrid-mbase-a0.5-s1", "x_x-mbase-mother-s1"),
    ],
)
def test_a_malformed_run_name_is_an_error_saying_what_a_name_looks_like(name: str) -> None:
    with pytest.raises(ValueError, match=r"like 'x_x-s42', 'hybrid-a0\.5-s42' or 'x_x-mdomain-s42'"):
        Run.parse("xlmr", name)


def test_the_run_name_format_is_written_in_one_place() -> None:
    found = subprocess.run(
        ["grep", "-rln", r"hybrid-a\|-s{\|f\"s{", "workflow/"], cwd=REPO, capture_output=True, text=True
    ).stdout.split()
    assert found == ["workflow/hybridir/vocabulary.py"]


def test_runs_are_every_strategy_alpha_and_seed(demo: Plan) -> None:
    config = dict(demo.config, training=dict(demo.config["training"], alpha=[0.3, 0.7], seeds=[1, 2]))
    runs = [run.name for run in RunPlan(config).training_runs("tiny")]
    assert runs == [
        "x_x-s1",
        "x_x-s2",
        "x_y-s1",
        "x_y-s2",
        "hybrid-a0.3-s1",
        "hybrid-a0.3-s2",
        "hybrid-a0.7-s1",
        "hybrid-a0.7-s2",
    ]
    seeds = [f"-s{seed}" for seed in (7, 8, 9)]
    expected = ["zero_shot"] + [f"{name}{seed}" for name in ("x_x", "x_y", "hybrid-a0.5") for seed in seeds]
    assert [run.name for run in demo.runs.evaluation_runs("tiny")] == expected


def test_without_training_seeds_one_run_per_strategy_has_the_top_level_seed(demo: Plan) -> None:
    config = dict(demo.config, training=dict(demo.config["training"], seeds=None))
    plan = Plan.of(config)
    assert [run.name for run in plan.runs.training_runs("tiny")] == ["x_x-s7", "x_y-s7", "hybrid-a0.5-s7"]
    assert plan.report.summary()["training"]["seeds"] == plan.report.evaluation_settings["seeds"] == [7]


def test_a_runs_training_options_come_from_config_and_the_run(demo: Plan) -> None:
    options = demo.runs.training_options(Run("tiny", "hybrid", 0.5, 7))
    assert (options.strategy, options.alpha, options.seed) == ("hybrid", 0.5, 7)
    assert (options.steps, options.batch_size, options.learning_rate) == (60, 16, 1.0e-3)
    assert demo.runs.training_options(Run("tiny", "x_x", None, 7)).alpha == 0.0
    assert demo.runs.training_settings(Run("tiny", "x_y", None, 7))["strategy"] == "x_y"


def test_identity_columns_of_a_run() -> None:
    assert Run("e", "hybrid", 0.5, 1).identity() == {
        "encoder": "e",
        "run": "hybrid-a0.5-s1",
        "strategy": "hybrid",
        "alpha": 0.5,
        "seed": 1,
        "mixture": None,
    }
    assert Run("e", ZERO_SHOT).identity()["seed"] is None
    assert Run("e", "x_x", None, 1, "base").identity() | {"run": "?"} == Run("e", "x_x", None, 1).identity() | {
        "run": "?",
        "mixture": "base",
    }


def test_translation_plan_of_the_demo(demo: Plan) -> None:
    data = demo.data
    assert data.target_languages == ["de", "es"]
    assert data.translated_datasets == ["facts", "extra"]
    assert data.translation_shards("de") == [
        "results/translate/shards/facts/de/0.parquet",
        "results/translate/shards/facts/de/1.parquet",
        "results/translate/shards/extra/de/0.parquet",
        "results/translate/shards/extra/de/1.parquet",
    ]
    assert data.qa_tables_through("extra") == ["results/fetch/qa/facts.parquet", "results/fetch/qa/extra.parquet"]
    assert data.quality_languages == ["de", "es"]
    assert data.translation_languages("english_only") == []


def test_benchmark_settings_and_tables_come_from_their_formats(demo: Plan) -> None:
    assert demo.runs.benchmark_settings("demo_miracl") == ("mono",)
    assert demo.runs.benchmark_settings("demo_lareqa") == ("mono", "cross", "multi")
    assert demo.runs.retrieval_benchmarks == ["demo_lareqa", "demo_mlqa"]
    assert demo.runs.miracl_benchmarks == ["demo_miracl"]
    assert demo.runs.encoding_settings == {
        "max_batch_tokens": 4096,
        "candidate_context": True,
        "max_length": 96,
        "dtype": "auto",
        "vector_dtype": "float16",
    }


def test_every_run_is_evaluated_at_the_training_passage_length_unless_the_user_sets_one(demo: Plan) -> None:
    """evaluation.max_length unset is training.max_passage_length, for the untrained encoder too
    (the encode rule takes the same settings for every run); a user's value wins."""
    config = copy.deepcopy(demo.runs.config)
    assert demo.report.evaluation_settings["max_length"] == config["training"]["max_passage_length"] == 96
    config["evaluation"]["max_length"] = 512
    assert RunPlan(config).encoding_settings["max_length"] == 512
    assert EncodingOptions.from_schema().max_length == config_defaults("training")["max_passage_length"]
    assert EncodingOptions.from_schema(max_length=64).max_length == 64


def test_the_demos_outputs_are_unique_and_cover_every_stage(demo: Plan) -> None:
    outputs = demo.outputs.final()
    assert len(outputs) == len(set(outputs))
    for expected in (
        "results/fetch/qa/validation.parquet",
        "results/fetch/benchmarks/demo_miracl/qrels.parquet",
        "results/translate/translations/es.parquet",
        "results/translate/mt_quality.parquet",
        "results/corpus/ledger/parallel_facts.parquet",
        "results/train/tiny/hybrid-a0.5-s7/model",
        "results/evaluate/significance.parquet",
        "results/report/tables/map.html",
        "results/leakage/hits/parallel_facts.parquet",
        "results/report/tables/leakage.md",
        "results/report/figures/map_heatmap/tiny-demo_lareqa.pdf",
        "results/summary.md",
    ):
        assert expected in outputs
    assert not [p for p in outputs if not p.startswith(f"{layout.RESULTS}/")]


def test_training_reads_the_corpus_without_leaked_pairs_only_when_asked(demo: Plan) -> None:
    corpus = demo.data.corpus_datasets
    assert demo.data.training_corpus() == [f"results/corpus/parallel/{d}.parquet" for d in corpus]
    assert not [p for p in demo.outputs.final() if p.startswith("results/leakage/ledger/")]
    config = dict(demo.config, training=dict(demo.config["training"], exclude_leaked=True))
    plan = Plan.of(config)
    assert plan.data.training_corpus() == [f"results/leakage/parallel/{d}.parquet" for d in corpus]
    assert "results/leakage/ledger/facts.parquet" in plan.outputs.final()
    first = plan.runs.training_runs("tiny")[0]
    assert plan.runs.training_options(first) == demo.runs.training_options(first)


def test_the_paper_plan(paper: Plan) -> None:
    assert len(paper.data.target_languages) == 8
    assert paper.runs.encoders == ["xlmr", "labse"]
    assert len(paper.runs.evaluations()) == 2 * (1 + len(paper.runs.training_runs("xlmr"))) * 6
    assert paper.runs.benchmark_settings("miracl") == ("mono",)
    assert paper.runs.benchmark_settings("tatoeba") == ("to_en", "from_en")
    assert paper.runs.benchmark_settings("mmarco_dev") == ("mono", "to_en", "from_en")
    assert paper.runs.mined_benchmarks == ["bucc"] and paper.runs.limited_benchmarks == ["mmarco_dev"]
    assert paper.runs.benchmark_depth("mmarco_dev") == 1000 and paper.runs.benchmark_depth("xquad_r") is None


def test_the_paper_plans_zero_shot_languages_are_unseen_by_every_run(paper: Plan) -> None:
    """el and vi (XQuAD-R), vi (MLQA-R), MIRACL's, BUCC's, mMARCO's and Tatoeba's (XTREME-R) languages
    outside the nine training ones; the grouped measures of a new format are its per-language ones."""
    hybrid = Run("xlmr", "hybrid", 0.5, 42)
    seen = paper.runs.seen_languages(hybrid)
    assert seen == paper.config["languages"]["train"]
    unseen = {
        b: [lang for lang in paper.runs.benchmark_languages(b) if lang not in seen] for b in paper.runs.benchmarks
    }
    assert unseen == {
        "xquad_r": ["el", "vi"],
        "mlqa_r": ["vi"],
        "miracl": ["sw", "bn", "ko", "te", "fi", "ja", "fr", "fa", "id"],
        "tatoeba": [lang for lang in XTREME_R_LANGUAGES if lang not in seen],
        "bucc": ["fr"],
        "mmarco_dev": ["fr", "ja"],
    }
    assert paper.runs.language_groups("xlmr", "tatoeba")["measures"] == [["from_en", "accuracy"], ["to_en", "accuracy"]]
    groups = paper.runs.language_groups("labse", "miracl")
    assert groups["family"] == "labse" and groups["measures"] == [["mono", "ndcg_10"], ["mono", "recall_100"]]
    assert groups["seen"]["zero_shot"] == [] and groups["seen"]["x_x-s43"] == seen
    assert paper.runs.language_groups("xlmr", "xquad_r")["family"] == "xlmr"
    languages = paper.report.language_resources()
    paper_languages = ["ar", "de", "el", "en", "es", "hi", "ru", "th", "tr", "vi", "zh", "sw",
                       "bn", "ko", "te", "fi", "ja", "fr", "fa", "id"]  # fmt: skip
    tatoeba_only = [lang for lang in XTREME_R_LANGUAGES if lang not in paper_languages]
    assert list(languages["languages"]) == paper_languages + tatoeba_only
    assert languages["languages"]["sw"]["joshi_class"] == 2 and languages["families"] == {
        "xlmr": "xlmr",
        "labse": "labse",
    }


def test_the_demos_swahili_is_its_unseen_language_and_its_encoder_has_no_family(demo: Plan) -> None:
    groups = demo.runs.language_groups("tiny", "demo_miracl")
    assert [record["lang"] for record in groups["languages"]] == ["en", "de", "es", "sw"] and groups["family"] is None
    assert {name: seen for name, seen in groups["seen"].items() if name.startswith(("zero", "x_y-s7"))} == {
        "zero_shot": [],
        "x_y-s7": ["en", "de", "es"],
    }
    assert "results/report/figures/resources/tiny-demo_miracl.png" in demo.report.figures()
    assert "results/report/tables/language_groups.parquet" in demo.outputs.final()


def test_a_config_with_nothing_to_translate_has_no_translation_jobs(demo: Plan) -> None:
    config = dict(demo.config)
    config["datasets"] = [dict(d, translate=False) for d in config["datasets"]]
    config["translation"] = dict(config["translation"], quality={"benchmark": None})
    plan = Plan.of(config)
    assert plan.outputs.translate() == []
    assert not [p for p in plan.outputs.final() if "/translate/" in p]


def test_source_files_are_the_local_files_an_entry_reads(demo: Plan, tmp_path: Path) -> None:
    data = demo.data
    assert data.source_files("datasets", "facts") == ["results/demo/data/qa/facts.jsonl"]
    assert data.source_files("parallel_datasets", "parallel_facts") == [
        f"results/demo/data/parallel/{lang}.jsonl" for lang in ("de", "en", "es")
    ]
    assert data.source_files("benchmarks", "demo_miracl")[0] == "results/demo/data/miracl/de/corpus.jsonl.gz"


# --- training mixtures, domains and translated benchmark queries ---

BEIR_SOURCE = {"corpus": "b/corpus.jsonl.gz", "queries": "b/queries.jsonl.gz", "qrels": "b/qrels/{split}.tsv"}


@pytest.fixture(scope="module")
def mixed() -> Plan:
    """The demo with two training mixtures, a BEIR-format training split and benchmark (queries
    translated into de and es), and domain labels."""
    config = yaml.safe_load(DEMO.read_text())
    config["datasets"].append({"name": "fiqa_train", "format": "beir", "source": BEIR_SOURCE, "domain": "finance"})
    beir = {"name": "fiqa", "format": "beir", "source": BEIR_SOURCE, "languages": ["en"], "split": "test"}
    config["benchmarks"].append(beir | {"domain": "finance", "translate_queries": ["de", "es"]})
    every = ["facts", "extra", "english_only", "parallel_facts"]
    config["training"]["mixtures"] = [
        {"name": "base", "datasets": every},
        {"name": "plus", "datasets": [*every, "fiqa_train"]},
    ]
    return Plan.of(validate_config(config))


def test_runs_are_planned_per_mixture_as_per_alpha_and_seed(mixed: Plan, demo: Plan) -> None:
    runs = mixed.runs.training_runs("tiny")
    assert [r.name for r in runs[:6]] == [f"x_x-m{m}-s{s}" for m in ("base", "plus") for s in (7, 8, 9)]
    assert len(runs) == 2 * len(demo.runs.training_runs("tiny")) and len({r.name for r in runs}) == len(runs)
    assert all(Run.parse("tiny", r.name) == r for r in runs)
    assert mixed.runs.training_options(runs[0]) == mixed.runs.training_options(runs[3])  # the corpus differs only
    assert [(r.mixture, r.seed) for r in mixed.runs.evaluation_runs("tiny")[:2]] == [(None, None), ("base", 7)]
    assert demo.runs.mixtures == [None] and {r.mixture for r in demo.runs.training_runs("tiny")} == {None}


def test_a_run_reads_only_its_mixtures_corpus(mixed: Plan, demo: Plan) -> None:
    every = [f"results/corpus/parallel/{d}.parquet" for d in ("facts", "extra", "english_only", "parallel_facts")]
    assert mixed.data.training_corpus("base") == every
    assert mixed.data.training_corpus("plus") == [*every[:3], "results/corpus/parallel/fiqa_train.parquet", every[3]]
    assert demo.data.training_corpus(None) == every == demo.data.training_corpus()
    leaked = Plan.of(dict(mixed.config, training=dict(mixed.config["training"], exclude_leaked=True)))
    assert leaked.data.training_corpus("base") == [p.replace("corpus/parallel", "leakage/parallel") for p in every]
    assert "results/corpus/parallel/fiqa_train.parquet" in mixed.outputs.corpus()  # the corpus has every dataset


def test_translated_benchmark_queries_are_planned_and_evaluated(mixed: Plan) -> None:
    data, runs, outputs = mixed.data, mixed.runs, mixed.outputs
    assert data.translated_benchmarks == ["fiqa"] and data.query_languages("fiqa") == ["de", "es"]
    assert data.query_translations("fiqa") == [
        f"results/translate/benchmarks/fiqa/{lang}.parquet" for lang in "de es".split()
    ]
    assert layout.TRANSLATED_QUERIES.format(benchmark="fiqa") in outputs.translate()
    assert layout.usage("translate/benchmarks/fiqa/de") in outputs.usage()
    assert runs.benchmark_tables("fiqa")["queries"] == "results/translate/benchmarks/fiqa/queries.parquet"
    assert runs.benchmark_tables("fiqa")["qrels"] == "results/fetch/benchmarks/fiqa/qrels.parquet"
    assert runs.benchmark_tables("demo_lareqa")["queries"] == "results/fetch/benchmarks/demo_lareqa/queries.parquet"
    assert (
        runs.benchmark_settings("fiqa") == ("mono", "cross") and runs.benchmark_format("fiqa").language_table == "beir"
    )
    assert data.translation_languages("fiqa_train") == ["de", "es"]  # a beir training split is translated


def test_the_report_plan_knows_domains_translated_queries_and_mixtures(mixed: Plan, demo: Plan) -> None:
    facts = {b["name"]: b for b in mixed.report.benchmark_facts()}
    assert facts["fiqa"] == {"name": "fiqa", "format": "beir", "domain": "finance", "translated_queries": ["de", "es"]}
    assert facts["demo_lareqa"]["domain"] == "synthetic" and facts["demo_lareqa"]["translated_queries"] == []
    assert [(m["name"], m["domains"]) for m in mixed.report.mixture_facts()] == [
        ("base", ["synthetic"]),
        ("plus", ["finance", "synthetic"]),
    ]
    assert demo.report.mixture_facts()[0]["name"] is None and mixed.report.summary()["mixtures"][1]["name"] == "plus"


def test_a_label_changes_no_fetch_param(demo: Plan) -> None:
    for section, name in (
        ("datasets", "facts"),
        ("benchmarks", "demo_lareqa"),
        ("parallel_datasets", "parallel_facts"),
    ):
        entry = demo.data.entry(section, name)
        assert entry["domain"] == "synthetic" and "domain" not in demo.data.source_entry(section, name)
    assert "translate_queries" not in demo.data.source_entry("benchmarks", "demo_lareqa")
