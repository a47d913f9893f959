"""The rank of every relevant candidate of a query in one pool of candidate vectors, exact under
one tie rule, with memory bounded by a block of the pool (hybridir.evaluate.search plans the pools).

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

Depth. Metrics with a cutoff (MRR@10, Recall@1000, mAP@20, accuracy) need no rank beyond it: with
`depth`, a relevant candidate that `depth` candidates are surely ahead of is beyond it, its rank
is not computed (-1), and after each block its query's threshold rises to the lowest window of
its candidates still within reach (no score below can be ahead of them), so scores are taken out
only near the top of the ranking; a query chunk whose candidates are all beyond is not scored.
The ranks within the depth are the exact ranks of the tie rule.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import torch

from hybridir.errors import DataError
from hybridir.evaluate.vectors import VectorShards
from hybridir.torch_devices import to_device

SCORE_RESOLUTION = 1e-6
# Pool rows per block of scores, by device type. On the CPU a block of 1,024 queries x 4,096 rows
# (16 MB of scores) stays near the caches: perf/search.py measured 1.07x a raw matmul + top-k
# against 1.30x with 16,384 rows. The GPU value is not measured.
POOL_CHUNK = {"cpu": 4096, "cuda": 16384}
FLOAT32_ROUNDOFF = 2.0**-24
Ranges = tuple[tuple[int, int], ...]  # (start, stop) row ranges of a pool


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
    depth: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Rank and score of pairs (query query_index[k], candidate row target_rows[k]) in the pool of
    the vector rows in `ranges`, under the tie rule of this module; pool_chunk None: POOL_CHUNK;
    with `depth`, rank -1 for a candidate ranked below it (see the module docstring)."""
    pool_chunk = pool_chunk or POOL_CHUNK.get(queries.device.type, POOL_CHUNK["cuda"])
    order = np.lexsort((target_rows, query_index))
    active, local = np.unique(query_index[order], return_inverse=True)
    counts = np.bincount(local)
    slot = np.arange(len(order)) - (np.cumsum(counts) - counts)[local]
    width, targets = int(counts.max()), np.asarray(target_rows)[order]
    matrix = queries[torch.as_tensor(active, device=queries.device)]
    low, high, expected = window_bounds(matrix, vectors, local, slot, width, targets)
    windows = Windows(low, high, queries.device)
    near: list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]] = []
    pool_size = sum(stop - start for start, stop in ranges)
    workspace = Workspace(min(query_chunk, len(active)), min(pool_chunk, pool_size), queries.device)
    for rows, block in vectors.blocks(ranges, pool_chunk):
        pool = to_device(torch.from_numpy(block), str(queries.device))
        for start in range(0, len(active), query_chunk):
            if depth is not None and windows.out_of_reach(start, start + query_chunk):
                continue
            part = matrix[start : start + query_chunk]
            scores = torch.matmul(part, pool.T, out=workspace.scores(len(part), len(pool)))
            slots, columns, values = windows.count(scores, start, workspace.mask(len(part), len(pool)))
            near.append((slots.cpu(), torch.from_numpy(rows)[columns.cpu()], values.cpu()))
        if depth is not None:
            windows.keep_within(depth, low)
    pair_slot = local * width + slot
    ahead = windows.ahead()
    beyond = ahead[pair_slot] >= depth if depth is not None else np.zeros(len(order), dtype=bool)
    ranks, values = place_near(near, pair_slot, targets, ahead, len(active) * width, beyond)
    if depth is not None:
        beyond |= ranks > depth
        ranks, values = np.where(beyond, -1, ranks), np.where(beyond, expected, values)
    result_ranks, result_scores = np.empty(len(order), dtype=np.int64), np.empty(len(order), dtype=np.float64)
    result_ranks[order], result_scores[order] = ranks, values
    return result_ranks, result_scores


def window_bounds(
    matrix: torch.Tensor, vectors: VectorShards, local: np.ndarray, slot: np.ndarray, width: int, targets: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Low and high bound (queries x slots, +inf where a query has fewer relevant candidates) of
    each relevant candidate's window: its float32 score computed alone, +- SCORE_RESOLUTION plus
    twice the float32 rounding bound of a dot product of this length, so that its score in a
    block's matrix product is inside, more than SCORE_RESOLUTION from either bound; and that
    score computed alone, per pair."""
    on = matrix.device
    query = matrix[torch.as_tensor(local, device=on)]
    target = to_device(torch.from_numpy(vectors.take(targets)), str(on))
    expected = (query * target).sum(dim=1).double().cpu().numpy()
    norms = torch.linalg.vector_norm(query, dim=1) * torch.linalg.vector_norm(target, dim=1)
    window = SCORE_RESOLUTION + 2 * (2 * vectors.dim + 4) * FLOAT32_ROUNDOFF * norms.double().cpu().numpy()
    low, high = np.full((len(matrix), width), np.inf), np.full((len(matrix), width), np.inf)
    low[local, slot], high[local, slot] = expected - window, expected + window
    return low, high, expected


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

    def out_of_reach(self, start: int, stop: int) -> bool:
        """Whether every relevant candidate of queries start..stop-1 is beyond the depth (keep_within)."""
        return bool(torch.isinf(self.floor32[start:stop]).all())

    def keep_within(self, depth: int, low: np.ndarray) -> None:
        """Raise each query's threshold to the lowest window of its relevant candidates that fewer
        than `depth` candidates are surely ahead of (+inf when there is none): no score below it
        can be ahead of them."""
        reach = self.ahead().reshape(len(self.floor), self.width) < depth
        lowest = np.where(reach & np.isfinite(low), low, np.inf).min(axis=1)
        self.floor32 = torch.as_tensor(lowest, dtype=torch.float32, device=self.floor32.device)

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
    beyond: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Ranks and block scores of the pairs: 1 + surely ahead + the window's candidates before;
    pairs `beyond` the depth, whose block score may not have been taken out, are left unchecked."""
    parts = [np.concatenate([part[i].numpy() for part in near] or [np.zeros(0)]) for i in range(3)]
    slot_of, row_of, score_of = parts[0].astype(np.int64), parts[1].astype(np.int64), parts[2]
    target_of_slot = np.full(slots, -1, dtype=np.int64)
    target_of_slot[pair_slot] = targets
    own = row_of == target_of_slot[slot_of]
    own_score = np.full(slots, np.nan)
    own_score[slot_of[own]] = score_of[own]
    if np.isnan(own_score[pair_slot[~beyond]]).any():
        raise DataError("search: a relevant candidate's score is not finite: check the embeddings for NaN or inf")
    cell, own_cell = score_cell(score_of), score_cell(own_score[slot_of])
    before = (cell > own_cell) | ((cell == own_cell) & (row_of < target_of_slot[slot_of]))
    extra = np.bincount(slot_of, weights=before, minlength=slots).astype(np.int64)
    return 1 + ahead[pair_slot] + extra[pair_slot], own_score[pair_slot]
