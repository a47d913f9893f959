"""Evaluation in bounded memory: peak RSS of fetch, encode and rank on a synthetic MIRACL-format
benchmark of 100,000 and of 1,000,000 passages, and search results against an in-memory ranking.

Data (per size, one language): a gzipped JSONL corpus of passages of 4 to 16 words from a
2,000-word vocabulary (one token each), --queries queries, each with 3 relevant passages anywhere in the corpus and
made of words of the first one (so relevant passages rank high, as with a real encoder), and one
judged non-relevant passage. The encoder is the tests' tiny random BERT (hybridir.demo.tiny, 32
dimensions), so that 1M passages encode in minutes on 2 cores; memory is what is measured.

Each stage runs in a fresh process, as a Snakemake job does, through the same library calls as
the stage's script: fetch (the MIRACL reader streaming the corpus into a candidates table in
chunks), encode (float16 vector shards), rank (shard by shard). Each process reports its peak
resident set (VmHWM). Printed per stage: peak RSS at 100k and at 1M passages and their ratio
(1.00 = flat). Then the ranks of the rank stage are compared with a ranking computed in memory:
all candidate vectors loaded, each query's full score row in one matrix product, candidates
sorted by score cell (floor(score / 1e-6)), then row: the rule of hybridir.evaluate.search.

Run: .venv/bin/python perf/memory.py [--sizes 100000 1000000] [--queries 200] [--threads 2]
"""

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from hybridir.demo.tiny import build_tiny_encoder
from hybridir.evaluate.encode import encode_benchmark
from hybridir.evaluate.options import EncodingOptions
from hybridir.evaluate.ranking import SCORE_RESOLUTION
from hybridir.evaluate.search import candidate_chunks, rank_benchmark
from hybridir.evaluate.vectors import VectorShards
from hybridir.fetch.benchmarks import stream_benchmark
from hybridir.tables import read_table, write_table, write_table_chunks

LANG, SPLIT, STAGES = "sw", "dev", ("fetch", "encode", "rank")
TABLES = ("queries", "qrels", "candidates")


def source(folder: Path) -> dict[str, str]:
    return {
        "topics": f"{folder}/topics.{{lang}}-{{split}}.tsv",
        "qrels": f"{folder}/qrels.{{lang}}-{{split}}.tsv",
        "corpus": f"{folder}/corpus.{{lang}}.jsonl.gz",
    }


def write_benchmark(folder: Path, passages: int, queries: int, seed: int = 0) -> None:
    """A MIRACL-format benchmark of `passages` passages and `queries` queries in `folder`."""
    rng = np.random.default_rng(seed)
    vocabulary = np.array([f"w{i:04d}" for i in range(2000)])
    relevant = rng.choice(passages, size=(queries, 3), replace=False)
    judged_other = rng.choice(passages, size=queries)
    first_words: dict[int, list[str]] = {}
    with gzip.open(folder / f"corpus.{LANG}.jsonl.gz", "wt", compresslevel=1) as corpus:
        for start in range(0, passages, 100_000):
            lengths = rng.integers(4, 17, size=min(100_000, passages - start))
            words = rng.choice(vocabulary, size=(len(lengths), 16))
            lines = []
            for offset, (length, row) in enumerate(zip(lengths, words, strict=True)):
                number = start + offset
                first_words[number] = row[:4].tolist()
                lines.append(
                    json.dumps({"docid": f"{number}#0", "title": f"t{number % 97}", "text": " ".join(row[:length])})
                )
            corpus.write("\n".join(lines) + "\n")
    topics = [f"{q}\t{' '.join(first_words[int(relevant[q, 0])])}" for q in range(queries)]
    (folder / f"topics.{LANG}-{SPLIT}.tsv").write_text("\n".join(topics) + "\n")
    qrels = [f"{q}\tQ0\t{d}#0\t1" for q in range(queries) for d in relevant[q]]
    qrels += [f"{q}\tQ0\t{judged_other[q]}#0\t0" for q in range(queries) if judged_other[q] not in relevant[q]]
    (folder / f"qrels.{LANG}-{SPLIT}.tsv").write_text("\n".join(qrels) + "\n")


def spec(folder: Path) -> dict:
    return {
        "name": "m",
        "format": "miracl",
        "source": source(folder),
        "languages": [LANG],
        "split": SPLIT,
        "limit": None,
        "missing_judged": "error",
    }


