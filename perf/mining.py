"""Hard-negative mining in bounded memory: peak RSS of hybridir.fetch.mining (BM25 over a dataset's
own passages, indexed in chunks of hybridir.fetch.mining.CHUNK) on synthetic `qa` tables of
100,000 and 1,000,000 pairs, each with a passage of its own (MFAQ's shape: 3.57M pairs, about as
many answers).

Data (per size): passages of 30 to 90 words drawn from a 50,000-word vocabulary with Zipf-like
frequencies (about 400 characters, an FAQ answer's length), questions of 8 words, 5 of them from
the pair's passage; no answers (MFAQ has none). Each size runs in a fresh process, as a Snakemake
job does, and reports its peak resident set (VmHWM) after building the table and after mining,
and the seconds mining took. Every passage of the table is indexed (chunk by chunk) and searched
from; the questions searched are `--queries` pairs drawn at random (mining every pair costs time
in proportion to pairs x chunk, not memory: a chunk's results are as many rows as its pairs);
`--queries 0` mines every pair with mine_qa, as the fetch job does. Printed: the table's and the
mining's peak RSS at each size and their ratio (1.00 = flat: memory does not grow with the
dataset beyond the table itself), and questions mined per second.

Run: .venv/bin/python perf/mining.py [--sizes 100000 1000000] [--queries 20000] [--count 3] [--chunk N] [--threads 1]
"""

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from hybridir.fetch.mining import CHUNK, mine_negatives, mine_qa
from hybridir.text import text_id


def high_water_mark() -> float:
    """Peak resident set of this process in MiB (Linux VmHWM, which starts afresh at exec)."""
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024


def synthetic_qa(pairs: int, seed: int = 0) -> pd.DataFrame:
    """A `qa` table of `pairs` pairs, one passage each (see the module docstring)."""
    rng = np.random.default_rng(seed)
    vocabulary = np.array([f"w{i}" for i in range(50_000)])
    weights = 1 / np.arange(1, len(vocabulary) + 1)
    weights /= weights.sum()
    lengths = rng.integers(30, 91, size=pairs)
    words = rng.choice(len(vocabulary), size=int(lengths.sum()), p=weights)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    passages, questions = [], []
    for start, length in zip(starts.tolist(), lengths.tolist(), strict=True):
        own = words[start : start + length]
        passages.append(" ".join(vocabulary[own]))
        picked = np.concatenate([rng.choice(own, 5), rng.choice(len(vocabulary), 3, p=weights)])
        questions.append(" ".join(vocabulary[picked]))
    return pd.DataFrame(
        {
            "qa_id": [f"synthetic/{i}" for i in range(pairs)],
            "dataset": "synthetic",
            "lang": "en",
            "question_id": [text_id(q) for q in questions],
            "question": questions,
            "passage_id": [text_id(p) for p in passages],
            "passage": passages,
            "answer": None,
            "negative_passage_ids": [[] for _ in range(pairs)],
            "negative_passages": [[] for _ in range(pairs)],
        }
    )


def mine_sample(qa: pd.DataFrame, queries: int, count: int, chunk: int, threads: int) -> list[list[int]]:
    """mine_negatives over every passage of `qa` for `queries` of its pairs, drawn at random."""
    passages = qa["passage"].tolist()  # one passage per pair, all distinct
    sample = np.sort(np.random.default_rng(1).choice(len(qa), size=min(queries, len(qa)), replace=False))
    questions = qa["question"].to_numpy()[sample].tolist()
    return mine_negatives(questions, sample, [None] * len(sample), passages, count, "en", 0, threads, chunk)


def run_size(pairs: int, queries: int, count: int, chunk: int, threads: int) -> dict[str, float]:
    """In this process: build the table, mine it; peak RSS after each and the mining time."""
    qa = synthetic_qa(pairs)
    table = high_water_mark()
    started = time.perf_counter()
    if queries:
        mined = mine_sample(qa, queries, count, chunk, threads)
    else:
        mined = mine_qa(qa, count, "en", seed=0, threads=threads, chunk=chunk)["negative_passages"].tolist()
    seconds = time.perf_counter() - started
    found = float(np.mean([len(m) for m in mined]))
    return {"table": table, "mining": high_water_mark(), "seconds": seconds, "mined": len(mined), "negatives": found}


def in_fresh_process(pairs: int, queries: int, count: int, chunk: int, threads: int) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", str(pairs), "--queries", str(queries), "--count", str(count)]
    command += ["--chunk", str(chunk), "--threads", str(threads)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{pairs} pairs failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=20_000, help="pairs mined (0: all)")
    parser.add_argument("--count", type=int, default=3, help="negatives mined per pair")
    parser.add_argument("--chunk", type=int, default=CHUNK, help="passages per BM25 index")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(run_size(args.child, args.queries, args.count, args.chunk, args.threads)))
        return
    results = {}
    for size in args.sizes:
        results[size] = in_fresh_process(size, args.queries, args.count, args.chunk, args.threads)
        r = results[size]
        print(
            f"{size:,} pairs: table {r['table']:.0f} MiB, after mining {r['mining']:.0f} MiB; {r['mined']:,} pairs "
            f"mined in {r['seconds']:.0f} s ({r['mined'] / r['seconds']:.0f} pairs/s), {r['negatives']:.2f} negatives "
            "per pair",
            flush=True,
        )
    small, large = args.sizes[0], args.sizes[-1]
    print(f"chunk {args.chunk:,} passages; peak RSS (MiB)  {small:>10,} {large:>10,}   ratio")
    for key in ("table", "mining"):
        before, after = results[small][key], results[large][key]
        print(f"{key:<30} {before:>10.0f} {after:>10.0f}   {after / before:.2f}")
    growth = (results[large]["mining"] - results[large]["table"]) / (results[small]["mining"] - results[small]["table"])
    print(f"mining's own peak RSS (after mining - table), {large:,} / {small:,} pairs: {growth:.2f}")


if __name__ == "__main__":
    main()
