"""Exact k nearest neighbours over a pool read block by block from vector shards.

For each query, the k highest float32 inner products with the pool rows (cosines of unit
vectors) and those rows, highest first. The pool is read in blocks of POOL_CHUNK rows (the
search's block size) and queries are scored against a block in chunks of `query_chunk`, so
memory holds one block of scores and the running k best per query, whatever the pool's size.
Among equal scores the lower row comes first; which of several rows tied at exactly the k-th
score of one block is kept is torch.topk's choice.

The rank-based metrics (MRR@10, Recall@1000, mAP@20, accuracy) need no neighbour lists: they
come from the ranks of the relevant candidates (hybridir.evaluate.search). Neighbour lists serve
what needs the scores of the nearest rows themselves: BUCC's margin (hybridir.evaluate.mining).
"""

from collections.abc import Sequence

import numpy as np
import torch

from hybridir.evaluate.ranking import POOL_CHUNK, ieee_float32
from hybridir.evaluate.vectors import VectorShards
from hybridir.torch_devices import to_device


def merge_best(
    scores: torch.Tensor, rows: torch.Tensor, new_scores: torch.Tensor, new_rows: torch.Tensor, k: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """The k best of two (score, row) sets per query: highest score first, then lowest row."""
    all_scores, all_rows = torch.cat([scores, new_scores], dim=1), torch.cat([rows, new_rows], dim=1)
    by_row = torch.sort(all_rows, dim=1, stable=True).indices
    all_scores, all_rows = all_scores.gather(1, by_row), all_rows.gather(1, by_row)
    by_score = torch.sort(all_scores, dim=1, descending=True, stable=True).indices[:, :k]
    return all_scores.gather(1, by_score), all_rows.gather(1, by_score)


def top_k(
    queries: torch.Tensor,
    vectors: VectorShards,
    ranges: Sequence[tuple[int, int]],
    k: int,
    query_chunk: int = 1024,
    pool_chunk: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(scores, rows), each queries x min(k, pool size), of every query's k nearest pool rows
    among the vector rows in `ranges` (rows numbered as in the vector folder)."""
    device = queries.device
    pool_chunk = pool_chunk or POOL_CHUNK.get(device.type, POOL_CHUNK["cuda"])
    size = sum(stop - start for start, stop in ranges)
    k = min(k, size)
    best = torch.full((len(queries), k), -torch.inf, device=device)
    best_rows = torch.full((len(queries), k), -1, dtype=torch.int64, device=device)
    with ieee_float32():
        for rows, block in vectors.blocks(ranges, pool_chunk):
            pool = to_device(torch.from_numpy(block), str(device))
            pool_rows = to_device(torch.from_numpy(rows), str(device))
            for start in range(0, len(queries), query_chunk):
                scores = queries[start : start + query_chunk] @ pool.T
                values, columns = torch.topk(scores, min(k, len(rows)), dim=1)
                part = slice(start, start + len(scores))
                best[part], best_rows[part] = merge_best(best[part], best_rows[part], values, pool_rows[columns], k)
    return best.cpu().numpy(), best_rows.cpu().numpy()
