"""Exact search: ranks of relevant candidates against a brute-force full ranking, in every setting."""

import numpy as np
import pandas as pd
import pytest
import torch

from hybridir.errors import DataError
from hybridir.evaluate.search import rank_benchmark, rank_in_pool
from hybridir.tables import to_arrow

LANGUAGES = ["de", "en", "es"]


def toy_benchmark(questions: int = 12, distractors: int = 3, dim: int = 8, seed: int = 0):
    """Parallel questions in three languages, one relevant sentence per language plus distractors."""
    rng = np.random.default_rng(seed)
    topics = rng.normal(size=(questions, dim))
    queries, candidates, qrels, query_vectors, candidate_vectors = [], [], [], [], []
    for lang in LANGUAGES:
        offset = rng.normal(scale=0.5, size=dim)
        for q in range(questions):
            queries.append((f"{lang}/q{q}", f"q{q}", lang, f"question {q} in {lang}"))
            query_vectors.append(topics[q] + offset + rng.normal(scale=0.8, size=dim))
            for d in range(distractors + 1):
                candidate_id = f"{lang}/p{q}/{d}"
                candidates.append((candidate_id, lang, f"p{q}", d, f"sentence {d} of {q}", None))
                candidate_vectors.append((topics[q] if d == 0 else rng.normal(size=dim)) + offset)
                if d == 0:
                    qrels.append((f"q{q}", candidate_id, 1))
    unit = lambda rows: np.asarray([v / np.linalg.norm(v) for v in rows], dtype=np.float32)  # noqa: E731
    return (
        pd.DataFrame(queries, columns=["query_id", "question_id", "lang", "text"]),
        pd.DataFrame(candidates, columns=["candidate_id", "lang", "paragraph_id", "sentence_index", "text", "context"]),
        pd.DataFrame(qrels, columns=["question_id", "candidate_id", "relevance"]),
        unit(query_vectors),
        unit(candidate_vectors),
    )


def brute_force_rank(query: np.ndarray, pool: np.ndarray, target: int) -> int:
    """1-based position of `target` in the pool sorted by descending score, earlier rows first on ties."""
    scores = pool.astype(np.float64) @ query.astype(np.float64)
    order = np.lexsort((np.arange(len(pool)), -scores))
    return int(np.flatnonzero(order == target)[0]) + 1


def test_ranks_match_a_full_ranking_in_every_setting() -> None:
    queries, candidates, qrels, query_vectors, candidate_vectors = toy_benchmark()
    rankings = rank_benchmark(queries, candidates, qrels, query_vectors, candidate_vectors)
    to_arrow(rankings, "rankings")
    combinations = rankings.groupby("setting")[["query_lang", "pool_lang"]].apply(lambda f: len(f.drop_duplicates()))
    assert combinations.to_dict() == {"cross": 6, "mono": 3, "multi": 3}
    assert len(rankings) == 12 * (3 * 1 + 6 * 1 + 3 * 3)
    query_row = dict(zip(queries["query_id"], range(len(queries)), strict=True))
    candidate_row = dict(zip(candidates["candidate_id"], range(len(candidates)), strict=True))
    for row in rankings.itertuples():
        pool = np.arange(len(candidates))
        if row.pool_lang != "all":
            pool = np.flatnonzero(candidates["lang"] == row.pool_lang)
        target = int(np.flatnonzero(pool == candidate_row[row.candidate_id])[0])
        expected = brute_force_rank(query_vectors[query_row[row.query_id]], candidate_vectors[pool], target)
        assert row.rank == expected, row
        assert row.pool_size == len(pool)


def test_multi_pool_lists_every_language_of_a_question() -> None:
    rankings = rank_benchmark(*toy_benchmark())
    multi = rankings[rankings["setting"] == "multi"]
    languages = multi.groupby("query_id")["candidate_lang"].apply(sorted)
    assert all(found == LANGUAGES for found in languages)


def test_settings_can_be_restricted_to_mono() -> None:
    rankings = rank_benchmark(*toy_benchmark(), settings=["mono"])
    assert set(rankings["setting"]) == {"mono"}
    assert (rankings["query_lang"] == rankings["pool_lang"]).all()


def test_chunking_does_not_change_ranks_and_ties_go_to_the_earlier_row() -> None:
    rng = np.random.default_rng(1)
    pool = rng.normal(size=(50, 4)).astype(np.float32)
    pool[30] = pool[10]  # an exact tie: row 10 ranks before row 30
    queries = torch.as_tensor(rng.normal(size=(7, 4)).astype(np.float32))
    query_index = np.array([0, 0, 3, 6, 6, 2])
    pool_index = np.array([10, 30, 5, 10, 30, 49])
    whole = rank_in_pool(queries, pool, query_index, pool_index)
    chunked = rank_in_pool(queries, pool, query_index, pool_index, query_chunk=2, pool_chunk=7)
    assert whole[0].tolist() == chunked[0].tolist()
    np.testing.assert_allclose(whole[1], chunked[1])
    assert whole[0][1] == whole[0][0] + 1 and whole[0][4] == whole[0][3] + 1
    for k in range(len(query_index)):
        assert whole[0][k] == brute_force_rank(queries[query_index[k]].numpy(), pool, pool_index[k])


def test_a_qrel_naming_an_unknown_candidate_is_an_error() -> None:
    queries, candidates, qrels, query_vectors, candidate_vectors = toy_benchmark()
    qrels.loc[0, "candidate_id"] = "de/missing/0"
    with pytest.raises(DataError, match="question q0: candidate de/missing/0 is not a candidate"):
        rank_benchmark(queries, candidates, qrels, query_vectors, candidate_vectors)
