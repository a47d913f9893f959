"""Exact search: the rank of every relevant candidate in the monolingual, cross-lingual and
multilingual pools of a benchmark.

- mono: queries in language X against the candidates in X (one pool per language);
- cross: queries in X against the candidates in Y, for every ordered pair X != Y;
- multi: queries in X against the candidates of every language, as one pool.
A query is evaluated in a pool where it has at least one relevant candidate (qrels relevance
>= 1). Only the ranks of relevant candidates are kept: they are all that mAP (no cutoff),
Recall@k, nDCG@k and rank distance need.

Tie rule. A score is the float32 inner product of unit vectors (cosine), as one matrix product
of the query with a block of its pool computes it. Candidates are ordered by their score cell
floor(score / SCORE_RESOLUTION), highest first, and within a cell (scores equal at a resolution
of 1e-6) by their row in the candidates table, earlier first; the rank of a relevant candidate is
1 + the number of pool candidates before it. This is a total order, so the candidates of a query
always get distinct ranks; float32 rounding, which differs between matrix shapes, changes a rank
only where it moves a score across a cell boundary next to another candidate's score.

How. A pool is read block by block from the vector shards, so memory does not grow with it. Each
relevant candidate's score is first computed alone (`expected`), with a window of
SCORE_RESOLUTION plus twice the float32 rounding bound of a dot product of that length around it.
A query's scores against a block are computed once, in one matrix product, and only those at or
above its lowest window bound are taken out (no candidate below can be ahead of a relevant one).
One binary search per score taken out, among its query's window bounds, tells how many relevant
candidates it is surely ahead of (it reaches their upper bound; a histogram counts them all at
once) and whether it is inside a window; a candidate inside a window is kept with its score and
placed by the rule above once the pool is done, against the relevant candidate's own block
score. So each block costs one comparison pass over its scores plus work on those taken out,
however many relevant candidates a query has.
"""

import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from tqdm import tqdm

from hybridir.errors import DataError
from hybridir.evaluate.vectors import VectorShards
from hybridir.tables import read_table_chunks
from hybridir.torch_devices import to_device

SETTINGS = ("mono", "cross", "multi")
ALL_LANGUAGES = "all"
SCORE_RESOLUTION = 1e-6
CHUNK_ROWS = 65536
# Pool rows per block of scores, by device type. On the CPU a block of 1,024 queries x 4,096 rows
# (16 MB of scores) stays near the caches: perf/search.py measured 1.07x a raw matmul + top-k
# against 1.30x with 16,384 rows. The GPU value is not measured.
POOL_CHUNK = {"cpu": 4096, "cuda": 16384}
FLOAT32_ROUNDOFF = 2.0**-24
RANKING_COLUMNS = [
    "setting", "query_id", "question_id", "query_lang", "pool_lang", "pool_size",
    "candidate_id", "candidate_lang", "relevance", "rank", "score",
]  # fmt: skip
JUDGED_COLUMNS = ["candidate_id", "candidate_lang", "candidate_row"]
Ranges = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class CandidateIndex:
    """What search needs of the candidates table: its size, each language's rows as (start, stop)
    ranges, and the id, language and row of every judged candidate."""

    size: int
    ranges: dict[str, Ranges]
    judged: pd.DataFrame


@dataclass(frozen=True)
class Pool:
    """One retrieval task: a setting, a query language, and the candidate rows of its pool."""

    setting: str
    query_lang: str
    pool_lang: str
    ranges: Ranges

    @property
    def size(self) -> int:
        return sum(stop - start for start, stop in self.ranges)


def language_runs(langs: np.ndarray, offset: int) -> list[tuple[str, int, int]]:
    """(language, start, stop) of each run of equal languages, rows counted from `offset`."""
    if not len(langs):
        return []
    change = np.flatnonzero(langs[1:] != langs[:-1]) + 1
    starts, stops = np.concatenate([[0], change]), np.concatenate([change, [len(langs)]])
    return [(str(langs[a]), offset + int(a), offset + int(b)) for a, b in zip(starts, stops, strict=True)]


