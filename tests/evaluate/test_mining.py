"""Blocked k nearest neighbours against a full sort; BUCC margin mining, threshold and F1 against
a plain re-implementation of XTREME's loops (utils_retrieve.mine_bitext, bucc_optimize, bucc_eval)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from hybridir.evaluate.aggregate import aggregate
from hybridir.evaluate.cells import cells
from hybridir.evaluate.mining import best_threshold, bucc_scores, extraction_f1, mine_benchmark
from hybridir.evaluate.seeds import seed_statistics
from hybridir.evaluate.topk import top_k
from hybridir.evaluate.vectors import VectorShards, write_vectors
from hybridir.tables import to_arrow


def shards(folder: Path, vectors: np.ndarray, rows: int = 7) -> VectorShards:
    write_vectors(folder, (vectors[s : s + rows] for s in range(0, len(vectors), rows)), vectors.shape[1])
    return VectorShards(folder)


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


@pytest.mark.parametrize(("pool_chunk", "query_chunk"), [(5, 2), (64, 1024), (1, 3)])
def test_top_k_equals_a_full_sort(tmp_path: Path, pool_chunk: int, query_chunk: int) -> None:
    rng = np.random.default_rng(0)
    vectors = unit(rng.normal(size=(60, 6)))
    vectors[40] = vectors[12]  # an exact tie: row 12 before row 40
    queries = unit(rng.normal(size=(9, 6)))
    queries[0] = vectors[12]
    ranges = ((3, 20), (30, 55))
    scores, rows = top_k(torch.from_numpy(queries), shards(tmp_path, vectors), ranges, 4, query_chunk, pool_chunk)
    pool = np.concatenate([np.arange(3, 20), np.arange(30, 55)])
    full = queries @ vectors[pool].T
    for q in range(len(queries)):
        order = np.lexsort((pool, -full[q]))[:4]
        assert rows[q].tolist() == pool[order].tolist()
        np.testing.assert_allclose(scores[q], full[q][order], atol=1e-6)
    assert rows[0][:2].tolist() == [12, 40]


def test_top_k_of_a_pool_smaller_than_k(tmp_path: Path) -> None:
    vectors = unit(np.random.default_rng(1).normal(size=(5, 3)))
    scores, rows = top_k(torch.from_numpy(vectors[:2]), shards(tmp_path, vectors), ((1, 4),), 10)
    assert scores.shape == rows.shape == (2, 3) and sorted(rows[0].tolist()) == [1, 2, 3]


def xtreme_reference(x: np.ndarray, y: np.ndarray, x_text: list, y_text: list, x_ids: list, y_ids: list, gold: set):
    """XTREME's steps as loops: unify, 4-NN both ways, ratio margin, 'max' retrieval, text -> id
    mapping that drops repeated texts, bucc_optimize, bucc_extract, F1."""
    x_unique = list(dict.fromkeys(x_text))
    y_unique = list(dict.fromkeys(y_text))
    xu = x[[x_text.index(t) for t in x_unique]]
    yu = y[[y_text.index(t) for t in y_unique]]
    k = 4
    sims = xu @ yu.T
    x2y_ind = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    y2x_ind = np.argsort(-sims.T, axis=1, kind="stable")[:, :k]
    x2y_mean = np.take_along_axis(sims, x2y_ind, 1).mean(1)
    y2x_mean = np.take_along_axis(sims.T, y2x_ind, 1).mean(1)

    def best(own, inds, own_mean, other_mean, forward):
        found = []
        for i in range(len(own)):
            values = [(sims[i, j] if forward else sims[j, i]) / ((own_mean[i] + other_mean[j]) / 2) for j in inds[i]]
            found.append((inds[i][int(np.argmax(values))], max(values)))
        return found

    fwd = best(xu, x2y_ind, x2y_mean, y2x_mean, True)
    bwd = best(yu, y2x_ind, y2x_mean, x2y_mean, False)
    entries = [(i, j, s) for i, (j, s) in enumerate(fwd)] + [(i, j, s) for j, (i, s) in enumerate(bwd)]
    order = np.argsort(-np.array([s for _, _, s in entries]), kind="stable")
    seen_x, seen_y, mined = set(), set(), []
    for n in order:
        i, j, s = entries[n]
        if i not in seen_x and j not in seen_y:
            seen_x.add(i)
            seen_y.add(j)
            if s > 0:
                mined.append((x_unique[i], y_unique[j], s))
    x_id = {t: i for t, i in zip(x_text, x_ids, strict=True) if x_text.count(t) == 1}
    y_id = {t: i for t, i in zip(y_text, y_ids, strict=True) if y_text.count(t) == 1}
    scored = {(x_id[a], y_id[b]): s for a, b, s in mined if a in x_id and b in y_id}
    items = sorted(scored.items(), key=lambda item: -item[1])
    correct = 0
    threshold = best_f1 = 0.0
    for i, (pair, score) in enumerate(items):
        correct += pair in gold
        if correct:
            p, r = correct / (i + 1), correct / len(gold)
            if 2 * p * r / (p + r) > best_f1:
                best_f1 = 2 * p * r / (p + r)
                threshold = (score + items[i + 1][1]) / 2
    chosen = {pair for pair, score in scored.items() if score >= threshold}
    hits = len(chosen & gold)
    p, r = hits / len(chosen), hits / len(gold)
    return threshold, p, r, 2 * p * r / (p + r)


def bucc_case(seed: int) -> tuple:
    """60 xx and 50 English sentences, 30 gold pairs (noisy copies of one content), two repeated
    texts on each side."""
    rng = np.random.default_rng(seed)
    content = rng.normal(size=(80, 16))
    x = unit(np.concatenate([content[:30] + 0.6 * rng.normal(size=(30, 16)), content[30:60]]))
    y = unit(np.concatenate([content[:30] + 0.6 * rng.normal(size=(30, 16)), content[60:80]]))
    x_text, y_text = [f"x{i}" for i in range(60)], [f"y{i}" for i in range(50)]
    x_text[45] = x_text[44]
    x[45] = x[44]
    y_text[3] = y_text[2]
    y[3] = y[2]
    x_ids, y_ids = [f"de-{i:09d}" for i in range(60)], [f"en-{i:09d}" for i in range(50)]
    order = rng.permutation(30)
    gold = {(x_ids[i], y_ids[order[i]]) for i in range(30)}
    y_perm = np.empty_like(y)
    y_perm[order] = y[:30]
    y_perm[30:] = y[30:]
    y_text_perm = list(y_text)
    for i in range(30):
        y_text_perm[order[i]] = y_text[i]
    return x, y_perm, x_text, y_text_perm, x_ids, y_ids, gold


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bucc_scores_equal_xtreme_s_loops(tmp_path: Path, seed: int) -> None:
    x, y, x_text, y_text, x_ids, y_ids, gold = bucc_case(seed)
    candidates = pd.DataFrame(
        {
            "candidate_id": [f"de/{i}" for i in x_ids] + [f"en/{i}" for i in y_ids],
            "lang": ["de"] * len(x) + ["en"] * len(y),
            "paragraph_id": x_ids + y_ids,
            "text": x_text + y_text,
        }
    )
    qrels = pd.DataFrame(
        [(a, f"en/{b}", 1) for a, b in sorted(gold)], columns=["question_id", "candidate_id", "relevance"]
    )
    result = bucc_scores(candidates, shards(tmp_path, np.concatenate([x, y]), 16), qrels, "de")
    threshold, precision, recall, f1 = xtreme_reference(x, y, x_text, y_text, x_ids, y_ids, gold)
    assert result.threshold == pytest.approx(threshold, abs=1e-5)
    assert (result.precision, result.recall, result.f1) == pytest.approx((precision, recall, f1))
    assert result.gold == 30 and 0 < result.f1 < 1


def test_threshold_and_f1_by_hand() -> None:
    """Scores 0.9 (correct), 0.8 (wrong), 0.7 (correct), 0.6 (wrong), 3 gold pairs. F1 after each:
    0.5, 0.4, 0.571..., 0.5: best after the third, threshold (0.7 + 0.6) / 2 = 0.65; extracted
    0.9, 0.8, 0.7: precision 2/3, recall 2/3."""
    scores = np.array([0.8, 0.6, 0.9, 0.7])
    correct = np.array([False, False, True, True])
    threshold = best_threshold(scores, correct, 3)
    assert threshold == pytest.approx(0.65)
    result = extraction_f1(scores, correct, 3, threshold)
    assert (result.precision, result.recall, result.f1, result.extracted) == pytest.approx((2 / 3, 2 / 3, 2 / 3, 3))
    assert best_threshold(scores, np.zeros(4, dtype=bool), 3) == 0.0
    assert extraction_f1(scores, np.zeros(4, dtype=bool), 3, 0.0).f1 == 0.0


def two_pairs(seed: int) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame, dict]:
    """A BUCC benchmark of two pairs (de-en, fr-en) as the fetch stage joins them: candidates of
    both pairs in one table (group '<xx>-en'), their vectors and gold qrels, and each pair's
    results from bucc_scores alone."""
    frames, vectors, qrels = [], [], []
    for lang, offset in (("de", 0), ("fr", 1)):
        x, y, x_text, y_text, x_ids, y_ids, gold = bucc_case(seed + offset)
        x_ids = [i.replace("de-", f"{lang}-") for i in x_ids]
        gold = {(a.replace("de-", f"{lang}-"), b) for a, b in gold}
        group = f"{lang}-en"
        frames.append(
            pd.DataFrame(
                {
                    "candidate_id": [f"{lang}/{i}" for i in x_ids] + [f"en/{group}/{i}" for i in y_ids],
                    "lang": [lang] * len(x) + ["en"] * len(y),
                    "paragraph_id": x_ids + y_ids,
                    "text": x_text + y_text,
                    "group": group,
                }
            )
        )
        vectors.append(np.concatenate([x, y]))
        qrels += [(a, f"en/{group}/{b}", 1) for a, b in sorted(gold)]
    candidates = pd.concat(frames, ignore_index=True)
    qrels = pd.DataFrame(qrels, columns=["question_id", "candidate_id", "relevance"])
    return candidates, np.concatenate(vectors), qrels


IDENTITY = {
    "encoder": "e", "run": "x_x-s1", "strategy": "x_x", "alpha": None, "mixture": None, "seed": 1, "benchmark": "bucc"
}  # fmt: skip


def test_each_pair_is_mined_alone_and_its_sentences_weighted_mean_is_the_corpus_f1(tmp_path: Path) -> None:
    candidates, vectors, qrels = two_pairs(0)
    mining, table = mine_benchmark(candidates, shards(tmp_path, vectors, 16), qrels, IDENTITY)
    to_arrow(mining, "mining")
    to_arrow(table, "per_query")
    assert mining["lang"].tolist() == ["de", "fr"] and (mining["gold"] == 30).all()
    for lang in ("de", "fr"):
        alone = candidates[candidates["group"] == f"{lang}-en"]
        gold = qrels[qrels["candidate_id"].isin(alone["candidate_id"])]
        gold = gold.assign(candidate_id=gold["candidate_id"].str.replace(f"en/{lang}-en/", "en/"))
        alone = alone.assign(candidate_id=alone["candidate_id"].str.replace(f"en/{lang}-en/", "en/"))
        expected = bucc_scores(alone, shards(tmp_path / lang, vectors, 16), gold, lang)
        row = mining[mining["lang"] == lang].iloc[0]
        assert (row["f1"], row["precision"], row["threshold"]) == pytest.approx(
            (expected.f1, expected.precision, expected.threshold)
        )
        sentences = table[table["query_lang"] == lang]
        assert len(sentences) == 60 and sentences["relevant"].sum() == 30
        weighted = (sentences["f1"] * sentences["weight"]).sum() / sentences["weight"].sum()
        assert weighted == pytest.approx(expected.f1)
        assert sentences["weight"].sum() == expected.extracted + expected.gold
    metrics = aggregate(table, IDENTITY, 200, 0).set_index(["query_lang", "pool_lang"])
    cell = metrics.loc[("de", "en")]
    assert cell["value"] == pytest.approx(mining.loc[0, "f1"]) and cell["ci_low"] < cell["value"] < cell["ci_high"]
    assert cell["queries"] == 60
    assert metrics.loc[("macro", "macro"), "value"] == pytest.approx(mining["f1"].mean())


def test_runs_with_other_extractions_compare_on_the_same_sentences(tmp_path: Path) -> None:
    candidates, vectors, qrels = two_pairs(0)
    noisy = vectors + np.random.default_rng(9).normal(scale=0.4, size=vectors.shape).astype(np.float32)
    tables = {}
    for name, run_vectors in (("x_x-s1", vectors), ("x_y-s1", unit(noisy))):
        tables[name] = mine_benchmark(candidates, shards(tmp_path / name, run_vectors, 16), qrels, IDENTITY)[1]
    assert not np.array_equal(tables["x_x-s1"]["weight"], tables["x_y-s1"]["weight"])
    statistics = seed_statistics(tables, "e", 200, 0)
    for i, run in enumerate(("x_x-s1", "x_y-s1")):
        layout = cells(tables[run])
        np.testing.assert_allclose(statistics.values[i], layout.with_macros(layout.means()))
