"""Encoding: each distinct text once per chunk, rows aligned with the tables, token-budget batches,
prompts, candidate context, float16 shards, autocast."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sentence_transformers import SentenceTransformer

from hybridir.demo.tiny import build_tiny_encoder
from hybridir.encoders import EncoderSpec
from hybridir.evaluate.encode import (
    candidate_texts,
    encode_benchmark,
    encode_table,
    load_encoder,
    token_batches,
    token_lengths,
)
from hybridir.evaluate.options import EncodingOptions
from hybridir.evaluate.vectors import VectorShards
from hybridir.tables import write_table

TEXTS = ["Where is Ulm?", "Ulm lies on the Danube.", "Wo liegt Ulm?", "Ulm liegt an der Donau.", "Who?", "A."]
FLOAT32 = EncodingOptions.from_schema(vector_dtype="float32")
RUNTIME = {"device": "cpu", "dtype": "float32"}


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(build_tiny_encoder(TEXTS * 5, tmp_path_factory.mktemp("encoder") / "tiny", dropout=0.0))


@pytest.fixture
def batches(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every batch of texts that reaches the model (SentenceTransformer.preprocess)."""
    seen: list[list[str]] = []
    original = SentenceTransformer.preprocess

    def recording(self, inputs, *args, **kwargs):
        seen.append(list(inputs))
        return original(self, inputs, *args, **kwargs)

    monkeypatch.setattr(SentenceTransformer, "preprocess", recording)
    return seen


def encoded(batches: list[list[str]]) -> list[str]:
    return sorted(text for batch in batches for text in batch)


def test_each_distinct_text_is_encoded_once_and_rows_follow_the_input(
    tiny_model: str, batches: list[list[str]], tmp_path: Path
) -> None:
    texts = [TEXTS[i] for i in (0, 1, 0, 2, 3, 1, 4, 5, 0)]
    encoder = load_encoder(tiny_model)
    encode_table(encoder, [texts], None, FLOAT32, tmp_path / "vectors", "test", RUNTIME)
    assert encoded(batches) == sorted(set(texts))
    vectors = VectorShards(tmp_path / "vectors", len(texts))
    expected = encoder.encode(texts, normalize_embeddings=True)
    np.testing.assert_allclose(vectors.read([(0, len(texts))]), expected, atol=1e-5)
    assert VectorShards(tmp_path / "vectors").runtime() == RUNTIME
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vectors"]


def test_a_table_is_encoded_chunk_by_chunk_into_float16_shards(
    tiny_model: str, batches: list[list[str]], tmp_path: Path
) -> None:
    texts = [TEXTS[i] for i in (0, 1, 0, 2, 3, 1, 4, 5, 0)]
    encoder = load_encoder(tiny_model)
    chunks = [texts[:4], texts[4:8], texts[8:]]
    encode_table(encoder, chunks, None, EncodingOptions.from_schema(), tmp_path / "vectors", "test", RUNTIME)
    assert encoded(batches) == sorted(text for chunk in chunks for text in set(chunk))
    assert [np.load(p).dtype for p in sorted((tmp_path / "vectors").glob("*.npy"))] == [np.float16] * 3
    vectors = VectorShards(tmp_path / "vectors", len(texts)).read([(0, len(texts))])
    np.testing.assert_allclose(vectors, encoder.encode(texts, normalize_embeddings=True), atol=2e-3)


def test_texts_over_the_maximum_length_are_counted_as_cut(tiny_model: str, tmp_path: Path) -> None:
    encoder = load_encoder(tiny_model, max_length=8)
    long = " ".join(TEXTS * 3)
    texts = ["Who?", long, long, "A."]
    counts = encode_table(encoder, [texts[:2], texts[2:]], None, FLOAT32, tmp_path / "vectors", "test", RUNTIME)
    assert counts == {"texts": 4, "distinct": 4, "cut": 2, "max_length": 8}  # distinct within each chunk
    assert token_lengths(encoder, [long, "Who?"], None).tolist() == [8, len(encoder.tokenizer("Who?")["input_ids"])]


def test_batches_hold_texts_of_one_length_bucket_within_the_token_budget() -> None:
    """Lengths sorted longest first; buckets floor(4 log2 length): 10 -> 13, 8 -> 12, 3 -> 6, 1 -> 0,
    20 -> 17, 18 and 16 -> 16, 15 -> 15; the first text of a batch sets its padded length."""
    assert token_batches(np.array([10, 8, 8, 3, 3, 3, 1]), 16) == [(0, 1), (1, 3), (3, 6), (6, 7)]
    assert token_batches(np.array([20, 18, 16, 15]), 1000) == [(0, 1), (1, 3), (3, 4)]
    assert token_batches(np.array([40, 2]), 16) == [(0, 1), (1, 2)]
    assert token_batches(np.array([], dtype=int), 16) == []


