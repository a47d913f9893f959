"""Ledger completeness on the demo run: every source row has one fate (kept, filtered with a
reason, failed with a reason) at fetch and in every language of the corpus, the leakage audit
accounts for every kept (pair, language) when it ran, and the report's corpus ledger adds up
to the source rows."""

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from hybridir.report.data.pipeline import corpus_ledger_table
from hybridir.tables import read_table, to_arrow

# dataset -> (source file under results/demo/data, languages of its corpus), as in profiles/demo
QA_DATASETS = {
    "facts": ("qa/facts.jsonl", ["en", "de", "es"]),
    "extra": ("qa/extra.csv", ["en", "de", "es"]),
    "english_only": ("qa/english_only.parquet", ["en"]),
}
PARALLEL_LANGUAGES = ["en", "de", "es"]
FATES = {"kept", "filtered", "failed"}


def source_rows(path: Path) -> int:
    """Rows of a demo source file, counted without the library."""
    if path.suffix == ".jsonl":
        return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    if path.suffix == ".csv":
        return len(pd.read_csv(path))
    return pq.ParquetFile(path).metadata.num_rows


def check_fates(ledger: pd.DataFrame, where: str) -> None:
    assert set(ledger["status"]) <= FATES, where
    unexplained = ledger[(ledger["status"] != "kept") & ledger["reason"].isna()]
    assert unexplained.empty, f"{where}: filtered or failed without a reason: {unexplained['pair_id'].tolist()[:3]}"


def test_the_report_table_counts_source_rows_filtered_at_fetch_in_the_source_language() -> None:
    corpus = pd.DataFrame(
        [
            ("f/a", "f", "en", "kept", None),
            ("f/b", "f", "en", "kept", None),
            ("f/c", "f", "en", "filtered", "empty_question"),
            ("f/a", "f", "de", "kept", None),
            ("f/b", "f", "de", "failed", "missing_translation"),
            ("f/c", "f", "de", "filtered", "empty_question"),
        ],
        columns=["pair_id", "dataset", "lang", "status", "reason"],
    )
    fetch = pd.DataFrame(
        {
            "pair_id": ["f/a", "f/row-1", "f/b", "f/c"],
            "dataset": "f",
            "lang": "en",
            "source_row": [0, 1, 2, 3],
            "status": ["kept", "filtered", "kept", "kept"],
            "reason": [None, "where", None, None],
        }
    )
    to_arrow(fetch, "fetch_ledger")
    table = corpus_ledger_table([corpus], [fetch])
    rows = {(r.lang, r.status, None if pd.isna(r.reason) else r.reason): (r.pairs, r.share) for r in table.itertuples()}
    assert rows == {
        ("en", "kept", None): (2, 0.5),
        ("en", "filtered", "empty_question"): (1, 0.25),
        ("en", "filtered", "where"): (1, 0.25),
        ("de", "kept", None): (1, pytest.approx(1 / 3)),
        ("de", "filtered", "empty_question"): (1, pytest.approx(1 / 3)),
        ("de", "failed", "missing_translation"): (1, pytest.approx(1 / 3)),
    }


@pytest.mark.workflow
@pytest.mark.parametrize("dataset", QA_DATASETS)
def test_every_source_row_of_a_qa_dataset_has_one_fate_in_every_language(demo_run: Path, dataset: str) -> None:
    results = demo_run / "results"
    source, languages = QA_DATASETS[dataset]
    read = source_rows(results / "demo" / "data" / source)
    fetch = read_table(results / "fetch" / "ledger" / f"{dataset}.parquet", "fetch_ledger")
    assert sorted(fetch["source_row"]) == list(range(read))
    check_fates(fetch, f"fetch ledger of {dataset}")
    qa = read_table(results / "fetch" / "qa" / f"{dataset}.parquet", "qa")
    assert sorted(fetch.loc[fetch["status"] == "kept", "pair_id"]) == sorted(qa["qa_id"])
    dropped_at_fetch = int((fetch["status"] != "kept").sum())
    corpus = read_table(results / "corpus" / "ledger" / f"{dataset}.parquet", "corpus_ledger")
    parallel = read_table(results / "corpus" / "parallel" / f"{dataset}.parquet", "parallel")
    assert sorted(set(corpus["lang"])) == sorted(languages)
    for lang in languages:
        ledger = corpus[corpus["lang"] == lang]
        check_fates(ledger, f"corpus ledger of {dataset} in {lang}")
        assert sorted(ledger["pair_id"]) == sorted(qa["qa_id"])
        counts = ledger["status"].value_counts()
        assert counts.get("kept", 0) + counts.get("filtered", 0) + counts.get("failed", 0) + dropped_at_fetch == read
        assert counts.get("kept", 0) == (parallel["lang"] == lang).sum()


@pytest.mark.workflow
def test_every_pair_of_the_parallel_source_has_one_fate_in_every_language(demo_run: Path) -> None:
    results = demo_run / "results"
    pair_ids = set()
    for lang in PARALLEL_LANGUAGES:
        rows = pd.read_json(results / "demo" / "data" / "parallel" / f"{lang}.jsonl", lines=True)
        pair_ids |= {f"parallel_facts/{i}" for i in rows["id"]}
    ledger = read_table(results / "corpus" / "ledger" / "parallel_facts.parquet", "corpus_ledger")
    parallel = read_table(results / "corpus" / "parallel" / "parallel_facts.parquet", "parallel")
    for lang in PARALLEL_LANGUAGES:
        in_lang = ledger[ledger["lang"] == lang]
        check_fates(in_lang, f"corpus ledger of parallel_facts in {lang}")
        assert sorted(in_lang["pair_id"]) == sorted(pair_ids)
        assert (in_lang["status"] == "kept").sum() == (parallel["lang"] == lang).sum()


@pytest.mark.workflow
def test_the_leakage_audit_accounts_for_every_kept_pair_when_it_ran(demo_run: Path) -> None:
    results = demo_run / "results"
    ledgers = sorted((results / "leakage" / "ledger").glob("*.parquet"))
    if not ledgers:
        pytest.skip("this run excludes no leaked pairs (training.exclude_leaked: false): no leakage ledger")
    for ledger_path in ledgers:
        leakage = read_table(ledger_path, "leakage_ledger")
        corpus = read_table(results / "corpus" / "parallel" / ledger_path.name, "parallel")
        check_fates(leakage, f"leakage ledger {ledger_path.name}")
        assert sorted(zip(leakage["pair_id"], leakage["lang"], strict=True)) == sorted(
            zip(corpus["pair_id"], corpus["lang"], strict=True)
        )


@pytest.mark.workflow
def test_the_report_counts_every_source_row_in_the_source_language(demo_run: Path) -> None:
    report = read_table(demo_run / "results" / "report" / "tables" / "corpus_ledger.parquet", "report_corpus_ledger")
    for dataset, (source, _) in QA_DATASETS.items():
        read = source_rows(demo_run / "results" / "demo" / "data" / source)
        english = report[(report["dataset"] == dataset) & (report["lang"] == "en")]
        assert english["pairs"].sum() == read
        assert english["share"].sum() == pytest.approx(1.0)
