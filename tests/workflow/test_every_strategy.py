"""Every strategy of the registry through the whole pipeline to the HTML report, on a deliberately
tiny config derived from the demo: one seed, a few steps, one LAReQA-format benchmark and small
BUCC- and Mewsli-X-format ones written by the test (the demo has the Tatoeba and mMARCO formats),
nothing machine-translated (so no NLLB model is built)."""

from pathlib import Path

import pytest
import yaml

from hybridir import layout
from hybridir.report.format import label
from hybridir.tables import read_table
from hybridir.vocabulary import STRATEGIES, ZERO_SHOT, Run
from tests.support import WHOLE_RUN_TIMEOUT_S, snakemake
from tests.support.formats import write_bucc_like, write_mewsli_like
from tests.support.images import assert_valid_png

pytestmark = pytest.mark.workflow
SEED = 7


def every_strategy_config(demo: Path, data: Path) -> dict:
    """The demo's config with every strategy, trained briefly on the untranslated datasets, and a
    BUCC- and a Mewsli-X-format benchmark written under `data`."""
    config = yaml.safe_load(demo.read_text())
    config["datasets"] = [d for d in config["datasets"] if d.get("translate") is False]
    config["benchmarks"] = [b for b in config["benchmarks"] if b["format"] == "lareqa"]
    # the Mewsli-X candidate set sampled (`limit`: its 12 gold entities and 4 others)
    config["benchmarks"] += [write_bucc_like(data / "bucc"), write_mewsli_like(data / "mewsli") | {"limit": 4}]
    config["translation"] = {"model": None, "quality": {"benchmark": None}}
    config["validation_datasets"] = []
    config["training"] |= {"strategies": list(STRATEGIES), "seeds": [SEED], "steps": 6, "checkpoint_steps": 6}
    config["evaluation"] |= {"resamples": 100}
    return config


def test_every_strategy_is_trained_evaluated_and_reported(workflow_copy: Path) -> None:
    path = workflow_copy / "every_strategy.yaml"
    config = every_strategy_config(workflow_copy / "profiles" / "demo" / "pipeline.yaml", workflow_copy / "formats")
    path.write_text(yaml.safe_dump(config))
    run = ("--profile", "profiles/demo", "--configfile", str(path))
    snakemake(workflow_copy, *run, timeout_s=WHOLE_RUN_TIMEOUT_S)
    snakemake(workflow_copy, *run, "--report", "results/report.html")
    results = workflow_copy / "results"
    assert not (results / "demo" / "models" / "nllb-tiny").exists()
    runs = [Run("tiny", name, 0.5 if record.takes_alpha else None, SEED) for name, record in STRATEGIES.items()]
    for run in runs:
        log = read_table(workflow_copy / layout.TRAINING_LOG.format(encoder="tiny", run=run.name), "training_log")
        assert len(log) == 6, run.name
    for table in ("map", "recall", "rank_distance", "per_language", "bucc", "mewsli_x"):
        frame = read_table(results / "report" / "tables" / f"{table}.parquet", layout.report_schema(table))
        assert set(frame["strategy"]) == {ZERO_SHOT, *STRATEGIES}, table
    mining = read_table(workflow_copy / layout.ALL_MINING, "mining")
    assert len(mining) == len(runs) + 1 and (mining["lang"] == "de").all() and mining["gold"].nunique() == 1
    significance = read_table(workflow_copy / layout.ALL_SIGNIFICANCE, "significance")
    assert {("tiny_bucc", "mining", "f1"), ("tiny_mewsli", "multi", "map_20")} <= set(
        zip(significance["benchmark"], significance["setting"], significance["metric"], strict=True)
    )
    assert "Benchmarks `tiny_mewsli` keep only a sample" in (results / "report" / "tables" / "mewsli_x.md").read_text()
    groups = read_table(results / "report" / "tables" / "language_groups.parquet", "report_language_groups")
    seen = groups[groups["group"] == "seen"].groupby("strategy")["languages"].first().map(sorted).to_dict()
    assert seen == {"en_en": ["en"]} | {name: ["de", "en", "es"] for name in STRATEGIES if name != "en_en"}
    page = (results / "report" / "tables" / "map.md").read_text()
    summary = (results / "summary.md").read_text()
    for run in runs:
        assert f"| {label(run)} |" in page and f"`{run.strategy}`: {STRATEGIES[run.strategy].description}" in summary
    for kind, name in (
        ("training_loss", "training_loss"),
        ("map_heatmap", "tiny-demo_lareqa"),
        ("alpha_sweep", "tiny"),
        ("per_language", "tiny-tiny_bucc"),
        ("per_language", "tiny-tiny_mewsli"),
    ):
        assert_valid_png(workflow_copy / layout.figure(kind, name))
    assert (results / "report.html").stat().st_size > 0
