"""Exact search: ranks of relevant candidates against a brute-force full ranking, in every setting,
read from vector shards; the tie rule at its resolution; errors."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from hybridir.errors import DataError
from hybridir.evaluate.ranking import rank_in_pool
from hybridir.evaluate.search import rank_benchmark
from hybridir.evaluate.vectors import VectorShards, write_vectors
from hybridir.fetch.shapes import CANDIDATE_COLUMNS, QUERY_COLUMNS
from hybridir.tables import to_arrow

LANGUAGES = ["de", "en", "es"]


def shards(folder: Path, vectors: np.ndarray, shard_rows: int = 7) -> VectorShards:
    """`vectors` written as a vector folder of shards of `shard_rows` rows, opened for reading."""
    parts = (vectors[start : start + shard_rows] for start in range(0, len(vectors), shard_rows))
    write_vectors(folder, parts, vectors.shape[1])
    return VectorShards(folder, len(vectors))


def toy_benchmark(questions: int = 12, distractors: int = 3, dim: int = 8, seed: int = 0, shuffle: bool = False):
    """Parallel questions in three languages, one relevant sentence per language plus distractors
    (candidate rows in a random order when `shuffle`)."""
    rng = np.random.default_rng(seed)
    topics = rng.normal(size=(questions, dim))
    queries, candidates, qrels, query_vectors, candidate_vectors = [], [], [], [], []
    for lang in LANGUAGES:
        offset = rng.normal(scale=0.5, size=dim)
        for q in range(questions):
            queries.append((f"{lang}/q{q}", f"q{q}", lang, f"question {q} in {lang}", None))
            query_vectors.append(topics[q] + offset + rng.normal(scale=0.8, size=dim))
            for d in range(distractors + 1):
                candidate_id = f"{lang}/p{q}/{d}"
                candidates.append((candidate_id, lang, f"p{q}", d, f"sentence {d} of {q}", None, None))
                candidate_vectors.append((topics[q] if d == 0 else rng.normal(size=dim)) + offset)
                if d == 0:
                    qrels.append((f"q{q}", candidate_id, 1))
    unit = lambda rows: np.asarray([v / np.linalg.norm(v) for v in rows], dtype=np.float32)  # noqa: E731
    order = rng.permutation(len(candidates)) if shuffle else np.arange(len(candidates))
    return (
        pd.DataFrame(queries, columns=QUERY_COLUMNS),
        pd.DataFrame([candidates[i] for i in order], columns=CANDIDATE_COLUMNS),
        pd.DataFrame(qrels, columns=["question_id", "candidate_id", "relevance"]),
        unit(query_vectors),
        unit(candidate_vectors)[order],
    )


def rank_toy(tmp_path: Path, benchmark: tuple, **kwargs) -> pd.DataFrame:
    queries, candidates, qrels, query_vectors, candidate_vectors = benchmark
    return rank_benchmark(
        queries,
        [candidates[: len(candidates) // 2], candidates[len(candidates) // 2 :]],
        qrels,
        shards(tmp_path / "queries", query_vectors),
        shards(tmp_path / "candidates", candidate_vectors),
        **kwargs,
    )


def brute_force_rank(query: np.ndarray, pool: np.ndarray, target: int) -> int:
    """1-based position of `target` in the pool sorted by score cell (float64 score / 1e-6, floored),
    highest first, and by row within a cell."""
    cells = np.floor(pool.astype(np.float64) @ query.astype(np.float64) / 1e-6)
    order = np.lexsort((np.arange(len(pool)), -cells))
    return int(np.flatnonzero(order == target)[0]) + 1


@pytest.mark.parametrize("shuffle", [False, True], ids=["grouped", "interleaved"])
def test_ranks_match_a_full_ranking_in_every_setting(tmp_path: Path, shuffle: bool) -> None:
    benchmark = toy_benchmark(shuffle=shuffle)
    queries, candidates, _, query_vectors, candidate_vectors = benchmark
    rankings = rank_toy(tmp_path, benchmark)
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
        vectors = (query_vectors[query_row[row.query_id]], candidate_vectors[candidate_row[row.candidate_id]])
        assert row.score == pytest.approx(float(np.dot(*vectors)), abs=1e-6)


def test_multi_pool_lists_every_language_of_a_question(tmp_path: Path) -> None:
    rankings = rank_toy(tmp_path, toy_benchmark())
    multi = rankings[rankings["setting"] == "multi"]
    languages = multi.groupby("query_id")["candidate_lang"].apply(sorted)
    assert all(found == LANGUAGES for found in languages)


def test_settings_can_be_restricted_to_mono(tmp_path: Path) -> None:
    rankings = rank_toy(tmp_path, toy_benchmark(), settings=["mono"])
    assert set(rankings["setting"]) == {"mono"}
    assert (rankings["query_lang"] == rankings["pool_lang"]).all()


def test_near_ties_get_distinct_ranks_by_score_cell_then_row(tmp_path: Path) -> None:
    """Scores 0.4-1.0e-6 apart around the 1e-6 resolution. Their cells (floor(score / 1e-6)):
    row 0: 0.5000004 -> 500000, row 1: 0.5000014 -> 500001, row 2: 0.5000009 -> 500000,
    row 3: 0.5000019 -> 500001, row 4: 0.4999996 -> 499999, row 5: 0.5000024 -> 500002.
    Order by cell, then row: 5, 1, 3, 0, 2, 4 (row 0 before row 2 although 0.5e-6 lower: one cell;
    row 1 before row 0, 1.0e-6 apart: the next cell up)."""
    scores = np.array([0.5000004, 0.5000014, 0.5000009, 0.5000019, 0.4999996, 0.5000024], dtype=np.float32)
    pool = np.stack([scores, np.sqrt(1 - scores.astype(np.float64) ** 2).astype(np.float32)], axis=1)
    query = torch.tensor([[1.0, 0.0]])
    expected = [4, 2, 5, 3, 6, 1]
    for shard_rows, pool_chunk in [(6, 16384), (4, 2), (1, 1)]:
        vectors = shards(tmp_path / f"pool{shard_rows}", pool, shard_rows)
        ranks, found = rank_in_pool(
            query, vectors, ((0, 6),), np.zeros(6, dtype=int), np.arange(6), pool_chunk=pool_chunk
        )
        assert ranks.tolist() == expected
        np.testing.assert_array_equal(found, scores.astype(np.float64))
    one, _ = rank_in_pool(query, vectors, ((0, 6),), np.zeros(1, dtype=int), np.array([2]))
    assert one.tolist() == [5]


def test_chunking_does_not_change_ranks_and_ties_go_to_the_earlier_row(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    pool = rng.normal(size=(50, 4)).astype(np.float32)
    pool[30] = pool[10]  # an exact tie: row 10 ranks before row 30
    queries = torch.as_tensor(rng.normal(size=(7, 4)).astype(np.float32))
    query_index = np.array([0, 0, 3, 6, 6, 2])
    pool_index = np.array([10, 30, 5, 10, 30, 49])
    whole = rank_in_pool(queries, shards(tmp_path / "whole", pool, 50), ((0, 50),), query_index, pool_index)
    chunked = rank_in_pool(
        queries, shards(tmp_path / "chunked", pool, 6), ((0, 50),), query_index, pool_index, query_chunk=2, pool_chunk=7
    )
    assert whole[0].tolist() == chunked[0].tolist()
    np.testing.assert_allclose(whole[1], chunked[1], atol=1e-6)
    assert whole[0][1] == whole[0][0] + 1 and whole[0][4] == whole[0][3] + 1
    for k in range(len(query_index)):
        assert whole[0][k] == brute_force_rank(queries[query_index[k]].numpy(), pool, pool_index[k])


def test_ten_relevant_candidates_per_query_in_a_pool_of_two_ranges(tmp_path: Path) -> None:
    """Random vectors (relevant candidates anywhere in the ranking), ten per query, and a pool made
    of two row ranges of the vector folder."""
    rng = np.random.default_rng(2)
    vectors = rng.normal(size=(400, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = torch.as_tensor(vectors[:20] + rng.normal(scale=0.1, size=(20, 16)).astype(np.float32))
    rows = np.concatenate([np.arange(30, 180), np.arange(250, 400)])
    query_index = np.repeat(np.arange(20), 10)
    targets = np.concatenate([rng.choice(rows, size=10, replace=False) for _ in range(20)])
    ranks, _ = rank_in_pool(
        queries, shards(tmp_path / "v", vectors, 64), ((30, 180), (250, 400)), query_index, targets, pool_chunk=100
    )
    for k in range(len(targets)):
        target = int(np.flatnonzero(rows == targets[k])[0])
        assert ranks[k] == brute_force_rank(queries[query_index[k]].numpy(), vectors[rows], target)
    assert all(len(set(ranks[query_index == q])) == 10 for q in range(20))


def test_a_qrel_naming_an_unknown_candidate_is_an_error(tmp_path: Path) -> None:
    queries, candidates, qrels, query_vectors, candidate_vectors = toy_benchmark()
    qrels.loc[0, "candidate_id"] = "de/missing/0"
    with pytest.raises(DataError, match="question q0: candidate de/missing/0 is not a candidate"):
        rank_toy(tmp_path, (queries, candidates, qrels, query_vectors, candidate_vectors))


def test_embeddings_with_the_wrong_row_count_are_an_error(tmp_path: Path) -> None:
    queries, candidates, qrels, query_vectors, candidate_vectors = toy_benchmark()
    with pytest.raises(DataError, match=r"candidates: 143 vectors for 144 rows of table candidates"):
        rank_toy(tmp_path, (queries, candidates, qrels, query_vectors, candidate_vectors[:-1]))
    write_vectors(tmp_path / "v", [np.zeros((3, 4), dtype=np.float32)], 4)
    with pytest.raises(DataError, match=r"v: 3 vectors, expected 5 \(one per table row\)"):
        VectorShards(tmp_path / "v", 5)


def test_non_finite_embeddings_are_an_error(tmp_path: Path) -> None:
    queries, candidates, qrels, query_vectors, candidate_vectors = toy_benchmark()
    candidate_vectors[0] = np.nan
    with pytest.raises(DataError, match="candidates: row 0: the embedding holds NaN or Inf"):
        rank_toy(tmp_path, (queries, candidates, qrels, query_vectors, candidate_vectors))
