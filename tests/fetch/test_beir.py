"""BEIR-format benchmarks and QA datasets (hybridir.fetch.beir), on files this test writes in BEIR's
published layout (tests/support/beir.py), plain, gzip-compressed and inside a zip as BEIR's
datasets/<name>.zip holds them; and their errors."""

import gzip
import logging
from pathlib import Path

import pytest

from hybridir.config import validate_config
from hybridir.errors import DataError
from hybridir.fetch.benchmarks import fetch_benchmark
from hybridir.fetch.qa import fetch_qa
from hybridir.preflight.sources import config_sources
from hybridir.tables import to_arrow
from tests.support.beir import beir_source, write_beir, zip_beir


def benchmark_entry(source: dict, **extra) -> dict:
    return {"name": "fiqa", "format": "beir", "source": source, "languages": ["en"], "split": "test"} | extra


def dataset_entry(source: dict, **extra) -> dict:
    return {"name": "fiqa_train", "format": "beir", "source": source, "split": "train", "where": {}} | extra


@pytest.fixture
def beir_folder(tmp_path: Path) -> Path:
    return write_beir(tmp_path / "fiqa")


def test_a_beir_benchmark_is_its_corpus_judged_queries_and_qrels(beir_folder: Path) -> None:
    bench = fetch_benchmark(benchmark_entry(beir_source(beir_folder)))
    for table in ("candidates", "queries", "qrels"):
        to_arrow(getattr(bench, table), table)
    assert len(bench.candidates) == 30 and set(bench.candidates["lang"]) == {"en"}
    first = bench.candidates.iloc[0]
    assert (first["candidate_id"], first["paragraph_id"], first["context"]) == ("en/d00", "d00", "Arlo")
    assert first["text"] == "The river of Arlo is the arlobrook."
    assert list(bench.queries["query_id"]) == [f"en/q{t}" for t in range(6)]  # the test split's only
    assert list(bench.queries["question_id"]) == [f"q{t}" for t in range(6)]
    assert bench.queries["text"].iloc[1] == "Which river flows through Brisk?"
    assert len(bench.qrels) == 12 and set(bench.qrels["relevance"]) == {0, 1}
    assert set(bench.qrels.loc[bench.qrels["relevance"] == 1, "candidate_id"]) == {f"en/d{t}0" for t in range(6)}


def test_a_beir_benchmark_reads_gzip_and_zip_chains_alike(beir_folder: Path, tmp_path: Path) -> None:
    plain = fetch_benchmark(benchmark_entry(beir_source(beir_folder)))
    packed = write_beir(tmp_path / "gz", compressed=True)
    compressed = fetch_benchmark(benchmark_entry(beir_source(packed, ".jsonl.gz")))
    archive = zip_beir(beir_folder, tmp_path / "fiqa.zip")
    chain = {kind: f"zip://fiqa/{path}::{archive}" for kind, path in beir_source(Path(""), ".jsonl").items()}
    zipped = fetch_benchmark(benchmark_entry(chain))
    for other in (compressed, zipped):
        for table in ("candidates", "queries", "qrels"):
            assert getattr(other, table).equals(getattr(plain, table))


def test_a_limit_keeps_every_judged_passage_and_the_first_others(beir_folder: Path) -> None:
    bench = fetch_benchmark(benchmark_entry(beir_source(beir_folder), limit=3))
    judged = {f"en/d{t}{f}" for t in range(6) for f in (0, 2)}
    assert judged <= set(bench.candidates["candidate_id"]) and len(bench.candidates) == len(judged) + 3


