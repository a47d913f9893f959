"""BUCC bitext mining scored as XTREME scores it (google-research/xtreme, third_party/
utils_retrieve.py: mine_bitext with its defaults, bucc_optimize, bucc_extract, bucc_eval).

1. Sentences: each side's distinct texts, embedded once (XTREME's `unify`); a text that occurs
   more than once in its file keeps its place among the neighbours but is never extracted (its
   id is ambiguous: XTREME's read_sent2id drops it).
2. Margin (ratio, k = 4): for x in one side and y in the other, with N_k the k nearest neighbours
   by cosine in the other side, score(x, y) = cos(x, y) / ((mean cos(x, N_k(x)) + mean cos(y,
   N_k(y))) / 2).
3. Candidates ("max" retrieval): each sentence's best-scored neighbour among its k nearest,
   both directions; these pairs by descending score, a pair kept when neither sentence is taken
   yet and its score is > 0.
4. Threshold: candidates by descending score; after each, precision and recall of the
   candidates so far against the gold pairs; the threshold is the midpoint between the score of
   the candidate of the first best F1 and the next one's score (XTREME optimises it on the gold
   pairs of the split it reports, BUCC's training split).
5. Extraction and F1: the candidates scored at or above the threshold, against all gold pairs.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from hybridir.errors import DataError
from hybridir.evaluate.topk import top_k
from hybridir.evaluate.vectors import VectorShards
from hybridir.torch_devices import to_device

NEIGHBOURS = 4
QUERY_BLOCK = 65536  # query rows per pass over the pool: each pass re-reads the pool's shards


@dataclass(frozen=True)
class Side:
    """One side's distinct sentences: BUCC ids, vector rows (ascending) and whether extractable."""

    ids: np.ndarray
    rows: np.ndarray
    extractable: np.ndarray


@dataclass(frozen=True)
class BuccResult:
    """Threshold, precision, recall and F1 (0..1) of the extracted pairs, and the counts behind them."""

    threshold: float
    precision: float
    recall: float
    f1: float
    candidates: int
    extracted: int
    gold: int


def distinct_side(candidates: pd.DataFrame, lang: str) -> Side:
    """The distinct texts of one language of a BUCC candidates table (first occurrence each)."""
    mine = candidates[candidates["lang"] == lang]
    if mine.empty:
        raise DataError(f"candidates: no sentence in language {lang!r}")
    first = ~mine["text"].duplicated(keep="first").to_numpy()
    repeated = mine["text"].duplicated(keep=False).to_numpy()
    rows = np.flatnonzero((candidates["lang"] == lang).to_numpy())
    return Side(mine["paragraph_id"].to_numpy()[first], rows[first], ~repeated[first])


def as_ranges(rows: np.ndarray) -> tuple[tuple[int, int], ...]:
    """Ascending rows as (start, stop) ranges of consecutive rows."""
    runs = np.split(rows, np.flatnonzero(np.diff(rows) != 1) + 1)
    return tuple((int(run[0]), int(run[-1]) + 1) for run in runs if len(run))


def neighbours(
    vectors: VectorShards, query_rows: np.ndarray, pool_rows: np.ndarray, k: int, device: str
) -> tuple[np.ndarray, np.ndarray]:
    """Cosines and positions in `pool_rows` of the k nearest pool rows of every query row."""
    scores, positions = [], []
    pool = as_ranges(pool_rows)
    for _, block in vectors.blocks(as_ranges(query_rows), QUERY_BLOCK):
        found, rows = top_k(to_device(torch.from_numpy(block), device), vectors, pool, k)
        scores.append(found)
        positions.append(np.searchsorted(pool_rows, rows))
    return np.concatenate(scores), np.concatenate(positions)