def test_long_texts_go_in_small_batches_and_short_ones_in_large(
    tiny_model: str, batches: list[list[str]], tmp_path: Path
) -> None:
    texts = [f"{'word ' * (n % 30 + 1)}{n}" for n in range(60)]
    encoder = load_encoder(tiny_model)
    encode_table(
        encoder, [texts], None, EncodingOptions.from_schema(max_batch_tokens=256), tmp_path / "v", "test", RUNTIME
    )
    tokens = [len(encoder.tokenizer(batch[0])["input_ids"]) for batch in batches]
    assert all(len(batch) * length <= 256 for batch, length in zip(batches, tokens, strict=True))
    assert len(batches[0]) < max(len(batch) for batch in batches)
    assert encoded(batches) == sorted(texts)


def test_a_benchmark_is_encoded_once_per_text_with_the_model_prompts(
    tiny_model: str, batches: list[list[str]], tmp_path: Path
) -> None:
    trained = tmp_path / "trained"
    model = load_encoder(EncoderSpec(tiny_model, prompts={"query": "Query: ", "passage": "Passage: "}))
    model.save(str(trained))
    batches.clear()  # saving encodes the model card's examples
    queries = pd.DataFrame(
        {
            "query_id": ["a", "b", "c"],
            "question_id": ["a", "b", "a"],
            "lang": "en",
            "text": [TEXTS[0], TEXTS[2], TEXTS[0]],
            "group": None,
        }
    )
    candidates = pd.DataFrame(
        {
            "candidate_id": ["x", "y"],
            "lang": "en",
            "paragraph_id": "p",
            "sentence_index": [0, 1],
            "text": [TEXTS[1], TEXTS[3]],
            "context": [None, None],
            "group": None,
        }
    )
    tables = {"queries": tmp_path / "queries.parquet", "candidates": tmp_path / "candidates.parquet"}
    write_table(queries, tables["queries"], "queries")
    write_table(candidates, tables["candidates"], "candidates")
    output = {"queries": tmp_path / "q", "candidates": tmp_path / "c"}
    encode_benchmark(str(trained), tables, "lareqa", FLOAT32, output)
    assert encoded(batches) == sorted({TEXTS[0], TEXTS[2], TEXTS[1], TEXTS[3]})
    model = SentenceTransformer(str(trained))
    with_prompt = model.encode(TEXTS[0], prompt_name="query", normalize_embeddings=True)
    np.testing.assert_allclose(VectorShards(output["queries"], 3).read([(0, 1)])[0], with_prompt, atol=1e-5)
    passage = model.encode(TEXTS[3], prompt_name="passage", normalize_embeddings=True)
    np.testing.assert_allclose(VectorShards(output["candidates"], 2).read([(1, 2)])[0], passage, atol=1e-5)
    bare = model.encode(TEXTS[0], normalize_embeddings=True)
    assert not np.allclose(with_prompt, bare, atol=1e-3)
    runtime = VectorShards(output["candidates"]).runtime()
    assert (runtime["device"], runtime["dtype"], runtime["vector_dtype"]) == ("cpu", "float32", "float32")


def test_bfloat16_autocast_changes_little(tiny_model: str, tmp_path: Path) -> None:
    encoder = load_encoder(tiny_model)
    options = EncodingOptions.from_schema(vector_dtype="float32")
    encode_table(encoder, [TEXTS], None, options, tmp_path / "bf16", "test", {"device": "cpu", "dtype": "bfloat16"})
    autocast = VectorShards(tmp_path / "bf16").read([(0, len(TEXTS))])
    exact = encoder.encode(TEXTS, normalize_embeddings=True)
    assert not np.array_equal(autocast, exact)
    np.testing.assert_allclose(autocast, exact, atol=5e-2)


def test_candidate_text_puts_the_sentence_before_its_paragraph_and_a_title_before_its_passage() -> None:
    candidates = pd.DataFrame({"text": ["S1.", "S2."], "context": ["S1. S2.", None]})
    assert candidate_texts(candidates, "lareqa", True) == ["S1. S1. S2.", "S2."]
    assert candidate_texts(candidates, "miracl", True) == ["S1. S2. S1.", "S2."]
    assert candidate_texts(candidates, "lareqa", False) == ["S1.", "S2."]
