"""Training data as an axis, domains and a BEIR-format benchmark through the workflow.

- The paper's config and the demo's plan the same jobs, with the same names, as before training
  mixtures existed (tests/workflow/data/jobs-*.txt: the dry runs of c2b97ca, main with the
  language groups and without mixtures).
- One tiny config derived from the demo runs to the HTML report: two mixtures (`base`: the demo's
  translated QA dataset; `plus`: it and a BEIR-format training split, the "+domain" mixture), one
  seed, a few steps; a LAReQA-format benchmark and a BEIR-format one written by this test, whose
  queries the demo's tiny NLLB translates into German (X->EN besides EN->EN).
"""

from pathlib import Path

import pytest
import yaml

from hybridir import layout
from hybridir.tables import read_table
from hybridir.train.options import TrainingJob
from tests.support import WHOLE_RUN_TIMEOUT_S, snakemake
from tests.support.beir import beir_source, town_records, write_beir
from tests.support.images import assert_valid_png
from tests.support.jobs import dry_run_jobs

pytestmark = pytest.mark.workflow
JOBS = Path(__file__).parent / "data"
RUNS = ["x_x-mbase-s7", "x_x-mplus-s7", "hybrid-a0.5-mbase-s7", "hybrid-a0.5-mplus-s7"]


@pytest.mark.parametrize(("name", "config"), [("demo", "profiles/demo/pipeline.yaml"), ("paper", "config.yaml")])
def test_existing_configs_plan_the_same_jobs_with_the_same_names(workflow_copy: Path, name: str, config: str) -> None:
    before = (JOBS / f"jobs-{name}.txt").read_text().splitlines()
    assert dry_run_jobs(workflow_copy, config) == before


def study_config(workflow: Path) -> dict:
    """The demo's config shrunk to two mixtures, two strategies, one seed and two benchmarks."""
    config = yaml.safe_load((workflow / "profiles" / "demo" / "pipeline.yaml").read_text())
    towns = beir_source(write_beir(workflow / "data" / "towns", records=town_records(48, 11)))
    facts = next(d for d in config["datasets"] if d["name"] == "facts") | {"shards": 1}
    lareqa = next(b for b in config["benchmarks"] if b["format"] == "lareqa") | {"languages": ["en", "de"]}
    config["languages"]["train"] = ["en", "de"]
    config["datasets"] = [
        facts,
        {"name": "towns_train", "format": "beir", "source": towns, "split": "train", "domain": "finance", "shards": 1},
    ]
    config["parallel_datasets"] = config["validation_datasets"] = []
    config["benchmarks"] = [
        lareqa,
        {"name": "towns", "format": "beir", "source": towns, "languages": ["en"], "split": "test"}
        | {"domain": "finance", "translate_queries": ["de"]},
    ]
    config["translation"] |= {"shards": 1, "quality": {"benchmark": None}}
    config["training"] |= {
        "strategies": ["x_x", "hybrid"],
        "seeds": [7],
        "steps": 12,
        "checkpoint_steps": 12,
        "mixtures": [{"name": "base", "datasets": ["facts"]}, {"name": "plus", "datasets": ["facts", "towns_train"]}],
    }
    config["evaluation"] |= {"zero_shot": False, "resamples": 200}
    return config


def test_two_mixtures_are_trained_compared_and_reported_per_domain(workflow_copy: Path) -> None:
    path = workflow_copy / "study.yaml"
    path.write_text(yaml.safe_dump(study_config(workflow_copy)))
    run = ("--profile", "profiles/demo", "--configfile", str(path))
    planned = dry_run_jobs(workflow_copy, str(path))
    assert [job for job in planned if job.startswith("train ")] == [
        f"train encoder=tiny, run={r}" for r in sorted(RUNS)
    ]
    snakemake(workflow_copy, *run, timeout_s=WHOLE_RUN_TIMEOUT_S)
    snakemake(workflow_copy, *run, "--report", "results/report.html")
    results = workflow_copy / "results"

    corpus = {
        name: TrainingJob.read(
            workflow_copy / layout.RUN_FOLDER.format(encoder="tiny", run=name) / "options.json"
        ).corpus
        for name in RUNS
    }
    assert corpus["x_x-mbase-s7"] == [layout.CORPUS.format(dataset="facts")]
    assert corpus["hybrid-a0.5-mplus-s7"] == [layout.CORPUS.format(dataset=d) for d in ("facts", "towns_train")]
    queries = read_table(workflow_copy / layout.TRANSLATED_QUERIES.format(benchmark="towns"), "queries")
    assert queries.groupby("lang").size().to_dict() == {"de": 24, "en": 24}

    def table(name: str):
        return read_table(results / "report" / "tables" / f"{name}.parquet", f"report_{name}")

    mixtures = table("mixtures")
    assert set(zip(mixtures["strategy"], mixtures["mixture_a"], mixtures["mixture_b"], strict=True)) == {
        ("x_x", "base", "plus"),
        ("hybrid", "base", "plus"),
    }
    assert set(mixtures["benchmark"]) == {"demo_lareqa", "towns"}
    domains = table("domains")
    assert list(domains.drop_duplicates("domain")["domain"]) == ["synthetic", "finance"]
    seen = domains[domains["benchmark"] == "towns"].groupby("mixture")["domain_seen"].agg(set).to_dict()
    assert seen == {"base": {False}, "plus": {True}}
    beir = table("beir")
    assert set(zip(beir["setting"], beir["lang"], beir["machine_translated"], strict=True)) == {
        ("mono", "en", False),
        ("mono", "mean", False),
        ("cross", "de", True),
        ("cross", "mean", True),
    }
    assert set(table("map")["mixture"]) == {"base", "plus"}
    summary = (results / "summary.md").read_text()
    for text in ("## Training mixtures compared", "## Results per benchmark domain", "plus − base",
                 "queries machine-translated into de", "`plus` (facts, towns_train)"):  # fmt: skip
        assert text in summary
    assert "| x_x on plus |" in (results / "report" / "tables" / "map.md").read_text()
    assert_valid_png(workflow_copy / layout.figure("per_language", "tiny-towns"))
    assert (results / "report.html").stat().st_size > 0
