"""Encoding: each distinct text once, rows aligned with the tables, prompts, candidate context."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sentence_transformers import SentenceTransformer

from hybridir.encoders import EncoderSpec
from hybridir.errors import DataError
from hybridir.evaluate.encode import (
    EncodingOptions,
    candidate_texts,
    encode_benchmark,
    encode_to_file,
    load_encoder,
)
from hybridir.evaluate.search import load_embeddings
from hybridir.tiny import build_tiny_encoder

TEXTS = ["Where is Ulm?", "Ulm lies on the Danube.", "Wo liegt Ulm?", "Ulm liegt an der Donau.", "Who?", "A."]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(build_tiny_encoder(TEXTS * 5, tmp_path_factory.mktemp("encoder") / "tiny", dropout=0.0))


@pytest.fixture
def encoded_texts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text that reaches SentenceTransformer.encode."""
    seen: list[str] = []
    original = SentenceTransformer.encode

    def counting(self, sentences, *args, **kwargs):
        seen.extend(sentences)
        return original(self, sentences, *args, **kwargs)

    monkeypatch.setattr(SentenceTransformer, "encode", counting)
    return seen


def test_each_distinct_text_is_encoded_once_and_rows_follow_the_input(
    tiny_model: str, encoded_texts: list[str], tmp_path: Path
) -> None:
    texts = [TEXTS[i] for i in (0, 1, 0, 2, 3, 1, 4, 5, 0)]
    encoder = load_encoder(tiny_model)
    encode_to_file(encoder, texts, None, EncodingOptions(block=2), tmp_path / "vectors.npy", "test")
    assert sorted(encoded_texts) == sorted(set(texts))
    vectors = load_embeddings(tmp_path / "vectors.npy", len(texts))
    expected = encoder.encode(texts, normalize_embeddings=True)
    np.testing.assert_allclose(vectors, expected, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert not [p for p in tmp_path.iterdir() if p.name != "vectors.npy"]


def test_a_benchmark_is_encoded_once_per_text_with_the_model_prompts(
    tiny_model: str, encoded_texts: list[str], tmp_path: Path
) -> None:
    trained = tmp_path / "trained"
    model = load_encoder(EncoderSpec(tiny_model, prompts={"query": "Query: ", "passage": "Passage: "}))
    model.save(str(trained))
    encoded_texts.clear()  # saving writes a model card, which encodes example sentences of its own
    queries = pd.DataFrame({"text": [TEXTS[0], TEXTS[2], TEXTS[0]]})
    candidates = pd.DataFrame({"text": [TEXTS[1], TEXTS[3]], "context": [None, None]})
    output = {"queries": tmp_path / "q.npy", "candidates": tmp_path / "c.npy"}
    encode_benchmark(str(trained), queries, candidates, "lareqa", EncodingOptions(), output)
    assert sorted(encoded_texts) == sorted({TEXTS[0], TEXTS[2], TEXTS[1], TEXTS[3]})
    model = SentenceTransformer(str(trained))
    with_prompt = model.encode(TEXTS[0], prompt_name="query", normalize_embeddings=True)
    np.testing.assert_allclose(load_embeddings(output["queries"], 3)[0], with_prompt, atol=1e-5)
    bare = model.encode(TEXTS[0], normalize_embeddings=True)
    assert not np.allclose(with_prompt, bare, atol=1e-3)


def test_candidate_text_puts_the_sentence_before_its_paragraph_and_a_title_before_its_passage() -> None:
    candidates = pd.DataFrame({"text": ["S1.", "S2."], "context": ["S1. S2.", None]})
    assert candidate_texts(candidates, "lareqa", True) == ["S1. S1. S2.", "S2."]
    assert candidate_texts(candidates, "miracl", True) == ["S1. S2. S1.", "S2."]
    assert candidate_texts(candidates, "lareqa", False) == ["S1.", "S2."]


def test_embeddings_with_the_wrong_row_count_are_an_error(tmp_path: Path) -> None:
    np.save(tmp_path / "v.npy", np.zeros((3, 4), dtype=np.float32))
    with pytest.raises(DataError, match=r"v.npy: embeddings of shape \(3, 4\), expected 5 rows"):
        load_embeddings(tmp_path / "v.npy", 5)
