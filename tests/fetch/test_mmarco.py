"""mMARCO reader on files written in the dataset's published layout (data/google/queries/dev,
data/google/collections, data/qrels.dev.small.tsv); its `limit` sample; its errors."""

import logging
import random
from pathlib import Path

import pandas as pd
import pytest

from hybridir.errors import DataError
from hybridir.fetch import mmarco
from hybridir.fetch.benchmarks import stream_benchmark
from hybridir.fetch.mmarco import mmarco_benchmark
from hybridir.fetch.sampling import judged_and_sampled, sample_key
from hybridir.tables import to_arrow

NAMES = {"en": "english", "de": "german"}
QUERIES = {
    "en": {"1": "what is a cat", "2": "where is rome", "3": "unjudged"},
    "de": {"1": "was ist eine katze", "2": "wo liegt rom"},
}
QRELS = "1\t0\t7\t1\n2\t0\t3\t1\n2\t0\t11\t1\n"
PASSAGES = 20


def write_mmarco(root: Path, qrels: str = QRELS, queries: dict = QUERIES, passages: int = PASSAGES) -> dict:
    """An mMARCO tree under `root`, and a benchmarks[] entry reading it."""
    (root / "data/google/queries/dev").mkdir(parents=True)
    (root / "data/google/collections").mkdir(parents=True)
    (root / "data/qrels.dev.small.tsv").write_text(qrels)
    for lang, name in NAMES.items():
        lines = "".join(f"{qid}\t{text}\n" for qid, text in queries[lang].items())
        (root / f"data/google/queries/dev/{name}_queries.dev.small.tsv").write_text(lines)
        rows = "".join(f"{pid}\t{lang} passage {pid}\n" for pid in range(passages))
        (root / f"data/google/collections/{name}_collection.tsv").write_text(rows)
    return {
        "name": "mmarco_dev",
        "format": "mmarco",
        "source": {
            "queries": f"{root}/data/google/queries/dev/{{lang}}_queries.dev.small.tsv",
            "collection": f"{root}/data/google/collections/{{lang}}_collection.tsv",
            "qrels": f"{root}/data/qrels.dev.small.tsv",
        },
        "languages": ["en", "de"],
        "lang_names": NAMES,
        "limit": None,
    }


def read(spec: dict, seed: int = 0):
    stream = mmarco_benchmark(spec, seed)
    return pd.concat(list(stream.candidates), ignore_index=True), stream.queries, stream.judgements()[0]


