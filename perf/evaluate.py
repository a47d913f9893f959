"""Evaluation speed and agreement with ranx, on a synthetic XQuAD-R-sized run, in one process.

Data: 11 languages x 1,190 questions, one relevant candidate per (question, language), 1,190
candidates per language (13,090 pooled); float32 unit embeddings of dimension 384 with structure:
a question's query and candidates share its content vector (itself near the other questions of
its paragraph), each language adds an offset, and every text adds noise, so relevant ranks
look like a real encoder's. The ranks of the relevant candidates in all three settings (mono 11
pools, cross 110, multi 11 with 11 relevant per query) come from chunked matrix products and
stable sorts (not timed).

1. Time of hybridir's per_query + means (per-combination and macro means, no intervals) against
   ranx `evaluate` (map, recall@1, recall@10, recall@100, ndcg@10 per query) on prebuilt Qrels and
   Run objects, after a warm-up of ranx's numba code on a tiny input; prints both times and the
   ratio, and the largest absolute difference per metric between the two per-query values.
   ranx gets each query's ranking truncated after its lowest-ranked relevant candidate: every
   candidate keeps its position up to there and none of these metrics looks further (recall@100
   counts the hits among the first min(100, length) entries), so their values equal those of
   the full ranking; padding to the top 100 would change nothing. Scores given to ranx descend
   with position, so its ordering is exactly ours.
2. Time of hybridir's aggregate (means and 95% bootstrap intervals) for each --resamples value, and
   of the seed statistics of one encoder (4 strategies, 3 seeds each: 10 runs of this size, the
   multi-bootstrap of every strategy and the comparison of every two) against 10 aggregates.
Each time is the best of --repeats runs; hybridir is timed before ranx's numba threads start.
Peak memory is about 3 GB (mostly the ranx Run of about 6 million entries).

Run: .venv/bin/python perf/evaluate.py [--resamples 1000 10000] [--repeats 3] [--threads 2]
"""

import argparse
import time
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd
import torch
from ranx import Qrels, Run, evaluate

from hybridir.evaluate.aggregate import aggregate
from hybridir.evaluate.cells import means
from hybridir.evaluate.metrics import per_query
from hybridir.evaluate.seeds import seed_statistics
from hybridir.evaluate.significance import compare_strategies
from hybridir.vocabulary import METRICS

LANGUAGES = ("ar", "de", "el", "en", "es", "hi", "ru", "th", "tr", "vi", "zh")
QUESTIONS, PER_PARAGRAPH, DIM = 1190, 5, 384
T = TypeVar("T")
RANX_METRICS = {
    "map": "map",
    "recall@1": "recall_1",
    "recall@10": "recall_10",
    "recall@100": "recall_100",
    "ndcg@10": "ndcg_10",
}


def unit(vectors: torch.Tensor) -> torch.Tensor:
    return vectors / vectors.norm(dim=-1, keepdim=True)