def best_by_margin(
    own: np.ndarray, own_positions: np.ndarray, own_mean: np.ndarray, other_mean: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each sentence's neighbour of highest ratio margin (the first among equals) and that margin."""
    margins = own / ((own_mean[:, None] + other_mean[own_positions]) / 2)
    column = margins.argmax(axis=1)
    every = np.arange(len(own))
    return own_positions[every, column], margins[every, column]


def mined_pairs(
    x2y: tuple[np.ndarray, np.ndarray], y2x: tuple[np.ndarray, np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, y, score) of the candidate pairs from both directions' neighbours (cosines, positions),
    by the ratio margin and "max" retrieval (module docstring, steps 2 and 3)."""
    x_mean, y_mean = x2y[0].mean(axis=1), y2x[0].mean(axis=1)
    forward, forward_score = best_by_margin(*x2y, x_mean, y_mean)
    backward, backward_score = best_by_margin(*y2x, y_mean, x_mean)
    source = np.concatenate([np.arange(len(forward)), backward])
    target = np.concatenate([forward, np.arange(len(backward))])
    scores = np.concatenate([forward_score, backward_score])
    taken_x, taken_y, kept = set(), set(), []
    for i in np.argsort(-scores, kind="stable"):
        if source[i] not in taken_x and target[i] not in taken_y:
            taken_x.add(source[i])
            taken_y.add(target[i])
            if scores[i] > 0:
                kept.append(i)
    kept = np.asarray(kept, dtype=np.int64)
    return source[kept], target[kept], scores[kept]


def best_threshold(scores: np.ndarray, correct: np.ndarray, gold: int) -> float:
    """The threshold of step 4: midway between the score of the first best-F1 candidate and the
    next (its own score when it is the last); 0 when no candidate is correct."""
    order = np.argsort(-scores, kind="stable")
    hits = np.cumsum(correct[order])
    precision, recall = hits / np.arange(1, len(order) + 1), hits / gold
    f1 = np.where(hits > 0, 2 * precision * recall / np.where(hits > 0, precision + recall, 1), 0.0)
    if not len(f1) or f1.max() <= 0:
        return 0.0
    best = int(f1.argmax())
    ranked = scores[order]
    return float((ranked[best] + ranked[best + 1]) / 2 if best + 1 < len(ranked) else ranked[best])


def extraction_f1(scores: np.ndarray, correct: np.ndarray, gold: int, threshold: float) -> BuccResult:
    """Precision, recall and F1 of the candidates scored at or above `threshold` (step 5)."""
    extracted = scores >= threshold
    hits = int(correct[extracted].sum())
    precision = hits / int(extracted.sum()) if hits else 0.0
    recall = hits / gold if hits else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return BuccResult(threshold, precision, recall, f1, len(scores), int(extracted.sum()), gold)


def bucc_scores(
    candidates: pd.DataFrame,
    vectors: VectorShards,
    qrels: pd.DataFrame,
    lang: str,
    english: str = "en",
    k: int = NEIGHBOURS,
    device: str = "cpu",
) -> BuccResult:
    """Mine one BUCC pair (a candidates table of both sides, its vectors, its gold qrels) and score
    the extraction at the threshold of best F1 on these gold pairs."""
    x, y = distinct_side(candidates, lang), distinct_side(candidates, english)
    x2y = neighbours(vectors, x.rows, y.rows, k, device)
    y2x = neighbours(vectors, y.rows, x.rows, k, device)
    source, target, scores = mined_pairs(x2y, y2x)
    usable = x.extractable[source] & y.extractable[target]
    pairs = pd.MultiIndex.from_arrays([x.ids[source][usable], y.ids[target][usable]])
    gold = pd.MultiIndex.from_arrays(
        [qrels["question_id"].to_numpy(), qrels["candidate_id"].str.removeprefix(f"{english}/").to_numpy()]
    ).unique()
    correct = pairs.isin(gold)
    threshold = best_threshold(scores[usable], correct, len(gold))
    return extraction_f1(scores[usable], correct, len(gold), threshold)
