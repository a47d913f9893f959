"""Datasets that add no new text, and translation shards left empty, run to the corpus with
Snakemake: a tiny config derived from the demo's, one target language and a random tiny NLLB."""

import json
from pathlib import Path

import pytest
import yaml

from hybridir import layout
from hybridir.demo.tiny import build_tiny_nllb
from hybridir.tables import read_table
from tests.support import snakemake

pytestmark = pytest.mark.workflow
PAIRS = [
    ("Who founded Belmor?", "Belmor was founded by Ira Solt."),
    ("Where does the Aldor flow?", "The river Aldor flows through the old town."),
    ("How many live in Kalven?", "About 4200 people live in Kalven."),
]
# dataset -> (pairs, translation shards): `subset` repeats a pair of `base` (no new text, every shard
# empty); `single` adds one new passage only (its question is in `base`), dealt to one shard of four
DATASETS = {
    "base": (PAIRS, 1),
    "subset": (PAIRS[:1], 2),
    "single": ([(PAIRS[0][0], "Every May, Dorwen celebrates a festival of kites.")], 4),
}


def tiny_config(folder: Path, model: Path) -> Path:
    """The demo's pipeline config with the datasets above, German as the one target language and no
    MT-quality benchmark."""
    config = yaml.safe_load((folder / "profiles/demo/pipeline.yaml").read_text())
    config["languages"]["train"] = ["en", "de"]
    config["datasets"] = []
    for name, (pairs, shards) in DATASETS.items():
        rows = [{"id": f"q{i}", "question": q, "passage": p} for i, (q, p) in enumerate(pairs)]
        source = folder / f"{name}.jsonl"
        source.write_text("".join(json.dumps(row) + "\n" for row in rows))
        fields = {"id": "id", "question": "question", "passage": "passage"}
        config["datasets"].append({"name": name, "source": str(source), "fields": fields, "shards": shards})
    config["parallel_datasets"] = []
    config["translation"] |= {"model": str(model), "quality": {"benchmark": None}}
    path = folder / "empty_shards.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def test_a_subset_dataset_and_empty_shards_run_to_the_corpus(workflow_copy: Path) -> None:
    texts = [text for pairs, _ in DATASETS.values() for pair in pairs for text in pair]
    model = build_tiny_nllb(texts * 5, workflow_copy / "nllb-tiny", vocab_size=120)
    config = tiny_config(workflow_copy, model)
    targets = [layout.CORPUS.format(dataset=name) for name in DATASETS]
    snakemake(workflow_copy, "--profile", "profiles/demo", *targets, "--configfile", str(config))
    results = workflow_copy / "results"
    shards = {
        name: [read_table(results / f"translate/shards/{name}/de/{i}.parquet", "translations") for i in range(n)]
        for name, (_, n) in DATASETS.items()
    }
    assert [len(table) for table in shards["subset"]] == [0, 0]
    assert sorted(len(table) for table in shards["single"]) == [0, 0, 0, 1]
    translations = read_table(results / "translate/translations/de.parquet", "translations")
    assert len(translations) == len(set(texts))
    for name, (pairs, _) in DATASETS.items():
        ledger = read_table(results / f"corpus/ledger/{name}.parquet", "corpus_ledger")
        assert sorted(set(ledger["lang"])) == ["de", "en"] and len(ledger) == 2 * len(pairs)
