"""Network faults on 127.0.0.1, from a server that misbehaves on purpose (tests.support.http):
answers 429 and 503 are retried with backoff a bounded number of times, a body cut short or a
server that never answers is an error naming the URL that leaves no output (hybridir.network)."""

import itertools
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import datasets
import pytest
from huggingface_hub import constants as hub_constants

from hybridir.errors import DataError
from hybridir.fetch import miracl
from hybridir.fetch.benchmarks import stream_benchmark
from hybridir.fetch.qa import fetch_qa
from hybridir.network import MAX_WAIT_S, Network, retry_after
from hybridir.sources import read_json
from hybridir.tables import write_table_chunks
from tests.support.http import fast_network

ROWS = [{"id": str(i), "question": f"Who founded town {i}?", "passage": f"Town {i} was founded."} for i in range(300)]


@pytest.fixture
def network() -> Iterator[Network]:
    """Fast network settings for this test only."""
    with fast_network() as settings:
        yield settings


@pytest.fixture
def served(http_files) -> str:
    """The base URL of a server of `qa.jsonl` (ROWS) and `bench.json`."""
    folder, base = http_files
    (folder / "qa.jsonl").write_text("".join(json.dumps(row) + "\n" for row in ROWS))
    (folder / "bench.json").write_text(json.dumps({"data": [{"rows": ROWS}]}))
    return base


def qa_spec(source: str) -> dict:
    return {
        "name": "web", "source": source, "subset": None, "split": "train", "limit": None, "where": {},
        "fields": {"id": "id", "question": "question", "passage": "passage"},
    }  # fmt: skip


def test_the_wait_is_retry_after_when_given_else_the_doubled_backoff() -> None:
    network = Network(retries=3, backoff=0.5, timeout=10)
    assert [network.wait(retry, {}) for retry in (1, 2, 3)] == [0.5, 1.0, 2.0]
    assert network.wait(1, {"Retry-After": "7"}) == 7.0
    assert network.wait(1, {"Retry-After": "86400"}) == MAX_WAIT_S
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0 and retry_after("soon") is None


@pytest.mark.parametrize("status", [429, 503])
def test_a_busy_server_is_retried_until_it_answers(network, served, status: int, caplog) -> None:
    with caplog.at_level(logging.WARNING):
        data = read_json(f"{served}/status/{status}/2/bench.json")
        qa, _ = fetch_qa(qa_spec(f"{served}/status/{status}/2/qa.jsonl"), "en")
    assert len(data["data"][0]["rows"]) == len(qa) == len(ROWS)
    assert f"HTTP {status}, retry 2 of 2" in caplog.text


def test_a_server_busy_beyond_the_retries_fails_naming_the_url(network, served) -> None:
    with pytest.raises(DataError, match=r"/status/503/9/bench\.json: HTTP 503 after 2 retries \(config key network"):
        read_json(f"{served}/status/503/9/bench.json")
    with pytest.raises(DataError, match=r"/status/503/9/qa\.jsonl: HTTP 503 after 2 retries"):
        fetch_qa(qa_spec(f"{served}/status/503/9/qa.jsonl"), "en")


@pytest.mark.parametrize("cut", ["truncated", "dropped"])
def test_a_body_cut_short_fails_naming_the_url(network, served, cut: str) -> None:
    message = rf"/{cut}/\w+\.jsonl?.*: the connection dropped before the whole file arrived"
    with pytest.raises(DataError, match=message):
        read_json(f"{served}/{cut}/bench.json")
    with pytest.raises(DataError, match=message):
        fetch_qa(qa_spec(f"{served}/{cut}/qa.jsonl"), "en")


def test_a_corpus_cut_short_while_its_candidates_are_written_leaves_no_output(
    network, http_files, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A MIRACL corpus read whole (written as 40 chunks), then one cut short: the table is not left."""
    folder, base = http_files
    (folder / "topics.tsv").write_text("1\tWhere?\n")
    (folder / "qrels.tsv").write_text("1\tQ0\td1\t1\n")
    docs = [{"docid": f"d{i}", "text": f"P {i}."} for i in range(400)]
    (folder / "corpus.jsonl").write_text("".join(json.dumps(doc) + "\n" for doc in docs))
    monkeypatch.setattr(miracl, "CHUNK_ROWS", 10)
    streams = [
        stream_benchmark(
            {"name": "m", "format": "miracl", "languages": ["en"], "split": "dev", "limit": None}
            | {
                "missing_judged": "error",
                "source": {"topics": f"{base}/topics.tsv", "qrels": f"{base}/qrels.tsv", "corpus": corpus},
            }
        ).candidates
        for corpus in (f"{base}/corpus.jsonl", f"{base}/dropped/corpus.jsonl")
    ]
    written = []
    chunks = (written.append(len(chunk)) or chunk for chunk in itertools.chain(*streams))
    output = tmp_path / "out" / "candidates.parquet"
    with pytest.raises(DataError, match=r"/dropped/corpus\.jsonl.*: the connection dropped"):
        write_table_chunks(chunks, output, "candidates")
    assert len(written) == 40 and not output.exists() and list(output.parent.iterdir()) == []


def test_a_server_that_never_answers_times_out_naming_the_url(network, served) -> None:
    with pytest.raises(DataError, match=r"/silent/bench\.json: no answer in time \(config key network\.timeout\)"):
        read_json(f"{served}/silent/bench.json")
    with pytest.raises(DataError, match=r"/silent/qa\.jsonl: no answer in time"):
        fetch_qa(qa_spec(f"{served}/silent/qa.jsonl"), "en")


def test_the_hub_and_datasets_get_the_settings_of_their_own_retries(network) -> None:
    assert hub_constants.HF_HUB_DOWNLOAD_TIMEOUT == hub_constants.HF_HUB_ETAG_TIMEOUT == 0.5
    assert datasets.config.STREAMING_READ_MAX_RETRIES == 3 and datasets.config.STREAMING_READ_RETRY_INTERVAL == 0.01