def run_stage(stage: str, folder: Path, model: Path) -> None:
    """One stage, as its script does it, on the benchmark in `folder`."""
    tables = {name: folder / f"{name}.parquet" for name in TABLES}
    vectors = {name: folder / "embeddings" / name for name in ("queries", "candidates")}
    if stage == "fetch":
        benchmark = stream_benchmark(spec(folder))
        write_table_chunks(benchmark.candidates, tables["candidates"], "candidates")
        write_table(benchmark.queries, tables["queries"], "queries")
        write_table(benchmark.judgements()[0], tables["qrels"], "qrels")
    elif stage == "encode":
        encode_benchmark(str(model), tables, "miracl", EncodingOptions.from_schema(), vectors, "cpu")
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
        write_table(rankings, folder / "rankings.parquet", "rankings")


def high_water_mark() -> int:
    """Peak resident set of this process in KiB (Linux VmHWM: unlike ru_maxrss, it starts afresh
    at exec, not at the RSS of the parent that forked us)."""
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1])


def peak_rss(stage: str, folder: Path, model: Path, threads: int) -> float:
    """Peak resident set (MiB) of a fresh process that runs one stage."""
    command = [sys.executable, __file__, "--stage", stage, "--folder", str(folder), "--model", str(model)]
    started = time.perf_counter()
    result = subprocess.run([*command, "--threads", str(threads)], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"stage {stage} failed:\n{result.stderr[-3000:]}")
    peak = float(result.stdout.split()[-1]) / 1024
    print(f"  {stage}: {time.perf_counter() - started:.0f} s, peak RSS {peak:.0f} MiB", flush=True)
    return peak


def in_memory_ranks(folder: Path) -> pd.DataFrame:
    """Ranks of the relevant candidates from full score rows held in memory."""
    queries = read_table(folder / "queries.parquet", "queries")
    candidates = read_table(folder / "candidates.parquet", "candidates")
    qrels = read_table(folder / "qrels.parquet", "qrels")
    query_vectors = torch.from_numpy(VectorShards(folder / "embeddings" / "queries").read([(0, len(queries))]))
    pool = VectorShards(folder / "embeddings" / "candidates")
    pool_vectors = torch.from_numpy(pool.read([(0, pool.rows)]))
    scores = (query_vectors @ pool_vectors.T).numpy()
    row_of = pd.Series(np.arange(len(candidates)), index=candidates["candidate_id"])
    found = []
    for q, (query_id, question_id) in enumerate(zip(queries["query_id"], queries["question_id"], strict=True)):
        cells = np.floor(scores[q].astype(np.float64) / SCORE_RESOLUTION)
        order = np.lexsort((np.arange(len(cells)), -cells))
        position = np.empty(len(order), dtype=np.int64)
        position[order] = np.arange(1, len(order) + 1)
        relevant = qrels[(qrels["question_id"] == question_id) & (qrels["relevance"] >= 1)]["candidate_id"]
        found += [(query_id, candidate, int(position[row_of[candidate]])) for candidate in relevant]
    return pd.DataFrame(found, columns=["query_id", "candidate_id", "rank"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs=2, default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    if args.stage:
        run_stage(args.stage, args.folder, args.model)
        print(high_water_mark())
        return
    peaks: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        words = [f"w{i:04d} t{i % 97}" for i in range(2000)]
        model = build_tiny_encoder(words, Path(scratch) / "tiny", vocab_size=2200, dropout=0.0)
        for size in args.sizes:
            folder = Path(scratch) / str(size)
            folder.mkdir()
            started = time.perf_counter()
            write_benchmark(folder, size, args.queries)
            print(f"{size:,} passages written in {time.perf_counter() - started:.0f} s", flush=True)
            peaks[size] = {stage: peak_rss(stage, folder, model, args.threads) for stage in STAGES}
            ours = read_table(folder / "rankings.parquet", "rankings")[["query_id", "candidate_id", "rank"]]
            reference = in_memory_ranks(folder)
            merged = ours.merge(reference, on=["query_id", "candidate_id"], suffixes=("", "_memory"), how="outer")
            same = bool((merged["rank"] == merged["rank_memory"]).all())
            print(f"{size:,} passages: {len(ours)} relevant ranks, identical to the in-memory ranking: {same}")
    small, large = args.sizes
    print(f"peak RSS (MiB)   {small:>12,} {large:>12,}   ratio")
    for stage in STAGES:
        before, after = peaks[small][stage], peaks[large][stage]
        print(f"{stage:<16} {before:>12.0f} {after:>12.0f}   {after / before:.2f}")
    ratio = max(peaks[large][stage] / peaks[small][stage] for stage in STAGES)
    print(f"largest peak RSS ratio {large:,} / {small:,} passages: {ratio:.2f}")


if __name__ == "__main__":
    main()
