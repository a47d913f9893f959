"""Every strategy of the registry through the whole pipeline to the HTML report, on a deliberately
tiny config derived from the demo: one seed, a few steps, one LAReQA-format benchmark, nothing
machine-translated (so no NLLB model is built)."""

from pathlib import Path

import pytest
import yaml

from hybridir import layout
from hybridir.report.format import label
from hybridir.tables import read_table
from hybridir.vocabulary import STRATEGIES, ZERO_SHOT, Run
from tests.support import WHOLE_RUN_TIMEOUT_S, snakemake
from tests.support.images import assert_valid_png

pytestmark = pytest.mark.workflow
SEED = 7


def every_strategy_config(demo: Path) -> dict:
    """The demo's config with every strategy, trained briefly on the untranslated datasets."""
    config = yaml.safe_load(demo.read_text())
    config["datasets"] = [d for d in config["datasets"] if d.get("translate") is False]
    config["benchmarks"] = [b for b in config["benchmarks"] if b["format"] == "lareqa"]
    config["translation"] = {"model": None, "quality": {"benchmark": None}}
    config["validation_datasets"] = []
    config["training"] |= {"strategies": list(STRATEGIES), "seeds": [SEED], "steps": 6, "checkpoint_steps": 6}
    config["evaluation"] |= {"resamples": 100}
    return config


def test_every_strategy_is_trained_evaluated_and_reported(workflow_copy: Path) -> None:
    path = workflow_copy / "every_strategy.yaml"
    path.write_text(yaml.safe_dump(every_strategy_config(workflow_copy / "profiles" / "demo" / "pipeline.yaml")))
    run = ("--profile", "profiles/demo", "--configfile", str(path))
    snakemake(workflow_copy, *run, timeout_s=WHOLE_RUN_TIMEOUT_S)
    snakemake(workflow_copy, *run, "--report", "results/report.html")
    results = workflow_copy / "results"
    assert not (results / "demo" / "models" / "nllb-tiny").exists()
    runs = [Run("tiny", name, 0.5 if record.takes_alpha else None, SEED) for name, record in STRATEGIES.items()]
    for run in runs:
        log = read_table(workflow_copy / layout.TRAINING_LOG.format(encoder="tiny", run=run.name), "training_log")
        assert len(log) == 6, run.name
    for table in ("map", "recall", "rank_distance", "per_language"):
        frame = read_table(results / "report" / "tables" / f"{table}.parquet", f"report_{table}")
        assert set(frame["strategy"]) == {ZERO_SHOT, *STRATEGIES}, table
    page = (results / "report" / "tables" / "map.md").read_text()
    summary = (results / "summary.md").read_text()
    for run in runs:
        assert f"| {label(run)} |" in page and f"`{run.strategy}`: {STRATEGIES[run.strategy].description}" in summary
    for kind, name in (
        ("training_loss", "training_loss"),
        ("map_heatmap", "tiny-demo_lareqa"),
        ("alpha_sweep", "tiny"),
    ):
        assert_valid_png(workflow_copy / layout.figure(kind, name))
    assert (results / "report.html").stat().st_size > 0