def embeddings(generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Query and candidate vectors, each languages x questions x DIM: per dimension, variance 0.5 from
    the paragraph, 0.3 from the question, 0.2 from the language, 0.1 shared by the query and the
    candidate of one (question, language), 3 from each text's own noise."""

    def part(variance: float, *shape: int) -> torch.Tensor:
        return variance**0.5 * torch.randn(*shape, generator=generator)

    paragraphs = part(0.5, QUESTIONS // PER_PARAGRAPH + 1, DIM).repeat_interleave(PER_PARAGRAPH, 0)[:QUESTIONS]
    shared = paragraphs + part(0.3, QUESTIONS, DIM) + part(0.2, len(LANGUAGES), 1, DIM)
    shared = shared + part(0.1, len(LANGUAGES), QUESTIONS, DIM)
    queries = unit(shared + part(3.0, len(LANGUAGES), QUESTIONS, DIM))
    return queries, unit(shared + part(3.0, len(LANGUAGES), QUESTIONS, DIM))


def rank_pool(queries: torch.Tensor, pool: torch.Tensor, relevant: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Ranks (queries x relevant) of pool rows relevant[i] for query i, ties to the earlier row, and
    each query's ranking up to its lowest-ranked relevant row."""
    ranks, tops = [], []
    for start in range(0, len(queries), 256):
        order = torch.sort(queries[start : start + 256] @ pool.T, dim=1, descending=True, stable=True).indices
        position = torch.empty_like(order).scatter_(1, order, torch.arange(len(pool)).expand_as(order))
        rank = (position.gather(1, torch.as_tensor(relevant[start : start + 256])) + 1).numpy()
        ranks.append(rank)
        tops.extend(row[:depth].copy() for row, depth in zip(order.numpy(), rank.max(axis=1), strict=True))
    return np.concatenate(ranks), tops


def pools() -> list[tuple[str, int, list[int]]]:
    """(setting, query language, pool languages) of every pool."""
    everything = list(range(len(LANGUAGES)))
    found = []
    for query in everything:
        found.append(("mono", query, [query]))
        found.extend(("cross", query, [pool]) for pool in everything if pool != query)
        found.append(("multi", query, everything))
    return found


def synthetic_run(seed: int = 0) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """The `rankings` table of a synthetic run and, per ranx query id, its truncated ranking."""
    queries, candidates = embeddings(torch.Generator().manual_seed(seed))
    candidate_ids = np.array([f"{lang}/c{j:04d}" for lang in LANGUAGES for j in range(QUESTIONS)], dtype=object)
    question = np.arange(QUESTIONS)
    frames, rankings = [], {}
    for setting, query_lang, pool_langs in pools():
        pool = candidates[pool_langs].reshape(-1, DIM)
        relevant = question[:, None] + QUESTIONS * np.arange(len(pool_langs))
        ranks, tops = rank_pool(queries[query_lang], pool, relevant)
        pool_ids = candidate_ids[(QUESTIONS * np.array(pool_langs)[:, None] + question).ravel()]
        pool_name = LANGUAGES[pool_langs[0]] if setting != "multi" else "all"
        query_ids = [f"{LANGUAGES[query_lang]}/{j:04d}" for j in question]
        for query_id, top in zip(query_ids, tops, strict=True):
            rankings[f"{setting} {query_id} {pool_name}"] = pool_ids[top]
        frames.append(
            pd.DataFrame(
                {
                    "setting": setting,
                    "query_id": np.repeat(query_ids, len(pool_langs)),
                    "question_id": np.repeat([f"q{j:04d}" for j in question], len(pool_langs)),
                    "query_lang": LANGUAGES[query_lang],
                    "pool_lang": pool_name,
                    "pool_size": len(pool),
                    "candidate_id": pool_ids[relevant.ravel()],
                    "candidate_lang": np.tile([LANGUAGES[p] for p in pool_langs], QUESTIONS),
                    "relevance": 1,
                    "rank": ranks.ravel(),
                    "score": 0.0,
                }
            )
        )
    return pd.concat(frames, ignore_index=True), rankings


def ranx_inputs(rankings: pd.DataFrame, lists: dict[str, np.ndarray]) -> tuple[Qrels, Run]:
    """ranx Qrels (relevant candidates) and Run (truncated rankings, scores descending with position)."""
    query = rankings["setting"] + " " + rankings["query_id"] + " " + rankings["pool_lang"]
    qrels: dict[str, dict[str, int]] = {}
    for key, candidate, relevance in zip(query, rankings["candidate_id"], rankings["relevance"], strict=True):
        qrels.setdefault(key, {})[candidate] = int(relevance)
    run = {
        key: dict(zip(ids.tolist(), np.arange(len(ids), 0, -1.0).tolist(), strict=True)) for key, ids in lists.items()
    }
    return Qrels(qrels), Run(run)


def warm_up_ranx() -> None:
    qrels = Qrels({f"q{i}": {"a": 2, "b": 1} for i in range(12)})
    run = Run({f"q{i}": {"a": 0.5, "c": 0.9, "b": 0.1} for i in range(12)})
    evaluate(qrels, run, list(RANX_METRICS), return_mean=False, save_results_in_run=False)


def best_of(repeats: int, function: Callable[[], T]) -> tuple[float, T]:
    """The shortest wall time of `repeats` calls of `function`, and its result."""
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resamples", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeats", type=int, default=3, help="each time is the best of this many runs")
    parser.add_argument("--threads", type=int, default=2, help="torch threads for the (untimed) ranking")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rankings, lists = synthetic_run()
    entries = sum(len(ids) for ids in lists.values())
    print(f"rankings: {len(rankings):,} rows; ranx run: {len(lists):,} queries, {entries:,} entries")

    def ours_once() -> tuple[pd.DataFrame, pd.DataFrame]:
        table = per_query(rankings)
        return table, means(table)

    ours, (table, summary) = best_of(args.repeats, ours_once)
    macro = summary[summary["query_lang"] == "macro"].pivot(index="setting", columns="metric", values="value")
    print("macro means of the synthetic run:")
    print(macro[list(METRICS)].round(3).to_string())
    identity = {"encoder": "e", "run": "r", "strategy": "x_x", "alpha": None, "seed": None, "benchmark": "b"}
    runs = {"zero_shot": table} | {f"{s}-s{seed}": table for s in ("x_x", "x_y", "hybrid-a0.5") for seed in (1, 2, 3)}
    for resamples in args.resamples:
        seconds, _ = best_of(args.repeats, lambda n=resamples: aggregate(table, identity, n, seed=0))
        print(f"hybridir aggregate (means and intervals), {resamples} resamples: {seconds:.3f} s")
        seeds, _ = best_of(
            args.repeats, lambda n=resamples: compare_strategies(seed_statistics(runs, "e", n, seed=0), "b")
        )
        print(f"hybridir seed statistics of 10 runs, {resamples} resamples: {seeds:.3f} s")
        print(f"ratio seed statistics / 10 aggregates: {seeds / (10 * seconds):.2f}")

    qrels, run = ranx_inputs(rankings, lists)
    warm_up_ranx()
    metrics = list(RANX_METRICS)
    theirs, scores = best_of(
        args.repeats, lambda: evaluate(qrels, run, metrics, return_mean=False, save_results_in_run=False)
    )
    print(f"hybridir per_query + means: {ours:.3f} s")
    print(f"ranx evaluate:              {theirs:.3f} s")
    print(f"ratio ranx / hybridir: {theirs / ours:.1f}")
    keys = table["setting"] + " " + table["query_id"] + " " + table["pool_lang"]
    mine = table.set_index(keys).loc[list(run.get_query_ids())]
    for name, metric in RANX_METRICS.items():
        difference = np.abs(mine[METRICS[metric].column].to_numpy() - scores[name]).max()
        print(f"max |hybridir - ranx| {name}: {difference:.2e}")


if __name__ == "__main__":
    main()
