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

For the statistics (hybridir.evaluate.cells), each source sentence is one query of the `mining`
setting: with e its extracted pairs (0 or 1), c those that are gold and g its gold pairs, its F1
value is 2c / (e + g) with weight e + g (0 and weight 0 for a sentence with neither), so that the
weighted mean over sentences is the corpus-level F1 and a bootstrap over sentences resamples the
corpus with the threshold fixed (`mined_per_query`). A benchmark of several pairs (group
'<xx>-en') is mined pair by pair (`mine_benchmark`).
"""

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
import torch

from hybridir.errors import DataError
from hybridir.evaluate.metrics import per_query_columns
from hybridir.evaluate.topk import top_k
from hybridir.evaluate.vectors import VectorShards
from hybridir.torch_devices import to_device
from hybridir.vocabulary import ENGLISH, MINING

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


@dataclass(frozen=True)
class Mined:
    """The candidate pairs of one BUCC language pair: source and target ids, margin scores, whether
    each is gold, and the gold pairs."""

    source: np.ndarray
    target: np.ndarray
    scores: np.ndarray
    correct: np.ndarray
    gold: pd.MultiIndex


def distinct_side(candidates: pd.DataFrame, lang: str) -> Side:
    """The distinct texts of one language of a BUCC candidates table (first occurrence each); the
    frame's index is the row of each candidate in its vector folder."""
    mine = candidates[candidates["lang"] == lang]
    if mine.empty:
        raise DataError(f"candidates: no sentence in language {lang!r}")
    first = ~mine["text"].duplicated(keep="first").to_numpy()
    repeated = mine["text"].duplicated(keep=False).to_numpy()
    rows = mine.index.to_numpy(np.int64)
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


def mine_pair(
    candidates: pd.DataFrame,
    vectors: VectorShards,
    qrels: pd.DataFrame,
    lang: str,
    english: str = ENGLISH,
    k: int = NEIGHBOURS,
    device: str = "cpu",
) -> Mined:
    """The candidate pairs of one BUCC pair (a candidates table of both sides, indexed by vector
    row, its vectors and its gold qrels), extractable ones only (module docstring, steps 1-3)."""
    x, y = distinct_side(candidates, lang), distinct_side(candidates, english)
    x2y = neighbours(vectors, x.rows, y.rows, k, device)
    y2x = neighbours(vectors, y.rows, x.rows, k, device)
    source, target, scores = mined_pairs(x2y, y2x)
    usable = x.extractable[source] & y.extractable[target]
    pairs = pd.MultiIndex.from_arrays([x.ids[source][usable], y.ids[target][usable]])
    sentence_of = dict(zip(candidates["candidate_id"], candidates["paragraph_id"], strict=True))
    gold = pd.MultiIndex.from_arrays(
        [qrels["question_id"].to_numpy(), qrels["candidate_id"].map(sentence_of).to_numpy()]
    ).unique()
    return Mined(x.ids[source][usable], y.ids[target][usable], scores[usable], pairs.isin(gold), gold)


def bucc_scores(
    candidates: pd.DataFrame,
    vectors: VectorShards,
    qrels: pd.DataFrame,
    lang: str,
    english: str = ENGLISH,
    k: int = NEIGHBOURS,
    device: str = "cpu",
) -> BuccResult:
    """Mine one BUCC pair and score the extraction at the threshold of best F1 on its gold pairs."""
    mined = mine_pair(candidates, vectors, qrels, lang, english, k, device)
    threshold = best_threshold(mined.scores, mined.correct, len(mined.gold))
    return extraction_f1(mined.scores, mined.correct, len(mined.gold), threshold)


def mined_per_query(
    mined: Mined, threshold: float, sources: pd.Series, lang: str, english: str = ENGLISH
) -> pd.DataFrame:
    """Rows of the `per_query` table for the source sentences `sources` (ids) of one pair: F1 as
    2 x correct / (extracted + gold) with weight extracted + gold (module docstring)."""
    extracted = mined.scores >= threshold
    kept = pd.Series(mined.correct[extracted].astype(np.float64), index=mined.source[extracted])
    gold = pd.Series(mined.gold.get_level_values(0)).value_counts()
    ids = pd.Index(sources.to_numpy())
    e = kept.groupby(level=0).size().reindex(ids, fill_value=0).to_numpy(np.float64)
    c = kept.groupby(level=0).sum().reindex(ids, fill_value=0.0).to_numpy(np.float64)
    g = gold.reindex(ids, fill_value=0).to_numpy(np.float64)
    weight = e + g
    frame = pd.DataFrame(
        {
            "setting": MINING,
            "query_id": [f"{lang}/{i}" for i in ids],
            "question_id": ids.astype(str),
            "query_lang": lang,
            "pool_lang": english,
            "relevant": g.astype(np.int64),
            "weight": weight,
            "f1": np.divide(2 * c, weight, out=np.zeros_like(weight), where=weight > 0),
        }
    )
    return frame.reindex(columns=per_query_columns())


def mine_benchmark(
    candidates: pd.DataFrame,
    vectors: VectorShards,
    qrels: pd.DataFrame,
    identity: Mapping[str, Any],
    k: int = NEIGHBOURS,
    device: str = "cpu",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The `mining` table (one row per language pair) and the `per_query` table of a BUCC benchmark
    (its candidates table read whole, indexed by vector row; `identity` the run's columns and the
    benchmark), mining each pair ('<xx>-en' group) on its own."""
    rows, frames = [], []
    for _, part in candidates.groupby("group", sort=False):
        lang = next(lang for lang in part["lang"].unique() if lang != ENGLISH)
        gold = qrels[qrels["candidate_id"].isin(part["candidate_id"])]
        mined = mine_pair(part, vectors, gold, lang, ENGLISH, k, device)
        threshold = best_threshold(mined.scores, mined.correct, len(mined.gold))
        result = extraction_f1(mined.scores, mined.correct, len(mined.gold), threshold)
        rows.append({**identity, "lang": lang, **asdict(result)})
        sources = part.loc[part["lang"] == lang, "paragraph_id"]
        frames.append(mined_per_query(mined, threshold, sources, lang))
    if not frames:
        raise DataError("candidates: no language pair to mine (expected groups '<xx>-en')")
    per_query = pd.concat(frames, ignore_index=True).sort_values(
        ["setting", "query_id", "pool_lang"], ignore_index=True
    )
    return pd.DataFrame(rows)[MINING_COLUMNS], per_query


MINING_COLUMNS = [
    "encoder", "run", "strategy", "alpha", "mixture", "seed", "benchmark", "lang",
    "threshold", "precision", "recall", "f1", "candidates", "extracted", "gold",
]  # fmt: skip
