"""Overhead of the evaluate stage's exact search against a raw top-k search, in one process.

Data: 1,000 queries against 50,000 candidate vectors of dimension 384 (the issue's size), built
like a parallel benchmark: 5,000 answers with 10 versions each (a version = the answer's content
vector + a per-version offset + noise), queries = an answer's content + noise, all unit-normalised
and rounded to float16 as the encode stage stores them. Query i is relevant to answer i: with 1
relevant candidate per query (version 0) and with 10 (every version), on the same vectors.

Timed, best of --repeats alternated runs (noise on a shared machine only adds time):
- stage: hybridir.evaluate.ranking.rank_in_pool over the pool as the rank job reads it (float16
  shards from disk, blocks of ranking.POOL_CHUNK rows, float32 scores), ranks of the relevant candidates
  under the tie rule;
- raw: torch `queries @ pool.T` then `topk(100)` on the same float32 vectors in memory;
- faiss IndexFlatIP `search(queries, 100)`, where faiss is installed.
Prints the relevant ranks' median and maximum, the share of block scores the stage takes out
for exact placement, the times, and, as the last line, `overhead search <ratio>` (the larger of
the stage / raw ratios with 1 and 10 relevant candidates).

Run: .venv/bin/python perf/search.py [--repeats 5] [--threads 2]
"""

import argparse
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from timing import best_times

from hybridir.evaluate import ranking
from hybridir.evaluate.vectors import VectorShards, write_vectors

QUERIES, ANSWERS, VERSIONS, DIM, TOP_K = 1000, 5000, 10, 384, 100


def unit16(vectors: torch.Tensor) -> np.ndarray:
    """Unit rows rounded to float16 (what the encode stage stores)."""
    return torch.nn.functional.normalize(vectors, dim=1).half().numpy()


def synthetic(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Query vectors (QUERIES x DIM) and candidate vectors (ANSWERS * VERSIONS x DIM, answer-major)."""
    generator = torch.Generator().manual_seed(seed)
    content = torch.randn(ANSWERS, DIM, generator=generator)
    offsets = 0.5 * torch.randn(VERSIONS, DIM, generator=generator)
    candidates = content[:, None, :] + offsets[None] + 2.0 * torch.randn(ANSWERS, VERSIONS, DIM, generator=generator)
    queries = content[:QUERIES] + 2.0 * torch.randn(QUERIES, DIM, generator=generator)
    return unit16(queries), unit16(candidates.reshape(-1, DIM))


def taken_out(queries: torch.Tensor, pool: torch.Tensor, query_index: np.ndarray, targets: np.ndarray) -> float:
    """Share of the score matrix at or above a query's lowest relevant score (what the stage takes out)."""
    scores = queries @ pool.T
    lowest = torch.full((len(queries),), np.inf)
    relevant = scores[torch.as_tensor(query_index), torch.as_tensor(targets)]
    lowest = lowest.scatter_reduce(0, torch.as_tensor(query_index), relevant, reduce="amin")
    return float((scores >= lowest[:, None]).float().mean())


def faiss_search(queries: np.ndarray, pool: np.ndarray) -> Callable[[], object] | None:
    try:
        import faiss
    except ImportError:
        return None
    index = faiss.IndexFlatIP(pool.shape[1])
    index.add(pool)
    return lambda: index.search(queries, TOP_K)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    query16, pool16 = synthetic()
    queries, pool = torch.from_numpy(query16).float(), torch.from_numpy(pool16).float()
    cases = {
        1: (np.arange(QUERIES), np.arange(QUERIES) * VERSIONS),
        10: (np.repeat(np.arange(QUERIES), VERSIONS), np.arange(QUERIES * VERSIONS)),
    }
    with tempfile.TemporaryDirectory() as scratch:
        shards = (pool16[start : start + 65536] for start in range(0, len(pool16), 65536))
        write_vectors(Path(scratch) / "candidates", shards, DIM)
        vectors = VectorShards(Path(scratch) / "candidates")
        ranges = ((0, vectors.rows),)
        functions = {
            f"stage, {relevant} relevant": lambda case=case: ranking.rank_in_pool(queries, vectors, ranges, *case)
            for relevant, case in cases.items()
        }
        functions["raw torch matmul + topk"] = lambda: torch.topk(queries @ pool.T, TOP_K, dim=1)
        faiss_function = faiss_search(query16.astype(np.float32), pool16.astype(np.float32))
        if faiss_function is not None:
            functions["faiss IndexFlatIP"] = faiss_function
        for relevant, case in cases.items():
            ranks, _ = ranking.rank_in_pool(queries, vectors, ranges, *case)
            share = taken_out(queries, pool, *case)
            print(
                f"{relevant} relevant per query: ranks median {np.median(ranks):.0f}, max {ranks.max()}; "
                f"block scores taken out for exact placement: {share:.2%}"
            )
        times = best_times(args.repeats, functions)
    print(f"{QUERIES} queries x {len(pool):,} vectors (dim {DIM}), {args.threads} threads, best of {args.repeats}:")
    for name, seconds in times.items():
        print(f"  {name}: {seconds:.3f} s")
    raw = times["raw torch matmul + topk"]
    ratios = {relevant: times[f"stage, {relevant} relevant"] / raw for relevant in cases}
    for relevant, ratio in ratios.items():
        print(f"stage / raw, {relevant} relevant: {ratio:.2f}")
    print(f"stage 10 relevant / stage 1 relevant: {ratios[10] / ratios[1]:.2f}")
    if "faiss IndexFlatIP" in times:
        print(f"faiss / raw: {times['faiss IndexFlatIP'] / raw:.2f}")
    print(f"overhead search {max(ratios.values()):.2f}")


if __name__ == "__main__":
    main()