def candidate_chunks(path: str | os.PathLike) -> Iterator[pd.DataFrame]:
    """The `candidate_id` and `lang` columns of a candidates table, CHUNK_ROWS rows at a time."""
    return read_table_chunks(path, "candidates", ["candidate_id", "lang"], CHUNK_ROWS)


def index_candidates(chunks: Iterable[pd.DataFrame], judged_ids: Iterable[str]) -> CandidateIndex:
    """Read the candidates table (`candidate_id`, `lang`) chunk by chunk into a CandidateIndex."""
    wanted = pd.Index(pd.unique(pd.Series(list(judged_ids), dtype=object)))
    runs: list[tuple[str, int, int]] = []
    found, size = [], 0
    for chunk in chunks:
        for lang, start, stop in language_runs(chunk["lang"].to_numpy(), size):
            if runs and runs[-1][0] == lang and runs[-1][2] == start:
                runs[-1] = (lang, runs[-1][1], stop)
            else:
                runs.append((lang, start, stop))
        hit = chunk["candidate_id"].isin(wanted).to_numpy()
        columns = (chunk["candidate_id"].to_numpy()[hit], chunk["lang"].to_numpy()[hit], size + np.flatnonzero(hit))
        found.append(pd.DataFrame(dict(zip(JUDGED_COLUMNS, columns, strict=True))))
        size += len(chunk)
    judged = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=JUDGED_COLUMNS)
    repeated = judged["candidate_id"].duplicated()
    if repeated.any():
        raise DataError(f"candidates: candidate_id {judged['candidate_id'][repeated].iloc[0]} occurs twice")
    ranges: dict[str, list[tuple[int, int]]] = {}
    for lang, start, stop in runs:
        ranges.setdefault(lang, []).append((start, stop))
    return CandidateIndex(size, {lang: tuple(ranges[lang]) for lang in sorted(ranges)}, judged)


def pools(index: CandidateIndex, query_languages: Sequence[str], settings: Sequence[str]) -> Iterator[Pool]:
    """Every (setting, query language, pool) of a benchmark."""
    for query_lang in query_languages:
        if "mono" in settings and query_lang in index.ranges:
            yield Pool("mono", query_lang, query_lang, index.ranges[query_lang])
        if "cross" in settings:
            for pool_lang, ranges in index.ranges.items():
                if pool_lang != query_lang:
                    yield Pool("cross", query_lang, pool_lang, ranges)
        if "multi" in settings:
            yield Pool("multi", query_lang, ALL_LANGUAGES, ((0, index.size),))


def relevant_pairs(queries: pd.DataFrame, index: CandidateIndex, qrels: pd.DataFrame) -> pd.DataFrame:
    """Every relevant (query, candidate): ids, languages, rows and relevance."""
    judged = qrels[qrels["relevance"] >= 1]
    unknown = ~judged["candidate_id"].isin(index.judged["candidate_id"])
    if unknown.any():
        row = judged[unknown].iloc[0]
        raise DataError(f"qrels: question {row['question_id']}: candidate {row['candidate_id']} is not a candidate")
    query_rows = queries[["query_id", "question_id", "lang"]].rename(columns={"lang": "query_lang"})
    query_rows = query_rows.assign(query_row=np.arange(len(queries)))
    pairs = judged.merge(query_rows, on="question_id").merge(index.judged, on="candidate_id")
    return pairs.sort_values(["query_row", "candidate_row"], ignore_index=True)


def score_cell(scores: np.ndarray) -> np.ndarray:
    """The cell of each score under the tie rule: floor(score / SCORE_RESOLUTION)."""
    return np.floor(np.asarray(scores, dtype=np.float64) / SCORE_RESOLUTION)


@contextmanager
def ieee_float32() -> Iterator[None]:
    """Full float32 matrix products on CUDA (no TF32) inside the block, as the window assumes."""
    previous = torch.backends.cuda.matmul.fp32_precision
    torch.backends.cuda.matmul.fp32_precision = "ieee"
    try:
        yield
    finally:
        torch.backends.cuda.matmul.fp32_precision = previous


