"""Rankings to a depth (formats whose metrics all have cutoffs) equal the full ranking within it;
pools within language-pair groups and the to_en / from_en settings (Tatoeba, mMARCO)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from hybridir.evaluate.metrics import per_query
from hybridir.evaluate.ranking import rank_in_pool
from hybridir.evaluate.search import rank_benchmark
from hybridir.fetch.shapes import CANDIDATE_COLUMNS, QUERY_COLUMNS
from hybridir.tables import to_arrow
from tests.evaluate.test_search import brute_force_rank, rank_toy, shards, toy_benchmark


@pytest.mark.parametrize(("depth", "query_chunk", "pool_chunk"), [(1, 1024, 4096), (10, 3, 50), (100, 7, 64)])
def test_ranks_within_the_depth_are_the_full_ranks_and_the_others_are_beyond(
    tmp_path: Path, depth: int, query_chunk: int, pool_chunk: int
) -> None:
    """Relevant candidates anywhere from the top to the bottom of a 600-row pool, 1 to 5 per query."""
    rng = np.random.default_rng(depth)
    vectors = rng.normal(size=(600, 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    queries = torch.as_tensor(vectors[:30] + rng.normal(scale=0.3, size=(30, 8)).astype(np.float32))
    counts = rng.integers(1, 6, size=30)
    query_index = np.repeat(np.arange(30), counts)
    targets = np.concatenate([rng.choice(np.arange(600), size=c, replace=False) for c in counts])
    targets[::4] = query_index[::4]  # some relevant candidates near their query: ranked high
    pool = shards(tmp_path / "v", vectors, 128)
    full, full_scores = rank_in_pool(queries, pool, ((0, 600),), query_index, targets)
    capped, scores = rank_in_pool(
        queries, pool, ((0, 600),), query_index, targets, query_chunk=query_chunk, pool_chunk=pool_chunk, depth=depth
    )
    within = full <= depth
    assert within.any() and (~within).any()
    np.testing.assert_array_equal(capped[within], full[within])
    assert (capped[~within] == -1).all()
    np.testing.assert_allclose(scores, full_scores, atol=1e-6)
    for k in np.flatnonzero(within):
        assert capped[k] == brute_force_rank(queries[query_index[k]].numpy(), vectors, targets[k])


def test_metrics_within_the_depth_equal_those_of_the_full_ranking(tmp_path: Path) -> None:
    benchmark = toy_benchmark(questions=40, distractors=30)
    full = per_query(rank_toy(tmp_path / "full", benchmark, settings=["mono", "multi"]))
    capped = rank_toy(tmp_path / "capped", benchmark, settings=["mono", "multi"], depth=20)
    to_arrow(capped, "rankings")
    assert capped["rank"].isna().any() and (capped["depth"] == 20).all()
    table = per_query(capped)
    to_arrow(table, "per_query")
    for column in ("rr_10", "recall_1", "recall_10", "ap_20", "accuracy", "ndcg_10"):
        np.testing.assert_allclose(table[column], full[column], atol=1e-12, err_msg=column)
    for column in ("ap", "recall_100", "recall_1000", "rank_distance"):
        assert table[column].isna().all() and full[column].notna().any(), column


def paired_benchmark(pairs: int = 12, dim: int = 8, seed: int = 3):
    """Two Tatoeba-like pairs (de-en, es-en), each English side of its own, rows grouped per side."""
    rng = np.random.default_rng(seed)
    queries, candidates, qrels, vectors = [], [], [], []
    for lang in ("de", "es"):
        group = f"{lang}-en"
        topics = rng.normal(size=(pairs, dim))
        for side in (lang, "en"):
            for i in range(pairs):
                row_id = f"{side}/{group}/{i}"
                queries.append((row_id, f"{group}/{i}", side, f"{side} {i}", group))
                candidates.append((row_id, side, group, i, f"{side} {i}", None, group))
                qrels.append((f"{group}/{i}", row_id, 1))
                vectors.append(topics[i] + rng.normal(scale=0.7, size=dim))
    vectors = np.asarray(vectors, dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return (
        pd.DataFrame(queries, columns=QUERY_COLUMNS),
        pd.DataFrame(candidates, columns=CANDIDATE_COLUMNS),
        pd.DataFrame(qrels, columns=["question_id", "candidate_id", "relevance"]),
        vectors,
    )


def test_pairs_are_pooled_within_their_group_in_both_directions(tmp_path: Path) -> None:
    queries, candidates, qrels, vectors = paired_benchmark()
    rankings = rank_benchmark(
        queries,
        [candidates[:30], candidates[30:]],
        qrels,
        shards(tmp_path / "q", vectors),
        shards(tmp_path / "c", vectors),
        ["to_en", "from_en"],
    )
    to_arrow(rankings, "rankings")
    combinations = set(zip(rankings["setting"], rankings["query_lang"], rankings["pool_lang"], strict=True))
    assert combinations == {
        ("to_en", "de", "en"),
        ("to_en", "es", "en"),
        ("from_en", "en", "de"),
        ("from_en", "en", "es"),
    }
    assert (rankings["pool_size"] == 12).all() and len(rankings) == 4 * 12
    group_of = dict(zip(candidates["candidate_id"], candidates["group"], strict=True))
    row_of = {cid: i for i, cid in enumerate(candidates["candidate_id"])}
    for row in rankings.itertuples():
        group = group_of[row.candidate_id]
        pool = np.flatnonzero((candidates["group"] == group) & (candidates["lang"] == row.pool_lang))
        query = vectors[row_of[row.query_id]]
        assert group_of[row.query_id] == group
        assert row.rank == brute_force_rank(
            query, vectors[pool], int(np.flatnonzero(pool == row_of[row.candidate_id])[0])
        )
