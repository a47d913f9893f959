"""The experiment plan, without Snakemake: runs and their names, training options, translation
shards, evaluations and every output of the demo and paper configs."""

import subprocess
from pathlib import Path

import pytest

from hybridir import layout
from hybridir.config import load_config
from hybridir.plan import ZERO_SHOT, Plan, Run
from tests.support import REPO

DEMO = REPO / "profiles" / "demo" / "pipeline.yaml"
PAPER = REPO / "config.yaml"


@pytest.fixture(scope="module")
def demo() -> Plan:
    return Plan(load_config(DEMO))


@pytest.fixture(scope="module")
def paper() -> Plan:
    return Plan(load_config(PAPER))


@pytest.mark.parametrize(
    ("run", "name"),
    [
        (Run("xlmr", "x_x", None, 42), "x_x-s42"),
        (Run("xlmr", "x_y", None, 7), "x_y-s7"),
        (Run("xlmr", "hybrid", 0.5, 42), "hybrid-a0.5-s42"),
        (Run("xlmr", "hybrid", 1.0, 3), "hybrid-a1-s3"),
        (Run("labse", ZERO_SHOT), "zero_shot"),
    ],
)
def test_a_run_name_parses_back_to_the_same_run(run: Run, name: str) -> None:
    assert run.name == name
    assert Run.parse(run.encoder, name) == run


@pytest.mark.parametrize("name", ["hybrid", "x_x-42", "mixed-s1", "hybrid-a-s1", "zero-shot"])
def test_a_malformed_run_name_is_an_error_saying_what_a_name_looks_like(name: str) -> None:
    with pytest.raises(ValueError, match=r"like 'x_x-s42' or 'hybrid-a0\.5-s42'"):
        Run.parse("xlmr", name)


def test_the_run_name_format_is_written_in_one_place() -> None:
    found = subprocess.run(
        ["grep", "-rln", r"hybrid-a\|-s{", "workflow/"], cwd=REPO, capture_output=True, text=True
    ).stdout.split()
    assert found == ["workflow/hybridir/plan.py"]


def test_runs_are_every_strategy_alpha_and_seed(demo: Plan) -> None:
    config = dict(demo.config, training=dict(demo.training, alpha=[0.3, 0.7], seeds=[1, 2]))
    runs = [run.name for run in Plan(config).training_runs("tiny")]
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
    assert [run.name for run in demo.evaluation_runs("tiny")] == expected


def test_a_runs_training_options_come_from_config_and_the_run(demo: Plan) -> None:
    options = demo.training_options(Run("tiny", "hybrid", 0.5, 7))
    assert (options.strategy, options.alpha, options.seed) == ("hybrid", 0.5, 7)
    assert (options.steps, options.batch_size, options.learning_rate) == (60, 16, 1.0e-3)
    assert demo.training_options(Run("tiny", "x_x", None, 7)).alpha == 0.0
    assert demo.training_settings(Run("tiny", "x_y", None, 7))["strategy"] == "x_y"


def test_identity_columns_of_a_run() -> None:
    assert Run("e", "hybrid", 0.5, 1).identity() == {
        "encoder": "e",
        "run": "hybrid-a0.5-s1",
        "strategy": "hybrid",
        "alpha": 0.5,
        "seed": 1,
    }
    assert Run("e", ZERO_SHOT).identity()["seed"] is None


def test_translation_plan_of_the_demo(demo: Plan) -> None:
    assert demo.target_languages == ["de", "es"]
    assert demo.translated_datasets == ["facts", "extra"]
    assert demo.translation_shards("de") == [
        "results/translate/shards/facts/de/0.parquet",
        "results/translate/shards/facts/de/1.parquet",
        "results/translate/shards/extra/de/0.parquet",
        "results/translate/shards/extra/de/1.parquet",
    ]
    assert demo.qa_tables_through("extra") == ["results/fetch/qa/facts.parquet", "results/fetch/qa/extra.parquet"]
    assert demo.quality_languages == ["de", "es"]
    assert demo.translation_languages("english_only") == []


def test_benchmark_settings(demo: Plan) -> None:
    assert demo.benchmark_settings("demo_miracl") == ("mono",)
    assert demo.retrieval_benchmarks == ["demo_lareqa", "demo_mlqa"]
    assert demo.miracl_benchmarks == ["demo_miracl"]


def test_the_demos_outputs_are_unique_and_cover_every_stage(demo: Plan) -> None:
    outputs = demo.final_outputs()
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
    assert demo.training_corpus() == [f"results/corpus/parallel/{d}.parquet" for d in demo.corpus_datasets]
    assert not [p for p in demo.final_outputs() if p.startswith("results/leakage/ledger/")]
    config = dict(demo.config, training=dict(demo.config["training"], exclude_leaked=True))
    plan = Plan(config)
    assert plan.training_corpus() == [f"results/leakage/parallel/{d}.parquet" for d in demo.corpus_datasets]
    assert "results/leakage/ledger/facts.parquet" in plan.final_outputs()
    assert plan.training_options(plan.training_runs("tiny")[0]) == demo.training_options(demo.training_runs("tiny")[0])


def test_the_paper_plan(paper: Plan) -> None:
    assert len(paper.target_languages) == 8
    assert paper.encoders == ["xlmr", "labse"]
    assert len(paper.evaluations()) == 2 * (1 + len(paper.training_runs("xlmr"))) * 3
    assert paper.benchmark_settings("miracl") == ("mono",)


def test_a_config_with_nothing_to_translate_has_no_translation_jobs(demo: Plan) -> None:
    config = dict(demo.config)
    config["datasets"] = [dict(d, translate=False) for d in config["datasets"]]
    config["translation"] = dict(config["translation"], quality={"benchmark": None})
    plan = Plan(config)
    assert plan.translate_outputs() == []
    assert not [p for p in plan.final_outputs() if "/translate/" in p]


def test_source_files_are_the_local_files_an_entry_reads(demo: Plan, tmp_path: Path) -> None:
    assert demo.source_files("datasets", "facts") == ["results/demo/data/qa/facts.jsonl"]
    assert demo.source_files("parallel_datasets", "parallel_facts") == [
        f"results/demo/data/parallel/{lang}.jsonl" for lang in ("de", "en", "es")
    ]
    assert demo.source_files("benchmarks", "demo_miracl")[0] == "results/demo/data/miracl/de/corpus.jsonl.gz"
