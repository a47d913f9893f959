"""mMARCO-format evaluation in bounded memory: peak RSS of fetch, encode and rank on a synthetic
mMARCO tree of 100,000 and of 1,000,000 passages, and the search's overhead against a raw
matmul + top-1000.

Data (per size, one language, "english"): `data/google/collections/english_collection.tsv`
(pid, passage of 4 to 16 words from a 2,000-word vocabulary), `data/google/queries/dev/
english_queries.dev.small.tsv` (--queries queries of 4 words) and `data/qrels.dev.small.tsv`
(MS MARCO's qid 0 pid 1; one or two relevant passages per query, anywhere in the collection,
each made of its query's words and one more word, so that relevant passages rank high, as
with a real encoder). The encoder is the tests' tiny random BERT (hybridir.demo.tiny, 32 dimensions), so
that 1M passages encode in minutes on 2 cores.

Each stage runs in a fresh process, as a Snakemake job does, through the library calls a stage
script makes: fetch (hybridir.fetch.mmarco streaming the collection into a candidates table in
chunks), encode (float16 vector shards), rank (mono: MRR@10 and Recall@1000 need only the ranks
of the relevant passages). Each reports its peak resident set (VmHWM). Printed: peak RSS per
stage at both sizes and their ratio (1.00 = flat), MRR@10 and Recall@1000 of the tiny encoder
with the relevant ranks and the share of pool scores the search places exactly (its cost grows
with that share: relevant passages ranked deep make it slow),
then, at the larger size and best of --repeats, the rank stage's search (rank_in_pool over the
shards) against `queries @ pool.T` + `topk(1000)` on the same vectors held in memory, and as the
last line `overhead search <ratio>`.

Run: PYTHONPATH=workflow .venv/bin/python perf/mmarco.py [--sizes 100000 1000000] [--queries 200]
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from memory import high_water_mark
from timing import best_times

from hybridir.demo.tiny import build_tiny_encoder
from hybridir.evaluate.encode import EncodingOptions, encode_benchmark
from hybridir.evaluate.metrics import recall_at, reciprocal_rank_at
from hybridir.evaluate.ranking import rank_in_pool
from hybridir.evaluate.search import candidate_chunks, rank_benchmark
from hybridir.evaluate.vectors import VectorShards
from hybridir.fetch.mmarco import mmarco_benchmark
from hybridir.tables import read_table, write_table, write_table_chunks

STAGES, TABLES, TOP_K = ("fetch", "encode", "rank"), ("queries", "qrels", "candidates"), 1000


def write_tree(root: Path, passages: int, queries: int, seed: int = 0) -> None:
    """An mMARCO tree of `passages` passages and `queries` judged queries under `root`."""
    rng = np.random.default_rng(seed)
    vocabulary = np.array([f"w{i:04d}" for i in range(2000)])
    relevant = rng.choice(passages, size=(queries, 2), replace=False)
    counts = rng.integers(1, 3, size=queries)
    query_words = rng.choice(vocabulary, size=(queries, 4))
    opening = {int(relevant[q, j]): " ".join(query_words[q]) for q in range(queries) for j in range(counts[q])}
    (root / "data/google/collections").mkdir(parents=True)
    (root / "data/google/queries/dev").mkdir(parents=True)
    with open(root / "data/google/collections/english_collection.tsv", "w") as collection:
        for start in range(0, passages, 100_000):
            lengths = rng.integers(4, 17, size=min(100_000, passages - start))
            words = rng.choice(vocabulary, size=(len(lengths), 16))
            lines = []
            for offset, (length, row) in enumerate(zip(lengths, words, strict=True)):
                text = " ".join(row[:length])
                if start + offset in opening:
                    text = f"{opening[start + offset]} {row[0]}"
                lines.append(f"{start + offset}\t{text}\n")
            collection.writelines(lines)
    topics = [f"{q}\t{' '.join(query_words[q])}\n" for q in range(queries)]
    (root / "data/google/queries/dev/english_queries.dev.small.tsv").write_text("".join(topics))
    qrels = [f"{q}\t0\t{relevant[q, j]}\t1\n" for q in range(queries) for j in range(counts[q])]
    (root / "data/qrels.dev.small.tsv").write_text("".join(qrels))


def spec(root: Path) -> dict:
    return {
        "name": "m",
        "source": {
            "queries": f"{root}/data/google/queries/dev/{{lang}}_queries.dev.small.tsv",
            "collection": f"{root}/data/google/collections/{{lang}}_collection.tsv",
            "qrels": f"{root}/data/qrels.dev.small.tsv",
        },
        "languages": ["en"],
        "lang_names": {"en": "english"},
        "limit": None,
    }


def run_stage(stage: str, root: Path, model: Path) -> None:
    """One stage, as its script does it, on the tree under `root`."""
    tables = {name: root / f"{name}.parquet" for name in TABLES}
    vectors = {name: root / "embeddings" / name for name in ("queries", "candidates")}
    if stage == "fetch":
        benchmark = mmarco_benchmark(spec(root), seed=0)
        write_table_chunks(benchmark.candidates, tables["candidates"], "candidates")
        write_table(benchmark.queries, tables["queries"], "queries")
        write_table(benchmark.judgements()[0], tables["qrels"], "qrels")
    elif stage == "encode":
        encode_benchmark(str(model), tables, "mmarco", EncodingOptions.from_schema(), vectors, "cpu")
    else:
        queries = read_table(tables["queries"], "queries")
        rankings = rank_benchmark(
            queries,
            candidate_chunks(tables["candidates"]),
            read_table(tables["qrels"], "qrels"),
            VectorShards(vectors["queries"], len(queries)),
            VectorShards(vectors["candidates"]),
            ["mono"],
        )
        write_table(rankings, root / "rankings.parquet", "rankings")


def peak_rss(stage: str, root: Path, model: Path, threads: int) -> float:
    """Peak resident set (MiB) of a fresh process that runs one stage."""
    command = [sys.executable, __file__, "--stage", stage, "--root", str(root), "--model", str(model)]
    started = time.perf_counter()
    result = subprocess.run([*command, "--threads", str(threads)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"stage {stage} failed:\n{result.stderr[-3000:]}")
    peak = float(result.stdout.split()[-1]) / 1024
    print(f"  {stage}: {time.perf_counter() - started:.0f} s, peak RSS {peak:.0f} MiB", flush=True)
    return peak


def ranking_metrics(root: Path) -> str:
    rankings = read_table(root / "rankings.parquet", "rankings")
    query = rankings.groupby("query_id").ngroup().to_numpy()
    rank = rankings["rank"].to_numpy()
    mrr, recall = reciprocal_rank_at(query, rank, 10).mean(), recall_at(query, rank, 1000).mean()
    lowest = rankings.groupby("query_id")["rank"].max()
    share = lowest.sum() / (len(lowest) * rankings["pool_size"].iloc[0])
    return (
        f"MRR@10 {mrr:.3f}, Recall@1000 {recall:.3f}; relevant ranks median {np.median(rank):.0f}, max {rank.max()}; "
        f"pool scores at or above a query's lowest relevant one (placed exactly by the search): {share:.2%}"
    )


def overhead(root: Path, repeats: int) -> dict[str, float]:
    """Best times of the rank stage's search and of a raw matmul + top-1000 on the same vectors."""
    queries = read_table(root / "queries.parquet", "queries")
    qrels = read_table(root / "qrels.parquet", "qrels")
    query_vectors = VectorShards(root / "embeddings" / "queries", len(queries))
    pool = VectorShards(root / "embeddings" / "candidates")
    matrix = torch.from_numpy(query_vectors.read([(0, query_vectors.rows)]))
    in_memory = torch.from_numpy(pool.read([(0, pool.rows)]))
    row_of = {qid: i for i, qid in enumerate(queries["question_id"])}
    query_index = qrels["question_id"].map(row_of).to_numpy()
    targets = qrels["candidate_id"].str.removeprefix("en/").astype(int).to_numpy()

    def raw() -> None:
        for start in range(0, len(matrix), 50):
            torch.topk(matrix[start : start + 50] @ in_memory.T, TOP_K, dim=1)

    functions = {
        "stage search (rank_in_pool, shards)": lambda: rank_in_pool(
            matrix, pool, ((0, pool.rows),), query_index, targets
        ),
        "raw torch matmul + topk(1000)": raw,
    }
    return best_times(repeats, functions)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs=2, default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.stage:
        run_stage(args.stage, args.root, args.model)
        print(high_water_mark())
        return
    peaks: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        words = [f"w{i:04d}" for i in range(2000)]
        model = build_tiny_encoder(words, Path(scratch) / "tiny", vocab_size=2200, dropout=0.0)
        for size in args.sizes:
            root = Path(scratch) / str(size)
            started = time.perf_counter()
            write_tree(root, size, args.queries)
            print(f"{size:,} passages written in {time.perf_counter() - started:.0f} s", flush=True)
            peaks[size] = {stage: peak_rss(stage, root, model, args.threads) for stage in STAGES}
            print(f"{size:,} passages: {ranking_metrics(root)}", flush=True)
        times = overhead(root, args.repeats)
    small, large = args.sizes
    print(f"peak RSS (MiB)   {small:>12,} {large:>12,}   ratio")
    for stage in STAGES:
        print(f"{stage:<16} {peaks[small][stage]:>12.0f} {peaks[large][stage]:>12.0f}   "
              f"{peaks[large][stage] / peaks[small][stage]:.2f}")  # fmt: skip
    print(f"{args.queries} queries x {large:,} passages, {args.threads} threads, best of {args.repeats}:")
    for name, seconds in times.items():
        print(f"  {name}: {seconds:.2f} s")
    print(
        f"overhead search {times['stage search (rank_in_pool, shards)'] / times['raw torch matmul + topk(1000)']:.2f}"
    )


if __name__ == "__main__":
    main()
