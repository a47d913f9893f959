"""MRR@10 and Recall@k against ranx and trec_eval (pytrec_eval) on random runs; XTREME-R's mAP@20
and nearest-neighbour accuracy against brute-force rankings."""

import numpy as np
import pytest
import pytrec_eval
from ranx import Qrels, Run, evaluate

from hybridir.evaluate.metrics import average_precision_at, hit_at, recall_at, reciprocal_rank_at


@pytest.fixture(scope="module")
def runs() -> dict:
    """200 queries over pools of 1,100 to 2,500 candidates with distinct random scores, 1 to 30
    relevant candidates each (relevant ones pushed up a little, so ranks spread from 1 to the
    pool's end), graded 1-3, plus judged non-relevant ones; per relevant candidate its query code and rank."""
    rng = np.random.default_rng(5)
    qrels, run, codes, ranks, ranked = {}, {}, [], [], {}
    for q in range(200):
        name, pool = f"q{q:03d}", int(rng.integers(1100, 2500))
        count = 1 if q % 4 == 0 else int(rng.integers(2, 30))
        chosen = rng.choice(pool, size=count + 3, replace=False)
        relevant = chosen[:count]
        scores = rng.random(pool)
        scores[relevant] += rng.exponential(0.15, size=count)
        order = np.argsort(-scores)
        position = np.empty(pool, dtype=np.int64)
        position[order] = np.arange(1, pool + 1)
        qrels[name] = {f"d{d}": int(g) for d, g in zip(relevant, rng.integers(1, 4, size=count), strict=True)}
        qrels[name] |= {f"d{d}": 0 for d in chosen[count:]}
        run[name] = {f"d{d}": float(s) for d, s in enumerate(scores)}
        ranked[name] = (order, set(relevant.tolist()))
        codes += [q] * count
        ranks += position[relevant].tolist()
    return {"qrels": qrels, "run": run, "query": np.array(codes), "rank": np.array(ranks), "ranked": ranked}


def test_mrr_at_10_equals_ranx_and_trec_eval_on_the_top_10(runs) -> None:
    ours = reciprocal_rank_at(runs["query"], runs["rank"], 10)
    ranx_values = evaluate(Qrels(runs["qrels"]), Run(runs["run"]), "mrr@10", return_mean=False)
    top10 = {q: dict(sorted(docs.items(), key=lambda item: -item[1])[:10]) for q, docs in runs["run"].items()}
    trec = pytrec_eval.RelevanceEvaluator(runs["qrels"], {"recip_rank"}).evaluate(top10)
    np.testing.assert_allclose(ours, ranx_values, atol=1e-9)
    np.testing.assert_allclose(ours, [trec[q]["recip_rank"] for q in sorted(trec)], atol=1e-9)
    assert 0 < (ours == 0).mean() < 1 and 0 < (ours == 1).mean() < 1


@pytest.mark.parametrize("k", [1, 10, 100, 1000])
def test_recall_at_k_equals_ranx_and_trec_eval(runs, k: int) -> None:
    ours = recall_at(runs["query"], runs["rank"], k)
    ranx_values = evaluate(Qrels(runs["qrels"]), Run(runs["run"]), f"recall@{k}", return_mean=False)
    trec = pytrec_eval.RelevanceEvaluator(runs["qrels"], {f"recall.{k}"}).evaluate(runs["run"])
    np.testing.assert_allclose(ours, ranx_values, atol=1e-9)
    np.testing.assert_allclose(ours, [trec[q][f"recall_{k}"] for q in sorted(trec)], atol=1e-9)
    if k == 1000:
        assert 0 < ours.mean() < 1 and (runs["rank"] > 1000).any()


def xtreme_r_ap_at(order: np.ndarray, relevant: set, k: int) -> float:
    """utils_lareqa.average_precision_at_k over a full ranking, as a loop."""
    score = hits = 0.0
    for i, candidate in enumerate(order[:k]):
        if candidate in relevant:
            hits += 1
            score += hits / (i + 1)
    return score / min(len(relevant), k)


def test_map_at_20_equals_xtreme_r_s_definition_on_full_rankings(runs) -> None:
    ours = average_precision_at(runs["query"], runs["rank"], 20)
    expected = [xtreme_r_ap_at(order, relevant, 20) for order, relevant in runs["ranked"].values()]
    np.testing.assert_allclose(ours, expected, atol=1e-12)
    assert 0 < ours.mean() < 1


def test_map_at_k_by_hand() -> None:
    """Relevant at ranks 1, 3 and 25 of one query, k = 20: (1/1 + 2/3) / min(3, 20) = 0.5556;
    with 25 relevant candidates and k = 20 the denominator is 20."""
    query, rank = np.zeros(3, dtype=int), np.array([3, 1, 25])
    assert average_precision_at(query, rank, 20)[0] == pytest.approx((1 + 2 / 3) / 3)
    many = np.arange(1, 26)
    assert average_precision_at(np.zeros(25, dtype=int), many, 20)[0] == pytest.approx(1.0)
    assert reciprocal_rank_at(query, rank, 10)[0] == 1.0 and reciprocal_rank_at(query, rank + 10, 10)[0] == 0.0


def test_hit_at_1_is_nearest_neighbour_accuracy() -> None:
    """Brute force: the argmax of each row of a score matrix against the rank of the diagonal."""
    rng = np.random.default_rng(2)
    scores = rng.normal(size=(300, 300)) + 2.5 * np.eye(300)
    rank = 1 + (scores > np.diag(scores)[:, None]).sum(axis=1)
    ours = hit_at(np.arange(300), rank, 1)
    np.testing.assert_array_equal(ours, (scores.argmax(axis=1) == np.arange(300)).astype(float))
    assert 0 < ours.mean() < 1