def test_queries_qrels_and_collections_in_every_language(tmp_path: Path, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        candidates, queries, qrels = read(write_mmarco(tmp_path))
    assert queries["group"].isna().all()
    assert queries.drop(columns="group").values.tolist() == [
        ["en/1", "1", "en", "what is a cat"],
        ["en/2", "2", "en", "where is rome"],
        ["de/1", "1", "de", "was ist eine katze"],
        ["de/2", "2", "de", "wo liegt rom"],
    ]
    assert "english_queries.dev.small.tsv: 1 queries have no qrels and are dropped (first at line 3)" in caplog.text
    assert sorted(qrels.itertuples(index=False, name=None)) == sorted(
        (qid, f"{lang}/{pid}", 1) for lang in ("en", "de") for qid, pid in (("1", "7"), ("2", "3"), ("2", "11"))
    )
    assert candidates.groupby("lang").size().to_dict() == {"de": PASSAGES, "en": PASSAGES}
    assert candidates.iloc[PASSAGES + 7].tolist() == ["de/7", "de", "7", 0, "de passage 7", None, None]
    for name, table in (("candidates", candidates), ("queries", queries), ("qrels", qrels)):
        to_arrow(table, name)


def test_limit_keeps_the_judged_passages_and_the_same_sample_in_every_language(tmp_path: Path) -> None:
    spec = write_mmarco(tmp_path, passages=200) | {"limit": 10}
    candidates, _, _ = read(spec, seed=1)
    by_lang = candidates.groupby("lang")["paragraph_id"].apply(list).to_dict()
    assert by_lang["en"] == by_lang["de"]
    kept = [int(pid) for pid in by_lang["en"]]
    assert len(kept) == 13 and {3, 7, 11} <= set(kept) and kept == sorted(kept)
    others = sorted((pid for pid in range(200) if pid not in (3, 7, 11)), key=lambda pid: sample_key(1, str(pid)))
    assert set(kept) - {3, 7, 11} == set(others[:10])
    again, _, _ = read(spec, seed=1)
    other_seed, _, _ = read(spec, seed=2)
    assert again.equals(candidates) and set(other_seed["paragraph_id"]) != set(candidates["paragraph_id"])


def test_the_sample_depends_on_the_keys_only() -> None:
    rows = [(str(i),) for i in range(500)]
    shuffled = random.Random(3).sample(rows, len(rows))
    picked = list(judged_and_sampled(shuffled, lambda row: row[0], {"5"}, 40, seed=9))
    assert [row for row in shuffled if row in picked] == picked
    assert set(picked) == set(judged_and_sampled(rows, lambda row: row[0], {"5"}, 40, seed=9))
    assert len(picked) == 41 and ("5",) in picked
    assert list(judged_and_sampled(rows, lambda row: row[0], {"5"}, 0, seed=9)) == [("5",)]
    assert list(judged_and_sampled(iter(rows), lambda row: row[0], set(), None, seed=9)) == rows


def test_collections_are_streamed_in_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mmarco, "CHUNK_ROWS", 6)
    stream = mmarco_benchmark(write_mmarco(tmp_path), 0)
    assert [len(chunk) for chunk in stream.candidates] == [6, 6, 6, 2, 6, 6, 6, 2]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"qrels": QRELS + "4\t0\t1\t1\n"},
            r"qrels.dev.small.tsv: line 4: query 4 is judged but not in .*english_queries",
        ),
        (
            {"qrels": QRELS + "1\t0\t99\t1\n"},
            r"english_collection.tsv: passage 99 \(judged at .*qrels.dev.small.tsv: line 4\)",
        ),
        ({"qrels": QRELS + "1\t0\t9\n"}, r"qrels.dev.small.tsv: line 4: expected 4 tab-separated fields"),
        ({"qrels": QRELS + "1\t0\t7\t1\n"}, r"qrels.dev.small.tsv: line 4: query 1 judges passage 7 a second time"),
        ({"qrels": ""}, r"qrels.dev.small.tsv: no qrels"),
        (
            {"queries": QUERIES | {"en": {"1": "a", "2": "b", "2 ": "c"}}},
            r"english_queries.dev.small.tsv: line 3: query 2",
        ),
        ({"queries": QUERIES | {"de": {"1": "a"}}}, r"line 2: query 2 is judged but not in .*german_queries"),
    ],
    ids=[
        "query-absent",
        "passage-absent",
        "short-line",
        "repeated-judgement",
        "empty-qrels",
        "repeated-query",
        "qid-gap",
    ],
)
def test_bad_mmarco_files_name_the_file_and_line(tmp_path: Path, change: dict, message: str) -> None:
    with pytest.raises(DataError, match=message):
        read(write_mmarco(tmp_path, **change))


def test_an_empty_line_in_a_collection_is_an_error_naming_it(tmp_path: Path) -> None:
    spec = write_mmarco(tmp_path)
    path = tmp_path / "data/google/collections/german_collection.tsv"
    path.write_text(path.read_text().replace("de passage 4\n", "de passage 4\n\n"))
    with pytest.raises(DataError, match=r"german_collection.tsv: line 6: expected 2 tab-separated fields"):
        read(spec)


def test_the_ledger_keeps_every_qrels_line_in_every_language(tmp_path: Path) -> None:
    stream = stream_benchmark(write_mmarco(tmp_path) | {"name": "tiny_mmarco"})
    list(stream.candidates)
    qrels, ledger = stream.judgements()
    to_arrow(ledger, "benchmark_ledger")
    assert (
        len(ledger) == len(qrels) and set(ledger["status"]) == {"kept"} and set(ledger["benchmark"]) == {"tiny_mmarco"}
    )
    assert ledger.groupby("lang")["source_row"].agg(list).to_dict() == {"de": [0, 1, 2], "en": [0, 1, 2]}
    assert ledger["source"].str.endswith("qrels.dev.small.tsv").all()