class Workspace:
    """Score and mask buffers reused from block to block (a new large tensor per block costs page
    faults on the CPU)."""

    def __init__(self, rows: int, columns: int, device: torch.device):
        self.score_buffer = torch.empty(rows * columns, device=device)
        self.mask_buffer = torch.empty(rows * columns, dtype=torch.bool, device=device)

    def scores(self, rows: int, columns: int) -> torch.Tensor:
        return self.score_buffer[: rows * columns].view(rows, columns)

    def mask(self, rows: int, columns: int) -> torch.Tensor:
        return self.mask_buffer[: rows * columns].view(rows, columns)


def rank_in_pool(
    queries: torch.Tensor,
    vectors: VectorShards,
    ranges: Ranges,
    query_index: np.ndarray,
    target_rows: np.ndarray,
    query_chunk: int = 1024,
    pool_chunk: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Rank and score of pairs (query query_index[k], candidate row target_rows[k]) in the pool of
    the vector rows in `ranges`, under the tie rule of this module; pool_chunk None: POOL_CHUNK."""
    pool_chunk = pool_chunk or POOL_CHUNK.get(queries.device.type, POOL_CHUNK["cuda"])
    order = np.lexsort((target_rows, query_index))
    active, local = np.unique(query_index[order], return_inverse=True)
    counts = np.bincount(local)
    slot = np.arange(len(order)) - (np.cumsum(counts) - counts)[local]
    width, targets = int(counts.max()), np.asarray(target_rows)[order]
    matrix = queries[torch.as_tensor(active, device=queries.device)]
    windows = Windows(*window_bounds(matrix, vectors, local, slot, width, targets), queries.device)
    near: list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]] = []
    pool_size = sum(stop - start for start, stop in ranges)
    workspace = Workspace(min(query_chunk, len(active)), min(pool_chunk, pool_size), queries.device)
    for rows, block in vectors.blocks(ranges, pool_chunk):
        pool = to_device(torch.from_numpy(block), str(queries.device))
        for start in range(0, len(active), query_chunk):
            part = matrix[start : start + query_chunk]
            scores = torch.matmul(part, pool.T, out=workspace.scores(len(part), len(pool)))
            slots, columns, values = windows.count(scores, start, workspace.mask(len(part), len(pool)))
            near.append((slots.cpu(), torch.from_numpy(rows)[columns.cpu()], values.cpu()))
    pair_slot = local * width + slot
    ranks, values = place_near(near, pair_slot, targets, windows.ahead(), len(active) * width)
    result_ranks, result_scores = np.empty(len(order), dtype=np.int64), np.empty(len(order), dtype=np.float64)
    result_ranks[order], result_scores[order] = ranks, values
    return result_ranks, result_scores


def window_bounds(
    matrix: torch.Tensor, vectors: VectorShards, local: np.ndarray, slot: np.ndarray, width: int, targets: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Low and high bound (queries x slots, +inf where a query has fewer relevant candidates) of
    each relevant candidate's window: its float32 score computed alone, +- SCORE_RESOLUTION plus
    twice the float32 rounding bound of a dot product of this length, so that its score in a
    block's matrix product is inside, more than SCORE_RESOLUTION from either bound."""
    on = matrix.device
    query = matrix[torch.as_tensor(local, device=on)]
    target = to_device(torch.from_numpy(vectors.take(targets)), str(on))
    expected = (query * target).sum(dim=1).double().cpu().numpy()
    norms = torch.linalg.vector_norm(query, dim=1) * torch.linalg.vector_norm(target, dim=1)
    window = SCORE_RESOLUTION + 2 * (2 * vectors.dim + 4) * FLOAT32_ROUNDOFF * norms.double().cpu().numpy()
    low, high = np.full((len(matrix), width), np.inf), np.full((len(matrix), width), np.inf)
    low[local, slot], high[local, slot] = expected - window, expected + window
    return low, high


class Windows:
    """The windows of the relevant candidates of a pool's queries, and the number of candidates
    surely ahead of each, counted block by block.

    Rows are the queries, slots their relevant candidates. Per query, the window bounds and a
    sentinel above them lie on one line as float64 keys row * offset + (bound - floor), floor
    being the query's lowest bound; a score gets its key the same way. Its position among the
    keys (one binary search) tells how many of its query's high bounds it reaches (the relevant
    candidates it is surely ahead of: one histogram of these counts serves all of them) and
    whether it is inside a window."""

    def __init__(self, low: np.ndarray, high: np.ndarray, device: torch.device):
        rows, self.width = low.shape
        self.floor = low.min(axis=1)
        span = float((np.max(np.where(np.isfinite(high), high, -np.inf), axis=1) - self.floor).max())
        self.offset = float(2.0 ** np.ceil(np.log2(4 * span + 4)))
        every = np.arange(rows)[:, None]
        self.low_keys, self.high_keys = (
            torch.as_tensor(self.key(every, bound), device=device) for bound in (low, high)
        )
        self.floor32 = torch.as_tensor(self.floor, dtype=torch.float32, device=device)
        self.floor64 = torch.as_tensor(self.floor, dtype=torch.float64, device=device)
        row, column = np.nonzero(np.isfinite(high))
        sentinels = np.arange(rows)
        keys = np.concatenate(
            [self.key(row, low[row, column]), self.key(row, high[row, column]), (sentinels + 0.5) * self.offset]
        )
        kind = np.repeat([0, 1, 2], [len(row), len(row), rows])  # low, high, sentinel
        what = np.concatenate([row * self.width + column, row * self.width + column, -1 - sentinels])
        order = np.argsort(keys, kind="stable")
        self.keys = torch.as_tensor(keys[order], device=device)
        self.lows_before = torch.as_tensor(np.concatenate([[0], np.cumsum(kind[order] == 0)]), device=device)
        self.highs_before = torch.as_tensor(np.concatenate([[0], np.cumsum(kind[order] != 0)]), device=device)
        self.high_slots = what[order][kind[order] != 0]  # in key order: a flat slot, or -1 - row (sentinel)
        self.counts = torch.zeros(len(self.high_slots) + 1, dtype=torch.int64, device=device)

    def key(self, row: np.ndarray, bound: np.ndarray) -> np.ndarray:
        """Keys of bounds of the given rows (the same float64 arithmetic as for scores in count)."""
        return row * self.offset + (bound - self.floor[row])

    def count(self, scores: torch.Tensor, start: int, mask: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Count the block's scores of queries start.. that are surely ahead of relevant candidates;
        return those inside a window as (flat slot, column, score)."""
        torch.ge(scores, self.floor32[start : start + len(scores), None], out=mask)
        flat = torch.nonzero(mask.view(-1)).flatten()
        value = torch.take(scores, flat)
        row, column = flat // scores.shape[1] + start, flat % scores.shape[1]
        key = row.double() * self.offset + torch.clamp(value.double() - self.floor64[row], max=self.offset / 4)
        position = torch.searchsorted(self.keys, key, right=True)
        level = self.highs_before[position]
        self.counts += torch.bincount(level, minlength=len(self.counts))
        inside = torch.nonzero(self.lows_before[position] + row > level).flatten()
        row, column, value, key = row[inside], column[inside], value[inside], key[inside, None]
        which, slot = torch.nonzero((key >= self.low_keys[row]) & (key < self.high_keys[row]), as_tuple=True)
        return row[which] * self.width + slot, column[which], value[which]

    def ahead(self) -> np.ndarray:
        """Per flat slot: the candidates counted surely ahead of that relevant candidate, those of
        its query that reach its high bound (and stay below its query's sentinel)."""
        beyond = np.append(torch.flip(torch.cumsum(torch.flip(self.counts, [0]), 0), [0]).cpu().numpy(), 0)
        positions = np.arange(len(self.high_slots))
        is_slot = self.high_slots >= 0
        sentinel_of_row = np.empty(int((~is_slot).sum()), dtype=np.int64)
        sentinel_of_row[-1 - self.high_slots[~is_slot]] = positions[~is_slot]
        slots, own = self.high_slots[is_slot], positions[is_slot]
        result = np.zeros(len(self.floor) * self.width, dtype=np.int64)
        result[slots] = beyond[own + 1] - beyond[sentinel_of_row[slots // self.width] + 1]
        return result


def place_near(
    near: list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]],
    pair_slot: np.ndarray,
    targets: np.ndarray,
    ahead: np.ndarray,
    slots: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Ranks and block scores of the pairs: 1 + surely ahead + the window's candidates before."""
    parts = [np.concatenate([part[i].numpy() for part in near] or [np.zeros(0)]) for i in range(3)]
    slot_of, row_of, score_of = parts[0].astype(np.int64), parts[1].astype(np.int64), parts[2]
    target_of_slot = np.full(slots, -1, dtype=np.int64)
    target_of_slot[pair_slot] = targets
    own = row_of == target_of_slot[slot_of]
    own_score = np.full(slots, np.nan)
    own_score[slot_of[own]] = score_of[own]
    if np.isnan(own_score[pair_slot]).any():
        raise DataError("search: a relevant candidate's score is not finite: check the embeddings for NaN or inf")
    cell, own_cell = score_cell(score_of), score_cell(own_score[slot_of])
    before = (cell > own_cell) | ((cell == own_cell) & (row_of < target_of_slot[slot_of]))
    extra = np.bincount(slot_of, weights=before, minlength=slots).astype(np.int64)
    return 1 + ahead[pair_slot] + extra[pair_slot], own_score[pair_slot]


def rank_benchmark(
    queries: pd.DataFrame,
    candidates: Iterable[pd.DataFrame],
    qrels: pd.DataFrame,
    query_vectors: VectorShards,
    candidate_vectors: VectorShards,
    settings: Sequence[str] = SETTINGS,
    device: str = "cpu",
) -> pd.DataFrame:
    """The `rankings` table: every relevant candidate's rank in every pool of the settings.
    `candidates` are the chunks of the candidates table (`candidate_id`, `lang`), in row order."""
    index = index_candidates(candidates, qrels.loc[qrels["relevance"] >= 1, "candidate_id"])
    for vectors, rows, table in (
        (query_vectors, len(queries), "queries"),
        (candidate_vectors, index.size, "candidates"),
    ):
        if vectors.rows != rows:
            raise DataError(f"{vectors.path}: {vectors.rows} vectors for {rows} rows of table {table}")
    pairs = relevant_pairs(queries, index, qrels)
    query_langs = queries["lang"].to_numpy()
    rows_of = {lang: np.flatnonzero(query_langs == lang) for lang in sorted(set(query_langs))}
    frames = []
    with ieee_float32():
        on_device = {
            lang: to_device(torch.from_numpy(query_vectors.take(rows)), device) for lang, rows in rows_of.items()
        }
        for pool in tqdm(list(pools(index, list(rows_of), settings)), desc="rank", unit=" pools"):
            in_pool = pool.pool_lang == ALL_LANGUAGES or pairs["candidate_lang"] == pool.pool_lang
            mine = pairs[(pairs["query_lang"] == pool.query_lang) & in_pool]
            if mine.empty:
                continue
            local_query = np.searchsorted(rows_of[pool.query_lang], mine["query_row"].to_numpy())
            ranks, scores = rank_in_pool(
                on_device[pool.query_lang],
                candidate_vectors,
                pool.ranges,
                local_query,
                mine["candidate_row"].to_numpy(),
            )
            frames.append(ranking_rows(pool, mine, ranks, scores))
    if not frames:
        raise DataError("no query has a relevant candidate in any pool: check the benchmark's qrels")
    return pd.concat(frames, ignore_index=True)[RANKING_COLUMNS]


def ranking_rows(pool: Pool, pairs: pd.DataFrame, ranks: np.ndarray, scores: np.ndarray) -> pd.DataFrame:
    """Rows of the `rankings` table for one pool."""
    return pairs[["query_id", "question_id", "candidate_id", "candidate_lang", "relevance"]].assign(
        setting=pool.setting,
        query_lang=pool.query_lang,
        pool_lang=pool.pool_lang,
        pool_size=pool.size,
        rank=ranks,
        score=scores,
    )