def test_a_beir_dataset_is_a_pair_per_relevant_judgement(beir_folder: Path, caplog) -> None:
    with caplog.at_level(logging.INFO):
        qa, ledger = fetch_qa(dataset_entry(beir_source(beir_folder)), "en")
    to_arrow(qa, "qa")
    to_arrow(ledger, "fetch_ledger")
    assert list(qa["qa_id"]) == [f"fiqa_train/q{t}/d{t}0" for t in range(6, 10)]
    assert qa["question"].iloc[0] == "Which river flows through Glenby?"
    assert qa["passage"].iloc[0] == "Glenby The river of Glenby is the glenbybrook."
    assert set(ledger["status"]) == {"kept"} and len(ledger) == 4
    assert "4 judgements with score < 1 are not pairs" in caplog.text
    limited, _ = fetch_qa(dataset_entry(beir_source(beir_folder), limit=2), "en")
    assert len(limited) == 2


def test_a_beir_entry_validates_and_the_preflight_checks_its_three_files(beir_folder: Path) -> None:
    config = {
        "seed": 1,
        "languages": {"source": "en", "train": ["en", "de"]},
        "datasets": [dataset_entry(beir_source(beir_folder), domain="finance")],
        "benchmarks": [benchmark_entry(beir_source(beir_folder), domain="finance", translate_queries=["de"])],
        "translation": {"model": "m"},
        "training": {"encoders": [{"name": "e", "model": "m"}], "strategies": ["x_x"]},
    }
    validate_config(config)
    found = {(s.entry, s.what, s.location) for s in config_sources(config)}
    qrels = str(beir_folder / "qrels")
    assert ("benchmarks[fiqa]", "qrels (en)", f"{qrels}/test.tsv") in found
    assert ("datasets[fiqa_train]", "qrels", f"{qrels}/train.tsv") in found
    assert ("datasets[fiqa_train]", "corpus", str(beir_folder / "corpus.jsonl")) in found


HEADER = "query-id\tcorpus-id\tscore\n"


def qrels_file(text: str):
    """A damage: the test split's qrels file replaced by `text`."""
    return lambda folder: (folder / "qrels" / "test.tsv").write_text(text)


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (qrels_file("q0\td00\t1\n"), r"expected BEIR's header line"),
        (qrels_file(HEADER + "q0\td00\n"), r"line 2: expected 3"),
        (qrels_file(HEADER + "q0\td00\thigh\n"), "'high' is not"),
        (qrels_file(HEADER + "q0\td99\t1\n"), r"'d99'"),
        (qrels_file(HEADER + "q77\td00\t1\n"), r"'q77'"),
        (lambda f: (f / "queries.jsonl").write_text('{"_id": "q0"}\n'), r"queries.jsonl: line 1: expected an object"),
        (lambda f: (f / "corpus.jsonl").write_text("{not json\n"), r"corpus.jsonl: line 1: not valid JSON"),
        (qrels_file(HEADER), r"no judgement"),
    ],
    ids=["no header", "short row", "score not an integer", "judged passage absent", "judged query absent",
         "query without text", "corpus line not JSON", "no judgement"],
)  # fmt: skip
def test_a_damaged_beir_file_is_an_error_naming_it(beir_folder: Path, damage, message: str) -> None:
    damage(beir_folder)
    with pytest.raises(DataError, match=message):
        fetch_benchmark(benchmark_entry(beir_source(beir_folder)))


def test_a_missing_beir_file_is_an_error_naming_it(beir_folder: Path) -> None:
    (beir_folder / "corpus.jsonl").unlink()
    with pytest.raises(DataError, match=r"corpus.jsonl: file not found"):
        fetch_benchmark(benchmark_entry(beir_source(beir_folder)))


def test_a_truncated_gzip_file_is_an_error_naming_it(tmp_path: Path) -> None:
    folder = write_beir(tmp_path / "gz", compressed=True)
    whole = (folder / "corpus.jsonl.gz").read_bytes()
    (folder / "corpus.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    assert gzip.decompress(whole)
    with pytest.raises(DataError, match=r"corpus.jsonl.gz: cannot be read"):
        fetch_benchmark(benchmark_entry(beir_source(folder, ".jsonl.gz")))
